/* Periods without holes for the report's charts over time
 * (etl/report/report_periods.h): the kind read off every label form, the
 * fiscal start month off a start date, gaps filled by the pipeline's
 * period rules, and the published list kept whenever it does not fit them. */
#include "etl/report/report_periods.h"

#include <stdlib.h>
#include <string.h>

#include "tests/unit/check.h"

static struct strpool pool;

static struct report_period P(const char *label, const char *start, const char *end) {
  return (struct report_period){strpool_interns(&pool, label), strpool_interns(&pool, start),
                                strpool_interns(&pool, end)};
}

static void test_infer(void) {
  struct period_cfg pc;
  CHECK(report_period_infer("2025-02", "2025-02-01", &pc) == 0 && pc.kind == PERIOD_MONTH);
  CHECK(report_period_infer("2025-W07", "2025-02-10", &pc) == 0 && pc.kind == PERIOD_WEEK);
  CHECK(report_period_infer("2025-02-14", "2025-02-14", &pc) == 0 && pc.kind == PERIOD_DAY);
  CHECK(report_period_infer("2025-Q1", "2025-01-01", &pc) == 0 && pc.kind == PERIOD_QUARTER);
  CHECK_I64(pc.fy_start_month, 1);
  /* FY2026-Q1 starting 2025-07-01: fiscal year from July */
  CHECK(report_period_infer("FY2026-Q1", "2025-07-01", &pc) == 0 && pc.kind == PERIOD_QUARTER);
  CHECK_I64(pc.fy_start_month, 7);
  CHECK(report_period_infer("FY2026-Q3", "2026-01-01", &pc) == 0);
  CHECK_I64(pc.fy_start_month, 7);
  CHECK(report_period_infer("FY2026", "2025-04-01", &pc) == 0 && pc.kind == PERIOD_YEAR);
  CHECK_I64(pc.fy_start_month, 4);
  CHECK(report_period_infer("2025", "2025-01-01", &pc) == 0 && pc.kind == PERIOD_YEAR);
  CHECK(report_period_infer("2025-Q2", "2025-07-01", &pc) < 0); /* fiscal without FY */
  CHECK(report_period_infer("FY2025", "2025-01-01", &pc) < 0);  /* FY but calendar */
  CHECK(report_period_infer("spring", "2025-03-01", &pc) < 0);
  CHECK(report_period_infer("2025-02", "2025-02-30", &pc) < 0);
}

static void test_complete(void) {
  uint32_t where[8];
  size_t n = 0;
  /* months: March and April missing */
  struct report_period m[] = {P("2024-01", "2024-01-01", "2024-01-31"),
                              P("2024-02", "2024-02-01", "2024-02-29"),
                              P("2024-05", "2024-05-01", "2024-05-31")};
  struct report_period *all = report_periods_complete(&pool, m, 3, &n, where);
  CHECK(all != NULL);
  CHECK_I64(n, 5);
  if (all && n == 5) {
    CHECK_STR(strpool_str(&pool, all[2].label), "2024-03");
    CHECK_STR(strpool_str(&pool, all[3].end), "2024-04-30");
  }
  CHECK_I64(where[0], 0);
  CHECK_I64(where[1], 1);
  CHECK_I64(where[2], 4);
  free(all);
  /* ISO weeks across a year end */
  struct report_period w[] = {P("2024-W52", "2024-12-23", "2024-12-29"),
                              P("2025-W02", "2025-01-06", "2025-01-12")};
  all = report_periods_complete(&pool, w, 2, &n, where);
  CHECK(all != NULL && n == 3);
  if (all && n == 3)
    CHECK_STR(strpool_str(&pool, all[1].label), "2025-W01");
  free(all);
  /* fiscal quarters */
  struct report_period q[] = {P("FY2026-Q1", "2025-07-01", "2025-09-30"),
                              P("FY2026-Q4", "2026-04-01", "2026-06-30")};
  all = report_periods_complete(&pool, q, 2, &n, where);
  CHECK(all != NULL && n == 4);
  if (all && n == 4)
    CHECK_STR(strpool_str(&pool, all[1].label), "FY2026-Q2");
  free(all);
  /* nothing to fill: the same list */
  all = report_periods_complete(&pool, m, 2, &n, where);
  CHECK(all != NULL && n == 2);
  free(all);
  /* a published period the rules do not produce: left as published */
  struct report_period bad[] = {P("2024-01", "2024-01-01", "2024-01-31"),
                                P("2024-02", "2024-02-01", "2024-02-28")};
  CHECK(report_periods_complete(&pool, bad, 2, &n, where) == NULL);
  struct report_period odd[] = {P("2024-01", "2024-01-02", "2024-01-31")};
  CHECK(report_periods_complete(&pool, odd, 1, &n, where) == NULL);
  struct report_period unknown[] = {P("H1", "2024-01-01", "2024-06-30")};
  CHECK(report_periods_complete(&pool, unknown, 1, &n, where) == NULL);
  CHECK(report_periods_complete(&pool, m, 0, &n, where) == NULL);
  /* days over more than REPORT_MAX_PERIODS: left as published */
  struct report_period days[] = {P("1900-01-01", "1900-01-01", "1900-01-01"),
                                 P("2000-01-01", "2000-01-01", "2000-01-01")};
  CHECK(report_periods_complete(&pool, days, 2, &n, where) == NULL);
}

int main(void) {
  strpool_init(&pool);
  test_infer();
  test_complete();
  strpool_release(&pool);
  return check_exit();
}
