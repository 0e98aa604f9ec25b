/* Unit tests for etl/input/csv_tokenizer.h: the fast tokenizer must split
 * exactly as libcsv does through the reader (tests/unit/csv_diff.h compares
 * every field, record, line number and fault of the two), on hand-written
 * cases and on deterministic random inputs of every size, including inputs
 * past the reader's 256 KiB read chunk (pieces that end mid-field and
 * mid-quote) and fields over the 1 MiB limit; and feeding the tokenizer in
 * pieces cut anywhere must give the same fields as feeding it whole. */
#include <stdint.h>
#include <stdlib.h>

#include "etl/input/csv_tokenizer.h"
#include "tests/unit/check.h"
#include "tests/unit/csv_diff.h"

static const struct etl_input_opts plain = {UINT64_C(1) << 32, 1000.0, false, false, 0};
static const struct etl_input_opts nulls = {UINT64_C(1) << 32, 1000.0, true, false, 0};

static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint32_t rnd(uint32_t n) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (uint32_t)(rng_state % n);
}

/* Random CSV-ish text: mostly well-formed fields, with every special byte
 * and mistake mixed in at a low rate (scaled by `noise`, 0-100). */
static void random_csv(struct strbuf *sb, size_t size, unsigned noise) {
  static const char *const words[] = {"a", "bc", "null", "x y", "12.5", "", "\xc3\xa9t\xc3\xa9"};
  while (sb->len < size) {
    uint32_t r = rnd(1000);
    if (r < 40 + noise) {
      static const char specials[] = {',', '"', '\r', '\n', ' ', '\0'};
      strbuf_addc(sb, specials[rnd(sizeof specials)]);
    } else if (r < 300) {
      strbuf_addc(sb, '"');
      size_t n = rnd(4);
      for (size_t i = 0; i < n; i++) {
        strbuf_adds(sb, words[rnd(7)]);
        uint32_t q = rnd(10);
        if (q == 0)
          strbuf_adds(sb, "\"\"");
        else if (q == 1)
          strbuf_adds(sb, "\r\n");
        else if (q == 2)
          strbuf_addc(sb, ',');
      }
      strbuf_addc(sb, '"');
    } else if (r < 600) {
      strbuf_adds(sb, words[rnd(7)]);
    } else if (r < 900) {
      strbuf_addc(sb, ',');
    } else {
      strbuf_adds(sb, rnd(2) ? "\r\n" : "\n");
    }
  }
}

static void expect_same(const void *data, size_t size, const char *what) {
  size_t a = csv_diff_compare(data, size, &plain);
  size_t b = csv_diff_compare(data, size, &nulls);
  if (a || b)
    fprintf(stderr, "%s: tokenizer and libcsv differ at text offset %zu/%zu\n", what, a, b);
  CHECK(a == 0 && b == 0);
}

