/* A set of 128-bit digests (see digest_set.h). The digests are random
 * already, so their first word picks the slot directly. */
#include "transforms/base/digest_set.h"

#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"

void digest_set_init(struct digest_set *s) {
  memset(s, 0, sizeof(*s));
  s->nslots = 1024;
  s->slots = xcalloc(s->nslots, sizeof(*s->slots));
}

void digest_set_release(struct digest_set *s) {
  free(s->slots);
  memset(s, 0, sizeof(*s));
}

static size_t find(uint64_t (*slots)[2], size_t nslots, const uint64_t w[2]) {
  size_t i = (size_t)(w[0] ^ (w[0] >> 32)) & (nslots - 1);
  while ((slots[i][0] | slots[i][1]) && (slots[i][0] != w[0] || slots[i][1] != w[1]))
    i = (i + 1) & (nslots - 1);
  return i;
}

static void grow(struct digest_set *s) {
  size_t n = s->nslots * 2;
  uint64_t (*slots)[2] = xcalloc(n, sizeof(*slots));
  for (size_t i = 0; i < s->nslots; i++)
    if (s->slots[i][0] | s->slots[i][1]) {
      size_t k = find(slots, n, s->slots[i]);
      slots[k][0] = s->slots[i][0];
      slots[k][1] = s->slots[i][1];
    }
  free(s->slots);
  s->slots = slots;
  s->nslots = n;
}

bool digest_set_add(struct digest_set *s, const unsigned char d[DIGEST_SET_LEN]) {
  uint64_t w[2];
  memcpy(w, d, sizeof(w));
  if (!(w[0] | w[1])) {
    bool added = !s->has_zero;
    s->has_zero = true;
    return added;
  }
  if (2 * (s->count + 1) > s->nslots)
    grow(s);
  size_t i = find(s->slots, s->nslots, w);
  if (s->slots[i][0] | s->slots[i][1])
    return false;
  s->slots[i][0] = w[0];
  s->slots[i][1] = w[1];
  s->count++;
  return true;
}

bool digest_set_has(const struct digest_set *s, const unsigned char d[DIGEST_SET_LEN]) {
  uint64_t w[2];
  memcpy(w, d, sizeof(w));
  if (!(w[0] | w[1]))
    return s->has_zero;
  size_t i = find(s->slots, s->nslots, w);
  return (s->slots[i][0] | s->slots[i][1]) != 0;
}
