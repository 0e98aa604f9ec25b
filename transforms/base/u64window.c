/* The windowed 64-bit key set (see u64window.h). A key is stored in one
 * place only, where it was first added: in the window, or in the overflow
 * map when it fell outside the window then. So a lookup checks the
 * overflow map (nearly always empty) and then the window. */
#include "transforms/base/u64window.h"

#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"

#define WINDOW_SLACK ((size_t)1 << 16) /* span allowed beyond 4 x count */

void u64window_init(struct u64window *w) {
  memset(w, 0, sizeof(*w));
  u64map_init(&w->overflow);
}

void u64window_release(struct u64window *w) {
  free(w->value);
  free(w->present);
  u64map_release(&w->overflow);
  memset(w, 0, sizeof(*w));
}

size_t u64window_count(const struct u64window *w) { return w->count + w->overflow.count; }

/* Makes room for indexes up to need - 1 (need > w->n). */
static void grow(struct u64window *w, size_t need) {
  if (need > w->cap) {
    size_t cap = w->cap ? w->cap : 4096;
    while (cap < need)
      cap *= 2;
    w->value = xreallocarray(w->value, cap, sizeof(*w->value));
    w->present = xreallocarray(w->present, cap / 64, sizeof(*w->present));
    memset(w->present + w->cap / 64, 0, (cap - w->cap) / 64 * sizeof(*w->present));
    w->cap = cap;
  }
  w->n = need;
}

int u64window_add(struct u64window *w, uint64_t key, uint64_t value, uint64_t *existing) {
  if (w->overflow.count && u64map_get(&w->overflow, key, existing))
    return 0;
  if (!w->started) {
    w->started = 1;
    w->first = key;
  }
  uint64_t i = key - w->first;
  if (key >= w->first && i >= w->n && i < (uint64_t)4 * (w->count + 1) + WINDOW_SLACK)
    grow(w, (size_t)i + 1);
  if (key < w->first || i >= w->n)
    return u64map_add(&w->overflow, key, value, existing);
  uint64_t bit = (uint64_t)1 << (i % 64);
  if (w->present[i / 64] & bit) {
    *existing = w->value[i];
    return 0;
  }
  w->present[i / 64] |= bit;
  w->value[i] = value;
  w->count++;
  return 1;
}
