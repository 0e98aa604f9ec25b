/* Calendar arithmetic: round trips, leap years, weekdays, negative days. */
#include "tests/unit/check.h"
#include "transforms/base/calendar.h"

int main(void) {
  CHECK_I64(cal_days_from_civil(1970, 1, 1), 0);
  CHECK_I64(cal_days_from_civil(2000, 3, 1), 11017);
  CHECK_I64(cal_days_from_civil(1969, 12, 31), -1);
  CHECK(cal_is_leap(2024) && !cal_is_leap(2023) && cal_is_leap(2000) && !cal_is_leap(1900));
  CHECK_I64(cal_days_in_month(2024, 2), 29);
  CHECK_I64(cal_days_in_month(2023, 2), 28);
  CHECK_I64(cal_days_in_month(2023, 12), 31);
  for (int64_t d = -800000; d < 800000; d += 37) {
    int64_t y;
    int m, dd;
    cal_civil_from_days(d, &y, &m, &dd);
    if (cal_days_from_civil(y, m, dd) != d) {
      CHECK(0);
      break;
    }
  }
  CHECK_I64(cal_iso_weekday(0), 4);                               /* Thursday */
  CHECK_I64(cal_iso_weekday(cal_days_from_civil(2024, 12, 30)), 1); /* Monday */
  CHECK_I64(cal_iso_weekday(cal_days_from_civil(2025, 6, 29)), 7);  /* Sunday */
  CHECK_I64(cal_day_of(-1), -1);
  CHECK_I64(cal_day_of(86399), 0);
  CHECK_I64(cal_day_of(86400), 1);
  char buf[32];
  cal_format_date(cal_days_from_civil(2024, 2, 29), buf);
  CHECK_STR(buf, "2024-02-29");
  cal_format_ts(1719705600 + 3661, buf);
  CHECK_STR(buf, "2024-06-30T01:01:01Z");
  cal_format_ts(-1, buf);
  CHECK_STR(buf, "1969-12-31T23:59:59Z");
  /* the digit-by-digit formatting agrees with printf over years 0..9999
   * (and printf's form is kept past them) */
  int same = 1;
  for (int64_t s = -62167219200LL; s < 253402300800LL + 86400LL * 800; s += 86400LL * 97 + 3671) {
    int64_t day = cal_day_of(s), rem = s - day * 86400, y;
    int m, d;
    cal_civil_from_days(day, &y, &m, &d);
    char want[96], want_d[64], got_d[16];
    snprintf(want, sizeof(want), "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)y, m, d,
             (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
    snprintf(want_d, sizeof(want_d), "%04lld-%02d-%02d", (long long)y, m, d);
    cal_format_ts(s, buf);
    cal_format_date(day, got_d);
    same &= strncmp(buf, want, 31) == 0 && strncmp(got_d, want_d, 15) == 0;
  }
  CHECK(same);
  cal_format_date(cal_days_from_civil(10000, 1, 1), buf);
  CHECK_STR(buf, "10000-01-01");
  cal_format_ts(-62167219200LL - 1, buf); /* the second before year 0 */
  CHECK_STR(buf, "-001-12-31T23:59:59Z");
  return check_exit();
}
