/* psort (etl/common/psort.h) gives exactly qsort's order, on one and two
 * threads, for sizes around its threshold and for many repeated keys (the
 * touches of one person), and leaves tiny arrays alone. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "etl/common/psort.h"
#include "tests/unit/check.h"

struct item {
  uint32_t key; /* few distinct values: long runs of equal keys */
  uint32_t pad;
  uint64_t id; /* unique: the order is total */
};

static int cmp_item(const void *a, const void *b) {
  const struct item *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return (x->id > y->id) - (x->id < y->id);
}

static uint64_t next(uint64_t *s) {
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return *s >> 17;
}

static void check_size(size_t n, uint32_t keys, uint64_t seed) {
  struct item *a = calloc(n ? n : 1, sizeof *a), *b = calloc(n ? n : 1, sizeof *b);
  for (size_t i = 0; i < n; i++) {
    a[i].key = (uint32_t)(next(&seed) % keys);
    a[i].id = (next(&seed) << 20) ^ i; /* unique through the low bits */
  }
  memcpy(b, a, n * sizeof *a);
  qsort(b, n, sizeof *b, cmp_item);
  for (unsigned threads = 1; threads <= 2; threads++) {
    struct item *c = malloc((n ? n : 1) * sizeof *c);
    memcpy(c, a, n * sizeof *a);
    psort(c, n, sizeof *c, cmp_item, threads);
    CHECK(memcmp(c, b, n * sizeof *c) == 0);
    free(c);
  }
  free(a);
  free(b);
}

int main(void) {
  static const size_t sizes[] = {0, 1, 2, 3, 100, 65535, 65536, 65537, 300001};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    check_size(sizes[i], 7, 1000 + i);
    check_size(sizes[i], 1000000, 2000 + i);
  }
  /* already sorted and reversed input */
  size_t n = 100000;
  struct item *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
  for (size_t i = 0; i < n; i++)
    a[i] = (struct item){(uint32_t)(i / 10), 0, i};
  memcpy(b, a, n * sizeof *a);
  psort(b, n, sizeof *b, cmp_item, 2);
  CHECK(memcmp(a, b, n * sizeof *a) == 0);
  for (size_t i = 0; i < n; i++)
    b[i] = a[n - 1 - i];
  psort(b, n, sizeof *b, cmp_item, 2);
  CHECK(memcmp(a, b, n * sizeof *a) == 0);
  free(a);
  free(b);
  return check_exit();
}
