/* The byte-level pieces of the pre-split format (presplit.h) shared by its
 * writer and its parser: varints, strings, frame heads with their CRC-32,
 * the trailer. Internal to etl/input/presplit_*.c. */
#ifndef ATTR_PRESPLIT_FRAME_H
#define ATTR_PRESPLIT_FRAME_H

#include <isa-l/crc.h>
#include <stdint.h>
#include <string.h>

#include "transforms/base/strbuf.h"

#define PRESPLIT_MAGIC "ATTRSPL1"
#define PRESPLIT_END_MAGIC "ATTRSPLE"
#define PRESPLIT_FRAME_HEAD 9u   /* kind, length, CRC */
#define PRESPLIT_TRAILER 24u     /* directory offset, total length, magic */
#define PRESPLIT_FRAME_MAX (1u << 30) /* a frame longer than this is damage */

static inline void put_varint(struct strbuf *b, uint64_t v) {
  unsigned char tmp[10];
  size_t n = 0;
  do {
    unsigned char c = (unsigned char)(v & 0x7f);
    v >>= 7;
    tmp[n++] = v ? (unsigned char)(c | 0x80) : c;
  } while (v);
  strbuf_add(b, tmp, n);
}

static inline void put_string(struct strbuf *b, const char *s, size_t n) {
  put_varint(b, n);
  strbuf_add(b, s, n);
}

static inline void put_double(struct strbuf *b, double d) {
  uint64_t bits;
  unsigned char tmp[8];
  memcpy(&bits, &d, sizeof bits);
  for (int i = 0; i < 8; i++)
    tmp[i] = (unsigned char)(bits >> (8 * i));
  strbuf_add(b, tmp, 8);
}

static inline void put_le(unsigned char *p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; i++)
    p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint64_t get_le(const unsigned char *p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; i++)
    v |= (uint64_t)p[i] << (8 * i);
  return v;
}

/* CRC-32 (gzip's, as zlib's crc32 computes it) of the kind byte and the
 * payload; ISA-L's uses the CPU's carry-less multiply, several times
 * zlib's speed, and the merge checks every byte it replays. */
static inline uint32_t presplit_crc(char kind, const void *payload, size_t len) {
  unsigned char k = (unsigned char)kind;
  uint32_t crc = crc32_gzip_refl(0, &k, 1);
  const unsigned char *p = payload;
  while (len) { /* ISA-L takes a 64-bit length; frames are at most 1 GiB anyway */
    size_t n = len > (1u << 30) ? (1u << 30) : len;
    crc = crc32_gzip_refl(crc, p, (uint64_t)n);
    p += n;
    len -= n;
  }
  return crc;
}

static inline void presplit_frame_head(unsigned char head[PRESPLIT_FRAME_HEAD], char kind,
                                       const void *payload, size_t len) {
  head[0] = (unsigned char)kind;
  put_le(head + 1, len, 4);
  put_le(head + 5, presplit_crc(kind, payload, len), 4);
}

static inline void presplit_trailer(unsigned char t[PRESPLIT_TRAILER], uint64_t dir_off,
                                    uint64_t total) {
  put_le(t, dir_off, 8);
  put_le(t + 8, total, 8);
  memcpy(t + 16, PRESPLIT_END_MAGIC, 8);
}

/* A cursor over a payload: every get_* returns -1 past its end. */
struct presplit_cursor {
  const unsigned char *p, *end;
};

static inline int get_varint(struct presplit_cursor *c, uint64_t *v) {
  uint64_t r = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (c->p >= c->end)
      return -1;
    unsigned char b = *c->p++;
    if (shift == 63 && (b & 0x7e))
      return -1; /* more than 64 bits */
    r |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *v = r;
      return 0;
    }
  }
  return -1;
}

static inline int get_byte(struct presplit_cursor *c, unsigned char *b) {
  if (c->p >= c->end)
    return -1;
  *b = *c->p++;
  return 0;
}

/* A string of the payload, copied (NUL-terminated) into a new allocation
 * by the caller's xstrndup; here only located. */
static inline int get_string(struct presplit_cursor *c, const char **s, size_t *n) {
  uint64_t len;
  if (get_varint(c, &len) != 0 || len > (uint64_t)(c->end - c->p))
    return -1;
  *s = (const char *)c->p;
  *n = (size_t)len;
  c->p += len;
  return 0;
}

static inline int get_double(struct presplit_cursor *c, double *d) {
  if (c->end - c->p < 8)
    return -1;
  uint64_t bits = get_le(c->p, 8);
  memcpy(d, &bits, sizeof bits);
  c->p += 8;
  return 0;
}

#endif
