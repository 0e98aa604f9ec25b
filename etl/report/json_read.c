/* JSON reading (see json_read.h): a recursive-descent parser over a byte
 * range with a line counter for messages. */
#include "etl/report/json_read.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"

struct parser {
  const char *s;
  size_t n, pos;
  size_t line;
  struct strbuf *err;
  bool failed;
};

static int fail(struct parser *p, const char *what) {
  if (!p->failed)
    strbuf_addf(p->err, "%zu: %s", p->line, what);
  p->failed = true;
  return -1;
}

static void skip_ws(struct parser *p) {
  while (p->pos < p->n) {
    char c = p->s[p->pos];
    if (c == '\n')
      p->line++;
    else if (c != ' ' && c != '\t' && c != '\r')
      return;
    p->pos++;
  }
}

static bool literal(struct parser *p, const char *word) {
  size_t k = strlen(word);
  if (p->n - p->pos < k || memcmp(p->s + p->pos, word, k) != 0)
    return false;
  p->pos += k;
  return true;
}

static void put_utf8(struct strbuf *b, uint32_t cp) {
  if (cp < 0x80)
    strbuf_addc(b, (char)cp);
  else if (cp < 0x800) {
    strbuf_addc(b, (char)(0xC0 | (cp >> 6)));
    strbuf_addc(b, (char)(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    strbuf_addc(b, (char)(0xE0 | (cp >> 12)));
    strbuf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
    strbuf_addc(b, (char)(0x80 | (cp & 0x3F)));
  } else {
    strbuf_addc(b, (char)(0xF0 | (cp >> 18)));
    strbuf_addc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
    strbuf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
    strbuf_addc(b, (char)(0x80 | (cp & 0x3F)));
  }
}

/* Four hex digits at pos; -1 if not. */
static long hex4(struct parser *p) {
  if (p->n - p->pos < 4)
    return -1;
  long v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p->s[p->pos + (size_t)i];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
          : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0)
      return -1;
    v = v * 16 + d;
  }
  p->pos += 4;
  return v;
}

static int parse_escape(struct parser *p, struct strbuf *b) {
  char c = p->s[p->pos++];
  const char *simple = strchr("\"\\/bfnrt", c);
  if (c && simple) {
    static const char map[] = "\"\\/\b\f\n\r\t";
    strbuf_addc(b, map[simple - "\"\\/bfnrt"]);
    return 0;
  }
  if (c != 'u')
    return fail(p, "bad escape in string");
  long cp = hex4(p);
  if (cp < 0)
    return fail(p, "bad \\u escape in string");
  if (cp >= 0xD800 && cp <= 0xDBFF && p->n - p->pos >= 6 && p->s[p->pos] == '\\' &&
      p->s[p->pos + 1] == 'u') {
    size_t save = p->pos;
    p->pos += 2;
    long lo = hex4(p);
    if (lo >= 0xDC00 && lo <= 0xDFFF) {
      put_utf8(b, (uint32_t)(0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)));
      return 0;
    }
    p->pos = save;
  }
  put_utf8(b, cp >= 0xD800 && cp <= 0xDFFF ? 0xFFFD : (uint32_t)cp);
  return 0;
}

static int parse_string(struct parser *p, char **text, size_t *len) {
  struct strbuf b = STRBUF_INIT;
  p->pos++; /* the opening quote */
  for (;;) {
    if (p->pos >= p->n) {
      strbuf_release(&b);
      return fail(p, "unterminated string");
    }
    unsigned char c = (unsigned char)p->s[p->pos];
    if (c == '"') {
      p->pos++;
      break;
    }
    if (c < 0x20) {
      strbuf_release(&b);
      return fail(p, "control character in string");
    }
    if (c == '\\') {
      p->pos++;
      if (p->pos >= p->n || parse_escape(p, &b) < 0) {
        strbuf_release(&b);
        return fail(p, "bad escape in string");
      }
      continue;
    }
    strbuf_addc(&b, (char)c);
    p->pos++;
  }
  *len = b.len;
  *text = b.buf ? strbuf_detach(&b) : xstrdup("");
  return 0;
}

