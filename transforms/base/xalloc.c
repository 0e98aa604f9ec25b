/* Out-of-memory policy in one place (see xalloc.h): one failure path,
 * whose handler the program installs. */
#include "transforms/base/xalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static xalloc_failure_fn failure_handler;

void xalloc_set_failure_handler(xalloc_failure_fn fn) { failure_handler = fn; }

void xalloc_failed(size_t n) {
  if (failure_handler)
    failure_handler(n);
  fprintf(stderr, "fatal: out of memory allocating %zu bytes\n", n);
  abort();
}

static void oom(size_t n) { xalloc_failed(n); }

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p)
    oom(n);
  return p;
}

void *xcalloc(size_t nmemb, size_t size) {
  void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
  if (!p)
    oom(nmemb * size);
  return p;
}

void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q)
    oom(n);
  return q;
}

void *xreallocarray(void *p, size_t nmemb, size_t size) {
  if (size && nmemb > SIZE_MAX / size)
    oom(SIZE_MAX);
  return xrealloc(p, nmemb * size);
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xstrndup(const char *s, size_t n) {
  size_t len = strnlen(s, n);
  char *p = xmalloc(len + 1);
  memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

char *xasprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    oom(0);
  char *s = xmalloc((size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return s;
}
