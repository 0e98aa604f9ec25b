/* Allocation helpers for a batch tool: running out of memory is not a
 * recoverable condition for one pipeline run, so these print a message and
 * exit(1) instead of returning NULL. Everything else in the code base can
 * then treat allocation as infallible and keep ownership simple. */
#ifndef ATTR_XALLOC_H
#define ATTR_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
/* Grows or shrinks p; xrealloc(NULL, n) == xmalloc(n). */
void *xrealloc(void *p, size_t n);
/* Overflow-checked nmemb * size. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh heap string owned by the caller. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Ensures that array *p of *cap elements of size elem can hold need elements,
 * growing geometrically. */
#define XGROW(p, cap, need)                                                   \
  do {                                                                        \
    if ((size_t)(need) > (cap)) {                                             \
      size_t c_ = (cap) ? (cap) : 16;                                         \
      while (c_ < (size_t)(need))                                             \
        c_ *= 2;                                                              \
      (p) = xreallocarray((p), c_, sizeof(*(p)));                             \
      (cap) = c_;                                                             \
    }                                                                         \
  } while (0)

#endif
