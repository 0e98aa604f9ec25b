/* A hash map from 32-bit keys (usually str_ids of interned ids) to 32-bit
 * values (usually array indexes). Used for every "is this id known" and
 * "which row has this id" question of the normalize stage. Open addressing,
 * no deletion. */
#ifndef ATTR_IDMAP_H
#define ATTR_IDMAP_H

#include <stddef.h>
#include <stdint.h>

struct idmap {
  uint64_t *slots; /* (key + 1) << 32 | value; 0 = free */
  size_t nslots;
  size_t count;
};

void idmap_init(struct idmap *m);
void idmap_release(struct idmap *m);
/* Sets key -> value (replacing). */
void idmap_put(struct idmap *m, uint32_t key, uint32_t value);
/* Returns 1 and *value if present. */
int idmap_get(const struct idmap *m, uint32_t key, uint32_t *value);

#endif
