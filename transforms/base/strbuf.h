/* A growable byte buffer, always NUL-terminated, for building fields, lines
 * and messages (modelled on git's strbuf). Allocation failure exits (see
 * xalloc.h). _init sets up, _release frees the contents. */
#ifndef ATTR_STRBUF_H
#define ATTR_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
  char *buf; /* always NUL-terminated once initialized */
  size_t len;
  size_t cap;
};

#define STRBUF_INIT {NULL, 0, 0}

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addc(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* Returns the buffer (caller owns it, free()) and resets sb. */
char *strbuf_detach(struct strbuf *sb);
/* buf as a C string, "" for a never-grown buffer. */
static inline const char *strbuf_str(const struct strbuf *sb) { return sb->buf ? sb->buf : ""; }

#endif
