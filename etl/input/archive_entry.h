/* The entries of a CRM archive (.zip through its central directory, .tar,
 * .tar.gz/.tgz; detected by content) read with libarchive without
 * extracting: listing the regular files, and opening one entry as a byte
 * source that streams its data. Opening an entry re-opens the archive and
 * skips to it, so each entry reader owns its own handle. Entry names are
 * only compared, never used as paths. Internal to etl/input/reader.c. */
#ifndef ATTR_ARCHIVE_ENTRY_H
#define ATTR_ARCHIVE_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "etl/input/byte_source.h"
#include "etl/input/reader.h"
#include "transforms/base/strbuf.h"

/* Where an archive lives: a file (path) or a memory buffer (data, len; it
 * must outlive every source opened from it). name is the base name used in
 * messages. */
struct etl_archive_origin {
  const char *path;
  const void *data;
  size_t len;
  const char *name;
};

/* One regular-file entry: its path inside the archive, its ordinal among
 * all headers of the archive (directories included) and its uncompressed
 * size as the archive states it (0 when the archive does not say). */
struct etl_archive_member {
  char *path;
  size_t ordinal;
  uint64_t size;
};

/* Lists the regular-file entries in archive order. Returns 0 with *members
 * (*n of them; free with etl_archive_members_free) or -1 with
 * "<name>: <what>" in err (not an archive, corrupt, truncated, or a
 * compressed stream expanding past max_expand_ratio while skipping). */
int etl_archive_list(const struct etl_archive_origin *o, const struct etl_input_opts *opts,
                     struct etl_archive_member **members, size_t *n, struct strbuf *err);
void etl_archive_members_free(struct etl_archive_member *members, size_t n);

/* Re-opens the archive and positions it at member m. Returns a byte source
 * of the entry's data (the caller frees it; it does not refer to o after
 * the call unless o is in memory), or NULL with "<name>: <what>" in err.
 * The source counts in = compressed bytes consumed from the archive file
 * since the entry's data started (libarchive's archive_filter_bytes(a, -1)
 * delta), out = entry bytes produced. */
struct byte_source *etl_archive_open_member(const struct etl_archive_origin *o,
                                            const struct etl_archive_member *m,
                                            const struct etl_input_opts *opts,
                                            struct strbuf *err);

#endif
