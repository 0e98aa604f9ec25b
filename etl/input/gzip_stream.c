/* gzip byte source over ISA-L's igzip inflate (isal_inflate with the
 * ISAL_GZIP wrapper: it parses each member's header and checks its CRC-32
 * and length); see gzip_stream.h. ISA-L inflates 2-3 x faster than zlib on
 * the benchmark's exports. This file adds member chaining, the checks at the
 * end of the stream and zlib's wording of every fault, so that messages do
 * not depend on the library.
 *
 * ISA-L reads its input ahead in 8-byte words and may keep a few bytes in
 * its own buffer, but the bytes it has consumed always end at next_in. The
 * input buffer therefore keeps HEADROOM consumed bytes in front of next_in
 * when it is refilled, so that after a failed trailer check the trailer can
 * be read back (the 8 bytes before next_in) to say which check failed. */
#include "etl/input/gzip_stream.h"

#include <isa-l/igzip_lib.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"

#define GZ_IN_SIZE (128u * 1024u)
#define HEADROOM 16u /* consumed bytes kept in front of next_in */

struct gzip_stream {
  struct byte_source base;
  struct byte_source *raw;
  struct inflate_state st;
  unsigned char *inbuf; /* HEADROOM bytes, then inbuf_size bytes of input */
  size_t inbuf_size;
  bool raw_eof;
  bool member_ended; /* the last isal_inflate() call finished a member */
  bool done;         /* clean end: no member follows */
};

bool gzip_stream_magic(const void *data, size_t len) {
  const unsigned char *p = data;
  return len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/* Moves unconsumed input (and up to HEADROOM consumed bytes before it) to
 * the front of inbuf and reads from raw until at least `want` bytes are
 * available or raw ends. */
static int refill(struct gzip_stream *g, size_t want, struct strbuf *err) {
  unsigned char *data = g->inbuf + HEADROOM;
  size_t avail = g->st.avail_in;
  size_t before = (size_t)(g->st.next_in - g->inbuf);
  size_t keep = before < HEADROOM ? before : HEADROOM;
  if (g->st.next_in != data)
    memmove(data - keep, g->st.next_in - keep, keep + avail);
  while (avail < want && !g->raw_eof) {
    size_t room = g->inbuf_size - avail;
    if (room > UINT32_MAX - avail)
      room = UINT32_MAX - avail;
    ssize_t n = byte_source_read(g->raw, data + avail, room, err);
    if (n < 0)
      return -1;
    if (n == 0)
      g->raw_eof = true;
    avail += (size_t)n;
  }
  g->st.next_in = data;
  g->st.avail_in = (uint32_t)avail;
  return 0;
}

/* After a member: either the input ends (clean end) or another member
 * starts; anything else is trailing garbage. */
static int next_member(struct gzip_stream *g, struct strbuf *err) {
  if (g->st.avail_in < 2 && refill(g, 2, err) < 0)
    return -1;
  if (g->st.avail_in == 0) {
    g->done = true;
    return 0;
  }
  if (!gzip_stream_magic(g->st.next_in, g->st.avail_in)) {
    strbuf_addf(err, "trailing data after the last gzip member");
    return -1;
  }
  isal_inflate_reset(&g->st);
  g->st.crc_flag = ISAL_GZIP;
  g->member_ended = false;
  return 0;
}

static uint32_t le32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* zlib's words for an ISA-L fault. */
static const char *fault_text(const struct gzip_stream *g, int rc) {
  switch (rc) {
  case ISAL_INVALID_BLOCK:
    return "invalid block type";
  case ISAL_INVALID_SYMBOL:
    return "invalid code";
  case ISAL_INVALID_LOOKBACK:
    return "invalid distance too far back";
  case ISAL_INVALID_WRAPPER:
    return "incorrect header check";
  case ISAL_UNSUPPORTED_METHOD:
    return "unknown compression method";
  case ISAL_INCORRECT_CHECKSUM:
    /* The trailer check sets ISAL_BLOCK_FINISH before comparing; before
     * it, the failed checksum is the header's CRC-16. */
    if (g->st.block_state != ISAL_BLOCK_FINISH)
      return "header crc mismatch";
    return le32(g->st.next_in - 8) != g->st.crc ? "incorrect data check" : "incorrect length check";
  default:
    return "invalid stream";
  }
}

/* One isal_inflate() step; -1 with a message on a fault. */
static int inflate_step(struct gzip_stream *g, struct strbuf *err) {
  if (g->st.avail_in == 0 && !g->raw_eof && refill(g, 1, err) < 0)
    return -1;
  uint32_t in_before = g->st.avail_in, out_before = g->st.avail_out;
  int rc = isal_inflate(&g->st);
  g->base.in += in_before - g->st.avail_in;
  if (rc < 0) {
    strbuf_addf(err, "corrupt gzip data (%s)", fault_text(g, rc));
    return -1;
  }
  if (g->st.block_state == ISAL_BLOCK_FINISH) {
    g->member_ended = true;
    return 0;
  }
  bool moved = g->st.avail_in != in_before || g->st.avail_out != out_before;
  if (!moved && g->st.avail_in == 0 && g->raw_eof) {
    strbuf_addf(err, "truncated gzip stream (unexpected end of file)");
    return -1;
  }
  if (!moved && g->st.avail_in > 0) { /* never seen; guards against a loop */
    strbuf_addf(err, "corrupt gzip data (invalid stream)");
    return -1;
  }
  return 0;
}

static ssize_t gz_read(struct byte_source *s, void *buf, size_t cap, struct strbuf *err) {
  struct gzip_stream *g = (struct gzip_stream *)s;
  if (cap > UINT32_MAX)
    cap = UINT32_MAX;
  g->st.next_out = buf;
  g->st.avail_out = (uint32_t)cap;
  while (!g->done && g->st.avail_out == cap) {
    int rc = g->member_ended ? next_member(g, err) : inflate_step(g, err);
    if (rc < 0) {
      g->st.next_out = NULL;
      g->st.avail_out = 0;
      return -1;
    }
  }
  size_t produced = cap - g->st.avail_out;
  g->st.next_out = NULL;
  g->st.avail_out = 0;
  s->out += produced;
  return (ssize_t)produced;
}

static void gz_free(struct byte_source *s) {
  struct gzip_stream *g = (struct gzip_stream *)s;
  byte_source_free(g->raw);
  free(g->inbuf);
  free(g);
}

static const struct byte_source_ops gz_ops = {gz_read, gz_free};

struct byte_source *gzip_stream_new(struct byte_source *raw, const void *prefix, size_t prefix_len) {
  struct gzip_stream *g = xcalloc(1, sizeof(*g));
  g->base.ops = &gz_ops;
  g->base.compressed = true;
  g->raw = raw;
  g->inbuf_size = prefix_len > GZ_IN_SIZE ? prefix_len : GZ_IN_SIZE;
  g->inbuf = xmalloc(HEADROOM + g->inbuf_size);
  if (prefix_len > 0)
    memcpy(g->inbuf + HEADROOM, prefix, prefix_len);
  isal_inflate_init(&g->st);
  g->st.crc_flag = ISAL_GZIP;
  g->st.next_in = g->inbuf + HEADROOM;
  g->st.avail_in = (uint32_t)prefix_len;
  return &g->base;
}
