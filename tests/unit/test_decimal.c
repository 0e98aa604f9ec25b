/* Exact decimals, money and fx conversion (contract §2 "Money", §5.1, §9
 * "Values"). Besides the named cases, money_parse is checked against an
 * integer reference on a grid of amounts, and money_convert against an
 * __int128 reference on a grid of (cents, rate) pairs. */
#include <limits.h>

#include "tests/unit/check.h"
#include "transforms/values.h"

#define REJECTED INT64_MIN /* money() of a rejected text */

static const char *why;

static int64_t money(const char *s) {
  int64_t c = 12345;
  why = NULL;
  if (money_parse(s, strlen(s), &c, &why) != 0) {
    CHECK(why != NULL && c == 12345);
    return REJECTED;
  }
  return c;
}

/* decimal_parse: returns 0 and fills *d, or -1. */
static int dec(const char *s, struct decimal *d) { return decimal_parse(s, strlen(s), d, &why); }

static bool dec_is(const char *s, __int128 mant, int scale) {
  struct decimal d;
  return dec(s, &d) == 0 && d.mant == mant && d.scale == scale;
}

static void test_money_cases(void) {
  CHECK_I64(money("1.005"), 101);
  CHECK_I64(money("-0.005"), -1);
  CHECK_I64(money("0.005"), 1);
  CHECK_I64(money("0.0049"), 0);
  CHECK_I64(money("-0.0049"), 0);
  CHECK_I64(money("0.00499999999999999999999999999999999999999999999"), 0);
  CHECK_I64(money("0.00500000000000000000000000000000000000000000000"), 1);
  CHECK_I64(money("-1.0150000000000000000000000000000000000000000000001"), -102);
  CHECK_I64(money("1.5E+06"), 150000000);
  CHECK_I64(money("1.5e6"), 150000000);
  CHECK_I64(money("1e-2"), 1);
  CHECK_I64(money("5e-3"), 1);
  CHECK_I64(money("4.9e-3"), 0);
  CHECK_I64(money("1e-40"), 0);
  CHECK_I64(money("0e40"), 0);
  CHECK_I64(money(".5"), 50);
  CHECK_I64(money("5."), 500);
  CHECK_I64(money("-.5"), -50);
  CHECK_I64(money(""), 0);
  CHECK_I64(money("0"), 0);
  CHECK_I64(money("-0"), 0);
  CHECK_I64(money("23251.36"), 2325136);
  CHECK_I64(money("24000.0"), 2400000);
  CHECK_I64(money("0.0000000000000000000000001"), 0);
  CHECK_I64(money("000000000000000000000000000000000000000000012.34"), 1234);
  CHECK_I64(money("12.3400000000000000000000000000000000000000000000"), 1234);
  CHECK_I64(money("1234E-2"), 1234);
  CHECK_I64(money("0.1234E+2"), 1234);
  CHECK_I64(money("1E+0"), 100);
  CHECK_I64(money("1E-0"), 100);
  CHECK_I64(money("1e000000000000000000000000002"), 10000); /* leading zeros in exponent */
}

static void test_money_limits(void) {
  CHECK_I64(money("92233720368547758.07"), INT64_MAX);
  CHECK_I64(money("92233720368547758.074999"), INT64_MAX);
  CHECK_I64(money("92233720368547758.075"), REJECTED);
  CHECK(strcmp(why, "amount out of range") == 0);
  CHECK_I64(money("92233720368547758.08"), REJECTED);
  CHECK_I64(money("-92233720368547758.07"), -INT64_MAX);
  CHECK_I64(money("-92233720368547758.08"), REJECTED); /* symmetric range */
  CHECK_I64(money("9223372036854775807e-2"), INT64_MAX);
  CHECK_I64(money("9223372036854775808e-2"), REJECTED);
  CHECK_I64(money("9.223372036854775807e16"), INT64_MAX);
  CHECK_I64(money("1e16"), 1000000000000000000LL);
  CHECK_I64(money("1e17"), REJECTED);
  CHECK_I64(money("1e40"), REJECTED);
  CHECK_I64(money("100000000000000000000000000000000000000000000000"), REJECTED);
  /* Exponents: +-40 is the limit, whatever the value. */
  CHECK_I64(money("1e41"), REJECTED);
  CHECK(strcmp(why, "exponent out of range") == 0);
  CHECK_I64(money("1e-41"), REJECTED);
  CHECK_I64(money("0e41"), REJECTED);
  CHECK_I64(money("0e-41"), REJECTED);
  CHECK_I64(money("1e99999999999999999999999"), REJECTED);
  CHECK_I64(money("1e-40"), 0);
  CHECK_I64(money("0.01e-40"), 0);
}

