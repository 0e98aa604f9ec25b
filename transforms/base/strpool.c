/* String interning (see strpool.h): linear probing over a 64-bit hash
 * (8 bytes a step, then the murmur3 finalizer, so that sequential ids such
 * as Marketo's numeric lead ids do not cluster), with 32 bits of the hash
 * kept in each slot so that a probe compares strings only on a tag match.
 * The table grows when it would pass 3/4 full: eight slots share a cache
 * line, so the longer probes stay in the line the first probe brought in,
 * while a table half as large misses the caches and the TLB less (and
 * etl-normalize's peak memory on the large benchmark falls by a sixth). */
#include "transforms/base/strpool.h"

#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"

static uint64_t hash_bytes(const char *s, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdULL;
    h ^= h >> 32;
  }
  uint64_t tail = 0;
  if (i < n)
    memcpy(&tail, s + i, n - i);
  h = (h ^ tail) * 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

static uint64_t slot_entry(uint64_t h, str_id id) { return (h >> 32) << 32 | ((uint64_t)id + 1); }
static str_id slot_id(uint64_t e) { return (str_id)((e & 0xffffffffu) - 1); }
static int slot_tag_is(uint64_t e, uint64_t h) { return (e >> 32) == (h >> 32); }

void strpool_init(struct strpool *p) {
  memset(p, 0, sizeof(*p));
  p->cap = 4096;
  p->blob = xmalloc(p->cap);
  p->blob[0] = '\0';
  p->len = 1;
  p->nslots = 1024;
  p->slots = xcalloc(p->nslots, sizeof(uint64_t));
}

void strpool_release(struct strpool *p) {
  free(p->blob);
  free(p->slots);
  memset(p, 0, sizeof(*p));
}

static int equal_at(const struct strpool *p, str_id id, const char *s, size_t n) {
  const char *t = p->blob + id;
  return memcmp(t, s, n) == 0 && t[n] == '\0';
}

/* The slot index comes from the tag bits (the hash's upper half), so growing
 * the table moves entries without touching the strings themselves. */
static size_t home_slot(uint64_t h, size_t nslots) { return (size_t)(h >> 32) & (nslots - 1); }

static void insert_entry(uint64_t *slots, size_t nslots, uint64_t entry) {
  size_t i = home_slot(entry, nslots);
  while (slots[i])
    i = (i + 1) & (nslots - 1);
  slots[i] = entry;
}

static void insert_slot(uint64_t *slots, size_t nslots, uint64_t h, str_id id) {
  insert_entry(slots, nslots, slot_entry(h, id));
}

static void rehash(struct strpool *p, size_t nslots) {
  uint64_t *slots = xcalloc(nslots, sizeof(uint64_t));
  for (size_t i = 0; i < p->nslots; i++)
    if (p->slots[i])
      insert_entry(slots, nslots, p->slots[i]);
  free(p->slots);
  p->slots = slots;
  p->nslots = nslots;
}

static int find_hashed(const struct strpool *p, const char *s, size_t n, uint64_t h, str_id *id) {
  size_t i = home_slot(h, p->nslots);
  while (p->slots[i]) {
    uint64_t e = p->slots[i];
    if (slot_tag_is(e, h) && equal_at(p, slot_id(e), s, n)) {
      *id = slot_id(e);
      return 1;
    }
    i = (i + 1) & (p->nslots - 1);
  }
  return 0;
}

int strpool_find(const struct strpool *p, const char *s, size_t n, str_id *id) {
  if (n == 0) {
    *id = STR_EMPTY;
    return 1;
  }
  return find_hashed(p, s, n, hash_bytes(s, n), id);
}

/* Copies s[0..n) to the end of the blob: its id, or STR_EMPTY (and the
 * sticky full flag) past 4 GiB. */
static str_id append(struct strpool *p, const char *s, size_t n) {
  if (p->len + n + 1 > UINT32_MAX) {
    p->full = true; /* sticky: the owner checks strpool_full() */
    return STR_EMPTY;
  }
  if (p->len + n + 1 > p->cap) {
    size_t cap = p->cap;
    while (cap < p->len + n + 1)
      cap *= 2;
    p->blob = xrealloc(p->blob, cap);
    p->cap = cap;
  }
  str_id id = (str_id)p->len;
  memcpy(p->blob + p->len, s, n);
  p->blob[p->len + n] = '\0';
  p->len += n + 1;
  return id;
}

str_id strpool_add_unique(struct strpool *p, const char *s, size_t n) {
  return n == 0 ? STR_EMPTY : append(p, s, n);
}

str_id strpool_intern(struct strpool *p, const char *s, size_t n) {
  str_id id;
  if (n == 0)
    return STR_EMPTY;
  uint64_t h = hash_bytes(s, n);
  if (find_hashed(p, s, n, h, &id))
    return id;
  id = append(p, s, n);
  if (id == STR_EMPTY)
    return STR_EMPTY;
  if ((p->count + 1) * 4 > p->nslots * 3)
    rehash(p, p->nslots * 2);
  insert_slot(p->slots, p->nslots, h, id);
  p->count++;
  return id;
}

void strpool_adopt(struct strpool *p, char *blob, size_t len) {
  memset(p, 0, sizeof(*p));
  p->blob = blob;
  p->len = p->cap = len;
}

void strpool_index(struct strpool *p) {
  size_t count = 0;
  for (size_t off = 1; off < p->len; off += strlen(p->blob + off) + 1)
    count++;
  size_t nslots = 1024;
  while (nslots * 3 < (count + 1) * 4)
    nslots *= 2;
  free(p->slots);
  p->slots = xcalloc(nslots, sizeof(uint64_t));
  p->nslots = nslots;
  p->count = count;
  for (size_t off = 1; off < p->len; off += strlen(p->blob + off) + 1)
    insert_slot(p->slots, nslots, hash_bytes(p->blob + off, strlen(p->blob + off)), (str_id)off);
}
