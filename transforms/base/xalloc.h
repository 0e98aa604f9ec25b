/* Allocation helpers for a batch tool: running out of memory is not a
 * recoverable condition for one pipeline run, so these never return NULL.
 * A failed allocation goes down one path, xalloc_failed(), which calls the
 * handler the program installed (etl/common/program.c prints a message and
 * exits with the out-of-memory code); this library never exits by itself:
 * without a handler, or if the handler returns, it aborts. Everything else
 * in the code base can then treat allocation as infallible and keep
 * ownership simple. */
#ifndef ATTR_XALLOC_H
#define ATTR_XALLOC_H

#include <stddef.h>

/* Called with the size that could not be allocated; should not return. */
typedef void (*xalloc_failure_fn)(size_t n);
/* Installs the failure handler (once, at program start; NULL: none). */
void xalloc_set_failure_handler(xalloc_failure_fn fn);
/* The one out-of-memory path, also for memory other libraries failed to
 * allocate (PCRE2): calls the handler, then aborts. Never returns. */
void xalloc_failed(size_t n) __attribute__((noreturn));

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
