/* Model weights of an opportunity's touches (contract §4 and §9
 * "Models"): the exact rational weights of position-based models, as
 * integer numerators over a common denominator, and the double-precision
 * weights of time decay. */
#include "transforms/credit.h"

#include <math.h>

static int64_t gcd64(int64_t a, int64_t b) {
  while (b != 0) {
    int64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/* The model's counted milestones (non-zero weight) as MS_BIT flags, and the
 * gcd of its non-zero weights (middle included), 0 when all are zero. */
static uint8_t counted_milestones(const struct model_def *m, int64_t *g) {
  uint8_t mask = 0;
  *g = m->middle;
  for (int j = 0; j < MS_COUNT; j++) {
    if (m->weight[j] == 0)
      continue;
    mask |= (uint8_t)MS_BIT(j);
    *g = gcd64(m->weight[j], *g);
  }
  return mask;
}

/* Sum of the (reduced) weights of the counted milestones in flags. */
static __int128 touch_weight(const struct model_def *m, uint8_t flags, int64_t g) {
  __int128 s = 0;
  for (int j = 0; j < MS_COUNT; j++)
    if (flags & MS_BIT(j))
      s += m->weight[j] / g;
  return s;
}

/* Bounds: the weights are divided by their gcd first, so for weights of at
 * most 1000 * WEIGHT_SCALE each, a milestone touch's sum is <= 5e12 and
 * *den <= n_mid * 6e12 < 2^66 for k <= 10^7 (and < 2^94, the limit of
 * split_rational, for k < 3e15); 128 bits never overflow. */
int position_weights(const struct model_def *m, const uint8_t *flags, size_t k, __int128 *num,
                     __int128 *den) {
  int64_t g;
  uint8_t counted = counted_milestones(m, &g);
  size_t n_mid = 0;
  for (size_t i = 0; i < k; i++)
    n_mid += !(flags[i] & counted);
  __int128 middle = n_mid > 0 && g > 0 ? m->middle / g : 0;
  /* Middle touches get middle / n_mid each: scale the milestone sums by
   * n_mid so that every numerator stays an integer. */
  __int128 scale = middle > 0 ? (__int128)n_mid : 1;
  *den = 0;
  for (size_t i = 0; i < k; i++) {
    uint8_t mine = flags[i] & counted;
    num[i] = mine ? touch_weight(m, mine, g) * scale : middle;
    *den += num[i];
  }
  return *den == 0;
}

void time_decay_weights(const int64_t *times, size_t k, int64_t end, double half_life_days,
                        double *w) {
  double sum = 0.0;
  double d_min = INFINITY;
  for (size_t i = 0; i < k; i++) {
    double d = (double)(end - times[i]) / 86400.0;
    w[i] = pow(2.0, -d / half_life_days);
    sum += w[i];
    if (d < d_min)
      d_min = d;
  }
  if (!(sum > 0.0 && isfinite(sum))) {
    /* Every term underflowed to 0 (touches more than ~1075 half-lives old)
     * or overflowed: the same ratios measured from the latest touch, which
     * gets 2^0 = 1, so the sum is >= 1 and finite. */
    sum = 0.0;
    for (size_t i = 0; i < k; i++) {
      double d = (double)(end - times[i]) / 86400.0;
      w[i] = pow(2.0, -(d - d_min) / half_life_days);
      sum += w[i];
    }
  }
  for (size_t i = 0; i < k; i++)
    w[i] /= sum;
}
