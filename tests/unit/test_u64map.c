/* The 64-bit keyed map and the canonical decimal rule that decides which
 * ids it may key: add/get across growth, first value kept, keys near the
 * limits, and text that must not be keyed by number. */
#include <stdint.h>

#include "tests/unit/check.h"
#include "transforms/base/u64map.h"

static void check_map(void) {
  struct u64map m;
  u64map_init(&m);
  uint64_t v = 0;
  CHECK(!u64map_get(&m, 0, &v));
  int added = 1;
  for (uint64_t k = 0; k < 100000; k++) /* sequential keys, as Marketo writes them */
    added &= u64map_add(&m, k * 2 + 200000001u, k, &v);
  CHECK(added);
  CHECK_I64((int64_t)m.count, 100000);
  CHECK(m.nslots * 3 >= m.count * 4); /* grew, stays at most 3/4 full */
  int found = 1;
  for (uint64_t k = 0; k < 100000; k++)
    found &= u64map_get(&m, k * 2 + 200000001u, &v) && v == k;
  CHECK(found);
  CHECK(!u64map_get(&m, 200000002u, &v)); /* the odd gaps are absent */
  /* a second add keeps the first value and reports it */
  CHECK(!u64map_add(&m, 200000001u, 99, &v));
  CHECK_I64((int64_t)v, 0);
  CHECK(u64map_get(&m, 200000001u, &v) && v == 0);
  /* keys at the edges */
  CHECK(u64map_add(&m, 0, 7, &v));
  CHECK(u64map_add(&m, U64MAP_NO_KEY - 1, 8, &v));
  CHECK(u64map_get(&m, 0, &v) && v == 7);
  CHECK(u64map_get(&m, U64MAP_NO_KEY - 1, &v) && v == 8);
  u64map_release(&m);
}

static int dec(const char *s, uint64_t *v) { return u64_canonical_decimal(s, strlen(s), v); }

static void check_decimal(void) {
  uint64_t v = 1;
  CHECK(dec("0", &v) && v == 0);
  CHECK(dec("42", &v) && v == 42);
  CHECK(dec("999999999999999999", &v) && v == 999999999999999999ULL);
  CHECK(!dec("1000000000000000000", &v)); /* 19 digits: text path */
  CHECK(!dec("", &v));
  CHECK(!dec("0042", &v)); /* not canonical: "0042" and "42" are other ids */
  CHECK(!dec("00", &v));
  CHECK(!dec("-1", &v));
  CHECK(!dec("+1", &v));
  CHECK(!dec(" 1", &v));
  CHECK(!dec("1 ", &v));
  CHECK(!dec("12a", &v));
  CHECK(!dec("1.0", &v));
  CHECK(!dec("5b2c8f6e-0d1a-4c1e-9f3a-1a2b3c4d5e6f", &v));
}

static void check_dense(void) {
  struct u64map m;
  u64map_init(&m);
  struct u64dense d;
  CHECK(!u64dense_build(&d, &m)); /* empty */
  uint64_t v;
  for (uint32_t k = 0; k < 1000; k++)
    u64map_add(&m, 1000001u + k * 3, k, &v); /* span 2998 <= 4 x 1000 */
  CHECK(u64dense_build(&d, &m));
  uint32_t got = 0;
  int all = 1;
  for (uint32_t k = 0; k < 1000; k++)
    all &= u64dense_get(&d, 1000001u + k * 3, &got) && got == k;
  CHECK(all);
  CHECK(!u64dense_get(&d, 1000002u, &got)); /* a gap */
  CHECK(!u64dense_get(&d, 1000000u, &got)); /* below the first */
  CHECK(!u64dense_get(&d, 0, &got));
  CHECK(!u64dense_get(&d, 1000001u + 3000, &got)); /* past the last */
  CHECK(!u64dense_get(&d, UINT64_MAX - 1, &got));
  u64dense_release(&d);
  u64map_add(&m, 999999999999u, 5, &v); /* now too spread out: stays a map */
  CHECK(!u64dense_build(&d, &m));
  CHECK(d.value == NULL);
  u64map_release(&m);
}

int main(void) {
  check_map();
  check_dense();
  check_decimal();
  return check_exit();
}