static void test_money_syntax(void) {
  static const char *bad[] = {"+5", " 5", "5 ", "1,000", "$5", "5$", "-", ".", "-.", "e5",
                              ".e5", "5e", "5e+", "5e-", "5E+-1", "1.2.3", "--5", "5-",
                              "0x10", "inf", "NaN", "1e5.5", "1 000", "5\n", "\t5", "5e 1",
                              "1_000", "\xd9\xa5", "5..", "1e+5e5", "-e5"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (money(bad[i]) != REJECTED)
      fprintf(stderr, "accepted '%s'\n", bad[i]);
    CHECK(money(bad[i]) == REJECTED && strcmp(why, "not a number") == 0);
  }
  int64_t c;
  CHECK(money_parse("12.345X", 6, &c, &why) == 0 && c == 1235); /* n is honoured */
}

/* Every amount -20.000 .. 20.000 in steps of 0.001, written three ways,
 * against integer rounding half away from zero. */
static void test_money_grid(void) {
  char s[64];
  int bad = 0;
  for (int x = -20000; x <= 20000; x++) {
    int a = x < 0 ? -x : x;
    int64_t want = (a + 5) / 10 * (x < 0 ? -1 : 1);
    snprintf(s, sizeof s, "%s%d.%03d", x < 0 ? "-" : "", a / 1000, a % 1000);
    bad += money(s) != want;
    snprintf(s, sizeof s, "%de-3", x);
    bad += money(s) != want;
    snprintf(s, sizeof s, "%s0.%06d0E+3", x < 0 ? "-" : "", a); /* a/10^6 * 10^3 */
    bad += money(s) != want;
  }
  CHECK_I64(bad, 0);
}

static void test_decimal(void) {
  struct decimal d;
  CHECK(dec_is("1.5E+06", 15, -5));
  CHECK(dec_is("-0.005", -5, 3));
  CHECK(dec_is("0", 0, 0));
  CHECK(dec_is("-0.000", 0, 0));
  CHECK(dec_is("100", 1, -2));
  CHECK(dec_is("1.50", 15, 1));
  CHECK(dec_is(".5", 5, 1));
  CHECK(dec_is("5.", 5, 0));
  CHECK(dec_is("1.075932", 1075932, 6));
  CHECK(dec_is("1e-40", 1, 40));
  CHECK(dec_is("0.0000000000000000000000001", 1, 25));
  /* 38 significant digits fit; 39 do not; zeros around them do not count. */
  __int128 m38 = 0;
  for (int i = 0; i < 38; i++)
    m38 = m38 * 10 + (i % 9) + 1;
  CHECK(dec_is("12345678912345678912345678912345678912", m38, 0));
  CHECK(dec_is("-0.00012345678912345678912345678912345678912000", -m38, 41));
  CHECK(dec_is("1234567891234567891234567891234567891200000", m38, -5));
  CHECK(dec("123456789123456789123456789123456789123", &d) != 0);
  CHECK(strcmp(why, "too many significant digits") == 0);
  /* "1.000...0001" with 38 and 39 significant digits. */
  char buf[64] = "1.";
  size_t len = 2;
  __int128 p37 = 1;
  for (int i = 0; i < 36; i++) {
    buf[len++] = '0';
    p37 *= 10;
  }
  memcpy(buf + len, "01", 3);
  CHECK(dec(buf, &d) != 0); /* 39 */
  buf[strlen(buf) - 2] = '1';
  buf[strlen(buf) - 1] = '\0';
  CHECK(dec_is(buf, p37 * 10 + 1, 37)); /* 38 */
  CHECK(dec("", &d) != 0);
  CHECK(decimal_parse(NULL, 0, &d, &why) != 0);
  int64_t c = 5;
  CHECK(money_parse(NULL, 0, &c, &why) == 0 && c == 0);
  CHECK(dec("+1", &d) != 0);
  CHECK(dec("1e41", &d) != 0);
  CHECK(dec("1e-41", &d) != 0);
  CHECK(dec(" 1", &d) != 0);
}

