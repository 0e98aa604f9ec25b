/* The reader's fast CSV tokenizer (see csv_tokenizer.h). The states are
 * libcsv's: no field yet in the record, between fields, in a field, and
 * after a quote inside a quoted field (the quote may close the field or be
 * the first of ""). A field that lies wholly inside one fed piece and has
 * no "" is handed out in place; otherwise its bytes gather in t->buf. */
#include "etl/input/csv_tokenizer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "transforms/base/xalloc.h"

enum { ROW_NOT_BEGUN, FIELD_NOT_BEGUN, FIELD_BEGUN, MIGHT_END };

void csv_tokenizer_init(struct csv_tokenizer *t) { memset(t, 0, sizeof *t); }

void csv_tokenizer_release(struct csv_tokenizer *t) {
  free(t->buf);
  memset(t, 0, sizeof *t);
}

static bool is_term(unsigned char c) { return c == '\r' || c == '\n'; }

/* The bytes that end a run of unquoted text. */
static bool is_special(unsigned char c) { return c == ',' || c == '"' || c == '\r' || c == '\n'; }

/* Index of the first byte at or after pos that ends unquoted text, or len. */
static size_t scan_unquoted(const unsigned char *s, size_t pos, size_t len) {
#ifdef __SSE2__
  const __m128i comma = _mm_set1_epi8(','), quote = _mm_set1_epi8('"');
  const __m128i cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n');
  while (pos + 16 <= len) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + pos));
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, quote)),
                             _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf)));
    unsigned mask = (unsigned)_mm_movemask_epi8(m);
    if (mask)
      return pos + (size_t)__builtin_ctz(mask);
    pos += 16;
  }
#endif
  while (pos < len && !is_special(s[pos]))
    pos++;
  return pos;
}

/* Appends n bytes to the field in progress. */
static void keep(struct csv_tokenizer *t, const void *p, size_t n) {
  if (n == 0)
    return;
  if (t->len + n > t->cap) {
    size_t cap = t->cap ? t->cap : 256;
    while (cap < t->len + n)
      cap *= 2;
    t->buf = xrealloc(t->buf, cap);
    t->cap = cap;
  }
  memcpy(t->buf + t->len, p, n);
  t->len += n;
}

/* Ends the field made of the kept bytes and then seg[0..n). */
static void submit(struct csv_tokenizer *t, const unsigned char *seg, size_t n, csv_field_fn on_field,
                   void *data) {
  static char empty[1];
  if (t->len == 0) {
    on_field(n ? (void *)(uintptr_t)seg : empty, n, data);
  } else {
    keep(t, seg, n);
    on_field(t->buf, t->len, data);
    t->len = 0;
  }
  t->quoted = false;
  t->state = FIELD_NOT_BEGUN;
}

/* After a field ended by c (',' or a line end). */
static void after_field(struct csv_tokenizer *t, unsigned char c, csv_record_fn on_record,
                        void *data) {
  if (c != ',') {
    on_record(c, data);
    t->state = ROW_NOT_BEGUN;
  }
}

/* Unquoted text from pos: returns the next position. */
static size_t unquoted(struct csv_tokenizer *t, const unsigned char *s, size_t pos, size_t len,
                       csv_field_fn on_field, csv_record_fn on_record, void *data) {
  size_t k = scan_unquoted(s, pos, len);
  if (k == len) {
    keep(t, s + pos, len - pos);
    return len;
  }
  if (s[k] == '"') { /* literal inside an unquoted field */
    keep(t, s + pos, k + 1 - pos);
    return k + 1;
  }
  submit(t, s + pos, k - pos, on_field, data);
  after_field(t, s[k], on_record, data);
  return k + 1;
}

/* Quoted text from pos; *fault set when text follows a closing quote (the
 * return value is then the offending byte's index). */
static size_t quoted(struct csv_tokenizer *t, const unsigned char *s, size_t pos, size_t len,
                     csv_field_fn on_field, csv_record_fn on_record, void *data, bool *fault) {
  const unsigned char *q = memchr(s + pos, '"', len - pos);
  if (!q) {
    keep(t, s + pos, len - pos);
    return len;
  }
  size_t k = (size_t)(q - s);
  if (k + 1 == len) { /* the next piece tells */
    keep(t, s + pos, k - pos);
    t->state = MIGHT_END;
    return len;
  }
  unsigned char c = s[k + 1];
  if (c == '"') { /* "" */
    keep(t, s + pos, k + 1 - pos);
    return k + 2;
  }
  if (c == ',' || is_term(c)) {
    submit(t, s + pos, k - pos, on_field, data);
    after_field(t, c, on_record, data);
    return k + 2;
  }
  keep(t, s + pos, k - pos);
  t->state = MIGHT_END;
  *fault = true;
  return k + 1;
}

size_t csv_tokenizer_feed(struct csv_tokenizer *t, const unsigned char *s, size_t len,
                          csv_field_fn on_field, csv_record_fn on_record, void *data) {
  size_t pos = 0;
  bool fault = false;
  while (pos < len && !fault) {
    unsigned char c = s[pos];
    switch (t->state) {
    case ROW_NOT_BEGUN:
    case FIELD_NOT_BEGUN:
      if (is_term(c)) {
        if (t->state == FIELD_NOT_BEGUN) {
          submit(t, s + pos, 0, on_field, data);
          after_field(t, c, on_record, data);
        }
        pos++;
      } else if (c == ',') {
        submit(t, s + pos, 0, on_field, data);
        pos++;
      } else if (c == '"') {
        t->quoted = true;
        t->state = FIELD_BEGUN;
        pos++;
      } else {
        t->quoted = false;
        t->state = FIELD_BEGUN;
        pos = unquoted(t, s, pos, len, on_field, on_record, data);
      }
      break;
    case FIELD_BEGUN:
      if (t->quoted)
        pos = quoted(t, s, pos, len, on_field, on_record, data, &fault);
      else
        pos = unquoted(t, s, pos, len, on_field, on_record, data);
      break;
    default: /* MIGHT_END: a quote ended the last piece */
      if (c == '"') {
        keep(t, "\"", 1);
        t->state = FIELD_BEGUN;
        pos++;
      } else if (c == ',' || is_term(c)) {
        submit(t, s + pos, 0, on_field, data);
        after_field(t, c, on_record, data);
        pos++;
      } else {
        fault = true;
      }
      break;
    }
  }
  return pos;
}

int csv_tokenizer_finish(struct csv_tokenizer *t, csv_field_fn on_field, csv_record_fn on_record,
                         void *data) {
  if (t->state == FIELD_BEGUN && t->quoted)
    return -1;
  if (t->state != ROW_NOT_BEGUN) {
    submit(t, NULL, 0, on_field, data);
    on_record(-1, data);
  }
  t->state = ROW_NOT_BEGUN;
  t->quoted = false;
  t->len = 0;
  return 0;
}

size_t csv_tokenizer_pending(const struct csv_tokenizer *t) {
  return t->len + (t->state == MIGHT_END ? 1 : 0);
}
