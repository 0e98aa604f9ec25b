/* Exact decimal formatting (contract §5.5, §9 "Models", "Tables"): cents,
 * 6-decimal ratios and doubles, 4-decimal roi, FIX18 fixed point. Every
 * rounding is half away from zero: each case sits just on and just off a
 * half, on both signs, and nothing prints as a negative zero. */
#include "transforms/credit.h"

#include <math.h>

#include "tests/unit/check.h"

static const char *cents(int64_t v) {
  static char out[32];
  fmt_cents(v, out);
  return out;
}

static const char *ratio6(__int128 num, __int128 den) {
  static char out[64];
  fmt_ratio6(num, den, out);
  return out;
}

static const char *roi(int64_t revenue, int64_t cost) {
  static char out[64];
  fmt_roi(revenue, cost, out);
  return out;
}

static const char *dbl6(double x) {
  static char out[64];
  fmt_double6(x, out);
  return out;
}

static const char *fix18(__int128 v) {
  static char out[64];
  fmt_fix18(v, out);
  return out;
}

static void test_cents(void) {
  CHECK_STR(cents(0), "0.00");
  CHECK_STR(cents(5), "0.05");
  CHECK_STR(cents(-5), "-0.05");
  CHECK_STR(cents(-1250), "-12.50");
  CHECK_STR(cents(100), "1.00");
  CHECK_STR(cents(-99), "-0.99");
  CHECK_STR(cents(123456), "1234.56");
  CHECK_STR(cents(INT64_MAX), "92233720368547758.07");
  CHECK_STR(cents(INT64_MIN + 1), "-92233720368547758.07");
  CHECK_STR(cents(INT64_MIN), "-92233720368547758.08");
}

static void test_ratio6(void) {
  CHECK_STR(ratio6(1, 3), "0.333333");
  CHECK_STR(ratio6(2, 3), "0.666667");
  CHECK_STR(ratio6(-1, 3), "-0.333333");
  CHECK_STR(ratio6(-2, 3), "-0.666667");
  CHECK_STR(ratio6(0, 7), "0.000000");
  CHECK_STR(ratio6(5, 1), "5.000000");
  /* Exactly half a millionth: away from zero; just under: down. */
  CHECK_STR(ratio6(1, 2000000), "0.000001");
  CHECK_STR(ratio6(1, 2000001), "0.000000");
  CHECK_STR(ratio6(-1, 2000000), "-0.000001");
  CHECK_STR(ratio6(-1, 2000001), "0.000000");
  /* Carry into the integer part. */
  CHECK_STR(ratio6(1999999, 2000000), "1.000000");
  CHECK_STR(ratio6(-1999999, 2000000), "-1.000000");
  CHECK_STR(ratio6(1999997, 2000000), "0.999999");
  /* Denominators beyond 64 bits (position weights over many touches). */
  __int128 big = (__int128)1 << 100;
  CHECK_STR(ratio6(big, big), "1.000000");
  CHECK_STR(ratio6(big / 3, big), "0.333333");
  CHECK_STR(ratio6(big / 2000000 + 1, big), "0.000001");
  CHECK_STR(ratio6(big / 2000000 - 1, big), "0.000000");
  /* Large numerators. */
  CHECK_STR(ratio6((__int128)INT64_MAX * 1000, 1), "9223372036854775807000.000000");
}

static void test_roi(void) {
  CHECK_STR(roi(0, 0), "");
  CHECK_STR(roi(500, 0), "");
  CHECK_STR(roi(150, 100), "0.5000");
  CHECK_STR(roi(0, 100), "-1.0000");
  CHECK_STR(roi(100, 100), "0.0000");
  CHECK_STR(roi(1, 3), "-0.6667");
  CHECK_STR(roi(400, 300), "0.3333");
  /* -0.000001 prints as 0.0000, never -0.0000; -0.00005 exactly is a half. */
  CHECK_STR(roi(999999, 1000000), "0.0000");
  CHECK_STR(roi(9999501, 10000000), "0.0000");
  CHECK_STR(roi(9999500, 10000000), "-0.0001");
  CHECK_STR(roi(10000499, 10000000), "0.0000");
  CHECK_STR(roi(10000500, 10000000), "0.0001");
  /* Negative cost (refunds): the formula as written. */
  CHECK_STR(roi(0, -100), "-1.0000");
  CHECK_STR(roi(-300, -100), "2.0000");
  /* Extremes: (INT64_MIN - INT64_MAX) / INT64_MAX = -2 - 1/INT64_MAX. */
  CHECK_STR(roi(INT64_MIN, INT64_MAX), "-2.0000");
  CHECK_STR(roi(INT64_MAX, 1), "9223372036854775806.0000");
}

