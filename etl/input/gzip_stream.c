/* gzip byte source over zlib's inflate; see gzip_stream.h. zlib checks each
 * member's CRC-32 and length (windowBits 16 + 15 = gzip wrapper only); this
 * file adds member chaining and the checks at the end of the stream. */
#include "etl/input/gzip_stream.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "transforms/base/xalloc.h"

#define GZ_IN_SIZE (128u * 1024u)

struct gzip_stream {
  struct byte_source base;
  struct byte_source *raw;
  z_stream zs;
  unsigned char *inbuf;
  size_t inbuf_size;
  bool raw_eof;
  bool member_ended; /* the last inflate() call finished a member */
  bool done;         /* clean end: no member follows */
};

bool gzip_stream_magic(const void *data, size_t len) {
  const unsigned char *p = data;
  return len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/* Moves unconsumed input to the front of inbuf and reads from raw until at
 * least `want` bytes are available or raw ends. */
static int refill(struct gzip_stream *g, size_t want, struct strbuf *err) {
  size_t avail = g->zs.avail_in;
  if (avail > 0 && g->zs.next_in != g->inbuf)
    memmove(g->inbuf, g->zs.next_in, avail);
  while (avail < want && !g->raw_eof) {
    ssize_t n = byte_source_read(g->raw, g->inbuf + avail, g->inbuf_size - avail, err);
    if (n < 0)
      return -1;
    if (n == 0)
      g->raw_eof = true;
    avail += (size_t)n;
  }
  g->zs.next_in = g->inbuf;
  g->zs.avail_in = (uInt)avail;
  return 0;
}

/* After a member: either the input ends (clean end) or another member
 * starts; anything else is trailing garbage. */
static int next_member(struct gzip_stream *g, struct strbuf *err) {
  if (g->zs.avail_in < 2 && refill(g, 2, err) < 0)
    return -1;
  if (g->zs.avail_in == 0) {
    g->done = true;
    return 0;
  }
  if (!gzip_stream_magic(g->zs.next_in, g->zs.avail_in)) {
    strbuf_addf(err, "trailing data after the last gzip member");
    return -1;
  }
  inflateReset(&g->zs);
  g->member_ended = false;
  return 0;
}

/* One inflate() step; -1 with a message on a fault. */
static int inflate_step(struct gzip_stream *g, struct strbuf *err) {
  if (g->zs.avail_in == 0) {
    if (refill(g, 1, err) < 0)
      return -1;
    if (g->zs.avail_in == 0) {
      strbuf_addf(err, "truncated gzip stream (unexpected end of file)");
      return -1;
    }
  }
  uInt before = g->zs.avail_in;
  int rc = inflate(&g->zs, Z_NO_FLUSH);
  g->base.in += before - g->zs.avail_in;
  switch (rc) {
  case Z_STREAM_END:
    g->member_ended = true;
    return 0;
  case Z_OK:
    return 0;
  case Z_MEM_ERROR:
    strbuf_addf(err, "out of memory inflating gzip data");
    return -1;
  default: /* Z_DATA_ERROR (bad data, CRC, length), Z_NEED_DICT, Z_BUF_ERROR */
    strbuf_addf(err, "corrupt gzip data (%s)", g->zs.msg ? g->zs.msg : "invalid stream");
    return -1;
  }
}

static ssize_t gz_read(struct byte_source *s, void *buf, size_t cap, struct strbuf *err) {
  struct gzip_stream *g = (struct gzip_stream *)s;
  if (cap > UINT_MAX)
    cap = UINT_MAX;
  g->zs.next_out = buf;
  g->zs.avail_out = (uInt)cap;
  while (!g->done && g->zs.avail_out == cap) {
    int rc = g->member_ended ? next_member(g, err) : inflate_step(g, err);
    if (rc < 0) {
      g->zs.next_out = NULL;
      g->zs.avail_out = 0;
      return -1;
    }
  }
  size_t produced = cap - g->zs.avail_out;
  g->zs.next_out = NULL;
  g->zs.avail_out = 0;
  s->out += produced;
  return (ssize_t)produced;
}

static void gz_free(struct byte_source *s) {
  struct gzip_stream *g = (struct gzip_stream *)s;
  inflateEnd(&g->zs);
  byte_source_free(g->raw);
  free(g->inbuf);
  free(g);
}

static const struct byte_source_ops gz_ops = {gz_read, gz_free};

struct byte_source *gzip_stream_new(struct byte_source *raw, const void *prefix, size_t prefix_len,
                                    struct strbuf *err) {
  struct gzip_stream *g = xcalloc(1, sizeof(*g));
  g->base.ops = &gz_ops;
  g->base.compressed = true;
  g->raw = raw;
  g->inbuf_size = prefix_len > GZ_IN_SIZE ? prefix_len : GZ_IN_SIZE;
  g->inbuf = xmalloc(g->inbuf_size);
  if (prefix_len > 0)
    memcpy(g->inbuf, prefix, prefix_len);
  g->zs.next_in = g->inbuf;
  g->zs.avail_in = (uInt)prefix_len;
  int rc = inflateInit2(&g->zs, 16 + MAX_WBITS);
  if (rc != Z_OK) {
    strbuf_addf(err, "cannot initialize zlib: %s", g->zs.msg ? g->zs.msg : zError(rc));
    free(g->inbuf);
    free(g);
    return NULL;
  }
  return &g->base;
}
