/* Dated fx rates (contract §1.3, §5.1, §9): effective from the date until the
 * next row, none before the first date, corporate currency at 1, duplicates
 * refused, exact conversion rounded half away from zero. */
#include "tests/unit/check.h"
#include "transforms/base/calendar.h"
#include "transforms/fx.h"

static struct decimal rate(const char *s) {
  struct decimal d;
  const char *why;
  CHECK(rate_parse(s, strlen(s), &d, &why) == 0);
  return d;
}

int main(void) {
  struct fx_table fx;
  fx_table_init(&fx, "USD");
  int32_t feb1 = (int32_t)cal_days_from_civil(2024, 2, 1);
  int32_t mar1 = (int32_t)cal_days_from_civil(2024, 3, 1);
  struct decimal r1 = rate("1.075932"), r2 = rate("1.1"), r3 = rate("0.5");
  CHECK(fx_table_add(&fx, "EUR", mar1, &r2) == 0);
  CHECK(fx_table_add(&fx, "EUR", feb1, &r1) == 0);
  CHECK(fx_table_add(&fx, "GBP", feb1, &r3) == 0);
  CHECK(fx_table_add(&fx, "EUR", feb1, &r2) == -1);
  fx_table_seal(&fx);
  int64_t out = 0;
  CHECK(fx_convert(&fx, "EUR", feb1 - 1, 100, &out) == -1);  /* before the first date */
  CHECK(fx_convert(&fx, "EUR", feb1, 100000, &out) == 0);
  CHECK_I64(out, 107593);                                    /* 1075.932 -> 1075.93 */
  CHECK(fx_convert(&fx, "EUR", mar1 - 1, 100000, &out) == 0);
  CHECK_I64(out, 107593);
  CHECK(fx_convert(&fx, "EUR", mar1, 100000, &out) == 0);    /* the next row takes over */
  CHECK_I64(out, 110000);
  CHECK(fx_convert(&fx, "GBP", mar1 + 400, 3, &out) == 0);   /* 1.5 -> 2 */
  CHECK_I64(out, 2);
  CHECK(fx_convert(&fx, "GBP", mar1, -3, &out) == 0);        /* -1.5 -> -2 */
  CHECK_I64(out, -2);
  CHECK(fx_convert(&fx, "JPY", mar1, 100, &out) == -1);
  CHECK(fx_convert(&fx, "USD", 0, 12345, &out) == 0 && out == 12345);
  CHECK(fx_convert(&fx, "", 0, 12345, &out) == 0 && out == 12345);
  CHECK(fx_convert(&fx, "EUQ", mar1, 1, &out) == -1);
  fx_table_release(&fx);
  return check_exit();
}
