/* Calendar arithmetic (see calendar.h). */
#include "transforms/base/calendar.h"

#include <stdio.h>

bool cal_is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int cal_days_in_month(int64_t y, int m) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && cal_is_leap(y))
    return 29;
  return days[m - 1];
}

int64_t cal_days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void cal_civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

int cal_iso_weekday(int64_t days) {
  /* 1970-01-01 was a Thursday (4). */
  int64_t w = (days + 3) % 7;
  if (w < 0)
    w += 7;
  return (int)w + 1;
}

int64_t cal_day_of(int64_t secs) {
  int64_t d = secs / SECS_PER_DAY;
  if (secs % SECS_PER_DAY < 0)
    d--;
  return d;
}

/* Two digits of v (0..99) at p. */
static void put2(char *p, int v) {
  p[0] = (char)('0' + v / 10);
  p[1] = (char)('0' + v % 10);
}

/* "YYYY-MM-DD" at p (no NUL) for a year 0..9999: the tables print a date
 * or a time per credit row, millions of them, where snprintf's format
 * parsing was a tenth of etl-attribute. */
static void put_date(char *p, int64_t y, int m, int d) {
  put2(p, (int)(y / 100));
  put2(p + 2, (int)(y % 100));
  p[4] = '-';
  put2(p + 5, m);
  p[7] = '-';
  put2(p + 8, d);
}

void cal_format_date(int64_t days, char out[16]) {
  int64_t y;
  int m, d;
  cal_civil_from_days(days, &y, &m, &d);
  if (y >= 0 && y <= 9999) {
    put_date(out, y, m, d);
    out[10] = '\0';
    return;
  }
  char tmp[64]; /* wide enough for any year, so no truncation warning */
  snprintf(tmp, sizeof(tmp), "%04lld-%02d-%02d", (long long)y, m, d);
  snprintf(out, 16, "%.15s", tmp);
}

void cal_format_ts(int64_t secs, char out[32]) {
  int64_t day = cal_day_of(secs);
  int64_t rem = secs - day * SECS_PER_DAY;
  int64_t y;
  int m, d;
  cal_civil_from_days(day, &y, &m, &d);
  if (y >= 0 && y <= 9999) {
    put_date(out, y, m, d);
    out[10] = 'T';
    put2(out + 11, (int)(rem / 3600));
    out[13] = ':';
    put2(out + 14, (int)(rem / 60 % 60));
    out[16] = ':';
    put2(out + 17, (int)(rem % 60));
    out[19] = 'Z';
    out[20] = '\0';
    return;
  }
  char tmp[96];
  snprintf(tmp, sizeof(tmp), "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)y, m, d,
           (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
  snprintf(out, 32, "%.31s", tmp);
}
