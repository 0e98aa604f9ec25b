/* LU factorization with partial pivoting and the two substitutions (see
 * linsolve.h). Row-major, in place; the loops run in a fixed order so the
 * same matrix always gives the same bits. */
#include "transforms/linsolve.h"

#include <math.h>

static void swap_rows(double *a, size_t n, size_t r, size_t s) {
  double *x = a + r * n, *y = a + s * n;
  for (size_t j = 0; j < n; j++) {
    double t = x[j];
    x[j] = y[j];
    y[j] = t;
  }
}

int lu_factor(double *a, size_t n, size_t *piv) {
  for (size_t k = 0; k < n; k++) {
    size_t best = k;
    for (size_t i = k + 1; i < n; i++)
      if (fabs(a[i * n + k]) > fabs(a[best * n + k]))
        best = i;
    piv[k] = best;
    if (a[best * n + k] == 0.0)
      return -1;
    if (best != k)
      swap_rows(a, n, k, best);
    const double *rk = a + k * n;
    for (size_t i = k + 1; i < n; i++) {
      double *ri = a + i * n;
      if (ri[k] == 0.0)
        continue;
      double l = ri[k] / rk[k];
      ri[k] = l;
      for (size_t j = k + 1; j < n; j++)
        ri[j] -= l * rk[j];
    }
  }
  return 0;
}

void lu_solve(const double *lu, size_t n, const size_t *piv, double *b) {
  for (size_t k = 0; k < n; k++) {
    if (piv[k] != k) {
      double t = b[k];
      b[k] = b[piv[k]];
      b[piv[k]] = t;
    }
  }
  for (size_t i = 1; i < n; i++) { /* L y = P b, L unit lower */
    double s = b[i];
    for (size_t j = 0; j < i; j++)
      s -= lu[i * n + j] * b[j];
    b[i] = s;
  }
  for (size_t i = n; i-- > 0;) { /* U x = y */
    double s = b[i];
    for (size_t j = i + 1; j < n; j++)
      s -= lu[i * n + j] * b[j];
    b[i] = s / lu[i * n + i];
  }
}

void lu_solve_transposed(const double *lu, size_t n, const size_t *piv, double *b) {
  /* A^T = U^T L^T P: solve U^T z = b, then L^T w = z, then x = P^T w. */
  for (size_t i = 0; i < n; i++) {
    double s = b[i];
    for (size_t j = 0; j < i; j++)
      s -= lu[j * n + i] * b[j];
    b[i] = s / lu[i * n + i];
  }
  for (size_t i = n; i-- > 0;) {
    double s = b[i];
    for (size_t j = i + 1; j < n; j++)
      s -= lu[j * n + i] * b[j];
    b[i] = s;
  }
  for (size_t k = n; k-- > 0;) {
    if (piv[k] != k) {
      double t = b[k];
      b[k] = b[piv[k]];
      b[piv[k]] = t;
    }
  }
}
