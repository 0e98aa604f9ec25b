/* Dense linear systems for the exact Markov model (contract §4.1): LU
 * factorization with partial pivoting (Gaussian elimination choosing, in
 * each column, the row with the largest magnitude), then forward and back
 * substitution for A x = b or A^T x = b. The absorbing chain's matrix
 * I - Q has at most a few hundred rows (one per channel), so a dense
 * factorization in double precision is both exact enough and fast: one
 * factorization serves every right-hand side. Pure arithmetic, no
 * allocation. */
#ifndef ATTR_LINSOLVE_H
#define ATTR_LINSOLVE_H

#include <stddef.h>

/* Factors the n x n row-major matrix a in place as P A = L U (L unit lower
 * triangular below the diagonal, U on and above it); piv[k] is the row
 * swapped with row k at step k. Deterministic: ties between equal
 * magnitudes go to the upper row. Returns 0, or -1 when a pivot is 0 (the
 * matrix is singular; a and piv are then unspecified). */
int lu_factor(double *a, size_t n, size_t *piv);

/* Solves A x = b with the factors of lu_factor; b (n entries) becomes x. */
void lu_solve(const double *lu, size_t n, const size_t *piv, double *b);

/* Solves A^T x = b with the same factors; b becomes x. */
void lu_solve_transposed(const double *lu, size_t n, const size_t *piv, double *b);

#endif
