/* Largest-remainder splits (contract §5.1 "Credit in cents", §5.4 cost,
 * §9 "Models"): exact rational splits, double splits for time decay, and
 * cost spread over periods. Hand-worked cases from the contract, ties on
 * both sides, the extremes of int64, and a brute-force reference over
 * pseudo-random cases. */
#include "transforms/credit.h"

#include <stdlib.h>

#include "tests/unit/check.h"
#include "transforms/base/calendar.h"

#define MAXK 40 /* beyond the 32 parts split ranks on the stack */

/* Deterministic pseudo-random numbers (splitmix64). */
static uint64_t rng_state = 0x5eed;
static uint64_t rnd(void) {
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

static int same(const int64_t *got, const int64_t *want, size_t k, int line) {
  for (size_t i = 0; i < k; i++) {
    if (got[i] != want[i]) {
      fprintf(stderr, "line %d: [%zu] = %lld, want %lld\n", line, i, (long long)got[i],
              (long long)want[i]);
      return 0;
    }
  }
  return 1;
}

static void rational(int64_t v, const __int128 *num, __int128 den, size_t k, const int64_t *want,
                     int line) {
  int64_t out[MAXK];
  split_rational(v, num, den, k, out);
  CHECK(same(out, want, k, line));
}
#define RATIONAL(v, den, k, nums, ...)                                                     \
  rational(v, (const __int128[])nums, den, k, (const int64_t[]){__VA_ARGS__}, __LINE__)
#define NUMS(...) {__VA_ARGS__}

/* Reference: exact rational split by repeated selection of the largest
 * remainder (earliest on ties), for |v| * num < 2^127. */
static void reference(int64_t v, const __int128 *num, __int128 den, size_t k, int64_t *out) {
  __int128 mag = v < 0 ? -(__int128)v : v, rem[MAXK], have = 0;
  bool given[MAXK] = {false};
  for (size_t i = 0; i < k; i++) {
    out[i] = (int64_t)(mag * num[i] / den);
    rem[i] = mag * num[i] % den;
    have += out[i];
  }
  for (__int128 missing = mag - have; missing > 0; missing--) {
    size_t best = k;
    for (size_t i = 0; i < k; i++)
      if (!given[i] && (best == k || rem[i] > rem[best]))
        best = i;
    given[best] = true;
    out[best]++;
  }
  for (size_t i = 0; i < k; i++)
    out[i] = v < 0 ? -out[i] : out[i];
}

static void test_rational_cases(void) {
  RATIONAL(100, 3, 3, NUMS(1, 1, 1), 34, 33, 33);
  RATIONAL(-100, 3, 3, NUMS(1, 1, 1), -34, -33, -33);
  RATIONAL(1, 3, 3, NUMS(1, 1, 1), 1, 0, 0);
  RATIONAL(2, 3, 3, NUMS(1, 1, 1), 1, 1, 0);
  RATIONAL(-1, 3, 3, NUMS(1, 1, 1), -1, 0, 0);
  RATIONAL(0, 3, 3, NUMS(1, 1, 1), 0, 0, 0);
  RATIONAL(7, 1, 1, NUMS(1), 7);
  /* Remainders, not positions, decide: 0.25 vs 0.75. */
  RATIONAL(1, 4, 2, NUMS(1, 3), 0, 1);
  /* A tie in remainders (0.5, 0, 0.5): the earlier touch. */
  RATIONAL(2, 4, 3, NUMS(1, 2, 1), 1, 1, 0);
  /* Just off the tie: 0.5 - 1/1000 vs 0.5 + 1/1000 goes to the later. */
  RATIONAL(2, 2000, 3, NUMS(999, 1000, 1001), 0, 1, 1);
  RATIONAL(2, 2000, 3, NUMS(1001, 1000, 999), 1, 1, 0);
  /* A zero weight never gets a cent. */
  RATIONAL(5, 2, 3, NUMS(1, 0, 1), 3, 0, 2);
  /* Extremes of int64. */
  RATIONAL(INT64_MIN, 1, 1, NUMS(1), INT64_MIN);
  RATIONAL(INT64_MIN, 2, 2, NUMS(1, 1), INT64_MIN / 2, INT64_MIN / 2);
  RATIONAL(INT64_MAX, 2, 2, NUMS(1, 1), INT64_MAX / 2 + 1, INT64_MAX / 2);
  RATIONAL(INT64_MIN + 1, 2, 2, NUMS(1, 1), INT64_MIN / 2, INT64_MIN / 2 + 1);
  /* Near 2^62 over a denominator of 10^15: against the reference. */
  __int128 big_num[3] = {333333333333333, 333333333333333, 333333333333334};
  int64_t out[3], want[3], v = ((int64_t)1 << 62) + 1;
  split_rational(v, big_num, 1000000000000000, 3, out);
  reference(v, big_num, 1000000000000000, 3, want);
  CHECK(same(out, want, 3, __LINE__));
  CHECK(out[0] + out[1] + out[2] == v);
}

/* Random splits against the reference; then the same weights scaled by a
 * large factor (denominators up to ~2^93, numerators beyond 64 bits, where
 * v * num no longer fits 128 bits) must give the same split. */
static void test_rational_random(void) {
  int bad = 0;
  for (int round = 0; round < 20000; round++) {
    size_t k = 1 + rnd() % MAXK;
    __int128 num[MAXK], scaled[MAXK], den = 0;
    uint64_t range = round % 3 == 0 ? 4 : round % 3 == 1 ? 1000 : (1u << 30) / MAXK;
    for (size_t i = 0; i < k; i++)
      den += num[i] = (__int128)(rnd() % range);
    if (den == 0)
      den += num[0] = 1;
    int64_t v = (int64_t)rnd() >> (rnd() % 63);
    int64_t got[MAXK], want[MAXK];
    split_rational(v, num, den, k, got);
    reference(v, num, den, k, want);
    bad += !same(got, want, k, __LINE__);
    __int128 factor = ((__int128)1 << 62) + (__int128)(rnd() >> 2);
    for (size_t i = 0; i < k; i++)
      scaled[i] = num[i] * factor;
    split_rational(v, scaled, den * factor, k, got);
    bad += !same(got, want, k, __LINE__);
  }
  CHECK(bad == 0);
}

static void dbl(int64_t v, const double *w, size_t k, const int64_t *want, int line) {
  int64_t out[MAXK];
  split_double(v, w, k, out);
  CHECK(same(out, want, k, line));
}
#define DOUBLE(v, k, ws, ...) dbl(v, (const double[])ws, k, (const int64_t[]){__VA_ARGS__}, __LINE__)

static void test_double(void) {
  DOUBLE(100, 3, NUMS(1.0 / 3, 1.0 / 3, 1.0 / 3), 34, 33, 33);
  DOUBLE(-100, 3, NUMS(1.0 / 3, 1.0 / 3, 1.0 / 3), -34, -33, -33);
  DOUBLE(100, 2, NUMS(2.0 / 3, 1.0 / 3), 67, 33);
  DOUBLE(100, 2, NUMS(1.0 / 3, 2.0 / 3), 33, 67);
  DOUBLE(0, 2, NUMS(0.5, 0.5), 0, 0);
  /* Tie (0.5, 0, 0.5): the earlier. */
  DOUBLE(2, 3, NUMS(0.25, 0.5, 0.25), 1, 1, 0);
  DOUBLE(-2, 3, NUMS(0.25, 0.5, 0.25), -1, -1, 0);
  /* Extremes. */
  DOUBLE(INT64_MIN, 1, NUMS(1.0), INT64_MIN);
  DOUBLE(INT64_MAX, 1, NUMS(1.0), INT64_MAX);
  DOUBLE(INT64_MAX, 2, NUMS(0.5, 0.5), INT64_MAX / 2 + 1, INT64_MAX / 2);
  DOUBLE(INT64_MIN, 2, NUMS(0.5, 0.5), INT64_MIN / 2, INT64_MIN / 2);
  /* A NaN or negative weight gets nothing. */
  DOUBLE(5, 2, NUMS(0.0 / 0.0, 1.0), 0, 5);
  DOUBLE(5, 2, NUMS(-0.5, 1.0), 0, 5);
  /* Weights summing below 1: whole rounds of a cent each first (9 missing
   * over 2 touches: 4 each, the last by remainder; 1.1 and 1.1 tie). */
  DOUBLE(11, 2, NUMS(0.1, 0.1), 6, 5);
  DOUBLE(3, 2, NUMS(0.0, 0.0), 2, 1);
  /* Weights summing above 1: floors 7, 7, 7 exceed 10 by 11: 3 from each,
   * then one each from the smallest remainders (all 0: later first). */
  DOUBLE(10, 3, NUMS(0.7, 0.7, 0.7), 4, 3, 3);
  /* Only touches holding cents give some back. */
  DOUBLE(10, 3, NUMS(0.0, 0.75, 0.75), 0, 5, 5);
  DOUBLE(10, 3, NUMS(0.0, 0.7, 0.4), 0, 7, 3);
}

/* The time-decay pipeline: weights from time_decay_weights, sum exact. */
static void test_double_random(void) {
  int bad = 0;
  for (int round = 0; round < 5000; round++) {
    size_t k = 1 + rnd() % MAXK;
    int64_t times[MAXK], out[MAXK];
    double w[MAXK];
    for (size_t i = 0; i < k; i++)
      times[i] = (int64_t)(rnd() % (86400 * 90));
    time_decay_weights(times, k, 86400 * 90, 7.0, w);
    int64_t v = (int64_t)rnd() >> (rnd() % 63);
    split_double(v, w, k, out);
    __int128 sum = 0;
    for (size_t i = 0; i < k; i++) {
      sum += out[i];
      /* Within a cent (plus the double error) of v * w. */
      double exact = (double)v * w[i], d = (double)out[i] - exact;
      bad += d > 1.0 + 1e-9 * (exact < 0 ? -exact : exact) ||
             d < -1.0 - 1e-9 * (exact < 0 ? -exact : exact);
      bad += (v < 0 && out[i] > 0) || (v > 0 && out[i] < 0);
    }
    bad += sum != v;
  }
  CHECK(bad == 0);
}

/* --- cost_spread --------------------------------------------------------- */

struct spread_log {
  size_t n;
  int32_t start[4096];
  int64_t share[4096];
};

static void record(void *ctx, int32_t period_start, int64_t share) {
  struct spread_log *log = ctx;
  if (log->n < 4096) {
    log->start[log->n] = period_start;
    log->share[log->n] = share;
  }
  log->n++;
}

static int32_t day(int y, int m, int d) { return (int32_t)cal_days_from_civil(y, m, d); }

static void spread(int64_t cents, int32_t from, int32_t to, enum period_kind kind, int fy,
                   struct spread_log *log) {
  struct period_cfg pc = {kind, fy};
  log->n = 0;
  cost_spread(cents, from, to, &pc, record, log);
}

static void test_spread_cases(void) {
  static struct spread_log log;
  /* The contract's example: 18,000.00 over 1 Jul - 17 Oct by month. */
  spread(1800000, day(2025, 7, 1), day(2025, 10, 17), PERIOD_MONTH, 1, &log);
  CHECK_I64(log.n, 4);
  CHECK(same(log.share, (const int64_t[]){511927, 511926, 495413, 280734}, 4, __LINE__));
  CHECK(log.start[0] == day(2025, 7, 1) && log.start[1] == day(2025, 8, 1));
  CHECK(log.start[2] == day(2025, 9, 1) && log.start[3] == day(2025, 10, 1));
  spread(-1800000, day(2025, 7, 1), day(2025, 10, 17), PERIOD_MONTH, 1, &log);
  CHECK(same(log.share, (const int64_t[]){-511927, -511926, -495413, -280734}, 4, __LINE__));

  /* One day: one period with everything, whatever the kind. */
  for (int kind = PERIOD_DAY; kind <= PERIOD_YEAR; kind++) {
    spread(12345, day(2025, 5, 14), day(2025, 5, 14), (enum period_kind)kind, 2, &log);
    CHECK(log.n == 1 && log.share[0] == 12345);
    struct period_cfg pc = {(enum period_kind)kind, 2};
    CHECK(log.start[0] == period_start(&pc, day(2025, 5, 14)));
  }
  /* End before start: the start day only. */
  spread(500, day(2025, 5, 14), day(2025, 5, 1), PERIOD_DAY, 1, &log);
  CHECK(log.n == 1 && log.share[0] == 500 && log.start[0] == day(2025, 5, 14));
  /* Days: equal remainders, ties to the earlier. */
  spread(100, day(2025, 1, 30), day(2025, 2, 1), PERIOD_DAY, 1, &log);
  CHECK(log.n == 3 && same(log.share, (const int64_t[]){34, 33, 33}, 3, __LINE__));
  /* Weeks: Wed 2025-01-01..Tue 2025-01-07 = 5 + 2 days: 71.43, 28.57. */
  spread(500, day(2025, 1, 1), day(2025, 1, 7), PERIOD_WEEK, 1, &log);
  CHECK(log.n == 2 && same(log.share, (const int64_t[]){357, 143}, 2, __LINE__));
  CHECK(log.start[0] == day(2024, 12, 30) && log.start[1] == day(2025, 1, 6));
  spread(100, day(2025, 1, 1), day(2025, 1, 7), PERIOD_WEEK, 1, &log);
  CHECK(same(log.share, (const int64_t[]){71, 29}, 2, __LINE__));
  /* Fiscal quarters, M = 2, FY2026 (365 days: 89, 92, 92, 92). */
  spread(36500, day(2025, 2, 1), day(2026, 1, 31), PERIOD_QUARTER, 2, &log);
  CHECK(log.n == 4 && same(log.share, (const int64_t[]){8900, 9200, 9200, 9200}, 4, __LINE__));
  CHECK(log.start[3] == day(2025, 11, 1));
  /* Years over a leap year: 2023-07-01..2024-06-30 = 184 + 182 days. */
  spread(1, day(2023, 7, 1), day(2024, 6, 30), PERIOD_YEAR, 1, &log);
  CHECK(log.n == 2 && same(log.share, (const int64_t[]){1, 0}, 2, __LINE__));
  spread(1, day(2023, 7, 3), day(2024, 6, 30), PERIOD_YEAR, 1, &log); /* 182 + 182: tie */
  CHECK(log.n == 2 && same(log.share, (const int64_t[]){1, 0}, 2, __LINE__));
  spread(1, day(2023, 7, 4), day(2024, 6, 30), PERIOD_YEAR, 1, &log); /* 181 + 182 */
  CHECK(log.n == 2 && same(log.share, (const int64_t[]){0, 1}, 2, __LINE__));
  /* Zero cost still visits every period. */
  spread(0, day(2025, 1, 15), day(2025, 3, 15), PERIOD_MONTH, 1, &log);
  CHECK(log.n == 3 && log.share[0] == 0 && log.share[1] == 0 && log.share[2] == 0);
  /* Extremes: INT64_MIN over two equal halves. */
  spread(INT64_MIN, day(2025, 1, 31), day(2025, 2, 1), PERIOD_MONTH, 1, &log);
  CHECK(log.n == 2 && log.share[0] == INT64_MIN / 2 && log.share[1] == INT64_MIN / 2);
}

/* Random spreads against split_rational of the periods' day counts (an
 * independent path through the largest-remainder rule). */
static void test_spread_random(void) {
  static struct spread_log log;
  int bad = 0;
  for (int round = 0; round < 4000; round++) {
    enum period_kind kind = (enum period_kind)(rnd() % 5);
    int fy = 1 + (int)(rnd() % 12);
    int32_t max_len = kind == PERIOD_DAY ? 60 : kind == PERIOD_WEEK ? 400 : 3000;
    int32_t from = day(2015, 1, 1) + (int32_t)(rnd() % 4000);
    int32_t to = from + (int32_t)(rnd() % (uint64_t)max_len);
    int64_t cents = (int64_t)rnd() >> (rnd() % 63);
    spread(cents, from, to, kind, fy, &log);
    struct period_cfg pc = {kind, fy};
    __int128 days[256]; /* at most ~110 months */
    int64_t want[256];
    size_t n = 0;
    for (int32_t p = period_start(&pc, from); p <= to; p = period_next(&pc, p), n++) {
      int32_t e = period_end(&pc, p);
      days[n] = (e < to ? e : to) - (p > from ? p : from) + 1;
      bad += n >= log.n || log.start[n] != p;
    }
    bad += n != log.n;
    split_rational(cents, days, to - from + 1, n, want);
    bad += !same(log.share, want, n, __LINE__);
  }
  CHECK(bad == 0);
}

int main(void) {
  test_rational_cases();
  test_rational_random();
  test_double();
  test_double_random();
  test_spread_cases();
  test_spread_random();
  return check_exit();
}
