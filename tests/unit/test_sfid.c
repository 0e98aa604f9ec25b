/* Salesforce 15 -> 18 id conversion (contract §2 "Salesforce Ids"). */
#include "tests/unit/check.h"
#include "transforms/values.h"

static const char *norm(const char *id, char *out) {
  sfid_normalize(id, strlen(id), out);
  return out;
}

int main(void) {
  char out[64];
  /* Salesforce's documented example, and ids from the sample exports whose
   * 18-character form is known. */
  CHECK_STR(norm("001A0000006Vm9r", out), "001A0000006Vm9rIAC");
  CHECK_STR(norm("00Q5g0GSYIBrN7y", out), "00Q5g0GSYIBrN7yE4F");
  CHECK_STR(norm("0065g0mCVMjOUqJ", out), "0065g0mCVMjOUqJA2W");
  CHECK_STR(norm("0055g00000AbCdE", out), "0055g00000AbCdEAAV");
  /* Every chunk bit: all upper case -> 31 ('5'), all lower/digits -> 0. */
  CHECK_STR(norm("AAAAAAAAAAAAAAA", out), "AAAAAAAAAAAAAAA555");
  CHECK_STR(norm("zzzzz00000aaaaa", out), "zzzzz00000aaaaaAAA");
  /* Single bits per position: bit i = character i of the chunk. */
  CHECK_STR(norm("Abcde0000000000", out), "Abcde0000000000BAA");
  CHECK_STR(norm("abcdE0000000000", out), "abcdE0000000000QAA");
  CHECK_STR(norm("0000000000Z0000", out), "0000000000Z0000AAB");
  CHECK_STR(norm("00000000000000Z", out), "00000000000000ZAAQ");
  /* Only A-Z count: the neighbours '@' and '[' do not. */
  CHECK_STR(norm("@[@[@@[@[@@[@[@", out), "@[@[@@[@[@@[@[@AAA");
  /* Other lengths are kept as they are, untrimmed. */
  CHECK_STR(norm("001A0000006Vm9", out), "001A0000006Vm9");
  CHECK_STR(norm("001A0000006Vm9rI", out), "001A0000006Vm9rI");
  CHECK_STR(norm("001A0000006Vm9rIAC", out), "001A0000006Vm9rIAC");
  CHECK_STR(norm(" 01A0000006Vm9r ", out), " 01A0000006Vm9r ");
  CHECK_STR(norm("", out), "");
  CHECK_I64(sfid_normalize("001A0000006Vm9r", 15, out), 18);
  CHECK_I64(sfid_normalize("001A0000006Vm9rIAC", 18, out), 18);
  CHECK_I64(sfid_normalize("abc", 3, out), 3);
  /* n is honoured: the first 15 bytes of a longer buffer are an id. */
  CHECK_I64(sfid_normalize("001A0000006Vm9rXYZ", 15, out), 18);
  CHECK_STR(out, "001A0000006Vm9rIAC");
  return check_exit();
}