static bool rate_ok(const char *s, struct decimal *r) {
  return rate_parse(s, strlen(s), r, &why) == 0;
}

static void test_rate(void) {
  struct decimal r;
  CHECK(rate_ok("1.075932", &r) && r.mant == 1075932 && r.scale == 6);
  CHECK(rate_ok("1", &r) && r.mant == 1 && r.scale == 0);
  CHECK(rate_ok("1e-18", &r) && r.mant == 1 && r.scale == 18);
  CHECK(rate_ok("0.000000000000000001", &r));
  CHECK(!rate_ok("0.0000000000000000001", &r));
  CHECK(strcmp(why, "rate has more than 18 decimals") == 0);
  CHECK(!rate_ok("1e-19", &r));
  CHECK(rate_ok("1.000000000000000000000000", &r) && r.mant == 1 && r.scale == 0);
  CHECK(rate_ok("1.23456789012345678", &r) && r.scale == 17);
  CHECK(rate_ok("1e10", &r) && r.mant == 1 && r.scale == -10);
  CHECK(!rate_ok("0", &r));
  CHECK(strcmp(why, "rate must be > 0") == 0);
  CHECK(!rate_ok("0.000", &r));
  CHECK(!rate_ok("-0", &r));
  CHECK(!rate_ok("-1", &r));
  CHECK(!rate_ok("-0.5", &r));
  CHECK(!rate_ok("", &r));
  CHECK(!rate_ok("+1", &r));
  CHECK(!rate_ok("1,5", &r));
}

static int64_t conv(int64_t cents, const char *rate) {
  struct decimal r;
  int64_t out = 777;
  if (decimal_parse(rate, strlen(rate), &r, &why) != 0)
    return -999;
  return money_convert(cents, &r, &out) == 0 ? out : REJECTED;
}

