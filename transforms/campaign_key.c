/* Campaign keys (contract §3.2): how a utm_campaign value is matched to a CRM
 * campaign name despite differences in case and punctuation. Bytewise ASCII:
 * bytes >= 0x80 count as non-alphanumeric, so the key never depends on the
 * locale or on UTF-8 decoding. */
#include "transforms/values.h"

void campaign_key(const char *s, size_t n, struct strbuf *out) {
  strbuf_reset(out);
  strbuf_grow(out, n);
  bool gap = false; /* a run of separators is pending */
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 'A' && c <= 'Z')
      c = (unsigned char)(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (gap && out->len)
        out->buf[out->len++] = '-';
      gap = false;
      out->buf[out->len++] = (char)c;
    } else {
      gap = true;
    }
  }
  out->buf[out->len] = '\0';
}
