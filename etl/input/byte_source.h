/* A pull stream of bytes under the CSV reader: a file descriptor, a memory
 * buffer, a gzip stream over another source (gzip_stream.h) or an archive
 * entry (archive_entry.h). The reader only sees this interface, so the
 * limits of CONTRACT.md §9 "File-level parsing" (max_input_bytes,
 * max_expand_ratio) are enforced in one place from the counters below.
 * Used by etl/input/reader.c and its helpers, and by the driver's check of
 * the gzip outputs (etl/driver/manifest.c), so that one gzip decoder reads
 * every gzip file. */
#ifndef ATTR_BYTE_SOURCE_H
#define ATTR_BYTE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "transforms/base/strbuf.h"

struct byte_source;

struct byte_source_ops {
  /* Reads up to cap bytes into buf: returns > 0 bytes, 0 at the end, or -1
   * with a message (without the source name) appended to err. */
  ssize_t (*read)(struct byte_source *s, void *buf, size_t cap, struct strbuf *err);
  /* Frees the source and everything it owns. */
  void (*free)(struct byte_source *s);
};

struct byte_source {
  const struct byte_source_ops *ops;
  uint64_t in;     /* bytes consumed from the file (compressed bytes) */
  uint64_t out;    /* bytes produced so far */
  bool compressed; /* the expansion ratio applies (gzip, archive entry) */
};

/* Reads from fd, which the source owns and closes. Never NULL. */
struct byte_source *byte_source_fd(int fd);
/* Reads the buffer, which must outlive the source. Never NULL. */
struct byte_source *byte_source_memory(const void *data, size_t len);

/* Passes every chunk read from inner to fn(arg, chunk, n) before handing it
 * on (the driver hashes a file's raw bytes while inflating it). Takes
 * ownership of inner. Never NULL. */
struct byte_source *byte_source_tap(struct byte_source *inner,
                                    void (*fn)(void *arg, const void *data, size_t n), void *arg);

/* Reads until cap bytes or the end: returns the count (< cap only at the
 * end) or -1 with a message in err. */
ssize_t byte_source_fill(struct byte_source *s, void *buf, size_t cap, struct strbuf *err);

static inline ssize_t byte_source_read(struct byte_source *s, void *buf, size_t cap,
                                       struct strbuf *err) {
  return s->ops->read(s, buf, cap, err);
}

/* NULL is a no-op. */
void byte_source_free(struct byte_source *s);

#endif
