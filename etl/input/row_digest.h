/* The 128-bit digest of a CSV record by column name, for the re-export rule
 * (contract §1.2: a row equal, field by field compared by column name and
 * raw after unquoting, to the kept row with its key is a re-export). The
 * digest is XXH3's 128-bit hash (libxxhash) of the digest of the file's
 * header names in bytewise order (its "schema", computed once per file)
 * followed by each value with a 4-byte length, in that order. Two records
 * have equal digests when, and (barring a 128-bit collision, about 2^-64
 * for 2^32 rows) only when, they have the same columns holding the same
 * bytes, whatever the column order of their files. A non-cryptographic hash
 * is enough: the digest tells a re-export from a changed row in files the
 * operator supplies, it guards nothing against an adversary (the inputs'
 * own checksums in the manifest stay SHA-256). XXH3 replaced SHA-256 here
 * because a digest per row of every Marketo file made SHA-256, with its
 * set-up per call, a tenth of etl-normalize's CPU time. A digester belongs
 * to one thread (the reader computes digests on the thread that parses
 * ahead). */
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
  struct strbuf buf;
};

/* Sets d up for records under `header`. */
void row_digester_init(struct row_digester *d, const struct etl_record *header);
/* The digest of rec, which must have the header's field count. */
void row_digester_row(struct row_digester *d, const struct etl_record *rec,
                      unsigned char out[ROW_DIGEST_LEN]);
void row_digester_release(struct row_digester *d);

#endif
