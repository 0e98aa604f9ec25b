/* 64-bit keyed hash map (see u64map.h). Keys are mixed with the murmur3
 * finalizer: Marketo ids are nearly sequential, and the identity would
 * fill runs of neighbouring slots. The table grows past 3/4 full (four
 * 16-byte slots share a cache line). */
#include "transforms/base/u64map.h"

#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"

static size_t home(uint64_t key, size_t nslots) { return (size_t)u64map_mix(key) & (nslots - 1); }

static struct u64map_slot *new_slots(size_t n) {
  struct u64map_slot *s = xmalloc(n * sizeof(*s));
  for (size_t i = 0; i < n; i++)
    s[i].key = U64MAP_NO_KEY;
  return s;
}

void u64map_init(struct u64map *m) {
  m->nslots = 1024;
  m->count = 0;
  m->slots = new_slots(m->nslots);
}

void u64map_release(struct u64map *m) {
  free(m->slots);
  memset(m, 0, sizeof(*m));
}

static void grow(struct u64map *m) {
  size_t n = m->nslots * 2;
  struct u64map_slot *slots = new_slots(n);
  for (size_t i = 0; i < m->nslots; i++) {
    if (m->slots[i].key == U64MAP_NO_KEY)
      continue;
    size_t j = home(m->slots[i].key, n);
    while (slots[j].key != U64MAP_NO_KEY)
      j = (j + 1) & (n - 1);
    slots[j] = m->slots[i];
  }
  free(m->slots);
  m->slots = slots;
  m->nslots = n;
}

int u64map_add(struct u64map *m, uint64_t key, uint64_t value, uint64_t *existing) {
  size_t i = home(key, m->nslots);
  while (m->slots[i].key != U64MAP_NO_KEY) {
    if (m->slots[i].key == key) {
      *existing = m->slots[i].value;
      return 0;
    }
    i = (i + 1) & (m->nslots - 1);
  }
  if ((m->count + 1) * 4 > m->nslots * 3) {
    grow(m);
    i = home(key, m->nslots);
    while (m->slots[i].key != U64MAP_NO_KEY)
      i = (i + 1) & (m->nslots - 1);
  }
  m->slots[i].key = key;
  m->slots[i].value = value;
  m->count++;
  return 1;
}

int u64map_get(const struct u64map *m, uint64_t key, uint64_t *value) {
  size_t i = home(key, m->nslots);
  while (m->slots[i].key != U64MAP_NO_KEY) {
    if (m->slots[i].key == key) {
      *value = m->slots[i].value;
      return 1;
    }
    i = (i + 1) & (m->nslots - 1);
  }
  return 0;
}

int u64dense_build(struct u64dense *d, const struct u64map *m) {
  memset(d, 0, sizeof(*d));
  if (m->count == 0)
    return 0;
  uint64_t lo = UINT64_MAX - 1, hi = 0;
  for (size_t i = 0; i < m->nslots; i++) {
    if (m->slots[i].key == U64MAP_NO_KEY)
      continue;
    if (m->slots[i].key < lo)
      lo = m->slots[i].key;
    if (m->slots[i].key > hi)
      hi = m->slots[i].key;
  }
  uint64_t span = hi - lo + 1;
  if (span > (uint64_t)m->count * 4 || span >= (1u << 28))
    return 0;
  d->first = lo;
  d->n = (size_t)span;
  d->value = xmalloc(d->n * sizeof(*d->value));
  memset(d->value, 0xff, d->n * sizeof(*d->value));
  for (size_t i = 0; i < m->nslots; i++)
    if (m->slots[i].key != U64MAP_NO_KEY)
      d->value[m->slots[i].key - lo] = (uint32_t)m->slots[i].value;
  return 1;
}

void u64dense_release(struct u64dense *d) {
  free(d->value);
  memset(d, 0, sizeof(*d));
}

int u64_canonical_decimal(const char *s, size_t n, uint64_t *value) {
  if (n == 0 || n > 18 || (s[0] == '0' && n > 1))
    return 0;
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned d = (unsigned char)s[i] - '0';
    if (d > 9)
      return 0;
    v = v * 10 + d;
  }
  *value = v;
  return 1;
}
