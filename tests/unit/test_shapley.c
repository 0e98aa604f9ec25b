/* The simplified Shapley value (contract §4.1): an example worked by hand,
 * non-converting journeys ignored, repeated channels counted once per
 * journey, p = 0, and the values summing to the converting journeys. */
#include "transforms/shapley.h"

#include <math.h>

#include "tests/unit/check.h"

#define NEAR(got, want) CHECK(fabs((got) - (want)) <= 1e-15)

enum { A, B, C, D };

#define J(jc, conv, ...)                                                                  \
  journey_counts_add(jc, (const uint32_t[]){__VA_ARGS__},                                 \
                     sizeof((const uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t), conv)

/* Converting journeys and their sets of distinct channels:
 *   A -> {A};  A B -> {A,B};  B A B -> {A,B};  C B -> {B,C};  A B C -> {A,B,C}
 * and D, C -> not converting (ignored). R({A}) = 1, R({A,B}) = 2,
 * R({B,C}) = 1, R({A,B,C}) = 1, so
 *   phi_A = 1/1 + 2/2 + 1/3         = 7/3
 *   phi_B = 2/2 + 1/2 + 1/3         = 11/6
 *   phi_C = 1/2 + 1/3               = 5/6
 *   phi_D = 0 (in no converting journey)
 * and 7/3 + 11/6 + 5/6 = 5, the number of converting journeys. */
static void worked_example(void) {
  struct journey_counts jc;
  double phi[4];
  journey_counts_init(&jc, 4);
  J(&jc, true, A);
  J(&jc, true, A, B);
  J(&jc, true, B, A, B);
  J(&jc, true, C, B);
  J(&jc, true, A, B, C);
  J(&jc, false, D, C);
  shapley_values(&jc, phi);
  NEAR(phi[A], 7.0 / 3.0);
  NEAR(phi[B], 11.0 / 6.0);
  NEAR(phi[C], 5.0 / 6.0);
  CHECK(phi[D] == 0.0);
  CHECK(fabs(phi[A] + phi[B] + phi[C] + phi[D] - 5.0) <= 1e-14);
  CHECK_I64(jc.nconv, 5);
  CHECK_I64(jc.njourneys, 6);
  CHECK_I64(jc.holds[C], 3);
  CHECK_I64(jc.holds_conv[C], 2);
  journey_counts_release(&jc);
}

/* No converting journey: every value 0. */
static void no_conversion(void) {
  struct journey_counts jc;
  double phi[2] = {-1, -1};
  journey_counts_init(&jc, 2);
  J(&jc, false, A, B);
  shapley_values(&jc, phi);
  CHECK(phi[A] == 0.0 && phi[B] == 0.0);
  journey_counts_release(&jc);
}

/* One channel only: every converting journey gives it 1. */
static void one_channel(void) {
  struct journey_counts jc;
  double phi[1];
  journey_counts_init(&jc, 1);
  J(&jc, true, A, A, A);
  J(&jc, true, A);
  J(&jc, false, A);
  shapley_values(&jc, phi);
  NEAR(phi[A], 2.0);
  journey_counts_release(&jc);
}

int main(void) {
  worked_example();
  no_conversion();
  one_channel();
  return check_exit();
}
