/* Email normalization (contract §2 "Emails", §9 "Values"). */
#include "tests/unit/check.h"
#include "transforms/values.h"

static struct strbuf sb = STRBUF_INIT;

static enum email_result norm(const char *s) { return email_normalize(s, strlen(s), &sb); }

int main(void) {
  CHECK_I64(norm("  MAILTO:<Foo@Example.COM> "), EMAIL_OK);
  CHECK_STR(strbuf_str(&sb), "foo@example.com");
  CHECK_I64(norm("james.perez@gmail.com"), EMAIL_OK);
  CHECK_STR(strbuf_str(&sb), "james.perez@gmail.com");
  CHECK_I64(norm("\t\r\nA@B.C\n"), EMAIL_OK);
  CHECK_STR(strbuf_str(&sb), "a@b.c");
  CHECK_I64(norm("mailto:a@b.c"), EMAIL_OK);
  CHECK_STR(strbuf_str(&sb), "a@b.c");
  CHECK_I64(norm("MailTo:a@b.c"), EMAIL_OK);
  CHECK_STR(strbuf_str(&sb), "a@b.c");
  CHECK_I64(norm("<a@b.c>"), EMAIL_OK);
  CHECK_STR(strbuf_str(&sb), "a@b.c");
  /* Only one leading mailto: and one enclosing <...> are dropped. */
  CHECK_I64(norm("<<a@b.c>>"), EMAIL_OK);
  CHECK_STR(strbuf_str(&sb), "<a@b.c>");
  CHECK_I64(norm("mailto:mailto:a@b.c"), EMAIL_OK); /* valid by the 3 rules */
  CHECK_STR(strbuf_str(&sb), "mailto:a@b.c");
  /* mailto: is dropped only in front, < > only when both are there. */
  CHECK_I64(norm("a@b.c mailto:"), EMAIL_OK);
  CHECK_STR(strbuf_str(&sb), "a@b.c mailto:");
  CHECK_I64(norm("<a@b.c"), EMAIL_OK);
  CHECK_STR(strbuf_str(&sb), "<a@b.c");
  CHECK_I64(norm("mailto<a@b.c>"), EMAIL_OK);
  CHECK_STR(strbuf_str(&sb), "mailto<a@b.c>");
  /* Non-ASCII bytes are kept; only ASCII letters are lowercased. */
  CHECK_I64(norm("J\xC3\x9CRGEN@B\xC3\x9C.DE"), EMAIL_OK);
  CHECK_STR(strbuf_str(&sb), "j\xC3\x9Crgen@b\xC3\x9C.de");

  /* Blank: an empty or white-space cell only; "mailto:" or "<>" alone is an
   * invalid email (a warning), since the cell was not blank. */
  CHECK_I64(norm(""), EMAIL_BLANK);
  CHECK_I64(norm("   \t "), EMAIL_BLANK);
  CHECK_I64(norm(" mailto: "), EMAIL_INVALID); /* not a blank cell: a warning */
  CHECK_I64(norm("<>"), EMAIL_INVALID);
  CHECK_I64(norm("MAILTO:<>"), EMAIL_INVALID);
  CHECK_I64(norm("x"), EMAIL_INVALID);

  /* Exactly one '@'. */
  CHECK_I64(norm("a.b.c"), EMAIL_INVALID);
  CHECK_STR(strbuf_str(&sb), "a.b.c");
  CHECK_I64(norm("a@b@c.d"), EMAIL_INVALID);
  CHECK_I64(norm("a@@b.c"), EMAIL_INVALID);
  /* Non-empty local part. */
  CHECK_I64(norm("@b.c"), EMAIL_INVALID);
  CHECK_I64(norm("x@b.c"), EMAIL_OK);
  /* A '.' in the domain (not only in the local part). */
  CHECK_I64(norm("a.b@c"), EMAIL_INVALID);
  CHECK_STR(strbuf_str(&sb), "a.b@c");
  CHECK_I64(norm("a@"), EMAIL_INVALID);
  CHECK_I64(norm("a@c."), EMAIL_OK);
  CHECK_I64(norm("a@.c"), EMAIL_OK);
  /* n is honoured. */
  CHECK_I64(email_normalize("A@B.CX@", 5, &sb), EMAIL_OK);
  CHECK_STR(strbuf_str(&sb), "a@b.c");
  strbuf_release(&sb);
  return check_exit();
}
