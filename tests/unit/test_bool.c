/* Boolean cells (contract §2, §9 "Values"). */
#include "tests/unit/check.h"
#include "transforms/values.h"

/* 1 true, 0 false, -1 rejected. */
static int parse(const char *s) {
  bool b = false;
  if (bool_parse(s, strlen(s), &b) != 0)
    return -1;
  return b ? 1 : 0;
}

int main(void) {
  CHECK_I64(parse("true"), 1);
  CHECK_I64(parse("TRUE"), 1);
  CHECK_I64(parse("True"), 1);
  CHECK_I64(parse("tRuE"), 1);
  CHECK_I64(parse("1"), 1);
  CHECK_I64(parse("false"), 0);
  CHECK_I64(parse("FALSE"), 0);
  CHECK_I64(parse("False"), 0);
  CHECK_I64(parse("0"), 0);
  CHECK_I64(parse(""), 0);
  CHECK_I64(parse(" true"), -1);
  CHECK_I64(parse("true "), -1);
  CHECK_I64(parse("tru"), -1);
  CHECK_I64(parse("truee"), -1);
  CHECK_I64(parse("fals"), -1);
  CHECK_I64(parse("yes"), -1);
  CHECK_I64(parse("no"), -1);
  CHECK_I64(parse("2"), -1);
  CHECK_I64(parse("01"), -1);
  CHECK_I64(parse("10"), -1);
  CHECK_I64(parse("t"), -1);
  CHECK_I64(parse(" "), -1);
  /* Length is honoured: "true" is the first 4 bytes of "trueX". */
  bool b = false;
  CHECK(bool_parse("trueX", 4, &b) == 0 && b);
  CHECK(bool_parse("1X", 1, &b) == 0 && b);
  return check_exit();
}
