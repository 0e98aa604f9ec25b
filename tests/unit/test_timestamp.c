/* Timestamp parsing (contract §2 "Timestamps", §9 "Values"). Expected
 * epoch seconds were computed independently (Python's datetime). */
#include "tests/unit/check.h"
#include "transforms/values.h"

#define H 3600

static struct ts_value tv;
static const char *why;

static int parse_at(const char *s, int32_t naive) {
  why = NULL;
  tv.utc = -12345;
  tv.written_day = -1;
  tv.date_only = false;
  return ts_parse(s, strlen(s), naive, &tv, &why);
}

static int parse(const char *s) { return parse_at(s, 0); }

/* Parses and returns utc, or INT64_MIN when rejected. */
static int64_t utc(const char *s) { return parse(s) == 0 ? tv.utc : INT64_MIN; }

static void test_formats(void) {
  CHECK_I64(utc("2024-11-28T09:09:53Z"), 1732784993);
  CHECK_I64(utc("2024-11-28 09:09:53Z"), 1732784993);
  CHECK_I64(utc("2024-11-28T09:09:53"), 1732784993);
  CHECK_I64(utc("2024-03-15T14:21:19.000Z"), 1710512479);
  CHECK_I64(utc("2024-03-15T14:21:19.9Z"), 1710512479);           /* dropped, not rounded */
  CHECK_I64(utc("2024-03-15T14:21:19.123456789012Z"), 1710512479); /* any length */
  CHECK_I64(utc("2024-03-15T14:21:19.5+01:00"), 1710512479 - H);
  CHECK_I64(utc("1970-01-01T00:00:00Z"), 0);
  CHECK_I64(utc("1969-12-31T23:59:59Z"), -1);
  CHECK_I64(utc("0001-01-01T00:00:00Z"), -62135596800LL);
  CHECK_I64(utc("9999-12-31T23:59:59Z"), 253402300799LL);
  /* A date alone is midnight at the naive offset. */
  CHECK(parse("2024-02-29") == 0 && tv.date_only && tv.utc == 1709164800 &&
        tv.written_day == 19782);
  CHECK(parse("2024-02-29T00:00:00") == 0 && !tv.date_only);
}

static void test_offsets(void) {
  /* Offsets are east of UTC: local = UTC + offset. */
  CHECK_I64(utc("2024-02-29T05:30:00+05:30"), 1709164800);
  CHECK_I64(utc("2024-02-29T05:30:00+0530"), 1709164800);
  CHECK_I64(utc("2024-02-28T16:00:00-08:00"), 1709164800);
  CHECK_I64(utc("2024-02-28T16:00:00-0800"), 1709164800);
  CHECK_I64(utc("2024-02-29T00:00:00+00:00"), 1709164800);
  CHECK_I64(utc("2024-02-29T00:00:00-00:00"), 1709164800);
  CHECK_I64(utc("2024-02-29T23:59:00+23:59"), 1709164800);
  CHECK_I64(utc("2024-02-29T00:00:00+24:00"), INT64_MIN);
  CHECK(parse("2024-02-29T00:00:00+24:00") != 0 && strcmp(why, "bad UTC offset") == 0);
  CHECK_I64(utc("2024-02-29T00:00:00+00:60"), INT64_MIN);
  CHECK_I64(utc("2024-02-29T00:00:00+0060"), INT64_MIN);
  /* Naive offset applies only without an explicit one, to dates too. */
  CHECK(parse_at("2024-02-29T05:30:00", 19800) == 0 && tv.utc == 1709164800);
  CHECK(parse_at("2024-02-29T05:30:00Z", 19800) == 0 && tv.utc == 1709164800 + 5 * H + 1800);
  CHECK(parse_at("2024-02-29T00:00:00-01:00", 19800) == 0 && tv.utc == 1709164800 + H);
  CHECK(parse_at("2024-02-29", 19800) == 0 && tv.utc == 1709164800 - 19800 && tv.date_only);
  CHECK(parse_at("2024-02-29", -8 * H) == 0 && tv.utc == 1709164800 + 8 * H);
  /* written_day is the date as written, whatever the offset. */
  CHECK(parse("2024-02-29T23:00:00-05:00") == 0 && tv.written_day == 19782 &&
        tv.utc == 1709164800 + 28 * H);
  CHECK(parse("2024-02-29T01:00:00+05:00") == 0 && tv.written_day == 19782 &&
        tv.utc == 1709164800 - 4 * H);
  CHECK(parse_at("2024-02-29", 23 * H) == 0 && tv.written_day == 19782);
}

