/* Numbers as the report shows them (etl/report/report_format.h): thousands
 * separators, compact k/M/B labels, percentages of exact ratios and the
 * tables' ratios moved to percent. Every rounding case sits just on and
 * just off a half, on both signs; boundaries between units are tested on
 * both sides; nothing prints as a negative zero. */
#include "etl/report/report_format.h"

#include <stdint.h>

#include "tests/unit/check.h"

static const char *money(int64_t cents) {
  static char out[RFMT_LEN];
  rfmt_money(cents, out);
  return out;
}

static const char *count(int64_t n) {
  static char out[RFMT_LEN];
  rfmt_count(n, out);
  return out;
}

static const char *compact(int64_t v, int64_t unit) {
  static char out[RFMT_LEN];
  rfmt_compact(v, unit, out);
  return out;
}

static const char *percent(int64_t num, int64_t den, int decimals) {
  static char out[RFMT_LEN];
  rfmt_percent(num, den, decimals, out);
  return out;
}

static const char *as_percent(const char *ratio) {
  static char out[RFMT_LEN];
  rfmt_ratio_as_percent(ratio, out);
  return out;
}

static const char *fixed(int64_t v, int places, int shown) {
  static char out[RFMT_LEN];
  rfmt_fixed(v, places, shown, out);
  return out;
}

static const char *group(const char *s) {
  static char out[RFMT_LEN];
  rfmt_group(s, out);
  return out;
}

static void test_group(void) {
  CHECK_STR(group("0.00"), "0.00");
  CHECK_STR(group("999.99"), "999.99");
  CHECK_STR(group("1000.00"), "1,000.00");
  CHECK_STR(group("-1179135.99"), "-1,179,135.99");
  CHECK_STR(group("123456"), "123,456");
  CHECK_STR(group("1234567"), "1,234,567");
  CHECK_STR(group(""), "");
  CHECK_STR(group("-"), "-");
  CHECK_STR(group("12.3456%"), "12.3456%");
}

static void test_money_and_counts(void) {
  CHECK_STR(money(0), "0.00");
  CHECK_STR(money(-5), "-0.05");
  CHECK_STR(money(99999), "999.99");
  CHECK_STR(money(100000), "1,000.00");
  CHECK_STR(money(117913599), "1,179,135.99");
  CHECK_STR(money(-117913599), "-1,179,135.99");
  CHECK_STR(money(INT64_MAX), "92,233,720,368,547,758.07");
  CHECK_STR(money(INT64_MIN), "-92,233,720,368,547,758.08");
  CHECK_STR(count(0), "0");
  CHECK_STR(count(999), "999");
  CHECK_STR(count(1000), "1,000");
  CHECK_STR(count(-1234567), "-1,234,567");
}

static void test_compact(void) {
  /* below a thousand: whole units, rounded half away from zero */
  CHECK_STR(compact(0, 100), "0");
  CHECK_STR(compact(49, 100), "0");
  CHECK_STR(compact(50, 100), "1");
  CHECK_STR(compact(-50, 100), "-1");
  CHECK_STR(compact(-49, 100), "0");
  CHECK_STR(compact(95000, 100), "950");
  CHECK_STR(compact(99949, 100), "999");
  /* 999.50 rounds to 1,000: the next unit */
  CHECK_STR(compact(99950, 100), "1k");
  CHECK_STR(compact(100000, 100), "1k");
  /* three significant digits, trailing zeros dropped */
  CHECK_STR(compact(123400, 100), "1.23k");
  CHECK_STR(compact(120000, 100), "1.2k");
  CHECK_STR(compact(1550000, 100), "15.5k");
  CHECK_STR(compact(80901222, 100), "809k");
  CHECK_STR(compact(117913599, 100), "1.18M");
  CHECK_STR(compact(-117913599, 100), "-1.18M");
  CHECK_STR(compact(200000000, 100), "2M");
  /* halves: 1.235k up, 1.2349k down */
  CHECK_STR(compact(123500, 100), "1.24k");
  CHECK_STR(compact(123499, 100), "1.23k");
  CHECK_STR(compact(-123500, 100), "-1.24k");
  /* 9.995k -> 10k (not "10.0k"), 99.95k -> 100k, 999.95k -> 1M */
  CHECK_STR(compact(999500, 100), "10k");
  CHECK_STR(compact(9995000, 100), "100k");
  CHECK_STR(compact(99950000, 100), "1M");
  CHECK_STR(compact(99949999, 100), "999k");
  /* counts */
  CHECK_STR(compact(144, 1), "144");
  CHECK_STR(compact(999999, 1), "1M");
  CHECK_STR(compact(1250000, 1), "1.25M");
  CHECK_STR(compact(INT64_C(3000000000), 1), "3B");
  CHECK_STR(compact(INT64_C(7500000000000), 1), "7.5T");
  CHECK_STR(compact(INT64_MAX, 1), "9,223,372T");
  CHECK_STR(compact(INT64_MIN, 100), "-92,234T");
}

static void test_percent(void) {
  CHECK_STR(percent(2, 3, 1), "66.7%");
  CHECK_STR(percent(1, 3, 0), "33%");
  CHECK_STR(percent(1, 8, 1), "12.5%");
  CHECK_STR(percent(1, 16, 1), "6.3%"); /* 6.25: half away from zero */
  CHECK_STR(percent(-1, 16, 1), "-6.3%");
  CHECK_STR(percent(1, -16, 1), "-6.3%");
  CHECK_STR(percent(-1, 2000000, 2), "0.00%"); /* no negative zero */
  CHECK_STR(percent(79351222, 80901222, 1), "98.1%");
  CHECK_STR(percent(5, 5, 2), "100.00%");
  CHECK_STR(percent(3000, 1, 0), "300,000%");
  CHECK_STR(percent(1, 0, 1), "");
}

static void test_ratio_as_percent(void) {
  CHECK_STR(as_percent("3.1250"), "312.50%");
  CHECK_STR(as_percent("0.0500"), "5.00%");
  CHECK_STR(as_percent("-1.0000"), "-100.00%");
  CHECK_STR(as_percent("-0.5655"), "-56.55%");
  CHECK_STR(as_percent("270.1776"), "27,017.76%");
  CHECK_STR(as_percent("0.123456"), "12.3456%");
  CHECK_STR(as_percent("0.00"), "0%");
  CHECK_STR(as_percent("-0.0000"), "0.00%");
  CHECK_STR(as_percent(""), "");
  CHECK_STR(as_percent("abc"), "abc%");
  CHECK_STR(as_percent("1.5"), "1.5%"); /* one decimal: not moved */
}

static void test_fixed(void) {
  CHECK_STR(fixed(3500000, 6, 1), "3.5");
  CHECK_STR(fixed(3450000, 6, 1), "3.5"); /* 3.45: half away from zero */
  CHECK_STR(fixed(3449999, 6, 1), "3.4");
  CHECK_STR(fixed(-3450000, 6, 1), "-3.5");
  CHECK_STR(fixed(-49999, 6, 1), "0.0");
  CHECK_STR(fixed(1234567890000, 6, 0), "1,234,568");
  CHECK_STR(fixed(98123, 2, 1), "981.2");
}

int main(void) {
  test_group();
  test_money_and_counts();
  test_compact();
  test_percent();
  test_ratio_as_percent();
  test_fixed();
  return check_exit();
}
