/* The arithmetic of crediting (contract §4, §5.1, §5.4, §9 "Models"):
 * milestones over an opportunity's ordered eligible touches, exact rational
 * weights of position-based models, time-decay weights in double precision,
 * the largest-remainder split of a value in cents, cost spreading over
 * periods, and the exact decimal formatting of money, weights and roi.
 * Pure functions over arrays; no allocation unless stated.
 * Rational weights are __int128 numerators over an __int128 denominator:
 * with weights up to 1000 * WEIGHT_SCALE and 10^7 touches the common
 * denominator reaches ~6e19, beyond int64_t. */
#ifndef ATTR_CREDIT_H
#define ATTR_CREDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transforms/model.h"
#include "transforms/period.h"

/* Milestone bit flags, in enum milestone order (FT=1, LC=2, OC=4, CW=8, LT=16). */
#define MS_BIT(m) (1u << (m))

/* Sets flags[i] for ordered touch times[0..k) (k >= 1; k == 0 is a no-op):
 *  FT = t1; LC = last touch with time <= lc_time, none: FT;
 *  OC = last touch with time <= opp_created, none: absent;
 *  CW = tk if won; LT = tk. */
void milestones_compute(const int64_t *times, size_t k, int64_t lc_time, int64_t opp_created,
                        bool won, uint8_t *flags);

/* Writes "FT+LC" style text for flags into out (>= 16 bytes), milestones in
 * the order FT, LC, OC, CW, LT; "" for 0. */
void milestones_format(uint8_t flags, char out[16]);

/* Position-based rule for model m over k touches with milestone flags:
 * only milestones m weights (non-zero) count; each touch gets the sum of the
 * weights of its counted milestones; the other touches share m->middle
 * equally (dropped if none). Writes numerators num[0..k) and the common
 * denominator *den (= sum of num; the model's weights are first divided by
 * their gcd, so u_shaped over FT, LC + 3 middle touches gives 6,6,1,1,1 / 15).
 * Returns 0, or 1 when every weight is 0 (the opportunity is unattributed
 * for this model; then *den = 0 and num[] = 0). Exact and overflow-free for
 * weights <= 1000 * WEIGHT_SCALE and k < 3e15 (then *den < 2^94). */
int position_weights(const struct model_def *m, const uint8_t *flags, size_t k, __int128 *num,
                     __int128 *den);

/* Time decay: w[i] = 2^(-d_i/h) / sum, d_i = (end - times[i]) / 86400.0
 * (seconds to days in double), h = half_life_days > 0; uses pow(2.0, x); the
 * sum is taken in touch order. If that sum is 0 or not finite (every touch
 * more than ~1075 half-lives old), the same ratios are computed with d_i
 * measured from the latest touch (d_i - min d) instead, so w is never NaN. */
void time_decay_weights(const int64_t *times, size_t k, int64_t end, double half_life_days,
                        double *w);

/* Largest-remainder split of v cents by num[i]/den (0 <= num[i], sum num =
 * den, 0 < den < 2^94): each gets floor(v*num/den), the missing cents go one
 * each to the largest remainders, ties to the earlier index. Negative v:
 * -split(-v); INT64_MIN is fine. Exact (128-bit intermediates). out[0..k)
 * sums to v. For k > 32, allocates a temporary array (exits on OOM). */
void split_rational(int64_t v, const __int128 *num, __int128 den, size_t k, int64_t *out);

/* The same with double weights (time_decay): floor(v*w[i]) and remainders
 * v*w[i] - floor(v*w[i]) in double (v*w[i] computed as (double)|v| * w[i]);
 * ties to the earlier index. A weight that is 0, negative or NaN gives a
 * floor of 0 and remainder 0. Because double weights need not sum to
 * exactly 1, the floors may miss k or more cents (whole rounds of one cent
 * each go to every touch first, then the rest by remainder) or exceed v
 * (cents are taken back one each from touches holding any, smallest
 * remainder first, ties to the later index); out[0..k) always sums to v and
 * has v's sign. For k > 32, allocates a temporary array (exits on OOM). */
void split_double(int64_t v, const double *w, size_t k, int64_t *out);

/* Cost spreading (§5.4): `cents` spread evenly over days start..end
 * (inclusive; end < start is taken as end = start), each period getting its
 * share in proportion to its days (floor(cents * days / total days)), in
 * cents by the largest-remainder method over the periods (ties to the earlier
 * period); negative cents: -spread(-cents). Calls emit(ctx, period_start_day,
 * share) for each period overlapping start..end, in order (shares may be 0;
 * the shares sum to cents). No allocation. */
void cost_spread(int64_t cents, int32_t start, int32_t end, const struct period_cfg *pc,
                 void (*emit)(void *ctx, int32_t period_start, int64_t share), void *ctx);

/* --- Exact decimal formatting ------------------------------------------ */
/* Cents as "-12.50". out >= 32 bytes. */
void fmt_cents(int64_t cents, char out[32]);
/* num/den (0 < den <= 2^100) rounded half away from zero to 6 decimals
 * ("0.333333"), never "-0.000000". out >= 64 bytes. */
void fmt_ratio6(__int128 num, __int128 den, char out[64]);
/* A double rounded to 6 decimals: its exact binary value rounded half away
 * from zero (unlike "%.6f", which rounds exact ties such as 2^-7 =
 * 0.0078125 to even), never "-0.000000". */
void fmt_double6(double x, char out[64]);
/* roi = (revenue - cost) / cost rounded half away from zero to 4 decimals;
 * "" when cost == 0; never "-0.0000". out >= 64 bytes. */
void fmt_roi(int64_t revenue, int64_t cost, char out[64]);

/* Fixed-point accumulation of fractional counts: FIX18 units are 1e-18. */
#define FIX18_ONE ((__int128)1000000000000000000LL)
/* floor(num * 1e18 / den), exact for 0 < |den| < 2^98 and |num / den| < 1e20. */
__int128 fix18_from_ratio(__int128 num, __int128 den);
/* Nearest FIX18 value of a double weight in [0, 1] (exact halves away from
 * zero; 0 for NaN and infinities). */
__int128 fix18_from_double(double w);
/* A FIX18 sum rounded half away from zero to 6 decimals. */
void fmt_fix18(__int128 v, char out[64]);

#endif