static void test_calendar(void) {
  CHECK_I64(utc("2024-02-29"), 1709164800);
  CHECK_I64(utc("2000-02-29"), 951782400);
  CHECK_I64(utc("2023-02-29"), INT64_MIN);
  CHECK(strcmp(why, "no such day") == 0);
  CHECK_I64(utc("1900-02-29"), INT64_MIN); /* century, not leap */
  CHECK(utc("2023-02-28") != INT64_MIN);
  CHECK(utc("2024-04-30") != INT64_MIN);
  CHECK_I64(utc("2024-04-31"), INT64_MIN);
  CHECK(utc("2024-12-31") != INT64_MIN);
  CHECK_I64(utc("2024-12-32"), INT64_MIN);
  CHECK_I64(utc("2024-13-01"), INT64_MIN);
  CHECK_I64(utc("2024-00-10"), INT64_MIN);
  CHECK_I64(utc("2024-01-00"), INT64_MIN);
  CHECK(utc("2024-01-01") != INT64_MIN);
  CHECK_I64(utc("2023-12-31T23:59:59"), 1704067199);
  CHECK_I64(utc("2024-01-01T24:00:00"), INT64_MIN);
  CHECK(strcmp(why, "bad time") == 0);
  CHECK(utc("2024-01-01T23:00:00") != INT64_MIN);
  CHECK_I64(utc("2024-01-01T23:60:00"), INT64_MIN);
  CHECK_I64(utc("2024-01-01T23:59:60"), INT64_MIN);
  CHECK(utc("2024-01-01T00:00:00") != INT64_MIN);
}

static void test_syntax(void) {
  static const char *bad[] = {
      "", "2024", "2024-1-01", "2024-01-1", "24-01-01", "02024-01-01", "2024/01/01",
      "2024-01-01Z", "2024-01-01+05:30", "2024-01-01T", "2024-01-01T10:00",
      "2024-01-01T10:00:0", "2024-01-01t10:00:00", "2024-01-01T10:00:00z",
      "2024-01-01x10:00:00", "2024-01-01T10:00:00.", "2024-01-01T10:00:00.Z",
      "2024-01-01T10:00:00.5.5", "2024-01-01T10:00:00 Z", "2024-01-01T10:00:00 +01:00",
      " 2024-01-01", "2024-01-01 ", "2024-01-01T10:00:00 ", "\t2024-01-01T10:00:00",
      "2024-01-01T10:00:00+5:30", "2024-01-01T10:00:00+05:3", "2024-01-01T10:00:00+05-30",
      "2024-01-01T10:00:00+053", "2024-01-01T10:00:00+05:300", "2024-01-01T10:00:00ZZ",
      "2024-01-01T10:00:00Z+01:00", "2024-01-01T10:00:00+01", "2024-01-01T10:0a:00",
      "2024-01-01T10-00-00", "2024-01-01T10:00:00,5", "+024-01-01", "2024-01-01T1:00:00",
      "2024-01-01T10:00:00.5x", "2024-01-0a", "2024-01-01T10:00:00GMT", "2024-01-01  10:00:00",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (parse(bad[i]) == 0)
      fprintf(stderr, "accepted '%s'\n", bad[i]);
    CHECK(parse(bad[i]) != 0 && strcmp(why, "not a timestamp") == 0);
    CHECK(tv.utc == -12345); /* out untouched on failure */
  }
  /* n is honoured: a prefix of a longer buffer. */
  CHECK(ts_parse("2024-01-01T00:00:00Zjunk", 20, 0, &tv, &why) == 0 && tv.utc == 1704067200);
  CHECK(ts_parse("2024-01-01T00:00:00", 10, 0, &tv, &why) == 0 && tv.date_only);
}

/* Every day of 1999-2025 round-trips through its components. */
static void test_every_day(void) {
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int64_t expect = 10592; /* 1999-01-01 */
  int bad = 0;
  char s[32];
  for (int y = 1999; y <= 2025; y++)
    for (int m = 1; m <= 12; m++) {
      int last = mdays[m - 1] + (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
      for (int d = 1; d <= last + 1; d++) {
        snprintf(s, sizeof s, "%04d-%02d-%02dT12:34:56", y, m, d);
        int rc = parse(s);
        if (d > last) {
          bad += rc == 0;
          continue;
        }
        bad += rc != 0 || tv.written_day != expect ||
               tv.utc != expect * 86400 + 12 * 3600 + 34 * 60 + 56;
        expect++;
      }
    }
  CHECK_I64(bad, 0);
}

int main(void) {
  test_formats();
  test_offsets();
  test_calendar();
  test_syntax();
  test_every_day();
  return check_exit();
}
