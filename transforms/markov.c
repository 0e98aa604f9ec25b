/* Exact Markov removal effects (see markov.h): the live channels (those
 * that can reach CONV), the system I - Q over them, one LU factorization,
 * then h (absorption into CONV), the expected visits from START and the
 * diagonal of (I - Q)^-1. */
#include "transforms/markov.h"

#include <stdlib.h>
#include <string.h>

#include "transforms/linsolve.h"
#include "transforms/base/xalloc.h"

/* The channels that can reach CONV, by a backward search from CONV over
 * the transitions with a non-zero count: live[c] = 1. Returns how many. */
static size_t live_channels(const struct journey_counts *jc, uint8_t *live) {
  size_t n = jc->nchan, nlive = 0;
  uint32_t *queue = xcalloc(n ? n : 1, sizeof(uint32_t));
  size_t head = 0, tail = 0;
  memset(live, 0, n);
  for (size_t c = 0; c < n; c++)
    if (journey_trans(jc, c, JOURNEY_CONV(jc)) > 0) {
      live[c] = 1;
      queue[tail++] = (uint32_t)c;
    }
  while (head < tail) {
    uint32_t to = queue[head++];
    for (size_t c = 0; c < n; c++)
      if (!live[c] && journey_trans(jc, c, to) > 0) {
        live[c] = 1;
        queue[tail++] = (uint32_t)c;
      }
  }
  nlive = tail;
  free(queue);
  return nlive;
}

static uint64_t out_count(const struct journey_counts *jc, size_t from) {
  uint64_t s = 0;
  for (size_t to = 0; to < jc->nchan + 2; to++)
    s += journey_trans(jc, from, to);
  return s;
}

/* The system over the live channels idx[0..m): a = I - Q (row-major m x m),
 * r = P(j -> CONV), s = P(START -> j). */
static void build_system(const struct journey_counts *jc, const uint32_t *idx, size_t m,
                         double *a, double *r, double *s) {
  uint64_t out_start = out_count(jc, JOURNEY_START(jc));
  for (size_t i = 0; i < m; i++) {
    double out = (double)out_count(jc, idx[i]);
    for (size_t j = 0; j < m; j++)
      a[i * m + j] = (i == j ? 1.0 : 0.0) - (double)journey_trans(jc, idx[i], idx[j]) / out;
    r[i] = (double)journey_trans(jc, idx[i], JOURNEY_CONV(jc)) / out;
    s[i] = (double)journey_trans(jc, JOURNEY_START(jc), idx[i]) / (double)out_start;
  }
}

/* Removal effects of the live channels idx[0..m) into re, p into *p. */
static void solve_live(const struct journey_counts *jc, const uint32_t *idx, size_t m, double *p,
                       double *re) {
  double *a = xcalloc(m * m, sizeof(double));
  double *h = xcalloc(m, sizeof(double));
  double *s = xcalloc(m, sizeof(double));
  double *visits = xcalloc(m, sizeof(double));
  double *e = xcalloc(m, sizeof(double));
  size_t *piv = xcalloc(m, sizeof(size_t));

  build_system(jc, idx, m, a, h, s);
  memcpy(visits, s, m * sizeof(double));
  /* I - Q over channels that all reach CONV is non-singular; a zero pivot
   * would mean counts inconsistent with journeys: no effect then. */
  if (lu_factor(a, m, piv) == 0) {
    lu_solve(a, m, piv, h);                   /* h_j */
    lu_solve_transposed(a, m, piv, visits);   /* N(START, j) */
    *p = 0.0;
    for (size_t j = 0; j < m; j++)
      *p += s[j] * h[j];
    for (size_t c = 0; c < m && *p > 0.0; c++) {
      memset(e, 0, m * sizeof(double));
      e[c] = 1.0;
      lu_solve(a, m, piv, e); /* column c of N: e[c] = N(c, c) >= 1 */
      double v = visits[c] / e[c] * h[c] / *p;
      re[idx[c]] = v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v;
    }
  }
  free(a);
  free(h);
  free(s);
  free(visits);
  free(e);
  free(piv);
}

void markov_removal_effects(const struct journey_counts *jc, double *p, double *re) {
  size_t n = jc->nchan;
  *p = 0.0;
  memset(re, 0, n * sizeof(double));
  if (jc->nconv == 0)
    return; /* p = 0: every RE is 0 */
  uint8_t *live = xcalloc(n ? n : 1, 1);
  size_t m = live_channels(jc, live);
  uint32_t *idx = xcalloc(m ? m : 1, sizeof(uint32_t));
  size_t k = 0;
  for (size_t c = 0; c < n; c++)
    if (live[c])
      idx[k++] = (uint32_t)c;
  if (m > 0)
    solve_live(jc, idx, m, p, re);
  free(idx);
  free(live);
}
