/* Escaping for the report page (etl/report/html_writer.h): the five
 * characters that change markup, in text and in attribute values alike;
 * valid UTF-8 kept, invalid bytes and control characters replaced; names
 * cut by characters (never inside a UTF-8 sequence) with an ellipsis. */
#include "etl/report/html_writer.h"

#include <string.h>

#include "tests/unit/check.h"

static const char *esc(const char *s) {
  static struct strbuf out = STRBUF_INIT;
  strbuf_reset(&out);
  html_text(&out, s);
  return strbuf_str(&out);
}

static const char *escn(const char *s, size_t n) {
  static struct strbuf out = STRBUF_INIT;
  strbuf_reset(&out);
  html_textn(&out, s, n);
  return strbuf_str(&out);
}

static const char *cut(const char *s, size_t max, bool *did) {
  static struct strbuf out = STRBUF_INIT;
  strbuf_reset(&out);
  *did = html_text_truncated(&out, s, max);
  return strbuf_str(&out);
}

static void test_escape(void) {
  CHECK_STR(esc(""), "");
  CHECK_STR(esc("Paid Search"), "Paid Search");
  CHECK_STR(esc("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
  CHECK_STR(esc("\"><img src=x onerror=alert(1)>"),
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
  CHECK_STR(esc("a & b's \"c\""), "a &amp; b&#39;s &quot;c&quot;");
  CHECK_STR(esc("&amp;"), "&amp;amp;"); /* escaped once more: shown as written */
  CHECK_STR(esc("x=1&y=2"), "x=1&amp;y=2");
  html_text(NULL, NULL); /* NULL text appends nothing (and needs no buffer) */
}

static void test_utf8(void) {
  CHECK_STR(esc("Newsletter \xE2\x80\x93 Spring"), "Newsletter \xE2\x80\x93 Spring");
  CHECK_STR(esc("\xE6\x97\xA5\xE6\x9C\xAC"), "\xE6\x97\xA5\xE6\x9C\xAC");   /* CJK */
  CHECK_STR(esc("\xF0\x9F\x9A\x80"), "\xF0\x9F\x9A\x80");                   /* emoji */
  CHECK_STR(esc("a\xFF" "b"), "a\xEF\xBF\xBD" "b");                         /* invalid byte */
  CHECK_STR(esc("\xC3"), "\xEF\xBF\xBD");                                   /* truncated */
  CHECK_STR(esc("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                   /* overlong */
  CHECK_STR(esc("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");   /* surrogate */
  CHECK_STR(esc("a\x01" "b\x7F"), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");         /* controls */
  CHECK_STR(esc("a\tb\nc\r"), "a\tb\nc\r");
  CHECK_STR(escn("a\0b", 3), "a\xEF\xBF\xBD" "b"); /* NUL */
}

static void test_count_and_cut(void) {
  bool did;
  CHECK_I64(html_char_count(""), 0);
  CHECK_I64(html_char_count("abc"), 3);
  CHECK_I64(html_char_count("\xE2\x80\x93x"), 2);
  CHECK_I64(html_char_count("\xFF\xFF"), 2);
  CHECK_STR(cut("Webinar", 7, &did), "Webinar");
  CHECK(!did);
  CHECK_STR(cut("Webinar!", 7, &did), "Webina\xE2\x80\xA6");
  CHECK(did);
  /* a cut never splits a character, and drops the space before "…" */
  CHECK_STR(cut("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 2, &did), "\xE6\x97\xA5\xE2\x80\xA6");
  CHECK_STR(cut("Data Summit 2024", 6, &did), "Data\xE2\x80\xA6");
  /* what is kept is escaped */
  CHECK_STR(cut("<script>alert(1)</script>", 4, &did), "&lt;sc\xE2\x80\xA6");
  CHECK_STR(cut("abc", 0, &did), "\xE2\x80\xA6");
}

int main(void) {
  test_escape();
  test_utf8();
  test_count_and_cut();
  return check_exit();
}
