/* The windowed key set: rising keys stay in the window, keys far away or
 * below the first go to the overflow map, every key is found wherever it
 * went, and a key is never stored twice (the window growing over a key
 * already in the overflow map). Checked against a plain u64map. */
#include <stdint.h>
#include <stdlib.h>

#include "tests/unit/check.h"
#include "transforms/base/u64map.h"
#include "transforms/base/u64window.h"

static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

/* Adds key to both and checks they agree. */
static int add_both(struct u64window *w, struct u64map *m, uint64_t key, uint64_t v) {
  uint64_t a = 0, b = 0;
  int ra = u64window_add(w, key, v, &a), rb = u64map_add(m, key, v, &b);
  return ra == rb && (ra || a == b);
}

int main(void) {
  struct u64window w;
  struct u64map m;
  u64window_init(&w);
  u64map_init(&m);
  int ok = 1;
  /* rising ids with gaps, as an extract writes them, then the same ids again */
  for (uint64_t k = 0; k < 200000; k++)
    ok &= add_both(&w, &m, 200000001u + k * 2 + (k % 7 == 0), k);
  CHECK(ok);
  CHECK_I64((int64_t)w.overflow.count, 0); /* all in the window */
  CHECK_I64((int64_t)u64window_count(&w), 200000);
  for (uint64_t k = 0; k < 200000; k += 3)
    ok &= add_both(&w, &m, 200000001u + k * 2 + (k % 7 == 0), 999);
  CHECK(ok);
  CHECK_I64((int64_t)u64window_count(&w), 200000);
  /* below the first key, and far above: the overflow map */
  ok &= add_both(&w, &m, 5, 1) && add_both(&w, &m, 0, 2);
  ok &= add_both(&w, &m, 900000000000u, 3);
  ok &= add_both(&w, &m, UINT64_MAX - 1, 4);
  CHECK(ok);
  CHECK(w.overflow.count == 4);
  /* a key far above goes to the overflow; once the window has grown over
   * it, it is still found there and not added a second time */
  uint64_t far = w.first + w.n + 3000000;
  ok &= add_both(&w, &m, far, 5);
  for (uint64_t k = w.first + w.n; k <= far + 10; k++)
    ok &= add_both(&w, &m, k, 6);
  CHECK(ok);
  CHECK(far - w.first < w.n); /* the window covers it now */
  uint64_t got = 0;
  CHECK(!u64window_add(&w, far, 7, &got) && got == 5);
  /* random keys: everything agrees with the map */
  for (int i = 0; i < 100000; i++) {
    uint64_t k = next() % 4 == 0 ? next() % (UINT64_MAX - 1) : w.first + next() % (w.n + 100000);
    ok &= add_both(&w, &m, k, (uint64_t)i);
  }
  CHECK(ok);
  CHECK_I64((int64_t)u64window_count(&w), (int64_t)m.count);
  u64window_release(&w);
  u64map_release(&m);
  return check_exit();
}