static void test_cases(void) {
  static const char *const cases[] = {
      "a,b\n1,2\n",
      "a,b\r\n\"1\",\"x \"\"y\"\" z\"\r\n",
      "a,b\n\"multi\nline\",2\n3,4",
      "a,b\n\n\r\n\r\r1,2\r3,4\n",
      "a,b\n1,\"x\"y\n",
      "a,b\n1,\"x\" \n",
      "a,b\n1,\"open\n2,3\n",
      "a,b\n1,ab\"c\"d\n",
      "a,b\n\"q\"\"\",x\n",
      "a,b\n1,\"end\"",
      "a,b\n1,\"end\"\"",
      "a,b\nnull,\"null\"\n\"\",null\n",
      "\xef\xbb\xbf" "a,b\n1,2",
      "a,b\n,\n,,\n,",
      "a\n\"\"\n\"\"\"\"\n",
      "",
      "\n\n",
      "\"",
      "a,b\n\"x\"\r\"y\",z\r\n",
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    expect_same(cases[i], strlen(cases[i]), cases[i]);
}

static void test_random(void) {
  struct strbuf sb = STRBUF_INIT;
  char what[64];
  for (int i = 0; i < 4000; i++) { /* small: every state next to every other */
    strbuf_reset(&sb);
    random_csv(&sb, 1 + rnd(120), rnd(3) == 0 ? 200 : 0);
    snprintf(what, sizeof what, "small #%d", i);
    expect_same(sb.buf, sb.len, what);
  }
  for (int i = 0; i < 40; i++) { /* medium, mostly well-formed */
    strbuf_reset(&sb);
    strbuf_adds(&sb, "a,b,c\n");
    random_csv(&sb, 2000 + rnd(30000), rnd(2) ? 0 : 5);
    snprintf(what, sizeof what, "medium #%d", i);
    expect_same(sb.buf, sb.len, what);
  }
  strbuf_release(&sb);
}

/* Past the 256 KiB read chunk: a record, a quoted field and an unquoted
 * field that straddle the chunk boundary, a quote as the chunk's last
 * byte, and fields over the 1 MiB limit (quoted, unquoted, at the end). */
static void test_chunks(void) {
  const size_t chunk = 256u * 1024u;
  for (size_t shift = 0; shift < 6; shift++) {
    for (int kind = 0; kind < 4; kind++) {
      struct strbuf sb = STRBUF_INIT;
      strbuf_adds(&sb, "a,b\n");
      while (sb.len < chunk - 3 - shift)
        strbuf_adds(&sb, "1,2\n");
      while (sb.len < chunk - shift)
        strbuf_addc(&sb, 'x');
      if (kind == 0)
        strbuf_adds(&sb, "\"quoted \"\" across\",y\n");
      else if (kind == 1)
        strbuf_adds(&sb, "\",\"\"\",z\r\n\"q\"\"\n");
      else if (kind == 2)
        strbuf_adds(&sb, "unquoted\"tail,w\n\"a\"b\n");
      else
        strbuf_adds(&sb, "\"\"");
      char what[64];
      snprintf(what, sizeof what, "chunk shift %zu kind %d", shift, kind);
      expect_same(sb.buf, sb.len, what);
      strbuf_release(&sb);
    }
  }
  for (int kind = 0; kind < 4; kind++) {
    struct strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "a,b\n1,");
    if (kind & 1)
      strbuf_addc(&sb, '"');
    for (size_t i = 0; i < ETL_MAX_FIELD_BYTES - 2 + (size_t)(kind / 2) * 3; i++)
      strbuf_addc(&sb, (char)('a' + i % 26));
    if (kind & 1)
      strbuf_addc(&sb, '"');
    strbuf_adds(&sb, "\n2,3\n");
    char what[64];
    snprintf(what, sizeof what, "long field kind %d", kind);
    expect_same(sb.buf, sb.len, what);
    strbuf_release(&sb);
  }
}

/* --- the tokenizer fed in pieces ------------------------------------------- */

static void on_field(void *field, size_t len, void *data) {
  strbuf_addf(data, "[%zu:", len);
  strbuf_add(data, field, len);
  strbuf_addc(data, ']');
}

static void on_record(int c, void *data) {
  (void)c;
  strbuf_addc(data, '\n');
}

/* The fields of s fed in pieces of at most `piece` bytes (0: whole). */
static int split(const char *s, size_t n, size_t piece, struct strbuf *out) {
  struct csv_tokenizer t;
  csv_tokenizer_init(&t);
  int rc = 0;
  for (size_t pos = 0; pos < n && rc == 0;) {
    size_t len = piece && n - pos > piece ? piece : n - pos;
    if (csv_tokenizer_feed(&t, (const unsigned char *)s + pos, len, on_field, on_record, out) < len)
      rc = -1;
    pos += len;
  }
  if (rc == 0)
    rc = csv_tokenizer_finish(&t, on_field, on_record, out);
  csv_tokenizer_release(&t);
  return rc;
}

static void test_pieces(void) {
  struct strbuf sb = STRBUF_INIT, whole = STRBUF_INIT, cut = STRBUF_INIT;
  for (int i = 0; i < 300; i++) {
    strbuf_reset(&sb);
    random_csv(&sb, 1 + rnd(300), 0);
    strbuf_reset(&whole);
    int want = split(sb.buf, sb.len, 0, &whole);
    for (size_t piece = 1; piece < 8; piece++) {
      strbuf_reset(&cut);
      int got = split(sb.buf, sb.len, piece, &cut);
      CHECK(got == want);
      CHECK(cut.len == whole.len && memcmp(cut.buf, whole.buf, whole.len) == 0);
    }
  }
  /* a known split: a quote that closes at a piece end, "" across pieces */
  strbuf_reset(&cut);
  CHECK_I64(split("\"a\"\"b\",\"c\"\n", 11, 3, &cut), 0);
  CHECK_STR(strbuf_str(&cut), "[3:a\"b][1:c]\n");
  strbuf_reset(&cut);
  CHECK_I64(split("x,\"open", 7, 2, &cut), -1); /* unterminated quoted field */
  strbuf_release(&sb);
  strbuf_release(&whole);
  strbuf_release(&cut);
}

int main(void) {
  test_cases();
  test_random();
  test_chunks();
  test_pieces();
  return check_exit();
}
