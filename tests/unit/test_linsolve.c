/* Dense LU with partial pivoting (transforms/linsolve.h): a system that
 * needs a row swap (zero leading pivot), its transpose, a singular matrix,
 * and a diagonally dominant random system checked by its residual. */
#include "transforms/linsolve.h"

#include <math.h>

#include "tests/unit/check.h"

#define NEAR(got, want) CHECK(fabs((got) - (want)) <= 1e-14)

/* [0 2 1; 1 1 0; 2 0 3] x = b with x = (1, 2, 3): b = (7, 3, 11);
 * transposed: [0 1 2; 2 1 0; 1 0 3] x = (1, 2, 3) -> b = (8, 4, 10). */
static void pivoting(void) {
  double a[9] = {0, 2, 1, 1, 1, 0, 2, 0, 3};
  double b[3] = {7, 3, 11}, bt[3] = {8, 4, 10};
  size_t piv[3];
  CHECK(lu_factor(a, 3, piv) == 0);
  CHECK(piv[0] == 2); /* the largest magnitude in column 0 */
  lu_solve(a, 3, piv, b);
  NEAR(b[0], 1);
  NEAR(b[1], 2);
  NEAR(b[2], 3);
  lu_solve_transposed(a, 3, piv, bt);
  NEAR(bt[0], 1);
  NEAR(bt[1], 2);
  NEAR(bt[2], 3);
}

static void singular(void) {
  double a[4] = {1, 2, 2, 4};
  size_t piv[2];
  CHECK(lu_factor(a, 2, piv) == -1);
}

static void residual(void) {
  enum { N = 40 };
  static double a[N * N], lu[N * N];
  double x[N], b[N];
  size_t piv[N];
  uint64_t s = 12345;
  for (size_t i = 0; i < N; i++) {
    double row = 0;
    for (size_t j = 0; j < N; j++) {
      s = s * 6364136223846793005ULL + 1442695040888963407ULL;
      a[i * N + j] = -(double)(s >> 40) / (double)(1ULL << 24) / N;
      row += fabs(a[i * N + j]);
    }
    a[i * N + i] = 1.0 + row;
    b[i] = (double)i - 7.5;
  }
  memcpy(lu, a, sizeof a);
  memcpy(x, b, sizeof b);
  CHECK(lu_factor(lu, N, piv) == 0);
  lu_solve(lu, N, piv, x);
  for (size_t i = 0; i < N; i++) {
    double r = -b[i];
    for (size_t j = 0; j < N; j++)
      r += a[i * N + j] * x[j];
    CHECK(fabs(r) < 1e-12);
  }
  memcpy(x, b, sizeof b);
  lu_solve_transposed(lu, N, piv, x);
  for (size_t i = 0; i < N; i++) {
    double r = -b[i];
    for (size_t j = 0; j < N; j++)
      r += a[j * N + i] * x[j];
    CHECK(fabs(r) < 1e-12);
  }
}

int main(void) {
  pivoting();
  singular();
  residual();
  return check_exit();
}
