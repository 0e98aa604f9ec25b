/* UTF-8 validation and repair (see utf8.h). The decoder follows the
 * well-formed byte sequences of Unicode Table 3-7: after a lead byte each
 * continuation byte has an allowed range (E0 needs A0-BF next, ED 80-9F,
 * F0 90-BF, F4 80-8F, the others 80-BF). The maximal subpart of an
 * ill-formed sequence is the lead byte plus the continuation bytes that were
 * still acceptable; the byte that broke the sequence is decoded afresh. */
#include "transforms/utf8.h"

#include <stdint.h>
#include <string.h>

#define HIGH_BITS UINT64_C(0x8080808080808080)

/* Number of valid bytes of the sequence at s[0..n): its full length when it
 * is well formed, else 0, with *subpart set to the length of its maximal
 * invalid subpart (>= 1). */
static size_t sequence(const unsigned char *s, size_t n, size_t *subpart) {
  unsigned char b = s[0];
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF)
    len = 2;
  else if (b >= 0xE0 && b <= 0xEF) {
    len = 3;
    lo = b == 0xE0 ? 0xA0 : 0x80;
    hi = b == 0xED ? 0x9F : 0xBF;
  } else if (b >= 0xF0 && b <= 0xF4) {
    len = 4;
    lo = b == 0xF0 ? 0x90 : 0x80;
    hi = b == 0xF4 ? 0x8F : 0xBF;
  } else {
    *subpart = 1; /* 80-C1, F5-FF: never a lead byte */
    return 0;
  }
  size_t i = 1;
  for (; i < len && i < n; i++) {
    unsigned char c = s[i];
    if (c < lo || c > hi)
      break;
    lo = 0x80;
    hi = 0xBF;
  }
  if (i == len)
    return len;
  *subpart = i;
  return 0;
}

size_t utf8_char_len(const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  size_t subpart;
  return s[0] < 0x80 ? 1 : sequence(s, n, &subpart);
}

size_t utf8_valid_prefix(const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < n) {
    /* ASCII fast path: eight bytes at a time while no high bit is set. */
    while (i + 8 <= n) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (w & HIGH_BITS)
        break;
      i += 8;
    }
    if (i == n)
      break;
    if (s[i] < 0x80) {
      i++;
      continue;
    }
    size_t sub, len = sequence(s + i, n - i, &sub);
    if (len == 0)
      return i;
    i += len;
  }
  return n;
}

size_t utf8_repair(const char *str, size_t n, struct strbuf *out) {
  const unsigned char *s = (const unsigned char *)str;
  size_t replaced = 0;
  size_t i = 0;
  while (i < n) {
    size_t good = utf8_valid_prefix(str + i, n - i);
    strbuf_add(out, str + i, good);
    i += good;
    if (i == n)
      break;
    size_t sub = 1; /* set by sequence(); initialized for -O2's maybe-uninitialized */
    sequence(s + i, n - i, &sub);
    strbuf_adds(out, UTF8_REPLACEMENT);
    replaced++;
    i += sub;
  }
  return replaced;
}