static void test_convert_cases(void) {
  CHECK_I64(conv(2325136, "1.075932"), 2501688);
  CHECK_I64(conv(-71614, "1.283389"), -91909); /* -91908.619846 */
  CHECK_I64(conv(1, "0.5"), 1);
  CHECK_I64(conv(-1, "0.5"), -1);
  CHECK_I64(conv(3, "0.5"), 2);
  CHECK_I64(conv(-3, "0.5"), -2);
  CHECK_I64(conv(1, "0.4999999999"), 0);
  CHECK_I64(conv(1, "0.5000000001"), 1);
  CHECK_I64(conv(0, "12345"), 0);
  CHECK_I64(conv(12345, "0"), 0);
  CHECK_I64(conv(100, "-1.5"), -150); /* a negative decimal works too */
  CHECK_I64(conv(100, "1e10"), 1000000000000LL);
  CHECK_I64(conv(INT64_MAX, "1"), INT64_MAX);
  CHECK_I64(conv(-INT64_MAX, "1"), -INT64_MAX);
  /* Outside the symmetric range +-(2^63-1), in both directions. */
  struct decimal one = {1, 0}, two = {2, 0};
  int64_t out;
  CHECK(money_convert(INT64_MIN, &one, &out) != 0);
  CHECK(money_convert(-INT64_MAX, &one, &out) == 0 && out == -INT64_MAX);
  CHECK(money_convert(4611686018427387904LL, &two, &out) != 0);
  CHECK(money_convert(-4611686018427387904LL, &two, &out) != 0);
  CHECK(money_convert(4611686018427387903LL, &two, &out) == 0 && out == INT64_MAX - 1);
  CHECK_I64(conv(INT64_MAX, "1.0000000001"), REJECTED);
  CHECK_I64(conv(INT64_MAX, "0.9999999999"), 9223372035932438603LL); /* 0.3 drops */
  CHECK_I64(conv(INT64_MAX, "1e-18"), 9);
  CHECK_I64(conv(INT64_MAX, "5e-19"), 5); /* 4.61: digit 6 rounds up */
  CHECK_I64(conv(INT64_MAX, "99999999999999999999999999999999999999"), REJECTED);
  CHECK_I64(conv(INT64_MAX, "9.9999999999999999999999999999999999999"), REJECTED);
  CHECK_I64(conv(INT64_MAX, "0.00000000000000000000000000000000000001"), 0);
  CHECK_I64(conv(INT64_MAX, "0.99999999999999999999999999999999999999"), INT64_MAX);
  CHECK_I64(conv(1, "1e40"), REJECTED);
  CHECK_I64(conv(1, "1e18"), 1000000000000000000LL);
  CHECK_I64(conv(10, "1e18"), REJECTED);
  CHECK_I64(conv(5, "1e-1"), 1);
  CHECK_I64(conv(4, "1e-1"), 0);
  CHECK_I64(conv(5, "1e-40"), 0);
  /* Rounding digit deep below the cent, after a long division. */
  CHECK_I64(conv(5, "0.0000000000000000000000000000000000001"), 0);
  CHECK_I64(conv(INT64_MAX, "0.000000000000000000000000000000000001"), 0);
  CHECK_I64(conv(6, "0.1"), 1);
}

/* Against an __int128 reference: (|c|*m + 10^s/2) / 10^s, signed. */
static void test_convert_grid(void) {
  static const int64_t cents[] = {1, 2, 3, 5, 7, 49, 50, 51, 99, 100, 101, 12345,
                                  999999, 1000001, 123456789012LL, 4611686018427387903LL};
  static const char *rates[] = {"1",       "0.5",        "1.5",         "0.25",
                                "1.075932", "0.0000001",  "3.14159265358", "0.999999999999999999",
                                "2",       "0.000000000000000001", "7.000000000000000005", "0.05"};
  int bad = 0;
  for (size_t i = 0; i < sizeof cents / sizeof cents[0]; i++)
    for (size_t j = 0; j < sizeof rates / sizeof rates[0]; j++) {
      struct decimal r;
      if (decimal_parse(rates[j], strlen(rates[j]), &r, &why) != 0 || r.scale < 0) {
        bad++;
        continue;
      }
      unsigned __int128 p10 = 1;
      for (int k = 0; k < r.scale; k++)
        p10 *= 10;
      unsigned __int128 want = ((unsigned __int128)cents[i] * (unsigned __int128)r.mant + p10 / 2) / p10;
      int64_t w = want > INT64_MAX ? REJECTED : (int64_t)want;
      bad += conv(cents[i], rates[j]) != w;
      bad += conv(-cents[i], rates[j]) != (w == REJECTED ? REJECTED : -w);
    }
  CHECK_I64(bad, 0);
}

/* money_parse(s) == money_convert(100, decimal_parse(s)) wherever
 * decimal_parse accepts s: the two roundings are the same rule. */
static void test_money_matches_convert(void) {
  static const char *texts[] = {"1.005", "-0.005", "0.0049", "1.5E+06", "1e-2",  ".5",
                                "5.",    "92233720368547758.07", "92233720368547758.075",
                                "-92233720368547758.08", "1e40", "1e-40", "0.125", "-2.675",
                                "123456789.987654321"};
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    int64_t m = money(texts[i]);
    CHECK_I64(conv(100, texts[i]), m);
  }
}

int main(void) {
  test_money_cases();
  test_money_limits();
  test_money_syntax();
  test_money_grid();
  test_decimal();
  test_rate();
  test_convert_cases();
  test_convert_grid();
  test_money_matches_convert();
  return check_exit();
}
