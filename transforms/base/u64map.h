/* A hash map from 64-bit keys to 64-bit values, for the ids that arrive as
 * numbers: Marketo's activity GUIDs and lead ids are decimal integers in
 * every real export, and keying them by value instead of interning their
 * text saves a string, a string hash and a string compare per row, and
 * most of the memory (16 bytes a key instead of the text plus its slot).
 * Open addressing with linear probing, no deletion. Keys are any value
 * but U64MAP_NO_KEY. */
#ifndef ATTR_U64MAP_H
#define ATTR_U64MAP_H

#include <stddef.h>
#include <stdint.h>

#define U64MAP_NO_KEY UINT64_MAX

struct u64map_slot {
  uint64_t key; /* U64MAP_NO_KEY: free */
  uint64_t value;
};

struct u64map {
  struct u64map_slot *slots;
  size_t nslots; /* a power of two */
  size_t count;
};

void u64map_init(struct u64map *m);
void u64map_release(struct u64map *m);
/* Adds key -> value unless key is present. Returns 1 when added, 0 when
 * the key was already there (its value in *existing, unchanged). One probe
 * sequence for both questions. */
int u64map_add(struct u64map *m, uint64_t key, uint64_t value, uint64_t *existing);
/* 1 and *value when present, else 0. */
int u64map_get(const struct u64map *m, uint64_t key, uint64_t *value);

/* Starts loading the slot where key's probe begins into the caches, for a
 * caller that knows the key well before it needs the answer (a lookup in a
 * table of millions misses the caches, and the TLB, almost every time). */
static inline void u64map_prefetch(const struct u64map *m, uint64_t key);

/* A read-only copy of a map whose keys are close together (Marketo's lead
 * ids run from some first id upwards): values in an array indexed by
 * key - first, so that a lookup reads 4 bytes instead of probing 16-byte
 * slots spread over a table four times larger. Values must be < UINT32_MAX. */
struct u64dense {
  uint64_t first;
  size_t n;       /* keys first .. first + n - 1 */
  uint32_t *value; /* UINT32_MAX: absent */
};
/* Builds d from m when its keys span at most 4 x its count (and fewer
 * than 2^28 values): 1; else 0 and d empty (use m). */
int u64dense_build(struct u64dense *d, const struct u64map *m);
void u64dense_release(struct u64dense *d);
static inline int u64dense_get(const struct u64dense *d, uint64_t key, uint32_t *value) {
  uint64_t i = key - d->first; /* wraps for key < first: out of range */
  if (key < d->first || i >= d->n || d->value[i] == UINT32_MAX)
    return 0;
  *value = d->value[i];
  return 1;
}

/* The value of a canonical decimal id: 1 to 18 digits, no leading zero (but
 * "0" itself). Only such text maps one to one onto a number, so keying by
 * the number keeps text equality exact ("0042" and "42" stay different
 * ids: "0042" is not canonical and takes the text path). 1 or 0. */
int u64_canonical_decimal(const char *s, size_t n, uint64_t *value);

static inline uint64_t u64map_mix(uint64_t key) {
  key ^= key >> 33;
  key *= 0xff51afd7ed558ccdULL;
  key ^= key >> 33;
  key *= 0xc4ceb9fe1a85ec53ULL;
  key ^= key >> 33;
  return key;
}

static inline void u64map_prefetch(const struct u64map *m, uint64_t key) {
  __builtin_prefetch(&m->slots[u64map_mix(key) & (m->nslots - 1)]);
}

#endif
