/* Periods (contract §5.2, §9 "Periods and range"): ISO weeks with their
 * week-year, months, calendar and fiscal quarters and years, and the
 * invariants every period kind must keep over three decades of days. */
#include "transforms/period.h"

#include "tests/unit/check.h"
#include "transforms/base/calendar.h"

static int32_t day(int y, int m, int d) { return (int32_t)cal_days_from_civil(y, m, d); }

/* Checks start, end and label of the period holding y-m-d. */
static void expect(enum period_kind kind, int fy, int32_t d, int32_t want_start, int32_t want_end,
                   const char *want_label, int line) {
  struct period_cfg pc = {kind, fy};
  char label[16];
  int32_t s = period_start(&pc, d);
  period_label(&pc, s, label);
  if (s != want_start || period_end(&pc, s) != want_end || strcmp(label, want_label) != 0) {
    char got_s[16], got_e[16];
    cal_format_date(s, got_s);
    cal_format_date(period_end(&pc, s), got_e);
    fprintf(stderr, "line %d: got %s..%s '%s', want label '%s'\n", line, got_s, got_e, label,
            want_label);
  }
  CHECK(s == want_start);
  CHECK(period_end(&pc, s) == want_end);
  CHECK(period_end(&pc, d) == want_end);
  CHECK(period_next(&pc, s) == want_end + 1);
  CHECK_STR(label, want_label);
}
#define EXPECT(kind, fy, d, s, e, l) expect(kind, fy, d, s, e, l, __LINE__)

static void test_day(void) {
  EXPECT(PERIOD_DAY, 1, day(2025, 2, 7), day(2025, 2, 7), day(2025, 2, 7), "2025-02-07");
  EXPECT(PERIOD_DAY, 2, day(1969, 12, 31), day(1969, 12, 31), day(1969, 12, 31), "1969-12-31");
}

static void test_week(void) {
  /* 2025-02-10 is a Monday; the Sunday before belongs to W06. */
  EXPECT(PERIOD_WEEK, 1, day(2025, 2, 10), day(2025, 2, 10), day(2025, 2, 16), "2025-W07");
  EXPECT(PERIOD_WEEK, 1, day(2025, 2, 16), day(2025, 2, 10), day(2025, 2, 16), "2025-W07");
  EXPECT(PERIOD_WEEK, 1, day(2025, 2, 9), day(2025, 2, 3), day(2025, 2, 9), "2025-W06");
  /* ISO week-year differs from the calendar year at both ends. */
  EXPECT(PERIOD_WEEK, 1, day(2024, 12, 30), day(2024, 12, 30), day(2025, 1, 5), "2025-W01");
  EXPECT(PERIOD_WEEK, 1, day(2024, 12, 29), day(2024, 12, 23), day(2024, 12, 29), "2024-W52");
  EXPECT(PERIOD_WEEK, 1, day(2021, 1, 3), day(2020, 12, 28), day(2021, 1, 3), "2020-W53");
  EXPECT(PERIOD_WEEK, 1, day(2020, 12, 27), day(2020, 12, 21), day(2020, 12, 27), "2020-W52");
  EXPECT(PERIOD_WEEK, 1, day(2021, 1, 4), day(2021, 1, 4), day(2021, 1, 10), "2021-W01");
  EXPECT(PERIOD_WEEK, 1, day(2026, 12, 31), day(2026, 12, 28), day(2027, 1, 3), "2026-W53");
  EXPECT(PERIOD_WEEK, 1, day(2027, 1, 4), day(2027, 1, 4), day(2027, 1, 10), "2027-W01");
  /* Fiscal settings do not touch weeks. */
  EXPECT(PERIOD_WEEK, 7, day(2024, 12, 30), day(2024, 12, 30), day(2025, 1, 5), "2025-W01");
}

static void test_month(void) {
  EXPECT(PERIOD_MONTH, 1, day(2025, 2, 1), day(2025, 2, 1), day(2025, 2, 28), "2025-02");
  EXPECT(PERIOD_MONTH, 1, day(2025, 1, 31), day(2025, 1, 1), day(2025, 1, 31), "2025-01");
  EXPECT(PERIOD_MONTH, 1, day(2024, 2, 29), day(2024, 2, 1), day(2024, 2, 29), "2024-02");
  EXPECT(PERIOD_MONTH, 1, day(2025, 12, 31), day(2025, 12, 1), day(2025, 12, 31), "2025-12");
  EXPECT(PERIOD_MONTH, 2, day(2025, 2, 14), day(2025, 2, 1), day(2025, 2, 28), "2025-02");
  EXPECT(PERIOD_MONTH, 1, day(1969, 12, 31), day(1969, 12, 1), day(1969, 12, 31), "1969-12");
}

static void test_calendar_quarter_year(void) {
  EXPECT(PERIOD_QUARTER, 1, day(2025, 3, 31), day(2025, 1, 1), day(2025, 3, 31), "2025-Q1");
  EXPECT(PERIOD_QUARTER, 1, day(2025, 4, 1), day(2025, 4, 1), day(2025, 6, 30), "2025-Q2");
  EXPECT(PERIOD_QUARTER, 1, day(2025, 12, 31), day(2025, 10, 1), day(2025, 12, 31), "2025-Q4");
  EXPECT(PERIOD_QUARTER, 0, day(2025, 1, 1), day(2025, 1, 1), day(2025, 3, 31), "2025-Q1");
  EXPECT(PERIOD_YEAR, 1, day(2024, 12, 31), day(2024, 1, 1), day(2024, 12, 31), "2024");
  EXPECT(PERIOD_YEAR, 1, day(2025, 1, 1), day(2025, 1, 1), day(2025, 12, 31), "2025");
}

