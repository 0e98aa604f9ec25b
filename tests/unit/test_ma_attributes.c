/* The JSON attributes cell of Marketo activities (contract §1.2, §3.2, §9). */
#include "tests/unit/check.h"
#include "transforms/values.h"

static struct ma_attributes a;
static const char *why;

static int parse(const char *s) {
  why = NULL;
  return ma_attributes_parse(s, strlen(s), &a, &why);
}

/* Parses s and returns the Webpage URL, "(absent)" or "(error)". */
static const char *url(const char *s) {
  if (parse(s) != 0)
    return "(error)";
  return a.has_webpage_url ? strbuf_str(&a.webpage_url) : "(absent)";
}

static bool none(void) {
  return !a.has_query_parameters && !a.has_webpage_url && !a.has_referrer_url &&
         a.query_parameters.len == 0 && a.webpage_url.len == 0 && a.referrer_url.len == 0;
}

static void test_samples(void) {
  CHECK(parse("{\"Webpage ID\": 101, \"Client IP Address\": \"203.0.113.245\", \"User Agent\": "
              "\"Mozilla/5.0 (Windows NT 10.0; Win64; x64)\", \"Webpage URL\": "
              "\"www.example.com/pricing\"}") == 0);
  CHECK(a.has_webpage_url && !a.has_query_parameters && !a.has_referrer_url);
  CHECK_STR(strbuf_str(&a.webpage_url), "www.example.com/pricing");
  CHECK(parse("{\"Query Parameters\":\"utm_source=google&utm_medium=cpc&utm_campaign=Q1 "
              "Launch\",\"Referrer URL\":\"https://www.google.com/\",\"Webpage URL\":"
              "\"www.example.com/pricing\"}") == 0);
  CHECK(a.has_query_parameters && a.has_webpage_url && a.has_referrer_url);
  CHECK_STR(strbuf_str(&a.query_parameters), "utm_source=google&utm_medium=cpc&utm_campaign=Q1 Launch");
  CHECK_STR(strbuf_str(&a.referrer_url), "https://www.google.com/");
  /* Empty cell and the literal null (Marketo's empty cell) are {}. */
  CHECK(parse("") == 0 && none());
  CHECK(parse("null") == 0 && none());
  CHECK(ma_attributes_parse(NULL, 0, &a, &why) == 0 && none());
  CHECK(parse("{}") == 0 && none());
  CHECK(parse(" \t\r\n{ \n}\n ") == 0 && none());
}

