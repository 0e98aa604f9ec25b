/* UTF-8 validation and repair (contract §9 "Text encoding"): each class of
 * invalid sequence of RFC 3629, one U+FFFD per maximal subpart (Unicode
 * §3.9), the boundaries of the well-formed ranges on both sides, and the
 * ASCII fast path at every alignment. */
#include "tests/unit/check.h"
#include "transforms/utf8.h"

#define R UTF8_REPLACEMENT

static struct strbuf out = STRBUF_INIT;

/* Repairs s (n bytes) and checks the text and the replacement count. */
static void repair_is(const char *s, size_t n, const char *want, size_t want_count, int line) {
  strbuf_reset(&out);
  size_t got = utf8_repair(s, n, &out);
  check_count++;
  if (got != want_count || out.len != strlen(want) || memcmp(strbuf_str(&out), want, out.len) != 0) {
    check_failures++;
    fprintf(stderr, "test_utf8.c:%d: repair gave %zu replacements, %zu bytes\n", line, got,
            out.len);
  }
}
#define REPAIR(lit, want, count) repair_is(lit, sizeof(lit) - 1, want, count, __LINE__)

int main(void) {
  /* valid text is copied unchanged, with no replacement */
  REPAIR("", "", 0);
  REPAIR("plain ascii", "plain ascii", 0);
  REPAIR("M\xC3\xBCller \xE2\x82\xAC \xF0\x9F\x98\x80", "M\xC3\xBCller \xE2\x82\xAC \xF0\x9F\x98\x80", 0);
  CHECK(utf8_is_valid("\xF0\x9F\x98\x80", 4)); /* a valid 4-byte sequence */
  CHECK(utf8_is_valid("\xF0\x90\x80\x80", 4)); /* U+10000, lowest 4-byte */
  CHECK(utf8_is_valid("\xF4\x8F\xBF\xBF", 4)); /* U+10FFFF, highest */
  CHECK(utf8_is_valid("\xED\x9F\xBF", 3));     /* U+D7FF, just below the surrogates */
  CHECK(utf8_is_valid("\xEE\x80\x80", 3));     /* U+E000, just above */
  CHECK(utf8_is_valid("\xE0\xA0\x80", 3));     /* U+0800, lowest 3-byte */
  CHECK(utf8_is_valid("\xC2\x80", 2));         /* U+0080, lowest 2-byte */
  CHECK(utf8_is_valid("a\0b", 3));             /* NUL is valid UTF-8 (rejected elsewhere) */

  /* overlong forms: every byte is its own maximal subpart */
  REPAIR("\xC0\x80", R R, 2);
  REPAIR("\xC1\xBF", R R, 2);
  REPAIR("\xE0\x80\x80", R R R, 3);
  REPAIR("\xE0\x9F\xBF", R R R, 3);
  REPAIR("\xF0\x8F\xBF\xBF", R R R R, 4);
  /* surrogates D800-DFFF */
  REPAIR("\xED\xA0\x80", R R R, 3);
  REPAIR("\xED\xBF\xBF", R R R, 3);
  /* past U+10FFFF, and bytes that never start a sequence */
  REPAIR("\xF4\x90\x80\x80", R R R R, 4);
  REPAIR("\xF5\x80\x80\x80", R R R R, 4);
  REPAIR("\xFF", R, 1);
  REPAIR("\xFE\xFF", R R, 2);
  /* a stray continuation byte; Latin-1 text */
  REPAIR("a\x80" "b", "a" R "b", 1);
  REPAIR("M\xFCller", "M" R "ller", 1);
  /* sequences cut short: the lead and its good continuations are one
   * subpart, at the end of the field and before other text */
  REPAIR("ab\xE2\x82", "ab" R, 1);
  REPAIR("\xE2\x82" "A", R "A", 1);
  REPAIR("\xF0\x9F\x98", R, 1);
  REPAIR("x\xF0\x9F", "x" R, 1);
  REPAIR("x\xC3", "x" R, 1);
  REPAIR("\xF0\x9F\x98" "\xF0\x9F\x98\x80", R "\xF0\x9F\x98\x80", 1);
  /* the example of Unicode §3.9 (Table 3-8) */
  REPAIR("a\xF1\x80\x80\xE1\x80\xC2" "b\x80" "c\x80\xBF" "d", "a" R R R "b" R "c" R R "d", 6);
  /* a replacement character already in the text is valid */
  REPAIR("\xEF\xBF\xBD\xFF", "\xEF\xBF\xBD" R, 1);

  /* the fast path: the bad byte at every position of a 24-byte field */
  for (size_t at = 0; at < 24; at++) {
    char buf[24];
    memset(buf, 'a', sizeof buf);
    buf[at] = (char)0x80;
    CHECK_I64(utf8_valid_prefix(buf, sizeof buf), at);
    strbuf_reset(&out);
    CHECK_I64(utf8_repair(buf, sizeof buf, &out), 1);
    CHECK_I64(out.len, sizeof buf + 2);
    CHECK(utf8_is_valid(out.buf, out.len));
  }
  /* a valid multi-byte sequence across an 8-byte boundary */
  CHECK(utf8_is_valid("1234567\xE2\x82\xAC" "89", 12));
  CHECK_I64(utf8_valid_prefix("1234567\xE2\x82" "89", 11), 7);

  strbuf_release(&out);
  return check_exit();
}
