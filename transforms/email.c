/* Email normalization (contract §2, §9 "Values"): emails are the key that
 * maps Marketo leads to CRM people, so every source must spell an address the
 * same way. Steps, in the contract's order: trim ASCII white space, drop one
 * leading "mailto:" (any case), drop one enclosing "<...>", ASCII-lowercase.
 * No second trim between the steps: "mailto: a@b.c" keeps its space (and is
 * then still a valid address by the contract's three rules). */
#include <strings.h>

#include "transforms/values.h"

static bool email_is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* The contract's validity rules: exactly one '@', a non-empty local part and
 * a '.' somewhere in the domain. */
static bool email_is_valid(const char *s, size_t n) {
  size_t at = n, ats = 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] == '@') {
      at = i;
      ats++;
    }
  if (ats != 1 || at == 0)
    return false;
  for (size_t i = at + 1; i < n; i++)
    if (s[i] == '.')
      return true;
  return false;
}

enum email_result email_normalize(const char *s, size_t n, struct strbuf *out) {
  strbuf_reset(out);
  while (n && email_is_space(s[0])) {
    s++;
    n--;
  }
  while (n && email_is_space(s[n - 1]))
    n--;
  if (n == 0)
    return EMAIL_BLANK; /* a blank cell; "mailto:" or "<>" alone is invalid */
  if (n >= 7 && strncasecmp(s, "mailto:", 7) == 0) {
    s += 7;
    n -= 7;
  }
  if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
    s++;
    n -= 2;
  }
  strbuf_grow(out, n);
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    out->buf[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
  }
  out->len = n;
  out->buf[n] = '\0';
  return email_is_valid(out->buf, n) ? EMAIL_OK : EMAIL_INVALID;
}