static void test_strings(void) {
  CHECK_STR(url("{\"Webpage URL\":\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"}"),
            "a\"b\\c/d\be\ff\ng\rh\ti");
  CHECK_STR(url("{\"Webpage URL\":\"caf\\u00e9 \\u00E9\"}"), "caf\xC3\xA9 \xC3\xA9");
  CHECK_STR(url("{\"Webpage URL\":\"\\u0041\\u007f\\u0080\\u07FF\\u0800\\uFFFF\"}"),
            "A\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF");
  CHECK_STR(url("{\"Webpage URL\":\"\\u20AC\"}"), "\xE2\x82\xAC");
  CHECK_STR(url("{\"Webpage URL\":\"\\uD83D\\uDE00\"}"), "\xF0\x9F\x98\x80");
  CHECK_STR(url("{\"Webpage URL\":\"\\uDBFF\\uDFFF\"}"), "\xF4\x8F\xBF\xBF");
  /* Lone surrogates become U+FFFD; what follows is decoded normally. */
  CHECK_STR(url("{\"Webpage URL\":\"\\uD83Dx\"}"), "\xEF\xBF\xBDx");
  CHECK_STR(url("{\"Webpage URL\":\"\\uD83D\"}"), "\xEF\xBF\xBD");
  CHECK_STR(url("{\"Webpage URL\":\"\\uDE00\\uD83D\"}"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK_STR(url("{\"Webpage URL\":\"\\uD83D\\u0041\"}"), "\xEF\xBF\xBD" "A");
  CHECK_STR(url("{\"Webpage URL\":\"\\uD83D\\uD83D\\uDE00\"}"), "\xEF\xBF\xBD\xF0\x9F\x98\x80");
  /* Raw UTF-8 passes through. */
  CHECK_STR(url("{\"Webpage URL\":\"\xC3\xA9\"}"), "\xC3\xA9");
  /* \u0000 is a NUL byte inside the value. */
  CHECK(parse("{\"Webpage URL\":\"a\\u0000b\"}") == 0 && a.webpage_url.len == 3);
  CHECK_STR(url("{\"Webpage URL\":\"\"}"), "");
  CHECK(a.has_webpage_url);
  static const char *bad[] = {
      "{\"Webpage URL\":\"\\x\"}",     "{\"Webpage URL\":\"\\u12\"}",
      "{\"Webpage URL\":\"\\u12G4\"}", "{\"Webpage URL\":\"\\U0041\"}",
      "{\"Webpage URL\":\"a\nb\"}",    "{\"Webpage URL\":\"a\tb\"}",
      "{\"Webpage URL\":\"abc}",       "{\"Webpage URL\":\"abc\\",
      "{\"Other\":\"\\q\"}",           "{\"Other\":\"\x01\"}",
      "{\"Webpage URL\":'x'}",         "{\"Other\":[\"\\x\"]}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    CHECK_STR(url(bad[i]), "(error)");
    CHECK(why && strncmp(why, "attributes: ", 12) == 0 && none());
  }
}

/* Every byte value at every position of a value long enough for the
 * scanner's eight-bytes-a-step path: plain bytes (raw UTF-8 included) pass
 * through, a control byte is an error, a backslash starts an escape and a
 * quote ends the string, wherever they fall in a word. */
static void test_strings_every_byte(void) {
  int bad = 0;
  for (int c = 1; c < 256; c++) {
    for (size_t pos = 0; pos < 27; pos++) {
      char body[28], json[64];
      memset(body, 'a', 27);
      body[27] = '\0';
      body[pos] = (char)c;
      snprintf(json, sizeof json, "{\"Webpage URL\":\"%s\"}", body);
      const char *got = url(json);
      bool ok;
      if (c < 0x20 || c == '"' || c == '\\')
        ok = !strcmp(got, "(error)"); /* a quote leaves "aaa..." outside the string */
      else
        ok = !strcmp(got, body);
      if (!ok && bad++ < 5)
        fprintf(stderr, "  byte 0x%02x at %zu: %s\n", c, pos, got);
    }
  }
  CHECK(bad == 0);
  /* escapes at every offset decode the same */
  for (size_t pos = 0; pos < 20; pos++) {
    char json[80], want[40];
    memset(want, 'b', sizeof want);
    want[pos] = '"';
    want[25] = '\0';
    snprintf(json, sizeof json, "{\"Webpage URL\":\"%.*s\\\"%s\"}", (int)pos, want, want + pos + 1);
    CHECK_STR(url(json), want);
  }
}

static void test_values(void) {
  CHECK_STR(url("{\"Webpage URL\":123}"), "123");
  CHECK_STR(url("{\"Webpage URL\":-1.5e+3}"), "-1.5e+3");
  CHECK_STR(url("{\"Webpage URL\":0}"), "0");
  CHECK_STR(url("{\"Webpage URL\":-0.0E-0}"), "-0.0E-0");
  CHECK_STR(url("{\"Webpage URL\":true}"), "true");
  CHECK_STR(url("{\"Webpage URL\":false }"), "false");
  CHECK_STR(url("{\"Webpage URL\":null}"), "(absent)");
  CHECK_STR(url("{\"Webpage URL\":{\"a\":\"b\"}}"), "(absent)");
  CHECK_STR(url("{\"Webpage URL\":[\"x\"]}"), "(absent)");
  static const char *bad[] = {"01", "1.", ".5", "+1", "-", "1e", "1e+", "--1", "0x1",
                              "tru", "nul", "True", "NULL", "1.e5", "-a", "Infinity", ""};
  char s[64];
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    snprintf(s, sizeof s, "{\"Webpage URL\":%s}", bad[i]);
    CHECK_STR(url(s), "(error)");
    snprintf(s, sizeof s, "{\"x\":[%s]}", bad[i]); /* skipped values are checked too */
    CHECK_STR(url(s), bad[i][0] ? "(error)" : "(absent)");
  }
}

static void test_structure(void) {
  CHECK_STR(url("{\"a\":{\"b\":[1,2,{\"c\":null}],\"d\":{}},\"Webpage URL\":\"x\",\"e\":[]}"),
            "x");
  CHECK_STR(url(" {\n\t\"Webpage URL\" :\r\n \"x\" ,\"y\" : [ 1 , { } ] } \n"), "x");
  /* Keys are exact (after unescaping); the first occurrence decides. */
  CHECK_STR(url("{\"Webpage\\u0020URL\":\"x\"}"), "x");
  CHECK_STR(url("{\"webpage url\":\"x\"}"), "(absent)");
  CHECK_STR(url("{\"Webpage URL \":\"x\"}"), "(absent)");
  CHECK_STR(url("{\"Webpage URLWebpage URLWebpage URL\":\"x\"}"), "(absent)");
  CHECK_STR(url("{\"Webpage UR\":\"x\"}"), "(absent)");
  CHECK_STR(url("{\"Webpage URL\":\"a\",\"Webpage URL\":\"b\"}"), "a");
  CHECK_STR(url("{\"Webpage URL\":null,\"Webpage URL\":\"b\"}"), "(absent)");
  CHECK_STR(url("{\"Webpage URL\":\"a\",\"Webpage URL\":\\}"), "(error)");
  /* Not an object. */
  static const char *not_object[] = {"[]", "\"x\"", "1", "true", "   ", "nul", "x{}", "NULL"};
  for (size_t i = 0; i < sizeof not_object / sizeof not_object[0]; i++) {
    CHECK_STR(url(not_object[i]), "(error)");
    CHECK_STR(why, "attributes: not a JSON object");
  }
  /* Malformed objects. */
  static const char *bad[] = {
      "{",           "{\"a\"",        "{\"a\":",       "{\"a\":1",      "{\"a\" 1}",
      "{\"a\":1,}",  "{,}",           "{a:1}",         "{'a':1}",       "{\"a\":1 \"b\":2}",
      "{\"a\":[1,]}", "{\"a\":[1 2]}", "{\"a\":{1:2}}", "{\"a\":[}",     "{\"a\":{]}",
      "{\"a\":1}}",  "{} x",          "{}{}",          "{}\f",          "{}]",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (strcmp(url(bad[i]), "(error)") != 0)
      fprintf(stderr, "accepted '%s'\n", bad[i]);
    CHECK_STR(url(bad[i]), "(error)");
  }
  CHECK(parse("{} x") != 0 && strcmp(why, "attributes: text after the JSON object") == 0);
  CHECK(ma_attributes_parse("{}\0", 3, &a, &why) != 0);
  /* n is honoured. */
  CHECK(ma_attributes_parse("{\"Webpage URL\":\"x\"}garbage", 19, &a, &why) == 0 &&
        a.has_webpage_url);
}

/* {"a": + depth-1 brackets + "Webpage URL" at top level. */
static const char *nested(int brackets, struct strbuf *sb) {
  strbuf_reset(sb);
  strbuf_adds(sb, "{\"Webpage URL\":\"x\",\"a\":");
  for (int i = 0; i < brackets; i++)
    strbuf_adds(sb, i % 2 ? "{\"k\":" : "[");
  for (int i = brackets - 1; i >= 0; i--)
    strbuf_adds(sb, i % 2 ? "}" : "]");
  strbuf_addc(sb, '}');
  return strbuf_str(sb);
}

static void test_depth(void) {
  struct strbuf sb = STRBUF_INIT;
  CHECK_STR(url(nested(63, &sb)), "x"); /* 64 levels with the top object */
  CHECK_STR(url(nested(64, &sb)), "(error)");
  CHECK_STR(why, "attributes: JSON nested too deeply");
  CHECK_STR(url(nested(100000, &sb)), "(error)"); /* no stack overflow */
  strbuf_release(&sb);
}

static void test_reset(void) {
  CHECK(parse("{\"Webpage URL\":\"x\",\"Referrer URL\":\"r\",\"Query Parameters\":\"q\"}") == 0);
  CHECK(parse("{\"Referrer URL\":\"r2\"}") == 0);
  CHECK(!a.has_webpage_url && !a.has_query_parameters && a.has_referrer_url);
  CHECK_STR(strbuf_str(&a.webpage_url), "");
  CHECK_STR(strbuf_str(&a.referrer_url), "r2");
  CHECK(parse("{\"Webpage URL\":\"x\",\"b\":tru}") != 0 && none());
}

int main(void) {
  ma_attributes_init(&a);
  test_samples();
  test_strings();
  test_strings_every_byte();
  test_values();
  test_structure();
  test_depth();
  test_reset();
  ma_attributes_release(&a);
  return check_exit();
}
