/* Model weights (contract §4, §9 "Models"): the position-based rule with
 * exact integer numerators (counted milestones, middle touches, the middle
 * dropped when there is none, unattributed when every weight is 0, no
 * overflow at the documented bounds) and the time-decay weights in double. */
#include "transforms/credit.h"

#include <math.h>
#include <stdlib.h>

#include "tests/unit/check.h"
#include "transforms/base/xalloc.h"

#define FT MS_BIT(MS_FT)
#define LC MS_BIT(MS_LC)
#define OC MS_BIT(MS_OC)
#define CW MS_BIT(MS_CW)
#define LT MS_BIT(MS_LT)

/* Weight w / 1000 in WEIGHT_SCALE units. */
#define MILLI(w) ((int64_t)(w) * (WEIGHT_SCALE / 1000))

static struct model_def model(int64_t ft, int64_t lc, int64_t oc, int64_t cw, int64_t lt,
                              int64_t middle) {
  struct model_def m = {.kind = MODEL_POSITION, .middle = middle};
  m.weight[MS_FT] = ft;
  m.weight[MS_LC] = lc;
  m.weight[MS_OC] = oc;
  m.weight[MS_CW] = cw;
  m.weight[MS_LT] = lt;
  return m;
}

static const int64_t TIMES[] = {1000, 2000, 3000, 4000, 5000};

/* Runs milestones and position_weights over the first k TIMES and checks
 * that weight i = want[i] / q exactly and that den = sum num. */
static void expect(const struct model_def *m, size_t k, int64_t lc, int64_t oc, bool won,
                   const int64_t *want, int64_t q, int line) {
  uint8_t flags[5];
  __int128 num[5], den = -1, sum = 0;
  milestones_compute(TIMES, k, lc, oc, won, flags);
  int rc = position_weights(m, flags, k, num, &den);
  int bad = rc != 0 || den <= 0;
  for (size_t i = 0; i < k; i++) {
    bad += num[i] * q != want[i] * den;
    sum += num[i];
  }
  bad += sum != den;
  if (bad)
    fprintf(stderr, "line %d: weights differ\n", line);
  CHECK(bad == 0);
}
#define EXPECT(m, k, lc, oc, won, q, ...)                                                  \
  expect(&(m), k, lc, oc, won, (const int64_t[]){__VA_ARGS__}, q, __LINE__)

static void test_builtin(void) {
  struct model_def first = model(MILLI(1000), 0, 0, 0, 0, 0);
  struct model_def last = model(0, 0, 0, 0, MILLI(1000), 0);
  struct model_def linear = model(0, 0, 0, 0, 0, MILLI(1000));
  struct model_def u = model(MILLI(400), MILLI(400), 0, 0, 0, MILLI(200));
  struct model_def w = model(MILLI(300), MILLI(300), MILLI(300), 0, 0, MILLI(100));
  struct model_def full = model(MILLI(225), MILLI(225), MILLI(225), MILLI(225), 0, MILLI(100));

  EXPECT(first, 3, 0, 0, false, 1, 1, 0, 0);
  EXPECT(last, 3, 0, 0, false, 1, 0, 0, 1);
  EXPECT(linear, 3, 0, 0, true, 3, 1, 1, 1);
  EXPECT(linear, 1, 0, 0, true, 1, 1); /* the only touch is a middle touch */

  /* u_shaped, one touch: FT+LC, no middle touch: the middle is dropped. */
  EXPECT(u, 1, 0, 0, false, 1, 1);
  /* k = 2, LC on t2 (lc_time = t2): 0.4 / 0.4. */
  EXPECT(u, 2, 2000, 0, false, 2, 1, 1);
  /* k = 2, LC on t1 (lc_time one second before t2): t1 = FT+LC = 0.8, t2 is
   * a middle touch (u_shaped does not weight LT) = 0.2. */
  EXPECT(u, 2, 1999, 0, false, 5, 4, 1);
  /* k = 5: FT, LC on t2, three middle touches (OC on t4 is one of them). */
  EXPECT(u, 5, 2000, 4000, false, 15, 6, 6, 1, 1, 1);
  /* The weights are reduced by their gcd (0.2): exactly 6,6,1,1,1 / 15. */
  uint8_t f5[5];
  __int128 n5[5], d5;
  milestones_compute(TIMES, 5, 2000, 4000, false, f5);
  CHECK(position_weights(&u, f5, 5, n5, &d5) == 0);
  CHECK(d5 == 15 && n5[0] == 6 && n5[1] == 6 && n5[2] == 1 && n5[3] == 1 && n5[4] == 1);

  /* w_shaped with OC absent (created before t1): 0.3, 0.3, 0.1 -> /0.7. */
  EXPECT(w, 3, 2000, 999, false, 7, 3, 3, 1);
  /* OC on t3: three milestones, no middle. */
  EXPECT(w, 3, 2000, 3000, false, 3, 1, 1, 1);

  /* full_path won: CW on t4 -> 0.225 each, no middle. Not won: t4 is a
   * middle touch: 0.225 * 3 + 0.1 = 0.775 -> 9/31, 9/31, 9/31, 4/31. */
  EXPECT(full, 4, 2000, 3000, true, 4, 1, 1, 1, 1);
  EXPECT(full, 4, 2000, 3000, false, 31, 9, 9, 9, 4);
}

