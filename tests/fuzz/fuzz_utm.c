/* Fuzz target for the URL pieces of values.h: query strings (UTM), URL
 * queries, referrer hosts and campaign keys, with their output invariants. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "transforms/values.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_key(const struct strbuf *k) {
  for (size_t i = 0; i < k->len; i++) {
    char c = k->buf[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (c != '-' || i == 0 || i + 1 == k->len || k->buf[i - 1] == '-'))
      abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  struct utm u;
  struct strbuf sb = STRBUF_INIT;
  utm_init(&u);
  utm_from_query(s, size, &u);
  if (u.source.len > size || u.medium.len > size || u.campaign.len > size)
    abort();
  const char *q;
  size_t qn;
  int has = url_query(s, size, &q, &qn);
  if (q < s || q + qn > s + size || (has && q[-1] != '?') || (!has && qn))
    abort();
  if (has)
    utm_from_query(q, qn, &u);
  referrer_host(s, size, &sb);
  if (sb.len > size || memchr(sb.buf, '/', sb.len) || memchr(sb.buf, '?', sb.len) ||
      memchr(sb.buf, '#', sb.len) || memchr(sb.buf, '@', sb.len))
    abort();
  for (size_t i = 0; i < sb.len; i++)
    if (sb.buf[i] >= 'A' && sb.buf[i] <= 'Z')
      abort();
  campaign_key(s, size, &sb);
  check_key(&sb);
  campaign_key(u.campaign.buf ? u.campaign.buf : "", u.campaign.len, &sb);
  check_key(&sb);
  strbuf_release(&sb);
  utm_release(&u);
  return 0;
}
