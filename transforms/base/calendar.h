/* Proleptic Gregorian calendar arithmetic on day numbers (days since
 * 1970-01-01, negative before). Shared by timestamp parsing, periods and
 * formatting so that every date in the pipeline goes through one algorithm
 * (Howard Hinnant's days_from_civil). */
#ifndef ATTR_CALENDAR_H
#define ATTR_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>

#define SECS_PER_DAY 86400

bool cal_is_leap(int64_t y);
/* Days in month m (1-12) of year y. */
int cal_days_in_month(int64_t y, int m);
/* Day number of y-m-d (no validation). */
int64_t cal_days_from_civil(int64_t y, int m, int d);
/* Inverse of cal_days_from_civil. */
void cal_civil_from_days(int64_t days, int64_t *y, int *m, int *d);
/* ISO weekday, 1 = Monday .. 7 = Sunday. */
int cal_iso_weekday(int64_t days);
/* floor(secs / 86400) for negative values too. */
int64_t cal_day_of(int64_t utc_secs);
/* Writes YYYY-MM-DD (11 bytes with NUL). */
void cal_format_date(int64_t days, char out[16]);
/* Writes YYYY-MM-DDTHH:MM:SSZ (21 bytes with NUL). */
void cal_format_ts(int64_t utc_secs, char out[32]);

#endif
