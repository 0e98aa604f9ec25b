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
  return check_exit();
}