static void test_custom(void) {
  struct model_def j = model(MILLI(200), 0, 0, 0, MILLI(600), MILLI(200));
  EXPECT(j, 1, 0, 0, false, 1, 1);
  EXPECT(j, 2, 0, 0, false, 4, 1, 3);
  EXPECT(j, 4, 0, 0, false, 10, 2, 1, 1, 6);
  /* Non-decimal-friendly weights: ft = 0.000000001, lt = 0.000000002. */
  struct model_def tiny = model(1, 0, 0, 0, 2, 0);
  EXPECT(tiny, 3, 0, 0, false, 3, 1, 0, 2);

  /* Only cw weighted: a lost opportunity is unattributed, a won one not. */
  struct model_def cw = model(0, 0, 0, MILLI(1000), 0, 0);
  uint8_t flags[3];
  __int128 num[3], den = -1;
  milestones_compute(TIMES, 3, 0, 0, false, flags);
  CHECK(position_weights(&cw, flags, 3, num, &den) == 1);
  CHECK(den == 0 && num[0] == 0 && num[1] == 0 && num[2] == 0);
  EXPECT(cw, 3, 0, 0, true, 1, 0, 0, 1);
  /* Only middle weighted but every touch a milestone of another model: a
   * zero-weight milestone does not count, so the touch is a middle one. */
  struct model_def every0 = model(0, 0, 0, 0, 0, 0);
  milestones_compute(TIMES, 1, 0, 0, true, flags);
  CHECK(position_weights(&every0, flags, 1, num, &den) == 1);
}

/* Largest weights (1000 each, pairwise coprime-ish so the gcd is 1) over
 * two million touches: the denominator exceeds INT64_MAX, and everything
 * stays exact: den = n_mid * (S + middle). */
