/* The JSON `attributes` cell of a Marketo activity (contract §1.2, §3.2,
 * §9): a small RFC 8259 parser for one object that keeps only the three
 * top-level keys the pipeline reads and validates everything else.
 *
 * Decisions the contract leaves open:
 * - Keys are compared exactly, after unescaping ("Webpage\u0020URL" is
 *   "Webpage URL"). A repeated key: the first occurrence decides, even when
 *   it is null.
 * - String values are unescaped; \uXXXX pairs become UTF-8; a lone surrogate
 *   becomes U+FFFD (a referrer with a broken escape is still a referrer).
 *   \u0000 is kept as a NUL byte inside the strbuf. Raw bytes are passed
 *   through without UTF-8 validation; raw control characters (< 0x20) are
 *   an error, as RFC 8259 requires.
 * - Numbers, true and false are kept as their text, null and nested
 *   objects/arrays leave the attribute absent.
 * - Nesting deeper than JSON_MAX_DEPTH (the top object counts as 1), text
 *   after the object other than white space, or a top-level value that is not
 *   an object are errors. An empty cell, or the literal null (the Marketo
 *   spelling of an empty cell, §1.2), is an empty object. */
#include <string.h>

#include "transforms/values.h"

#define JSON_MAX_DEPTH 64

static const char json_not_object[] = "attributes: not a JSON object";
static const char json_invalid[] = "attributes: invalid JSON";
static const char json_bad_string[] = "attributes: invalid JSON string";
static const char json_too_deep[] = "attributes: JSON nested too deeply";
static const char json_trailing[] = "attributes: text after the JSON object";

enum { KEY_QUERY, KEY_WEBPAGE, KEY_REFERRER, KEY_COUNT };
static const struct {
  const char *name;
  size_t len;
} json_keys[KEY_COUNT] = {{"Query Parameters", 16}, {"Webpage URL", 11}, {"Referrer URL", 12}};
#define JSON_KEY_MAX 16 /* longest of json_keys */

struct jparser {
  const char *s;
  size_t n, i;
  const char *why;
};

/* Where decoded string bytes go: a strbuf, a fixed buffer (for keys; len
 * keeps counting past cap so that an over-long key never matches), or
 * nowhere (validation only). */
struct jsink {
  struct strbuf *sb;
  char *buf;
  size_t cap, len;
};

static void sink_add(struct jsink *k, const char *b, size_t len) {
  if (!k)
    return;
  if (k->sb)
    strbuf_add(k->sb, b, len);
  else if (k->buf && k->len < k->cap)
    memcpy(k->buf + k->len, b, len < k->cap - k->len ? len : k->cap - k->len);
  k->len += len;
}

static int json_fail(struct jparser *p, const char *why) {
  p->why = why;
  return -1;
}

