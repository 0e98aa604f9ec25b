/* The JSON reader of the report (etl/report/json_read.h): the manifest's
 * shapes, string escapes to UTF-8, counts, and faults with their line. */
#include "etl/report/json_read.h"

#include <string.h>

#include "tests/unit/check.h"

static int parse(const char *text, struct json_value *v, struct strbuf *err) {
  strbuf_reset(err);
  json_release(v);
  return json_parse(text, strlen(text), v, err);
}

static void test_values(void) {
  struct json_value v;
  struct strbuf err = STRBUF_INIT;
  memset(&v, 0, sizeof v);
  CHECK(parse("{\n  \"tool\": \"etl\",\n  \"inputs\": [\n    {\"name\": \"a.csv\", \"rows_read\": 764}\n"
              "  ],\n  \"x\": [true, false, null, -1.5e3]\n}\n", &v, &err) == 0);
  CHECK_STR(json_str(json_get(&v, "tool")), "etl");
  const struct json_value *in = json_get(&v, "inputs");
  CHECK(in && in->type == JSON_ARRAY && in->n == 1);
  uint64_t n = 0;
  CHECK(json_u64(json_get(&in->items[0], "rows_read"), &n) == 0);
  CHECK_I64(n, 764);
  CHECK(json_u64(json_get(&in->items[0], "name"), &n) < 0);
  const struct json_value *x = json_get(&v, "x");
  CHECK(x->n == 4 && x->items[0].type == JSON_TRUE && x->items[2].type == JSON_NULL);
  CHECK(json_u64(&x->items[3], &n) < 0); /* not a count */
  CHECK(json_get(&v, "missing") == NULL);
  CHECK(json_get(NULL, "tool") == NULL);
  CHECK(parse("\"a\\u00e9\\ud83d\\ude80\\n\\\"\\\\/\\ud800x\"", &v, &err) == 0);
  CHECK_STR(json_str(&v), "a\xC3\xA9\xF0\x9F\x9A\x80\n\"\\/\xEF\xBF\xBDx");
  CHECK(parse("18446744073709551615", &v, &err) == 0 && json_u64(&v, &n) == 0);
  CHECK(n == UINT64_MAX);
  CHECK(parse("18446744073709551616", &v, &err) == 0 && json_u64(&v, &n) < 0);
  json_release(&v);
  strbuf_release(&err);
}

static void test_faults(void) {
  struct json_value v;
  struct strbuf err = STRBUF_INIT;
  memset(&v, 0, sizeof v);
  CHECK(parse("{\n\"a\" 1}", &v, &err) < 0);
  CHECK_STR(strbuf_str(&err), "2: expected ':'");
  CHECK(parse("[1,\n2,\n", &v, &err) < 0);
  CHECK_STR(strbuf_str(&err), "3: unexpected end of file");
  CHECK(parse("\"abc", &v, &err) < 0);
  CHECK_STR(strbuf_str(&err), "1: unterminated string");
  CHECK(parse("{} x", &v, &err) < 0);
  CHECK_STR(strbuf_str(&err), "1: text after the value");
  CHECK(parse("\"\\q\"", &v, &err) < 0);
  CHECK(parse("\"a\tb\"", &v, &err) < 0);
  CHECK(parse("-", &v, &err) < 0);
  CHECK(parse("", &v, &err) < 0);
  char deep[200];
  memset(deep, '[', sizeof deep - 1);
  deep[sizeof deep - 1] = '\0';
  CHECK(parse(deep, &v, &err) < 0);
  CHECK(strstr(strbuf_str(&err), "nested too deeply") != NULL);
  json_release(&v);
  strbuf_release(&err);
}

int main(void) {
  test_values();
  test_faults();
  return check_exit();
}
