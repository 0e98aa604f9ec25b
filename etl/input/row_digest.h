/* The 128-bit digest of a CSV record by column name, for the re-export rule
 * (contract §1.2: a row equal, field by field compared by column name and
 * raw after unquoting, to the kept row with its key is a re-export). The
 * digest is SHA-256, cut to 16 bytes, of the digest of the file's header
 * names in bytewise order (its "schema", computed once per file) followed
 * by each value with a 4-byte length, in that order. Two records have equal
 * digests when, and (barring a SHA-256 collision) only when, they have the
 * same columns holding the same bytes, whatever the column order of their
 * files. A digester belongs to one thread (the reader computes digests on
 * the thread that parses ahead). */
#ifndef ATTR_ROW_DIGEST_H
#define ATTR_ROW_DIGEST_H

#include <stddef.h>

#include "etl/input/reader.h"
#include "transforms/base/strbuf.h"

#define ROW_DIGEST_LEN 16

struct row_digester {
  size_t nfields;
  size_t *order;  /* header fields in bytewise order of their names */
  unsigned char schema[ROW_DIGEST_LEN];
  void *ctx;      /* libcrypto EVP_MD_CTX */
  void *sha256;   /* EVP_MD, fetched once (EVP_sha256() looks it up, under a lock, every time) */
  struct strbuf buf;
};

/* Sets d up for records under `header`. Exits if libcrypto cannot provide
 * SHA-256 (like an allocation failure). */
void row_digester_init(struct row_digester *d, const struct etl_record *header);
/* The digest of rec, which must have the header's field count. */
void row_digester_row(struct row_digester *d, const struct etl_record *rec,
                      unsigned char out[ROW_DIGEST_LEN]);
void row_digester_release(struct row_digester *d);

#endif
