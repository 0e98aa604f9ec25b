/* Two-thread sort, then merge (see psort.h). */
#include "etl/common/psort.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"

/* Below this many elements a second thread costs more than it saves. */
#define PSORT_MIN 65536

struct half {
  void *base;
  size_t n, size;
  int (*cmp)(const void *, const void *);
};

static void *sort_half(void *arg) {
  struct half *h = arg;
  qsort(h->base, h->n, h->size, h->cmp);
  return NULL;
}

/* Merges the sorted runs a[0..na) and b[0..nb) into out; on ties the
 * element of a comes first (stable, though a total order has no ties). */
static void merge(const char *a, size_t na, const char *b, size_t nb, char *out, size_t size,
                  int (*cmp)(const void *, const void *)) {
  while (na && nb) {
    if (cmp(b, a) < 0) {
      memcpy(out, b, size);
      b += size, nb--;
    } else {
      memcpy(out, a, size);
      a += size, na--;
    }
    out += size;
  }
  memcpy(out, a, na * size);
  memcpy(out + na * size, b, nb * size);
}

void psort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *),
           unsigned threads) {
  if (n < 2)
    return;
  size_t left = n / 2;
  struct half first = {base, left, size, cmp};
  pthread_t t;
  if (threads < 2 || n < PSORT_MIN || pthread_create(&t, NULL, sort_half, &first) != 0) {
    qsort(base, n, size, cmp);
    return;
  }
  struct half second = {(char *)base + left * size, n - left, size, cmp};
  sort_half(&second);
  pthread_join(t, NULL);
  char *tmp = xmalloc(n * size);
  merge(base, left, second.base, n - left, tmp, size, cmp);
  memcpy(base, tmp, n * size);
  free(tmp);
}
