/* Splitting whole cents by weights (contract §5.1 "Credit in cents" and
 * §5.4 cost): floors first, then the missing cents one each to the largest
 * remainders, ties to the earlier index, so the parts always sum exactly to
 * the value. Rational weights are split exactly in integers; time-decay
 * weights in double precision. Negative values are split as -split(-v); the
 * work is done on magnitudes (uint64_t) so that INT64_MIN is safe. */
#include "transforms/credit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"

typedef unsigned __int128 u128;

/* A part's remainder as an ordered key, and its index. */
struct rank {
  u128 key;
  size_t idx;
};

/* Splits of up to this many parts rank on the stack. */
#define SMALL_SPLIT 32

/* Largest key first, ties to the earlier index. */
static int rank_cmp(const void *pa, const void *pb) {
  const struct rank *a = pa, *b = pb;
  if (a->key != b->key)
    return a->key > b->key ? -1 : 1;
  return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static uint64_t magnitude(int64_t v) { return v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v; }

static int64_t with_sign(uint64_t mag, bool neg) {
  if (!neg || mag == 0)
    return (int64_t)mag;
  return -(int64_t)(mag - 1) - 1; /* mag may be 2^63 */
}

/* Takes need cents back, one each from the parts with a positive amount in
 * the reverse of the ranking (smallest remainder first, ties to the later
 * index); whole rounds at once when need covers every positive part. */
static void take_back(uint64_t *mag, const struct rank *order, size_t k, u128 need) {
  while (need > 0) {
    size_t positive = 0;
    uint64_t least = UINT64_MAX;
    for (size_t i = 0; i < k; i++) {
      if (mag[i] > 0) {
        positive++;
        if (mag[i] < least)
          least = mag[i];
      }
    }
    if (need >= positive) {
      u128 each = need / positive < least ? need / positive : least;
      for (size_t i = 0; i < k; i++)
        if (mag[i] > 0)
          mag[i] -= (uint64_t)each;
      need -= each * positive;
      continue;
    }
    for (size_t j = k; j-- > 0 && need > 0;) {
      if (mag[order[j].idx] > 0) {
        mag[order[j].idx]--;
        need--;
      }
    }
  }
}

/* Brings the floors mag[0..k) to sum v: the missing cents go one each to
 * the parts in ranking order (whole rounds first if more are missing than
 * there are parts, which only imprecise double weights can cause); an
 * excess is taken back by take_back. Sorts ranks. */
static void settle(uint64_t v, uint64_t *mag, struct rank *ranks, size_t k) {
  u128 have = 0;
  for (size_t i = 0; i < k; i++)
    have += mag[i];
  if (have == v)
    return;
  qsort(ranks, k, sizeof(*ranks), rank_cmp);
  if (have > v) {
    take_back(mag, ranks, k, have - v);
    return;
  }
  u128 missing = v - have;
  uint64_t each = (uint64_t)(missing / k);
  size_t extra = (size_t)(missing % k);
  for (size_t j = 0; j < k; j++)
    mag[ranks[j].idx] += each + (j < extra);
}

/* floor(v * a / d) and the remainder, exactly, for a <= d < 2^94 and
 * v <= 2^63: 128-bit products throughout, v taken in two 32-bit halves
 * when a does not fit 64 bits. */
static uint64_t muldiv(uint64_t v, u128 a, u128 d, u128 *rem) {
  if (a <= UINT64_MAX) {
    u128 p = (u128)v * a;
    *rem = p % d;
    return (uint64_t)(p / d);
  }
  u128 p1 = (u128)(v >> 32) * a;
  u128 q1 = p1 / d;
  u128 p2 = ((p1 % d) << 32) + (u128)(v & 0xffffffffu) * a;
  *rem = p2 % d;
  return (uint64_t)((q1 << 32) + p2 / d);
}

void split_rational(int64_t v, const __int128 *num, __int128 den, size_t k, int64_t *out) {
  if (k == 0)
    return;
  uint64_t vm = magnitude(v);
  /* int64_t and uint64_t may alias: the magnitudes live in out. */
  uint64_t *mag = (uint64_t *)out;
  struct rank small[SMALL_SPLIT];
  struct rank *ranks = k <= SMALL_SPLIT ? small : xreallocarray(NULL, k, sizeof(*ranks));
  for (size_t i = 0; i < k; i++) {
    ranks[i].idx = i;
    mag[i] = num[i] > 0 ? muldiv(vm, (u128)num[i], (u128)den, &ranks[i].key) : 0;
    if (num[i] <= 0)
      ranks[i].key = 0;
  }
  settle(vm, mag, ranks, k);
  if (ranks != small)
    free(ranks);
  for (size_t i = 0; i < k; i++)
    out[i] = with_sign(mag[i], v < 0);
}

/* floor(x) as a part of vm (clamped to [0, vm]) and x - floor(x) as a key:
 * the bits of a non-negative double order like the double. */
static uint64_t floor_part(uint64_t vm, double x, u128 *key) {
  *key = 0;
  if (!(x > 0.0))
    return 0; /* 0, negative or NaN weight */
  double f = floor(x);
  if (f >= 0x1p64 || (uint64_t)f > vm)
    return vm;
  double r = x - f;
  uint64_t bits;
  memcpy(&bits, &r, sizeof(bits));
  *key = r > 0.0 ? bits : 0;
  return (uint64_t)f;
}

void split_double(int64_t v, const double *w, size_t k, int64_t *out) {
  if (k == 0)
    return;
  uint64_t vm = magnitude(v);
  uint64_t *mag = (uint64_t *)out;
  struct rank small[SMALL_SPLIT];
  struct rank *ranks = k <= SMALL_SPLIT ? small : xreallocarray(NULL, k, sizeof(*ranks));
  for (size_t i = 0; i < k; i++) {
    ranks[i].idx = i;
    mag[i] = floor_part(vm, (double)vm * w[i], &ranks[i].key);
  }
  settle(vm, mag, ranks, k);
  if (ranks != small)
    free(ranks);
  for (size_t i = 0; i < k; i++)
    out[i] = with_sign(mag[i], v < 0);
}

/* --- Cost spreading ------------------------------------------------------ */

/* The periods of a spread with the same number of days get the same floor
 * and remainder, and a spread has few distinct lengths: the full length(s)
 * of its period kind (1; 7; 28-31; 89-92; 365-366) and the clipped first and
 * last periods, so at most 6. Ranking these classes instead of the periods
 * needs no allocation and no sort of the (possibly many) periods. */
#define SPREAD_CLASSES 8

struct spread_class {
  int64_t days;
  uint64_t count; /* periods of this length */
  uint64_t floor; /* cents * days / total, rounded down */
  u128 rem;       /* cents * days % total */
};

struct spread {
  const struct period_cfg *pc;
  int64_t start, end; /* days, inclusive */
  struct spread_class cls[SPREAD_CLASSES];
  size_t ncls;
  u128 threshold; /* remainders above it get a cent ... */
  uint64_t at_threshold; /* ... and this many, in order, equal to it */
  bool none;             /* no cent to hand out */
};

/* Days of the period starting at p that lie in the spread. */
static int64_t spread_days(const struct spread *s, int64_t p, int64_t *next) {
  int64_t pe = period_end(s->pc, (int32_t)p);
  *next = pe + 1;
  return (pe < s->end ? pe : s->end) - (p > s->start ? p : s->start) + 1;
}

static struct spread_class *spread_class_of(struct spread *s, int64_t days) {
  for (size_t c = 0; c < s->ncls; c++)
    if (s->cls[c].days == days)
      return &s->cls[c];
  if (s->ncls == SPREAD_CLASSES)
    abort(); /* impossible: see SPREAD_CLASSES */
  s->cls[s->ncls] = (struct spread_class){.days = days};
  return &s->cls[s->ncls++];
}

static int class_cmp(const void *pa, const void *pb) {
  const struct spread_class *a = pa, *b = pb;
  return a->rem > b->rem ? -1 : a->rem < b->rem;
}

/* Finds which remainders receive the missing cents. */
static void spread_threshold(struct spread *s, uint64_t missing) {
  s->none = missing == 0;
  if (s->none)
    return;
  struct spread_class sorted[SPREAD_CLASSES];
  memcpy(sorted, s->cls, s->ncls * sizeof(*sorted));
  qsort(sorted, s->ncls, sizeof(*sorted), class_cmp);
  uint64_t above = 0;
  for (size_t c = 0; c < s->ncls;) {
    uint64_t equal = 0;
    size_t e = c;
    for (; e < s->ncls && sorted[e].rem == sorted[c].rem; e++)
      equal += sorted[e].count;
    if (above + equal >= missing) {
      s->threshold = sorted[c].rem;
      s->at_threshold = missing - above;
      return;
    }
    above += equal;
    c = e;
  }
}

void cost_spread(int64_t cents, int32_t start, int32_t end, const struct period_cfg *pc,
                 void (*emit)(void *ctx, int32_t period_start, int64_t share), void *ctx) {
  struct spread s = {.pc = pc, .start = start, .end = end < start ? start : end};
  uint64_t vm = magnitude(cents);
  u128 total = (u128)(s.end - s.start + 1);
  int64_t first = period_start(pc, start), next;
  for (int64_t p = first; p <= s.end; p = next)
    spread_class_of(&s, spread_days(&s, p, &next))->count++;
  u128 have = 0;
  for (size_t c = 0; c < s.ncls; c++) {
    struct spread_class *sc = &s.cls[c];
    sc->floor = muldiv(vm, (u128)sc->days, total, &sc->rem);
    have += (u128)sc->floor * sc->count;
  }
  spread_threshold(&s, (uint64_t)(vm - have));
  uint64_t given = 0;
  for (int64_t p = first; p <= s.end; p = next) {
    const struct spread_class *sc = spread_class_of(&s, spread_days(&s, p, &next));
    uint64_t share = sc->floor;
    if (!s.none && (sc->rem > s.threshold || (sc->rem == s.threshold && given < s.at_threshold))) {
      share++;
      given += sc->rem == s.threshold;
    }
    emit(ctx, (int32_t)p, with_sign(share, cents < 0));
  }
}
