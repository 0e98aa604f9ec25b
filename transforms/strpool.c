/* String interning (see strpool.h): FNV-1a hash, linear probing. */
#include "transforms/strpool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transforms/xalloc.h"

static uint64_t hash_bytes(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ULL;
  }
  return h ^ (h >> 29);
}

void strpool_init(struct strpool *p) {
  memset(p, 0, sizeof(*p));
  p->cap = 4096;
  p->blob = xmalloc(p->cap);
  p->blob[0] = '\0';
  p->len = 1;
  p->nslots = 1024;
  p->slots = xcalloc(p->nslots, sizeof(uint32_t));
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

static void insert_slot(uint32_t *slots, size_t nslots, const char *s, size_t n, str_id id) {
  size_t i = hash_bytes(s, n) & (nslots - 1);
  while (slots[i])
    i = (i + 1) & (nslots - 1);
  slots[i] = id + 1;
}

static void rehash(struct strpool *p, size_t nslots) {
  uint32_t *slots = xcalloc(nslots, sizeof(uint32_t));
  for (size_t i = 0; i < p->nslots; i++) {
    if (!p->slots[i])
      continue;
    str_id id = p->slots[i] - 1;
    const char *s = p->blob + id;
    insert_slot(slots, nslots, s, strlen(s), id);
  }
  free(p->slots);
  p->slots = slots;
  p->nslots = nslots;
}

int strpool_find(const struct strpool *p, const char *s, size_t n, str_id *id) {
  if (n == 0) {
    *id = STR_EMPTY;
    return 1;
  }
  size_t i = hash_bytes(s, n) & (p->nslots - 1);
  while (p->slots[i]) {
    str_id cand = p->slots[i] - 1;
    if (equal_at(p, cand, s, n)) {
      *id = cand;
      return 1;
    }
    i = (i + 1) & (p->nslots - 1);
  }
  return 0;
}

str_id strpool_intern(struct strpool *p, const char *s, size_t n) {
  str_id id;
  if (strpool_find(p, s, n, &id))
    return id;
  if (p->len + n + 1 > UINT32_MAX) {
    fprintf(stderr, "fatal: string pool exceeds 4 GiB\n");
    exit(1);
  }
  if (p->len + n + 1 > p->cap) {
    size_t cap = p->cap;
    while (cap < p->len + n + 1)
      cap *= 2;
    p->blob = xrealloc(p->blob, cap);
    p->cap = cap;
  }
  id = (str_id)p->len;
  memcpy(p->blob + p->len, s, n);
  p->blob[p->len + n] = '\0';
  p->len += n + 1;
  if ((p->count + 1) * 2 > p->nslots)
    rehash(p, p->nslots * 2);
  insert_slot(p->slots, p->nslots, s, n, id);
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
  while (nslots < count * 2 + 2)
    nslots *= 2;
  free(p->slots);
  p->slots = xcalloc(nslots, sizeof(uint32_t));
  p->nslots = nslots;
  p->count = count;
  for (size_t off = 1; off < p->len; off += strlen(p->blob + off) + 1)
    insert_slot(p->slots, nslots, p->blob + off, strlen(p->blob + off), (str_id)off);
}
