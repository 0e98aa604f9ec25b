/* The exact Markov removal effect (contract §4.1): chains worked by hand
 * as fractions, the acceptance cases of the data-driven models (a channel
 * leading only to NULL, one seen only in non-converting journeys that
 * leads into converting ones, p = 0, one channel only, a repeated
 * channel), and random chains against a direct solution of every p_-c
 * (one system per channel, transitions into c sent to NULL), which is the
 * definition rather than the identity markov.c uses. */
#include "transforms/markov.h"

#include <math.h>
#include <stdlib.h>

#include "tests/unit/check.h"
#include "transforms/base/xalloc.h"

#define NEAR(got, want) CHECK(fabs((got) - (want)) <= 1e-15)

enum { A, B, C, D, E };

static void add(struct journey_counts *jc, bool conv, size_t k, const uint32_t *ch) {
  journey_counts_add(jc, ch, k, conv);
}
#define J(jc, conv, ...)                                                                  \
  add(jc, conv, sizeof((const uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t),               \
      (const uint32_t[]){__VA_ARGS__})

/* Three journeys over A, B, C with a cycle between A and B:
 *   J1: A B A -> CONV    J2: B A B -> NULL    J3: C A -> CONV
 * Transitions: START->A 1, START->B 1, START->C 1; A->B 2, A->CONV 2;
 * B->A 2, B->NULL 1; C->A 1. So P(A->B) = P(A->CONV) = 1/2,
 * P(B->A) = 2/3, P(B->NULL) = 1/3, P(C->A) = 1, P(START->x) = 1/3 each.
 * h = P(CONV | from x): h_A = h_B/2 + 1/2, h_B = 2/3 h_A, h_C = h_A
 *   => h_A = 3/4, h_B = 1/2, h_C = 3/4; p = (3/4 + 1/2 + 3/4) / 3 = 2/3.
 * p_-A: every conversion passes through A, so 0: RE_A = 1.
 * p_-B: A->B goes to NULL, so h_A = h_C = 1/2, START->B to NULL:
 *   p_-B = (1/2 + 0 + 1/2) / 3 = 1/3: RE_B = 1 - (1/3)/(2/3) = 1/2.
 * p_-C: START->C to NULL: p_-C = (3/4 + 1/2) / 3 = 5/12:
 *   RE_C = 1 - (5/12)/(2/3) = 3/8. */
static void hand_chain(void) {
  struct journey_counts jc;
  double p, re[3];
  journey_counts_init(&jc, 3);
  J(&jc, true, A, B, A);
  J(&jc, false, B, A, B);
  J(&jc, true, C, A);
  CHECK_I64(journey_trans(&jc, A, B), 2);
  CHECK_I64(journey_trans(&jc, A, JOURNEY_CONV(&jc)), 2);
  CHECK_I64(journey_trans(&jc, B, JOURNEY_NULL(&jc)), 1);
  CHECK_I64(journey_trans(&jc, JOURNEY_START(&jc), C), 1);
  markov_removal_effects(&jc, &p, re);
  NEAR(p, 2.0 / 3.0);
  NEAR(re[A], 1.0);
  NEAR(re[B], 0.5);
  NEAR(re[C], 3.0 / 8.0);
  journey_counts_release(&jc);
}

/* D's only transitions lead to NULL: removing it loses nothing.
 *   A -> CONV;  A D -> NULL;  D -> NULL.
 * h_D = 0, so p_-D = p exactly and RE_D is exactly 0. p = P(START->A) *
 * h_A = 2/3 * 1/2 = 1/3; RE_A = 1. */
static void dead_end_channel(void) {
  struct journey_counts jc;
  double p, re[4];
  journey_counts_init(&jc, 4);
  J(&jc, true, A);
  J(&jc, false, A, D);
  J(&jc, false, D);
  markov_removal_effects(&jc, &p, re);
  NEAR(p, 1.0 / 3.0);
  CHECK(re[D] == 0.0);
  NEAR(re[A], 1.0);
  CHECK(re[B] == 0.0 && re[C] == 0.0); /* in no journey */
  journey_counts_release(&jc);
}

/* E appears only in a journey that does not convert, but it leads into A,
 * which converts half of the time:  A -> CONV;  E A -> NULL.
 * h_A = 1/2, h_E = h_A = 1/2, p = (1/2 + 1/2) / 2 = 1/2;
 * p_-E = 1/2 * h_A = 1/4: RE_E = 1/2 > 0; RE_A = 1. */
static void feeder_channel(void) {
  struct journey_counts jc;
  double p, re[5];
  journey_counts_init(&jc, 5);
  J(&jc, true, A);
  J(&jc, false, E, A);
  markov_removal_effects(&jc, &p, re);
  NEAR(p, 0.5);
  NEAR(re[E], 0.5);
  NEAR(re[A], 1.0);
  CHECK(re[E] > 0.0);
  CHECK_I64(jc.holds_conv[E], 0);
  journey_counts_release(&jc);
}

/* No conversion at all: p = 0 and every RE is 0. */
static void no_conversion(void) {
  struct journey_counts jc;
  double p = -1, re[3] = {-1, -1, -1};
  journey_counts_init(&jc, 3);
  J(&jc, false, A, B);
  J(&jc, false, C);
  markov_removal_effects(&jc, &p, re);
  CHECK(p == 0.0);
  CHECK(re[A] == 0.0 && re[B] == 0.0 && re[C] == 0.0);
  journey_counts_release(&jc);
}

/* One channel only: A -> CONV, A -> NULL, A A -> CONV (merged to A).
 * p = 2/3 and removing A removes every conversion: RE_A = 1. */
static void one_channel(void) {
  struct journey_counts jc;
  double p, re[1];
  journey_counts_init(&jc, 1);
  J(&jc, true, A);
  J(&jc, false, A);
  J(&jc, true, A, A);
  CHECK_I64(journey_trans(&jc, A, A), 0);
  markov_removal_effects(&jc, &p, re);
  NEAR(p, 2.0 / 3.0);
  NEAR(re[A], 1.0);
  journey_counts_release(&jc);
}

/* A journey repeating a channel: A A B B B A -> CONV is A B A -> CONV
 * (consecutive equal channels merged, the later return to A kept), so
 * START->A 1, A->B 1, B->A 1, A->CONV 1 and no A->A or B->B.
 * P(A->B) = P(A->CONV) = 1/2, P(B->A) = 1: h_A = h_B = 1, p = 1;
 * removing B: h_A = 1/2, p_-B = 1/2, RE_B = 1/2; RE_A = 1. */
static void repeated_channel(void) {
  struct journey_counts jc;
  double p, re[2];
  journey_counts_init(&jc, 2);
  J(&jc, true, A, A, B, B, B, A);
  CHECK_I64(journey_trans(&jc, A, A), 0);
  CHECK_I64(journey_trans(&jc, B, B), 0);
  CHECK_I64(journey_trans(&jc, A, B), 1);
  CHECK_I64(journey_trans(&jc, B, A), 1);
  CHECK_I64(journey_trans(&jc, A, JOURNEY_CONV(&jc)), 1);
  CHECK_I64(jc.holds[A], 1);
  CHECK_I64(jc.conv_by_size[A * 3 + 2], 1);
  markov_removal_effects(&jc, &p, re);
  NEAR(p, 1.0);
  NEAR(re[A], 1.0);
  NEAR(re[B], 0.5);
  journey_counts_release(&jc);
}

/* --- Random chains against the definition ------------------------------ */

static uint64_t rng_state = 0x6d61726b6f76;
static uint64_t rnd(void) {
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

/* Solves a x = b (n x n, long double, partial pivoting); a and b are
 * overwritten, x in b. */
static void gauss(long double *a, long double *b, size_t n) {
  for (size_t k = 0; k < n; k++) {
    size_t best = k;
    for (size_t i = k + 1; i < n; i++)
      if (fabsl(a[i * n + k]) > fabsl(a[best * n + k]))
        best = i;
    for (size_t j = 0; j < n; j++) {
      long double t = a[k * n + j];
      a[k * n + j] = a[best * n + j];
      a[best * n + j] = t;
    }
    long double t = b[k];
    b[k] = b[best];
    b[best] = t;
    for (size_t i = k + 1; i < n; i++) {
      long double l = a[i * n + k] / a[k * n + k];
      for (size_t j = k; j < n; j++)
        a[i * n + j] -= l * a[k * n + j];
      b[i] -= l * b[k];
    }
  }
  for (size_t i = n; i-- > 0;) {
    long double s = b[i];
    for (size_t j = i + 1; j < n; j++)
      s -= a[i * n + j] * b[j];
    b[i] = s / a[i * n + i];
  }
}

/* P(START absorbed in CONV) over every channel of jc, with transitions
 * into `removed` (or none: SIZE_MAX) sent to NULL; channels in no journey
 * get an identity row. */
static long double direct_p(const struct journey_counts *jc, size_t removed) {
  size_t n = jc->nchan, S = JOURNEY_START(jc);
  long double *a = xcalloc(n * n, sizeof(long double));
  long double *h = xcalloc(n, sizeof(long double));
  for (size_t i = 0; i < n; i++) {
    uint64_t out = 0;
    for (size_t j = 0; j < n + 2; j++)
      out += journey_trans(jc, i, j);
    a[i * n + i] = 1.0L;
    if (out == 0)
      continue;
    for (size_t j = 0; j < n; j++)
      if (j != removed)
        a[i * n + j] -= (long double)journey_trans(jc, i, j) / out;
    h[i] = (long double)journey_trans(jc, i, JOURNEY_CONV(jc)) / out;
  }
  gauss(a, h, n);
  uint64_t out = 0;
  long double p = 0;
  for (size_t j = 0; j < n + 2; j++)
    out += journey_trans(jc, S, j);
  for (size_t j = 0; j < n; j++)
    if (j != removed)
      p += (long double)journey_trans(jc, S, j) / out * h[j];
  free(a);
  free(h);
  return p;
}

/* nj random journeys of 1..maxlen steps over n channels, a third converting. */
static void random_journeys(struct journey_counts *jc, size_t n, size_t nj, size_t maxlen) {
  uint32_t ch[64];
  for (size_t j = 0; j < nj; j++) {
    size_t k = 1 + rnd() % maxlen;
    for (size_t i = 0; i < k; i++)
      ch[i] = (uint32_t)(rnd() % n);
    journey_counts_add(jc, ch, k, rnd() % 3 == 0);
  }
}

static void against_definition(size_t n, size_t nj, size_t maxlen, size_t ncheck) {
  struct journey_counts jc;
  double p, *re = xcalloc(n, sizeof(double));
  journey_counts_init(&jc, n);
  random_journeys(&jc, n, nj, maxlen);
  markov_removal_effects(&jc, &p, re);
  long double pd = direct_p(&jc, SIZE_MAX);
  CHECK(fabsl(p - pd) <= 1e-13L);
  for (size_t t = 0; t < ncheck; t++) {
    size_t c = ncheck == n ? t : rnd() % n;
    long double want = pd > 0 ? 1.0L - direct_p(&jc, c) / pd : 0.0L;
    if (!(fabsl(re[c] - want) <= 1e-12L)) {
      fprintf(stderr, "n=%zu channel %zu: RE %.17g, direct %.17Lg\n", n, c, re[c], want);
      CHECK(0);
    }
    CHECK(re[c] >= 0.0 && re[c] <= 1.0);
  }
  journey_counts_release(&jc);
  free(re);
}

/* Journeys added in another order give the very same bits. */
static void order_independent(void) {
  struct journey_counts x, y;
  uint32_t ch[40][8];
  size_t len[40];
  bool conv[40];
  double px, py, rx[6], ry[6];
  for (size_t j = 0; j < 40; j++) {
    len[j] = 1 + rnd() % 8;
    conv[j] = rnd() % 2;
    for (size_t i = 0; i < len[j]; i++)
      ch[j][i] = (uint32_t)(rnd() % 6);
  }
  journey_counts_init(&x, 6);
  journey_counts_init(&y, 6);
  for (size_t j = 0; j < 40; j++)
    journey_counts_add(&x, ch[j], len[j], conv[j]);
  for (size_t j = 40; j-- > 0;)
    journey_counts_add(&y, ch[j], len[j], conv[j]);
  markov_removal_effects(&x, &px, rx);
  markov_removal_effects(&y, &py, ry);
  CHECK(memcmp(&px, &py, sizeof px) == 0);
  CHECK(memcmp(rx, ry, sizeof rx) == 0);
  journey_counts_release(&x);
  journey_counts_release(&y);
}

int main(void) {
  hand_chain();
  dead_end_channel();
  feeder_channel();
  no_conversion();
  one_channel();
  repeated_channel();
  for (int r = 0; r < 30; r++)
    against_definition(2 + (size_t)r % 9, 20 + (size_t)r * 10, 6, 2 + (size_t)r % 9);
  against_definition(300, 20000, 12, 4); /* hundreds of states */
  order_independent();
  return check_exit();
}
