/* Fuzz target for the cell parsers of values.h: the same input goes through
 * timestamps, money, decimals, rates, ids, emails and booleans, and the
 * invariants that tie them together are checked (money_parse must agree
 * with money_convert(100, decimal_parse) wherever the latter accepts). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "transforms/base/calendar.h"
#include "transforms/values.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_timestamp(const char *s, size_t n) {
  struct ts_value a, b;
  const char *why = NULL;
  int ra = ts_parse(s, n, 0, &a, &why);
  if (ra != 0 && !why)
    abort();
  int rb = ts_parse(s, n, 19800, &b, &why);
  if (ra != rb)
    abort();
  if (ra == 0) {
    if (a.written_day != b.written_day || a.date_only != b.date_only)
      abort();
    if (a.date_only && (a.utc != (int64_t)a.written_day * SECS_PER_DAY || b.utc != a.utc - 19800))
      abort();
  }
}

static void fuzz_money(const char *s, size_t n) {
  int64_t cents = 0, conv = 0;
  struct decimal d, r;
  const char *why = NULL;
  int rm = money_parse(s, n, &cents, &why);
  if (rm != 0 && !why)
    abort();
  if (decimal_parse(s, n, &d, &why) == 0) {
    int rc = money_convert(100, &d, &conv);
    if (rm != rc || (rm == 0 && cents != conv))
      abort();
  } else if (rm == 0 && n > 0 && strcmp(why, "too many significant digits") != 0) {
    abort();
  }
  if (rate_parse(s, n, &r, &why) == 0) {
    if (r.mant <= 0 || r.scale > 18)
      abort();
    int64_t c = 0;
    memcpy(&c, s, n < sizeof c ? n : sizeof c);
    if (money_convert(c, &r, &conv) == 0 && c > 0 && conv < 0)
      abort();
  }
}

static void fuzz_ids(const char *s, size_t n) {
  char *out = malloc(n + 4);
  if (!out)
    return;
  size_t len = sfid_normalize(s, n, out);
  if (len != (n == 15 ? 18 : n) || memcmp(out, s, n) != 0 || out[len] != '\0')
    abort();
  free(out);
  struct strbuf sb = STRBUF_INIT;
  enum email_result e = email_normalize(s, n, &sb);
  if (sb.len > n || (e == EMAIL_OK && !memchr(sb.buf, '@', sb.len)))
    abort();
  for (size_t i = 0; i < sb.len; i++)
    if (sb.buf[i] >= 'A' && sb.buf[i] <= 'Z')
      abort();
  strbuf_release(&sb);
  bool b;
  if (bool_parse(s, n, &b) == 0 && n > 5)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  fuzz_timestamp(s, size);
  fuzz_money(s, size);
  fuzz_ids(s, size);
  return 0;
}
