/* Escaping for the report page (see html_writer.h). */
#include "etl/report/html_writer.h"

#include <string.h>

#include "transforms/utf8.h"

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */
#define ELLIPSIS "\xE2\x80\xA6"    /* U+2026 */

size_t html_utf8_len(const unsigned char *s, size_t n) {
  return utf8_char_len((const char *)s, n);
}

/* Bytes of the character at s (invalid: 1). */
static size_t char_bytes(const unsigned char *s, size_t n) {
  size_t len = html_utf8_len(s, n);
  return len ? len : 1;
}

void html_textn(struct strbuf *out, const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  size_t run = 0; /* start of the bytes not yet copied */
  for (size_t i = 0; i < n;) {
    unsigned char c = s[i];
    const char *rep = NULL;
    size_t len = 1;
    switch (c) {
    case '&': rep = "&amp;"; break;
    case '<': rep = "&lt;"; break;
    case '>': rep = "&gt;"; break;
    case '"': rep = "&quot;"; break;
    case '\'': rep = "&#39;"; break;
    case '\t': case '\n': case '\r': break;
    default:
      if (c < 0x20 || c == 0x7F)
        rep = REPLACEMENT;
      else if (c >= 0x80) {
        len = html_utf8_len(s + i, n - i);
        if (!len) {
          rep = REPLACEMENT;
          len = 1;
        }
      }
    }
    if (rep) {
      strbuf_add(out, s + run, i - run);
      strbuf_adds(out, rep);
      run = i + len;
    }
    i += len;
  }
  strbuf_add(out, s + run, n - run);
}

void html_text(struct strbuf *out, const char *s) {
  if (s)
    html_textn(out, s, strlen(s));
}

size_t html_char_count(const char *str) {
  const unsigned char *s = (const unsigned char *)str;
  size_t n = strlen(str), count = 0;
  for (size_t i = 0; i < n; count++)
    i += char_bytes(s + i, n - i);
  return count;
}

bool html_text_truncated(struct strbuf *out, const char *str, size_t max_chars) {
  const unsigned char *s = (const unsigned char *)str;
  size_t n = strlen(str);
  if (max_chars == 0)
    max_chars = 1;
  if (html_char_count(str) <= max_chars) {
    html_textn(out, str, n);
    return false;
  }
  size_t i = 0;
  for (size_t k = 0; k + 1 < max_chars; k++)
    i += char_bytes(s + i, n - i);
  /* no space before the ellipsis: "Webinar: Customer…", not "Webinar: …" */
  while (i > 0 && s[i - 1] == ' ')
    i--;
  html_textn(out, str, i);
  strbuf_adds(out, ELLIPSIS);
  return true;
}
