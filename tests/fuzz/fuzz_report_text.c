/* Fuzz target for the report's text handling (etl/report/): the JSON
 * reader of manifest.json must never crash and must free what it built,
 * and HTML escaping must turn any bytes into valid UTF-8 text with no
 * character that could start or end markup, whole or cut to a length. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "etl/report/html_writer.h"
#include "etl/report/json_read.h"
#include "etl/report/svg_chart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Escaped text: valid UTF-8, no < > " ', every & starting an entity. */
static void check_escaped(const struct strbuf *sb) {
  const unsigned char *s = (const unsigned char *)strbuf_str(sb);
  static const char *const entities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
  for (size_t i = 0; i < sb->len;) {
    unsigned char c = s[i];
    if (c == '<' || c == '>' || c == '"' || c == '\'' || c == 0)
      abort();
    if (c == '&') {
      size_t k = 0;
      while (k < 5 && strncmp((const char *)s + i, entities[k], strlen(entities[k])) != 0)
        k++;
      if (k == 5)
        abort();
    }
    size_t len = html_utf8_len(s + i, sb->len - i);
    if (len == 0)
      abort();
    i += len;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct json_value v;
  struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
  (void)json_parse((const char *)data, size, &v, &err);
  json_release(&v);

  html_textn(&out, (const char *)data, size);
  check_escaped(&out);

  char *s = malloc(size + 1);
  if (!s)
    return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  size_t chars = html_char_count(s);
  strbuf_reset(&out);
  bool cut = html_text_truncated(&out, s, size % 17);
  check_escaped(&out);
  if (cut != (chars > (size % 17 ? size % 17 : 1)))
    abort();
  if (svg_text_width(s, 12) < 0)
    abort();
  strbuf_reset(&out);
  svg_label(&out, 0, 0, "start", "c-lab", 12, s, (double)(size % 300));
  free(s);
  strbuf_release(&err);
  strbuf_release(&out);
  return 0;
}
