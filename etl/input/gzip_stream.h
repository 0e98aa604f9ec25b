/* A gzip (RFC 1952) byte source: inflates another byte source as it is read,
 * never holding the whole file. Several members read as their
 * concatenation; bytes after the last member that do not start another
 * member, a truncated stream and a bad CRC or length are faults
 * (CONTRACT.md §9 "File-level parsing"). Used by etl/input/reader.c and by
 * the driver's check of its gzip outputs (etl/driver/manifest.c). */
#ifndef ATTR_GZIP_STREAM_H
#define ATTR_GZIP_STREAM_H

#include <stddef.h>

#include "etl/input/byte_source.h"

/* True when the bytes start with the gzip magic 1f 8b. */
bool gzip_stream_magic(const void *data, size_t len);

/* A source inflating raw, which it takes over (and frees). The first
 * prefix_len bytes of the compressed stream were already read from raw and
 * are passed in prefix (copied). Never NULL. */
struct byte_source *gzip_stream_new(struct byte_source *raw, const void *prefix, size_t prefix_len);

#endif
