/* 32-bit to 32-bit hash map (see idmap.h). */
#include "transforms/base/idmap.h"

#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"

static size_t slot_of(uint32_t key, size_t nslots) {
  uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ULL;
  return (size_t)(h >> 32) & (nslots - 1);
}

void idmap_init(struct idmap *m) {
  m->nslots = 64;
  m->count = 0;
  m->slots = xcalloc(m->nslots, sizeof(uint64_t));
}

void idmap_release(struct idmap *m) {
  free(m->slots);
  memset(m, 0, sizeof(*m));
}

static void insert(uint64_t *slots, size_t nslots, uint64_t entry) {
  size_t i = slot_of((uint32_t)((entry >> 32) - 1), nslots);
  while (slots[i])
    i = (i + 1) & (nslots - 1);
  slots[i] = entry;
}

static void grow(struct idmap *m) {
  size_t n = m->nslots * 2;
  uint64_t *slots = xcalloc(n, sizeof(uint64_t));
  for (size_t i = 0; i < m->nslots; i++)
    if (m->slots[i])
      insert(slots, n, m->slots[i]);
  free(m->slots);
  m->slots = slots;
  m->nslots = n;
}

void idmap_put(struct idmap *m, uint32_t key, uint32_t value) {
  uint64_t tag = (uint64_t)key + 1;
  size_t i = slot_of(key, m->nslots);
  while (m->slots[i]) {
    if ((m->slots[i] >> 32) == tag) {
      m->slots[i] = tag << 32 | value;
      return;
    }
    i = (i + 1) & (m->nslots - 1);
  }
  if ((m->count + 1) * 4 > m->nslots * 3) {
    grow(m);
    insert(m->slots, m->nslots, tag << 32 | value);
  } else {
    m->slots[i] = tag << 32 | value;
  }
  m->count++;
}

int idmap_get(const struct idmap *m, uint32_t key, uint32_t *value) {
  uint64_t tag = (uint64_t)key + 1;
  size_t i = slot_of(key, m->nslots);
  while (m->slots[i]) {
    if ((m->slots[i] >> 32) == tag) {
      *value = (uint32_t)m->slots[i];
      return 1;
    }
    i = (i + 1) & (m->nslots - 1);
  }
  return 0;
}