static void test_fiscal(void) {
  /* M = 2: FY2026 = 2025-02-01..2026-01-31. */
  EXPECT(PERIOD_QUARTER, 2, day(2025, 2, 1), day(2025, 2, 1), day(2025, 4, 30), "FY2026-Q1");
  EXPECT(PERIOD_QUARTER, 2, day(2025, 1, 31), day(2024, 11, 1), day(2025, 1, 31), "FY2025-Q4");
  EXPECT(PERIOD_QUARTER, 2, day(2025, 5, 1), day(2025, 5, 1), day(2025, 7, 31), "FY2026-Q2");
  EXPECT(PERIOD_QUARTER, 2, day(2026, 1, 31), day(2025, 11, 1), day(2026, 1, 31), "FY2026-Q4");
  EXPECT(PERIOD_QUARTER, 2, day(2026, 2, 1), day(2026, 2, 1), day(2026, 4, 30), "FY2027-Q1");
  EXPECT(PERIOD_YEAR, 2, day(2025, 2, 1), day(2025, 2, 1), day(2026, 1, 31), "FY2026");
  EXPECT(PERIOD_YEAR, 2, day(2026, 1, 31), day(2025, 2, 1), day(2026, 1, 31), "FY2026");
  EXPECT(PERIOD_YEAR, 2, day(2025, 1, 31), day(2024, 2, 1), day(2025, 1, 31), "FY2025");
  /* M = 7 and M = 12. */
  EXPECT(PERIOD_QUARTER, 7, day(2025, 6, 30), day(2025, 4, 1), day(2025, 6, 30), "FY2025-Q4");
  EXPECT(PERIOD_QUARTER, 7, day(2025, 7, 1), day(2025, 7, 1), day(2025, 9, 30), "FY2026-Q1");
  EXPECT(PERIOD_YEAR, 7, day(2025, 7, 1), day(2025, 7, 1), day(2026, 6, 30), "FY2026");
  EXPECT(PERIOD_QUARTER, 12, day(2024, 12, 1), day(2024, 12, 1), day(2025, 2, 28), "FY2025-Q1");
  EXPECT(PERIOD_QUARTER, 12, day(2024, 11, 30), day(2024, 9, 1), day(2024, 11, 30), "FY2024-Q4");
  EXPECT(PERIOD_QUARTER, 12, day(2024, 2, 29), day(2023, 12, 1), day(2024, 2, 29), "FY2024-Q1");
  EXPECT(PERIOD_YEAR, 12, day(2024, 12, 1), day(2024, 12, 1), day(2025, 11, 30), "FY2025");
  /* Before 1970 (negative day numbers): FY1969 = 1968-04..1969-03. */
  EXPECT(PERIOD_QUARTER, 4, day(1969, 2, 15), day(1969, 1, 1), day(1969, 3, 31), "FY1969-Q4");
  EXPECT(PERIOD_YEAR, 4, day(1968, 4, 1), day(1968, 4, 1), day(1969, 3, 31), "FY1969");
}

/* The number of ISO weeks of year y, by the textbook rule: 53 when 1 January
 * is a Thursday, or a Wednesday in a leap year. */
static int iso_weeks_in(int y) {
  int wd = cal_iso_weekday(cal_days_from_civil(y, 1, 1));
  return wd == 4 || (wd == 3 && cal_is_leap(y)) ? 53 : 52;
}

/* Every week of 1990..2040 is labelled in sequence: W01..W52 or W53. */
static void test_week_sequence(void) {
  struct period_cfg pc = {PERIOD_WEEK, 1};
  int y = 1990, w = 1;
  int32_t s = period_start(&pc, day(1990, 1, 1)); /* 1990-01-01 is a Monday */
  CHECK(s == day(1990, 1, 1));
  for (; y <= 2040; s = period_next(&pc, s)) {
    char want[32], got[16];
    snprintf(want, sizeof(want), "%04d-W%02d", y, w);
    period_label(&pc, s, got);
    if (strcmp(got, want) != 0)
      CHECK_STR(got, want);
    if (++w > iso_weeks_in(y)) {
      w = 1;
      y++;
    }
  }
  CHECK(y == 2041);
}

/* For every kind and fiscal start, over 1995..2030: start <= day <= end,
 * periods tile the days, and all days of a period share its label while
 * neighbouring periods differ. */
static void test_invariants(void) {
  int32_t from = day(1995, 1, 1), to = day(2030, 12, 31);
  for (int kind = PERIOD_DAY; kind <= PERIOD_YEAR; kind++) {
    for (int fy = 1; fy <= 12; fy++) {
      struct period_cfg pc = {(enum period_kind)kind, fy};
      int bad = 0;
      char prev[16] = "", cur[16], lab[16];
      int32_t s = period_start(&pc, from);
      for (int32_t d = from; d <= to; d++) {
        if (d > period_end(&pc, s)) {
          memcpy(prev, cur, sizeof prev);
          bad += period_next(&pc, s) != d;
          s = d;
        }
        period_label(&pc, s, cur);
        period_label(&pc, d, lab);
        bad += period_start(&pc, d) != s || period_end(&pc, d) < d || strcmp(lab, cur) != 0;
        bad += strcmp(prev, cur) == 0;
      }
      if (bad)
        fprintf(stderr, "kind %d fy %d: %d bad days\n", kind, fy, bad);
      CHECK(bad == 0);
    }
  }
}

int main(void) {
  test_day();
  test_week();
  test_month();
  test_calendar_quarter_year();
  test_fiscal();
  test_week_sequence();
  test_invariants();
  return check_exit();
}
