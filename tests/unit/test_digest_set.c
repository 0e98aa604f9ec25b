/* The set of 128-bit row digests: adding, finding, a second add, the
 * all-zero digest, digests that differ in one word only, and growth past
 * many slots with every member still found. */
#include "tests/unit/check.h"
#include "transforms/base/digest_set.h"

static void make(unsigned char d[DIGEST_SET_LEN], uint64_t a, uint64_t b) {
  memcpy(d, &a, 8);
  memcpy(d + 8, &b, 8);
}

int main(void) {
  struct digest_set s;
  unsigned char d[DIGEST_SET_LEN], e[DIGEST_SET_LEN], z[DIGEST_SET_LEN];
  digest_set_init(&s);
  make(d, 0x0123456789abcdefULL, 42);
  make(e, 0x0123456789abcdefULL, 43); /* same first word: same home slot */
  make(z, 0, 0);
  CHECK(!digest_set_has(&s, d));
  CHECK(digest_set_add(&s, d));
  CHECK(digest_set_has(&s, d));
  CHECK(!digest_set_has(&s, e));
  CHECK(!digest_set_add(&s, d));
  CHECK(digest_set_add(&s, e));
  CHECK(digest_set_has(&s, e) && digest_set_has(&s, d));
  CHECK(!digest_set_has(&s, z));
  CHECK(digest_set_add(&s, z));
  CHECK(!digest_set_add(&s, z));
  CHECK(digest_set_has(&s, z));
  CHECK_I64(s.count, 2);
  /* growth: 100000 digests (with clustered first words), all found */
  uint64_t x = 0x9E3779B97F4A7C15ULL;
  int missing = 0, dup = 0;
  for (uint64_t i = 1; i <= 100000; i++) {
    make(d, (i % 7) * x, i);
    if (!digest_set_add(&s, d))
      dup++;
  }
  for (uint64_t i = 1; i <= 100000; i++) {
    make(d, (i % 7) * x, i);
    if (!digest_set_has(&s, d))
      missing++;
    make(e, (i % 7) * x, i + 1000000);
    if (digest_set_has(&s, e))
      missing++;
  }
  CHECK_I64(dup, 0);
  CHECK_I64(missing, 0);
  CHECK(s.nslots >= 2 * s.count);
  digest_set_release(&s);
  return check_exit();
}
