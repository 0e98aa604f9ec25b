/* Record digests by column name (see row_digest.h). */
#include "etl/input/row_digest.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "transforms/base/xalloc.h"

/* qsort has no context argument: the header being sorted, per thread (two
 * readers may set up their digesters at once). */
static _Thread_local const struct etl_record *sort_header;

static int cmp_fields(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  size_t xn = sort_header->lens[x], yn = sort_header->lens[y];
  int c = memcmp(sort_header->fields[x], sort_header->fields[y], xn < yn ? xn : yn);
  if (c == 0 && xn != yn)
    c = xn < yn ? -1 : 1;
  return c ? c : (x < y ? -1 : x > y);
}

/* XXH3's 128-bit hash of data, in its canonical (big-endian) byte order so
 * that a digest means the same on every machine. */
static void digest_of(const void *data, size_t n, unsigned char out[ROW_DIGEST_LEN]) {
  XXH128_canonical_t c;
  XXH128_canonicalFromHash(&c, XXH3_128bits(data, n));
  memcpy(out, c.digest, ROW_DIGEST_LEN);
}

/* Appends n as 4 little-endian bytes (fields are at most 1 MiB). */
static unsigned char *put_len(unsigned char *p, size_t n) {
  p[0] = (unsigned char)n;
  p[1] = (unsigned char)(n >> 8);
  p[2] = (unsigned char)(n >> 16);
  p[3] = (unsigned char)(n >> 24);
  return p + 4;
}

void row_digester_init(struct row_digester *d, const struct etl_record *header) {
  memset(d, 0, sizeof(*d));
  strbuf_init(&d->buf);
  d->nfields = header->nfields;
  d->order = xcalloc(d->nfields + 1, sizeof(*d->order));
  for (size_t i = 0; i < d->nfields; i++)
    d->order[i] = i;
  sort_header = header;
  qsort(d->order, d->nfields, sizeof(*d->order), cmp_fields);
  sort_header = NULL;
  size_t n = 0;
  for (size_t i = 0; i < d->nfields; i++)
    n += 4 + header->lens[i];
  strbuf_grow(&d->buf, n);
  unsigned char *p = (unsigned char *)d->buf.buf;
  for (size_t k = 0; k < d->nfields; k++) {
    size_t i = d->order[k];
    p = put_len(p, header->lens[i]);
    memcpy(p, header->fields[i], header->lens[i]);
    p += header->lens[i];
  }
  d->buf.len = n;
  d->buf.buf[n] = '\0'; /* strbuf_grow left room for it */
  digest_of(d->buf.buf, n, d->schema);
}

void row_digester_row(struct row_digester *d, const struct etl_record *rec,
                      unsigned char out[ROW_DIGEST_LEN]) {
  size_t n = ROW_DIGEST_LEN;
  for (size_t i = 0; i < d->nfields; i++)
    n += 4 + rec->lens[i];
  strbuf_reset(&d->buf);
  strbuf_grow(&d->buf, n);
  unsigned char *p = (unsigned char *)d->buf.buf;
  memcpy(p, d->schema, ROW_DIGEST_LEN);
  p += ROW_DIGEST_LEN;
  for (size_t k = 0; k < d->nfields; k++) {
    size_t i = d->order[k];
    p = put_len(p, rec->lens[i]);
    memcpy(p, rec->fields[i], rec->lens[i]);
    p += rec->lens[i];
  }
  d->buf.len = n;
  d->buf.buf[n] = '\0';
  digest_of(d->buf.buf, n, out);
}

void row_digester_release(struct row_digester *d) {
  free(d->order);
  strbuf_release(&d->buf);
  memset(d, 0, sizeof(*d));
}
