/* Periods without holes (see report_periods.h). */
#include "etl/report/report_periods.h"

#include <stdlib.h>
#include <string.h>

#include "transforms/base/calendar.h"
#include "transforms/base/xalloc.h"

static int digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9')
      return 0;
  return 1;
}

int report_parse_day(const char *s, int32_t *day) {
  if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4) || !digits(s + 5, 2) ||
      !digits(s + 8, 2))
    return -1;
  int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
  if (m < 1 || m > 12 || d < 1 || d > cal_days_in_month(y, m))
    return -1;
  *day = (int32_t)cal_days_from_civil(y, m, d);
  return 0;
}

/* The month (1-12) of a YYYY-MM-DD date, 0 if not one. */
static int month_of(const char *date) {
  int32_t day;
  return report_parse_day(date, &day) < 0 ? 0 : atoi(date + 5);
}

int report_period_infer(const char *label, const char *start, struct period_cfg *pc) {
  size_t n = strlen(label);
  bool fy = strncmp(label, "FY", 2) == 0;
  const char *y = fy ? label + 2 : label;
  size_t yn = fy ? n - 2 : n;
  int m = month_of(start);
  if (!m)
    return -1;
  pc->fy_start_month = 1;
  if (!fy && n == 10 && report_parse_day(label, &(int32_t){0}) == 0)
    pc->kind = PERIOD_DAY;
  else if (!fy && n == 8 && digits(label, 4) && !strncmp(label + 4, "-W", 2) && digits(label + 6, 2))
    pc->kind = PERIOD_WEEK;
  else if (!fy && n == 7 && digits(label, 4) && label[4] == '-' && digits(label + 5, 2))
    pc->kind = PERIOD_MONTH;
  else if (yn == 7 && digits(y, 4) && !strncmp(y + 4, "-Q", 2) && y[6] >= '1' && y[6] <= '4') {
    pc->kind = PERIOD_QUARTER;
    pc->fy_start_month = ((m - 1 - 3 * (y[6] - '1')) % 12 + 12) % 12 + 1;
  } else if (yn == 4 && digits(y, 4)) {
    pc->kind = PERIOD_YEAR;
    pc->fy_start_month = m;
  } else
    return -1;
  if (fy != (pc->fy_start_month != 1) && pc->kind >= PERIOD_QUARTER)
    return -1; /* "FY" names exactly the fiscal quarters and years */
  return 0;
}

struct report_period *report_periods_complete(struct strpool *pool,
                                              const struct report_period *periods, size_t n,
                                              size_t *nout, uint32_t *where) {
  struct period_cfg pc;
  int32_t first, last;
  if (n == 0 ||
      report_period_infer(strpool_str(pool, periods[0].label), strpool_str(pool, periods[0].start),
                          &pc) < 0 ||
      report_parse_day(strpool_str(pool, periods[0].start), &first) < 0 ||
      report_parse_day(strpool_str(pool, periods[n - 1].start), &last) < 0 ||
      period_start(&pc, first) != first)
    return NULL;
  struct report_period *out = NULL;
  size_t k = 0, cap = 0, i = 0;
  for (int32_t s = first; s <= last; s = period_next(&pc, s)) {
    char label[16], start[16], end[16];
    if (k == REPORT_MAX_PERIODS)
      goto fail;
    period_label(&pc, s, label);
    cal_format_date(s, start);
    cal_format_date(period_end(&pc, s), end);
    XGROW(out, cap, k + 1);
    out[k] = (struct report_period){strpool_interns(pool, label), strpool_interns(pool, start),
                                    strpool_interns(pool, end)};
    /* the published periods must be exactly the generated ones they match */
    if (i < n && periods[i].start == out[k].start) {
      if (periods[i].label != out[k].label || periods[i].end != out[k].end)
        goto fail;
      where[i++] = (uint32_t)k;
    }
    k++;
  }
  if (i != n)
    goto fail;
  *nout = k;
  return out;
fail:
  free(out);
  return NULL;
}
