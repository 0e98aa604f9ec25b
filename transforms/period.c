/* Reporting periods (see period.h): which period a day falls in, where it
 * ends and how it is labelled. Months are handled as absolute month numbers
 * (year * 12 + month - 1) so that calendar and fiscal quarters and years are
 * one floor division each, for any year. */
#include "transforms/period.h"

#include <stdio.h>

#include "transforms/base/calendar.h"

/* floor(a / b) for b > 0. */
static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b < 0)
    q--;
  return q;
}

/* The fiscal start month, 1 (calendar) for anything outside 2..12. */
static int fy_month(const struct period_cfg *pc) {
  return pc->fy_start_month >= 2 && pc->fy_start_month <= 12 ? pc->fy_start_month : 1;
}

static int64_t abs_month_of(int32_t day) {
  int64_t y;
  int m, d;
  cal_civil_from_days(day, &y, &m, &d);
  return y * 12 + (m - 1);
}

static int32_t first_day_of_abs_month(int64_t am) {
  int64_t y = floor_div(am, 12);
  return (int32_t)cal_days_from_civil(y, (int)(am - y * 12) + 1, 1);
}

/* Length of the period in months (0 for day and week). */
static int period_months(enum period_kind kind) {
  switch (kind) {
  case PERIOD_MONTH:
    return 1;
  case PERIOD_QUARTER:
    return 3;
  case PERIOD_YEAR:
    return 12;
  default:
    return 0;
  }
}

int32_t period_start(const struct period_cfg *pc, int32_t day) {
  if (pc->kind == PERIOD_DAY)
    return day;
  if (pc->kind == PERIOD_WEEK)
    return day - (cal_iso_weekday(day) - 1);
  int len = period_months(pc->kind);
  /* Months and calendar periods are aligned on January; fiscal quarters and
   * years on the fiscal start month. */
  int64_t origin = len == 1 ? 0 : fy_month(pc) - 1;
  int64_t am = abs_month_of(day);
  return first_day_of_abs_month(floor_div(am - origin, len) * len + origin);
}

int32_t period_end(const struct period_cfg *pc, int32_t start) {
  int32_t s = period_start(pc, start);
  if (pc->kind == PERIOD_DAY)
    return s;
  if (pc->kind == PERIOD_WEEK)
    return s + 6;
  return first_day_of_abs_month(abs_month_of(s) + period_months(pc->kind)) - 1;
}

/* "2025-W07": the ISO week-year is the year of the week's Thursday. */
static void week_label(int32_t monday, char out[16]) {
  int32_t thursday = monday + 3;
  int64_t y;
  int m, d;
  cal_civil_from_days(thursday, &y, &m, &d);
  int64_t week = (thursday - cal_days_from_civil(y, 1, 1)) / 7 + 1;
  snprintf(out, 16, "%04lld-W%02d", (long long)y, (int)week);
}

/* Quarters and years: calendar, or fiscal named by the ending year. */
static void quarter_year_label(const struct period_cfg *pc, int32_t start, char out[16]) {
  int64_t y;
  int m, d;
  cal_civil_from_days(start, &y, &m, &d);
  int fm = fy_month(pc);
  int quarter = (m - fm + 12) % 12 / 3 + 1;
  if (fm == 1) {
    if (pc->kind == PERIOD_QUARTER)
      snprintf(out, 16, "%04lld-Q%d", (long long)y, quarter);
    else
      snprintf(out, 16, "%04lld", (long long)y);
    return;
  }
  long long fy = (long long)(m >= fm ? y + 1 : y);
  if (pc->kind == PERIOD_QUARTER)
    snprintf(out, 16, "FY%04lld-Q%d", fy, quarter);
  else
    snprintf(out, 16, "FY%04lld", fy);
}

void period_label(const struct period_cfg *pc, int32_t start, char out[16]) {
  int32_t s = period_start(pc, start);
  int64_t y;
  int m, d;
  switch (pc->kind) {
  case PERIOD_DAY:
    cal_format_date(s, out);
    return;
  case PERIOD_WEEK:
    week_label(s, out);
    return;
  case PERIOD_MONTH:
    cal_civil_from_days(s, &y, &m, &d);
    snprintf(out, 16, "%04lld-%02d", (long long)y, m);
    return;
  default:
    quarter_year_label(pc, s, out);
    return;
  }
}