static void json_ws(struct jparser *p) {
  while (p->i < p->n) {
    char c = p->s[p->i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
      break;
    p->i++;
  }
}

static int json_hex4(const char *s, unsigned *v) {
  unsigned x = 0;
  for (int i = 0; i < 4; i++) {
    char c = s[i];
    unsigned d;
    if (c >= '0' && c <= '9')
      d = (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f')
      d = (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      d = (unsigned)(c - 'A' + 10);
    else
      return -1;
    x = x << 4 | d;
  }
  *v = x;
  return 0;
}

static void sink_utf8(struct jsink *k, unsigned cp) {
  char b[4];
  size_t len;
  if (cp < 0x80) {
    b[0] = (char)cp;
    len = 1;
  } else if (cp < 0x800) {
    b[0] = (char)(0xC0 | cp >> 6);
    b[1] = (char)(0x80 | (cp & 0x3F));
    len = 2;
  } else if (cp < 0x10000) {
    b[0] = (char)(0xE0 | cp >> 12);
    b[1] = (char)(0x80 | (cp >> 6 & 0x3F));
    b[2] = (char)(0x80 | (cp & 0x3F));
    len = 3;
  } else {
    b[0] = (char)(0xF0 | cp >> 18);
    b[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    b[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    b[3] = (char)(0x80 | (cp & 0x3F));
    len = 4;
  }
  sink_add(k, b, len);
}

/* \uXXXX at p->i (just after the backslash-u); a high surrogate followed by
 * \uDC00-\uDFFF makes one code point, any other surrogate is U+FFFD. */
static int json_unicode(struct jparser *p, struct jsink *k) {
  unsigned cp, lo;
  if (p->n - p->i < 4 || json_hex4(p->s + p->i, &cp) != 0)
    return json_fail(p, json_bad_string);
  p->i += 4;
  if (cp >= 0xD800 && cp <= 0xDBFF && p->n - p->i >= 6 && p->s[p->i] == '\\' &&
      p->s[p->i + 1] == 'u' && json_hex4(p->s + p->i + 2, &lo) == 0 && lo >= 0xDC00 &&
      lo <= 0xDFFF) {
    p->i += 6;
    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
  } else if (cp >= 0xD800 && cp <= 0xDFFF) {
    cp = 0xFFFD;
  }
  sink_utf8(k, cp);
  return 0;
}

/* One escape sequence at p->i (the byte after the backslash). */
static int json_escape(struct jparser *p, struct jsink *k) {
  static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
  if (p->i >= p->n)
    return json_fail(p, json_bad_string);
  char c = p->s[p->i++];
  if (c == 'u')
    return json_unicode(p, k);
  const char *hit = c ? memchr(from, c, sizeof from - 1) : NULL;
  if (!hit)
    return json_fail(p, json_bad_string);
  sink_add(k, &to[hit - from], 1);
  return 0;
}

/* A byte that stands for itself inside a string: not '"', '\\' or a
 * control character. */
static inline bool json_plain(unsigned char c) { return c >= 0x20 && c != '"' && c != '\\'; }

/* Some byte of w is below 0x20, a quote or a backslash. Exact (the usual
 * has-zero-byte and has-less-than tricks never miss a byte and never report
 * one that is not there), so a word without it is eight plain bytes. */
static inline bool word_has_special(uint64_t w) {
  const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
  uint64_t zero_q = (q - ones) & ~q, zero_b = (b - ones) & ~b, low = (w - ones * 0x20) & ~w;
  return ((zero_q | zero_b | low) & highs) != 0;
}

/* The end of the run of plain string bytes at s[i..n): eight bytes a step
 * (user agents and URLs are long), then byte by byte near the end of the
 * run. */
static size_t plain_run(const char *s, size_t i, size_t n) {
  uint64_t w;
  while (i + 8 <= n) {
    memcpy(&w, s + i, 8);
    if (word_has_special(w))
      break;
    i += 8;
  }
  while (i < n && json_plain((unsigned char)s[i]))
    i++;
  return i;
}

/* A string at p->i (on the opening quote), decoded into k (may be NULL). */
static int json_string(struct jparser *p, struct jsink *k) {
  p->i++;
  for (;;) {
    const char *s = p->s;
    size_t start = p->i, i = plain_run(s, start, p->n);
    p->i = i;
    sink_add(k, s + start, i - start);
    if (p->i >= p->n || (unsigned char)p->s[p->i] < 0x20)
      return json_fail(p, json_bad_string);
    if (p->s[p->i++] == '"')
      return 0;
    if (json_escape(p, k) != 0)
      return -1;
  }
}

static bool json_digit(const struct jparser *p) {
  return p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9';
}

static void json_digits(struct jparser *p) {
  while (json_digit(p))
    p->i++;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int json_number(struct jparser *p) {
  if (p->i < p->n && p->s[p->i] == '-')
    p->i++;
  if (!json_digit(p))
    return json_fail(p, json_invalid);
  if (p->s[p->i++] != '0')
    json_digits(p);
  if (p->i < p->n && p->s[p->i] == '.') {
    p->i++;
    if (!json_digit(p))
      return json_fail(p, json_invalid);
    json_digits(p);
  }
  if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
    p->i++;
    if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
      p->i++;
    if (!json_digit(p))
      return json_fail(p, json_invalid);
    json_digits(p);
  }
  return 0;
}

static int json_literal(struct jparser *p, const char *word) {
  size_t len = strlen(word);
  if (p->n - p->i < len || memcmp(p->s + p->i, word, len) != 0)
    return json_fail(p, json_invalid);
  p->i += len;
  return 0;
}

static int json_value(struct jparser *p, int depth, struct strbuf *keep, bool *kept);

/* The members of an object or the elements of an array (p->i just after
 * the opening bracket), their values skipped. */
static int json_skip_container(struct jparser *p, int depth, char close) {
  json_ws(p);
  if (p->i < p->n && p->s[p->i] == close) {
    p->i++;
    return 0;
  }
  for (;;) {
    if (close == '}') {
      if (p->i >= p->n || p->s[p->i] != '"')
        return json_fail(p, json_invalid);
      if (json_string(p, NULL) != 0)
        return -1;
      json_ws(p);
      if (p->i >= p->n || p->s[p->i++] != ':')
        return json_fail(p, json_invalid);
      json_ws(p);
    }
    if (json_value(p, depth, NULL, NULL) != 0)
      return -1;
    json_ws(p);
    if (p->i < p->n && p->s[p->i] == ',') {
      p->i++;
      json_ws(p);
      continue;
    }
    if (p->i < p->n && p->s[p->i] == close) {
      p->i++;
      return 0;
    }
    return json_fail(p, json_invalid);
  }
}

/* One value at p->i. If keep is set, a string is decoded into it and a
 * number/true/false copied as text, and *kept says so. */
static int json_value(struct jparser *p, int depth, struct strbuf *keep, bool *kept) {
  size_t start = p->i;
  if (p->i >= p->n)
    return json_fail(p, json_invalid);
  char c = p->s[p->i];
  int rc;
  if (c == '"') {
    struct jsink k = {keep, NULL, 0, 0};
    rc = json_string(p, keep ? &k : NULL);
    if (rc == 0 && keep)
      *kept = true;
    return rc;
  }
  if (c == '{' || c == '[') {
    if (depth + 1 > JSON_MAX_DEPTH)
      return json_fail(p, json_too_deep);
    p->i++;
    return json_skip_container(p, depth + 1, c == '{' ? '}' : ']');
  }
  if (c == 'n')
    return json_literal(p, "null");
  if (c == 't')
    rc = json_literal(p, "true");
  else if (c == 'f')
    rc = json_literal(p, "false");
  else
    rc = json_number(p);
  if (rc == 0 && keep) {
    strbuf_add(keep, p->s + start, p->i - start);
    *kept = true;
  }
  return rc;
}

/* A key at p->i: its index in json_keys, or -1. */
static int json_key(struct jparser *p, int *which) {
  char buf[JSON_KEY_MAX];
  struct jsink k = {NULL, buf, sizeof buf, 0};
  if (p->i >= p->n || p->s[p->i] != '"')
    return json_fail(p, json_invalid);
  if (json_string(p, &k) != 0)
    return -1;
  *which = -1;
  for (int j = 0; j < KEY_COUNT; j++)
    if (k.len == json_keys[j].len && memcmp(buf, json_keys[j].name, k.len) == 0)
      *which = j;
  return 0;
}

static int json_top_object(struct jparser *p, struct ma_attributes *a) {
  struct strbuf *dest[KEY_COUNT] = {&a->query_parameters, &a->webpage_url, &a->referrer_url};
  bool *has[KEY_COUNT] = {&a->has_query_parameters, &a->has_webpage_url, &a->has_referrer_url};
  bool seen[KEY_COUNT] = {false, false, false};
  p->i++;
  json_ws(p);
  if (p->i < p->n && p->s[p->i] == '}') {
    p->i++;
    return 0;
  }
  for (;;) {
    int which;
    if (json_key(p, &which) != 0)
      return -1;
    json_ws(p);
    if (p->i >= p->n || p->s[p->i++] != ':')
      return json_fail(p, json_invalid);
    json_ws(p);
    bool take = which >= 0 && !seen[which];
    if (take)
      seen[which] = true;
    if (json_value(p, 1, take ? dest[which] : NULL, take ? has[which] : NULL) != 0)
      return -1;
    json_ws(p);
    if (p->i < p->n && p->s[p->i] == ',') {
      p->i++;
      json_ws(p);
      continue;
    }
    if (p->i < p->n && p->s[p->i++] == '}')
      return 0;
    return json_fail(p, json_invalid);
  }
}

void ma_attributes_init(struct ma_attributes *a) {
  strbuf_init(&a->query_parameters);
  strbuf_init(&a->webpage_url);
  strbuf_init(&a->referrer_url);
  a->has_query_parameters = a->has_webpage_url = a->has_referrer_url = false;
}

void ma_attributes_release(struct ma_attributes *a) {
  strbuf_release(&a->query_parameters);
  strbuf_release(&a->webpage_url);
  strbuf_release(&a->referrer_url);
  a->has_query_parameters = a->has_webpage_url = a->has_referrer_url = false;
}

static void ma_attributes_reset(struct ma_attributes *a) {
  strbuf_reset(&a->query_parameters);
  strbuf_reset(&a->webpage_url);
  strbuf_reset(&a->referrer_url);
  a->has_query_parameters = a->has_webpage_url = a->has_referrer_url = false;
}

int ma_attributes_parse(const char *s, size_t n, struct ma_attributes *a, const char **why) {
  struct jparser p = {s, n, 0, NULL};
  ma_attributes_reset(a);
  if (n == 0 || (n == 4 && memcmp(s, "null", 4) == 0))
    return 0;
  json_ws(&p);
  if (p.i >= n || s[p.i] != '{') {
    *why = json_not_object;
    return -1;
  }
  if (json_top_object(&p, a) != 0) {
    ma_attributes_reset(a);
    *why = p.why;
    return -1;
  }
  json_ws(&p);
  if (p.i != n) {
    ma_attributes_reset(a);
    *why = json_trailing;
    return -1;
  }
  return 0;
}
