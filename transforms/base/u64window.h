/* A set of 64-bit keys, each with a 64-bit value, for keys that mostly
 * arrive close together and rising, as Marketo's activity ids do (the
 * marketoGUID of a bulk extract is an increasing activity id). Keys in a
 * window [first, first + n) live in an array indexed by key - first, with
 * a bit saying which are present: on large extracts that is half the
 * memory of a hash table and reads memory in order instead of missing the
 * caches on every row. The window grows upwards while it stays at most
 * 4 x the keys it holds (plus a fixed slack); a key outside it goes to a
 * hash map (u64map.h), so any keys at all work, only slower. */
#ifndef ATTR_U64WINDOW_H
#define ATTR_U64WINDOW_H

#include <stddef.h>
#include <stdint.h>

#include "transforms/base/u64map.h"

struct u64window {
  uint64_t first;    /* the key of index 0 (the first key added) */
  size_t n, cap;     /* keys first .. first + n - 1 are covered; cap allocated */
  uint64_t *value;   /* per index; meaningful where present */
  uint64_t *present; /* bit per index */
  size_t count;      /* keys in the window */
  struct u64map overflow; /* keys outside the window when they came */
  int started;
};

void u64window_init(struct u64window *w);
void u64window_release(struct u64window *w);
/* Adds key -> value unless key is present: 1 when added, 0 when present
 * (its value in *existing, unchanged). */
int u64window_add(struct u64window *w, uint64_t key, uint64_t value, uint64_t *existing);
/* Keys held (window and overflow). */
size_t u64window_count(const struct u64window *w);

#endif