static void test_no_overflow(void) {
  const int64_t big = 1000 * WEIGHT_SCALE;
  struct model_def m = model(big - 1, big - 2, big - 3, big - 4, big - 5, big - 6);
  size_t k = 2000000;
  uint8_t *flags = xcalloc(k, 1);
  int64_t *times = xmalloc(k * sizeof(*times));
  __int128 *num = xmalloc(k * sizeof(*num)), den;
  for (size_t i = 0; i < k; i++)
    times[i] = (int64_t)i;
  milestones_compute(times, k, 1, 2, true, flags); /* FT, LC=t2, OC=t3, CW+LT=tk */
  CHECK(position_weights(&m, flags, k, num, &den) == 0);
  __int128 n_mid = (__int128)k - 4, s = 5 * (__int128)big - 15;
  CHECK(den == n_mid * (s + big - 6));
  CHECK(den > INT64_MAX);
  CHECK(num[0] == (big - 1) * n_mid && num[k - 1] == (2 * (__int128)big - 9) * n_mid);
  CHECK(num[3] == big - 6 && num[k - 2] == big - 6);
  /* And the split of a huge value is exact: each share is the floor of
   * v * num / den or one more, the extra cents go to the largest remainders
   * (ties to the earlier touch), and the shares sum to v. v * num < 2^127
   * here, so the test can compute it directly. */
  int64_t *out = xmalloc(k * sizeof(*out));
  int64_t v = INT64_MAX - 12345;
  split_rational(v, num, den, k, out);
  __int128 total = 0, floors = 0, extras = 0;
  __int128 min_plus_rem = den; /* lowest-ranked touch given an extra cent */
  size_t min_plus_idx = 0;
  __int128 max_rest_rem = -1; /* highest-ranked touch without one */
  size_t max_rest_idx = 0;
  int bad = 0;
  for (size_t i = 0; i < k; i++) {
    __int128 p = (__int128)v * num[i], fl = p / den, rem = p % den;
    total += out[i];
    floors += fl;
    bad += out[i] != fl && out[i] != fl + 1;
    if (out[i] == fl + 1) {
      extras++;
      if (rem < min_plus_rem || (rem == min_plus_rem && i > min_plus_idx)) {
        min_plus_rem = rem;
        min_plus_idx = i;
      }
    } else if (rem > max_rest_rem) {
      max_rest_rem = rem;
      max_rest_idx = i;
    }
  }
  CHECK(total == v);
  CHECK(bad == 0);
  CHECK(extras == v - floors && extras > 0);
  CHECK(min_plus_rem > max_rest_rem ||
        (min_plus_rem == max_rest_rem && min_plus_idx < max_rest_idx));
  free(out);
  free(num);
  free(times);
  free(flags);
}

static void test_time_decay(void) {
  double w[3];
  int64_t one[] = {5000};
  time_decay_weights(one, 1, 10000, 7.0, w);
  CHECK(w[0] == 1.0);

  int64_t same[] = {5000, 5000};
  time_decay_weights(same, 2, 10000, 7.0, w);
  CHECK(w[0] == 0.5 && w[1] == 0.5);

  /* One half-life apart: raw 1/2 and 1, sum 1.5 in touch order. */
  int64_t halves[] = {100000 - 7 * 86400, 100000};
  time_decay_weights(halves, 2, 100000, 7.0, w);
  CHECK(w[0] == 0.5 / 1.5 && w[1] == 1.0 / 1.5);

  /* Decimal half-life, and seconds (not whole days) count. */
  int64_t t2[] = {0, 43200};
  time_decay_weights(t2, 2, 86400, 0.5, w);
  double r0 = pow(2.0, -1.0 / 0.5), r1 = pow(2.0, -0.5 / 0.5);
  CHECK(w[0] == r0 / (r0 + r1) && w[1] == r1 / (r0 + r1));

  /* Three touches: the sum is accumulated in touch order. */
  int64_t t3[] = {0, 86400 * 3, 86400 * 10};
  time_decay_weights(t3, 3, 86400 * 12, 7.0, w);
  double a = pow(2.0, -12.0 / 7.0), b = pow(2.0, -9.0 / 7.0), c = pow(2.0, -2.0 / 7.0);
  double sum = a + b + c;
  CHECK(w[0] == a / sum && w[1] == b / sum && w[2] == c / sum);

  /* 1000 half-lives old: still representable, the plain formula. */
  int64_t old[] = {-86400LL * 1001, -86400LL * 1000};
  time_decay_weights(old, 2, 0, 1.0, w);
  CHECK(w[0] == 0.5 / 1.5 && w[1] == 1.0 / 1.5);
  /* 5000 half-lives old: every term underflows to 0; measured from the
   * latest touch instead, the same ratios, never NaN. */
  int64_t older[] = {-86400LL * 5001, -86400LL * 5000};
  time_decay_weights(older, 2, 0, 1.0, w);
  CHECK(w[0] == 0.5 / 1.5 && w[1] == 1.0 / 1.5);
}

int main(void) {
  test_builtin();
  test_custom();
  test_no_overflow();
  test_time_decay();
  return check_exit();
}