static int parse_number(struct parser *p, struct json_value *v) {
  size_t start = p->pos;
  if (p->pos < p->n && p->s[p->pos] == '-')
    p->pos++;
  size_t digits = p->pos;
  while (p->pos < p->n && strchr("0123456789+-.eE", p->s[p->pos]) && p->s[p->pos])
    p->pos++;
  if (p->pos == digits || p->s[digits] < '0' || p->s[digits] > '9')
    return fail(p, "bad number");
  v->type = JSON_NUMBER;
  v->text = xstrndup(p->s + start, p->pos - start);
  v->len = p->pos - start;
  return 0;
}

static int parse_value(struct parser *p, struct json_value *v, int depth);

static int parse_members(struct parser *p, struct json_value *v, int depth, bool object) {
  size_t cap = 0;
  char close = object ? '}' : ']';
  p->pos++;
  skip_ws(p);
  if (p->pos < p->n && p->s[p->pos] == close) {
    p->pos++;
    return 0;
  }
  for (;;) {
    char *key = NULL;
    size_t klen;
    skip_ws(p);
    if (object) {
      if (p->pos >= p->n || p->s[p->pos] != '"')
        return fail(p, "expected a member name");
      if (parse_string(p, &key, &klen) < 0)
        return -1;
      skip_ws(p);
      if (p->pos >= p->n || p->s[p->pos] != ':') {
        free(key);
        return fail(p, "expected ':'");
      }
      p->pos++;
    }
    XGROW(v->items, cap, v->n + 1);
    if (object) {
      v->keys = xreallocarray(v->keys, cap, sizeof *v->keys);
      v->keys[v->n] = key;
    }
    memset(&v->items[v->n], 0, sizeof *v->items);
    v->n++;
    if (parse_value(p, &v->items[v->n - 1], depth + 1) < 0)
      return -1;
    skip_ws(p);
    if (p->pos < p->n && p->s[p->pos] == ',') {
      p->pos++;
      continue;
    }
    if (p->pos < p->n && p->s[p->pos] == close) {
      p->pos++;
      return 0;
    }
    return fail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
  }
}

static int parse_value(struct parser *p, struct json_value *v, int depth) {
  if (depth > JSON_MAX_DEPTH)
    return fail(p, "nested too deeply");
  skip_ws(p);
  if (p->pos >= p->n)
    return fail(p, "unexpected end of file");
  char c = p->s[p->pos];
  switch (c) {
  case '{': v->type = JSON_OBJECT; return parse_members(p, v, depth, true);
  case '[': v->type = JSON_ARRAY; return parse_members(p, v, depth, false);
  case '"': v->type = JSON_STRING; return parse_string(p, &v->text, &v->len);
  default: break;
  }
  if (literal(p, "true"))
    v->type = JSON_TRUE;
  else if (literal(p, "false"))
    v->type = JSON_FALSE;
  else if (literal(p, "null"))
    v->type = JSON_NULL;
  else
    return parse_number(p, v);
  return 0;
}

int json_parse(const char *text, size_t n, struct json_value *out, struct strbuf *err) {
  struct parser p = {text, n, 0, 1, err, false};
  memset(out, 0, sizeof *out);
  if (parse_value(&p, out, 0) < 0)
    return -1;
  skip_ws(&p);
  if (p.pos != n)
    return fail(&p, "text after the value");
  return 0;
}

void json_release(struct json_value *v) {
  for (size_t i = 0; i < v->n; i++) {
    json_release(&v->items[i]);
    if (v->keys)
      free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
  free(v->text);
  memset(v, 0, sizeof *v);
}

const struct json_value *json_get(const struct json_value *obj, const char *key) {
  if (!obj || obj->type != JSON_OBJECT)
    return NULL;
  for (size_t i = 0; i < obj->n; i++)
    if (strcmp(obj->keys[i], key) == 0)
      return &obj->items[i];
  return NULL;
}

const char *json_str(const struct json_value *v) {
  return v && v->type == JSON_STRING ? v->text : NULL;
}

int json_u64(const struct json_value *v, uint64_t *out) {
  if (!v || v->type != JSON_NUMBER || v->len == 0)
    return -1;
  uint64_t x = 0;
  for (size_t i = 0; i < v->len; i++) {
    char c = v->text[i];
    if (c < '0' || c > '9')
      return -1;
    unsigned d = (unsigned)(c - '0');
    if (x > (UINT64_MAX - d) / 10)
      return -1;
    x = x * 10 + d;
  }
  *out = x;
  return 0;
}