static void test_double6(void) {
  CHECK_STR(dbl6(1.0 / 3), "0.333333");
  CHECK_STR(dbl6(2.0 / 3), "0.666667");
  CHECK_STR(dbl6(1.0), "1.000000");
  CHECK_STR(dbl6(0.0), "0.000000");
  CHECK_STR(dbl6(-0.0), "0.000000");
  CHECK_STR(dbl6(-1e-9), "0.000000");
  CHECK_STR(dbl6(-1e-300), "0.000000");
  CHECK_STR(dbl6(-2.0 / 3), "-0.666667");
  /* 2^-7 = 0.0078125 exactly: a true half, away from zero (printf: even). */
  CHECK_STR(dbl6(0.0078125), "0.007813");
  CHECK_STR(dbl6(-0.0078125), "-0.007813");
  CHECK_STR(dbl6(0.0078125 - 0x1p-60), "0.007812");
  CHECK_STR(dbl6(1e20), "100000000000000000000.000000");
  CHECK_STR(dbl6(-0x1p53), "-9007199254740992.000000");
  /* Away from exact halves it agrees with printf's correctly rounded %.6f. */
  int bad = 0;
  double x = 1e-7;
  for (int i = 0; i < 20000; i++, x *= 1.0013) {
    char want[64];
    snprintf(want, sizeof(want), "%.6f", x);
    bad += strcmp(dbl6(x), want) != 0;
    snprintf(want, sizeof(want), "%.6f", -x);
    bad += strcmp(dbl6(-x), want) != 0 && strcmp(want, "-0.000000") != 0;
  }
  CHECK(bad == 0);
}

static void test_fix18(void) {
  CHECK(fix18_from_ratio(1, 3) == 333333333333333333);
  CHECK(fix18_from_ratio(2, 3) == 666666666666666666);
  CHECK(fix18_from_ratio(-1, 3) == -333333333333333334);
  CHECK(fix18_from_ratio(-3, 3) == -FIX18_ONE);
  CHECK(fix18_from_ratio(1, 1) == FIX18_ONE);
  CHECK(fix18_from_ratio(0, 5) == 0);
  CHECK(fix18_from_ratio(7, 2) == 3 * FIX18_ONE + FIX18_ONE / 2);
  /* Beyond 64 bits: 5e19 / 6e19 = 5/6. */
  __int128 e19 = (__int128)10000000000000000000u;
  CHECK(fix18_from_ratio(5 * e19, 6 * e19) == 833333333333333333);
  CHECK(fix18_from_ratio(1, 6 * e19) == 0);

  /* Nearest FIX18 of doubles (expected values from exact rational
   * arithmetic of the doubles' binary values). */
  CHECK(fix18_from_double(0.0) == 0);
  CHECK(fix18_from_double(1.0) == FIX18_ONE);
  CHECK(fix18_from_double(0.5) == FIX18_ONE / 2);
  CHECK(fix18_from_double(1.0 / 3) == 333333333333333315);  /* ...314.83 */
  CHECK(fix18_from_double(0.1) == 100000000000000006);      /* ...005.55 */
  CHECK(fix18_from_double(0.7) == 699999999999999956);      /* ...955.59 */
  CHECK(fix18_from_double(0x1p-19) == 1907348632813);       /* ...812.5 */
  CHECK(fix18_from_double(0x1p-20) == 953674316406);        /* ...406.25 */
  CHECK(fix18_from_double(1e-19) == 0);
  CHECK(fix18_from_double(6e-19) == 1);
  CHECK(fix18_from_double(0x1p-1074) == 0);
  CHECK(fix18_from_double(NAN) == 0);

  CHECK_STR(fix18(333333333333333333), "0.333333");
  CHECK_STR(fix18(666666666666666666), "0.666667");
  CHECK_STR(fix18(0), "0.000000");
  CHECK_STR(fix18(500000000000), "0.000001");
  CHECK_STR(fix18(499999999999), "0.000000");
  CHECK_STR(fix18(-500000000000), "-0.000001");
  CHECK_STR(fix18(-499999999999), "0.000000");
  CHECK_STR(fix18(999999499999999999), "0.999999");
  CHECK_STR(fix18(999999500000000000), "1.000000");
  /* 1/3 three times, each floored, still prints 1. */
  CHECK_STR(fix18(3 * fix18_from_ratio(1, 3)), "1.000000");
  CHECK_STR(fix18(123 * FIX18_ONE), "123.000000");
  CHECK_STR(fix18(-123 * FIX18_ONE - 1), "-123.000000");
}

int main(void) {
  test_cents();
  test_ratio6();
  test_roi();
  test_double6();
  test_fix18();
  return check_exit();
}
