/* Growable buffer (see strbuf.h). */
#include "transforms/base/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"

void strbuf_init(struct strbuf *sb) {
  sb->buf = NULL;
  sb->len = sb->cap = 0;
}

void strbuf_release(struct strbuf *sb) {
  free(sb->buf);
  strbuf_init(sb);
}

void strbuf_reset(struct strbuf *sb) {
  sb->len = 0;
  if (sb->buf)
    sb->buf[0] = '\0';
}

void strbuf_grow(struct strbuf *sb, size_t extra) {
  size_t need = sb->len + extra + 1;
  if (need <= sb->cap)
    return;
  size_t cap = sb->cap ? sb->cap : 64;
  while (cap < need)
    cap *= 2;
  sb->buf = xrealloc(sb->buf, cap);
  sb->cap = cap;
  sb->buf[sb->len] = '\0';
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len) {
  strbuf_grow(sb, len);
  if (len)
    memcpy(sb->buf + sb->len, data, len);
  sb->len += len;
  sb->buf[sb->len] = '\0';
}

void strbuf_adds(struct strbuf *sb, const char *s) { strbuf_add(sb, s, strlen(s)); }

void strbuf_addc(struct strbuf *sb, char c) {
  strbuf_grow(sb, 1);
  sb->buf[sb->len++] = c;
  sb->buf[sb->len] = '\0';
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap) {
  va_list cp;
  va_copy(cp, ap);
  int n = vsnprintf(NULL, 0, fmt, cp);
  va_end(cp);
  if (n <= 0)
    return;
  strbuf_grow(sb, (size_t)n);
  vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
  sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  strbuf_vaddf(sb, fmt, ap);
  va_end(ap);
}

char *strbuf_detach(struct strbuf *sb) {
  if (!sb->buf)
    strbuf_grow(sb, 0);
  char *b = sb->buf;
  strbuf_init(sb);
  return b;
}
