/* Timestamp cells (contract §2, §9 "Values"): the one strict grammar every
 * date and date-time of every input goes through, so that a time means the
 * same UTC second whichever export it came from.
 *
 *   YYYY-MM-DD
 *   YYYY-MM-DD('T'|' ')HH:MM:SS['.' digit+]['Z' | ('+'|'-')HH[':']MM]
 *
 * Fixed-width fields, upper-case 'T' and 'Z' only, no surrounding spaces, an
 * offset only after a time. The whole shape is checked first ("not a
 * timestamp"), then the ranges ("no such day", "bad time", "bad UTC offset").
 * The date as written (before any offset) is kept as written_day: date
 * columns are bucketed by the day the export shows. */
#include "transforms/base/calendar.h"
#include "transforms/values.h"

static const char ts_not_a_timestamp[] = "not a timestamp";
static const char ts_no_such_day[] = "no such day";
static const char ts_bad_time[] = "bad time";
static const char ts_bad_offset[] = "bad UTC offset";

/* The fields of a well-shaped timestamp, before range checks. */
struct ts_fields {
  int y, mo, d, h, mi, s;
  const char *off; /* offset text or NULL */
  size_t off_len;
};

static bool ts_digit(char c) { return c >= '0' && c <= '9'; }

/* Reads k digits at s into *v; false if any is not a digit. */
static bool ts_digits(const char *s, int k, int *v) {
  int x = 0;
  for (int i = 0; i < k; i++) {
    if (!ts_digit(s[i]))
      return false;
    x = x * 10 + (s[i] - '0');
  }
  *v = x;
  return true;
}

/* "Z", "+HH:MM" or "+HHMM" (either sign) shape. */
static bool ts_offset_shaped(const char *s, size_t n) {
  int hh, mm;
  if (n == 1)
    return s[0] == 'Z';
  if (s[0] != '+' && s[0] != '-')
    return false;
  if (n == 6)
    return ts_digits(s + 1, 2, &hh) && s[3] == ':' && ts_digits(s + 4, 2, &mm);
  return n == 5 && ts_digits(s + 1, 4, &hh);
}

/* What follows the seconds: an optional fraction, then an optional offset. */
static bool ts_tail_shaped(const char *s, size_t n, struct ts_fields *f) {
  size_t i = 0;
  if (i < n && s[i] == '.') {
    size_t start = ++i;
    while (i < n && ts_digit(s[i]))
      i++;
    if (i == start)
      return false;
  }
  if (i == n)
    return true;
  f->off = s + i;
  f->off_len = n - i;
  return ts_offset_shaped(f->off, f->off_len);
}

static bool ts_shaped(const char *s, size_t n, struct ts_fields *f) {
  f->h = f->mi = f->s = 0;
  f->off = NULL;
  f->off_len = 0;
  if (n < 10 || !ts_digits(s, 4, &f->y) || s[4] != '-' || !ts_digits(s + 5, 2, &f->mo) ||
      s[7] != '-' || !ts_digits(s + 8, 2, &f->d))
    return false;
  if (n == 10)
    return true;
  return n >= 19 && (s[10] == 'T' || s[10] == ' ') && ts_digits(s + 11, 2, &f->h) &&
         s[13] == ':' && ts_digits(s + 14, 2, &f->mi) && s[16] == ':' &&
         ts_digits(s + 17, 2, &f->s) && ts_tail_shaped(s + 19, n - 19, f);
}

int ts_parse(const char *s, size_t n, int32_t naive_offset_secs, struct ts_value *out,
             const char **why) {
  struct ts_fields f;
  int32_t offset = naive_offset_secs;
  if (!ts_shaped(s, n, &f)) {
    *why = ts_not_a_timestamp;
    return -1;
  }
  if (f.mo < 1 || f.mo > 12 || f.d < 1 || f.d > cal_days_in_month(f.y, f.mo)) {
    *why = ts_no_such_day;
    return -1;
  }
  if (f.h > 23 || f.mi > 59 || f.s > 59) {
    *why = ts_bad_time;
    return -1;
  }
  if (f.off && utc_offset_parse(f.off, f.off_len, &offset) != 0) {
    *why = ts_bad_offset;
    return -1;
  }
  int64_t day = cal_days_from_civil(f.y, f.mo, f.d);
  out->utc = day * SECS_PER_DAY + f.h * 3600 + f.mi * 60 + f.s - offset;
  out->written_day = (int32_t)day;
  out->date_only = n == 10;
  return 0;
}
