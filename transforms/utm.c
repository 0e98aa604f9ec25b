/* UTM parameters and referrer hosts of a Marketo touch (contract §3.2, §9
 * "People and touches"): the URL pieces that channel rules look at. Only
 * the decoding the contract names is done: query parameters split on '&',
 * '+' as space, %XX (an invalid escape such as "%zz" or a trailing "%4" is
 * kept as written), names lowercased after decoding, the first occurrence of
 * a name wins even when its value is empty.
 *
 * Decisions the contract leaves open:
 * - url_query reads the contract literally: the query starts after the
 *   first '?' anywhere in the URL and ends at the next '#'.
 * - referrer_host drops a scheme only when it is one ([A-Za-z][A-Za-z0-9+.-]*
 *   followed by "://"), so a "://" inside a path or query is left alone; a
 *   leading "//" (scheme-relative URL) is dropped too. An IPv6 literal
 *   "[::1]:8080" keeps its brackets and loses the port. */
#include <string.h>

#include "transforms/values.h"

enum { UTM_SOURCE, UTM_MEDIUM, UTM_CAMPAIGN, UTM_COUNT };
static const char *const utm_names[UTM_COUNT] = {"utm_source", "utm_medium", "utm_campaign"};
#define UTM_NAME_RAW_MAX 64 /* a longer raw name cannot decode to a utm name */

static int utm_hex(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Form-decodes s into out (room for n bytes); returns the decoded length. */
static size_t utm_decode(const char *s, size_t n, char *out) {
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    int hi, lo;
    if (c == '+') {
      c = ' ';
    } else if (c == '%' && i + 2 < n && (hi = utm_hex(s[i + 1])) >= 0 &&
               (lo = utm_hex(s[i + 2])) >= 0) {
      c = (char)(hi << 4 | lo);
      i += 2;
    }
    out[o++] = c;
  }
  return o;
}

static void utm_lower(char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] >= 'A' && s[i] <= 'Z')
      s[i] = (char)(s[i] - 'A' + 'a');
}

/* The utm_names index of a raw (undecoded) parameter name, or -1. */
static int utm_name_index(const char *s, size_t n) {
  char buf[UTM_NAME_RAW_MAX];
  if (n > sizeof buf)
    return -1;
  size_t len = utm_decode(s, n, buf);
  utm_lower(buf, len);
  for (int j = 0; j < UTM_COUNT; j++)
    if (len == strlen(utm_names[j]) && memcmp(buf, utm_names[j], len) == 0)
      return j;
  return -1;
}

static void utm_decode_into(const char *s, size_t n, struct strbuf *out) {
  strbuf_grow(out, n);
  out->len += utm_decode(s, n, out->buf + out->len);
  out->buf[out->len] = '\0';
}

void utm_init(struct utm *u) {
  strbuf_init(&u->source);
  strbuf_init(&u->medium);
  strbuf_init(&u->campaign);
}

void utm_release(struct utm *u) {
  strbuf_release(&u->source);
  strbuf_release(&u->medium);
  strbuf_release(&u->campaign);
}

void utm_from_query(const char *q, size_t n, struct utm *u) {
  struct strbuf *dest[UTM_COUNT] = {&u->source, &u->medium, &u->campaign};
  bool got[UTM_COUNT] = {false, false, false};
  for (int j = 0; j < UTM_COUNT; j++)
    strbuf_reset(dest[j]);
  if (n && q[0] == '?') {
    q++;
    n--;
  }
  if (n == 0)
    return;
  const char *end = q + n;
  while (q < end) {
    const char *amp = memchr(q, '&', (size_t)(end - q));
    const char *seg_end = amp ? amp : end;
    const char *eq = memchr(q, '=', (size_t)(seg_end - q));
    const char *name_end = eq ? eq : seg_end;
    int j = utm_name_index(q, (size_t)(name_end - q));
    if (j >= 0 && !got[j]) {
      got[j] = true;
      if (eq)
        utm_decode_into(eq + 1, (size_t)(seg_end - eq - 1), dest[j]);
    }
    q = amp ? amp + 1 : end;
  }
}

int url_query(const char *url, size_t n, const char **q, size_t *qn) {
  if (n == 0) {
    *q = url;
    *qn = 0;
    return 0;
  }
  const char *mark = memchr(url, '?', n);
  if (!mark) {
    *q = url + n;
    *qn = 0;
    return 0;
  }
  *q = mark + 1;
  *qn = n - (size_t)(mark + 1 - url);
  const char *hash = memchr(*q, '#', *qn);
  if (hash)
    *qn = (size_t)(hash - *q);
  return 1;
}

void utm_from_attributes(const struct ma_attributes *a, struct utm *u) {
  const char *q = "";
  size_t qn = 0;
  if (a->has_query_parameters && a->query_parameters.len) {
    q = a->query_parameters.buf;
    qn = a->query_parameters.len;
  } else if (a->has_webpage_url && a->webpage_url.len) {
    url_query(a->webpage_url.buf, a->webpage_url.len, &q, &qn);
  }
  utm_from_query(q, qn, u);
}

static bool utm_is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* Length of a leading "scheme://", or 2 for a leading "//", else 0. */
static size_t url_scheme_len(const char *s, size_t n) {
  if (n >= 2 && s[0] == '/' && s[1] == '/')
    return 2;
  if (n == 0 || !utm_is_alpha(s[0]))
    return 0;
  size_t i = 1;
  while (i < n && (utm_is_alpha(s[i]) || (s[i] >= '0' && s[i] <= '9') || s[i] == '+' ||
                   s[i] == '.' || s[i] == '-'))
    i++;
  if (n - i >= 3 && memcmp(s + i, "://", 3) == 0)
    return i + 3;
  return 0;
}

void referrer_host(const char *url, size_t n, struct strbuf *out) {
  strbuf_reset(out);
  strbuf_grow(out, 0); /* out->buf is never NULL afterwards */
  if (n == 0)
    return;
  size_t start = url_scheme_len(url, n), end = start;
  while (end < n && url[end] != '/' && url[end] != '?' && url[end] != '#')
    end++;
  for (size_t i = start; i < end; i++) /* userinfo ends at the last '@' */
    if (url[i] == '@')
      start = i + 1;
  const char *host = url + start;
  size_t len = end - start;
  const char *cut = NULL;
  if (len && host[0] == '[') {
    cut = memchr(host, ']', len);
    cut = cut ? cut + 1 : NULL;
  } else {
    cut = memchr(host, ':', len);
  }
  if (cut)
    len = (size_t)(cut - host);
  strbuf_add(out, host, len);
  utm_lower(out->buf, out->len);
}
