/* manifest.json (manifest.h): JSON string escaping on both sides of every
 * UTF-8 boundary, CSV record counting (quoted CRLF, a final record without
 * CRLF, chunks split anywhere), inputs.tsv parsing (field count, counts up
 * to 2^64-1), range names, scanning an output folder (.csv, multi-member
 * .csv.gz, header-only and empty files, hidden and skipped names, a corrupt
 * gzip) and the exact text of the manifest. Files go to a scratch folder
 * under $TMPDIR, kept when a check fails. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "etl/driver/manifest.h"
#include "tests/unit/check.h"
#include "transforms/base/xalloc.h"

static char *scratch;

static const char *json(const char *s, size_t n, struct strbuf *sb) {
  strbuf_reset(sb);
  json_add_string(sb, s, n);
  return strbuf_str(sb);
}

#define JSON(lit, sb) json(lit, sizeof(lit) - 1, sb)

static void test_json_strings(void) {
  struct strbuf sb = STRBUF_INIT;
  CHECK_STR(JSON("", &sb), "\"\"");
  CHECK_STR(JSON("plain text", &sb), "\"plain text\"");
  CHECK_STR(JSON("a\"b\\c/d", &sb), "\"a\\\"b\\\\c/d\"");
  CHECK_STR(JSON("\n\r\t\b\f", &sb), "\"\\n\\r\\t\\b\\f\"");
  CHECK_STR(JSON("\x01\x1f", &sb), "\"\\u0001\\u001f\"");
  CHECK_STR(JSON("\x20\x7f", &sb), "\" \x7f\"");                 /* not controls */
  CHECK_STR(JSON("a\0b", &sb), "\"a\\u0000b\"");                 /* embedded NUL */
  CHECK_STR(JSON("caf\xc3\xa9", &sb), "\"caf\xc3\xa9\"");        /* 2-byte */
  CHECK_STR(JSON("\xc2\x80", &sb), "\"\xc2\x80\"");              /* lowest 2-byte */
  CHECK_STR(JSON("\xc1\xbf", &sb), "\"\\ufffd\\ufffd\"");        /* overlong */
  CHECK_STR(JSON("\xe0\xa0\x80", &sb), "\"\xe0\xa0\x80\"");      /* lowest 3-byte */
  CHECK_STR(JSON("\xe0\x9f\xbf", &sb), "\"\\ufffd\\ufffd\\ufffd\""); /* overlong */
  CHECK_STR(JSON("\xed\x9f\xbf", &sb), "\"\xed\x9f\xbf\"");      /* U+D7FF */
  CHECK_STR(JSON("\xed\xa0\x80", &sb), "\"\\ufffd\\ufffd\\ufffd\""); /* surrogate */
  CHECK_STR(JSON("\xf0\x9f\x98\x80", &sb), "\"\xf0\x9f\x98\x80\""); /* 4-byte */
  CHECK_STR(JSON("\xf0\x8f\xbf\xbf", &sb), "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* overlong */
  CHECK_STR(JSON("\xf4\x8f\xbf\xbf", &sb), "\"\xf4\x8f\xbf\xbf\""); /* U+10FFFF */
  CHECK_STR(JSON("\xf4\x90\x80\x80", &sb), "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* > U+10FFFF */
  CHECK_STR(JSON("\x80x", &sb), "\"\\ufffdx\"");                 /* lone continuation */
  CHECK_STR(JSON("x\xe2\x82", &sb), "\"x\\ufffd\\ufffd\"");      /* truncated at the end */
  CHECK_STR(JSON("\xe2\x82z", &sb), "\"\\ufffd\\ufffdz\"");      /* truncated in the middle */
  CHECK_STR(JSON("\xff", &sb), "\"\\ufffd\"");
  strbuf_release(&sb);
}

static uint64_t count(const char *s, size_t n, size_t split) {
  struct csv_counter c;
  csv_counter_init(&c);
  csv_counter_feed(&c, s, split);
  csv_counter_feed(&c, s + split, n - split);
  return csv_counter_records(&c);
}

/* The counter's definition, one byte at a time: a record ends at an LF
 * right after a CR outside quotes; a quote toggles quoting. */
struct ref_counter {
  uint64_t records;
  int in_quotes, prev_cr, open_record;
};
static void ref_feed(struct ref_counter *c, const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char b = p[i];
    if (b == '\n' && c->prev_cr) {
      c->records++;
      c->open_record = 0;
      c->prev_cr = 0;
      continue;
    }
    if (b == '"')
      c->in_quotes = !c->in_quotes;
    c->prev_cr = b == '\r' && !c->in_quotes;
    c->open_record = 1;
  }
}

/* Random texts over the bytes that matter, fed in random pieces, against
 * the byte-at-a-time definition (after every piece, not just at the end). */
static void test_csv_counter_random(void) {
  static const unsigned char alphabet[] = {'"', '\r', '\n', 'a', ',', '"', '\r', '\n'};
  unsigned char text[300];
  uint64_t seed = 12345;
  int bad = 0;
  for (int round = 0; round < 20000 && bad < 5; round++) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    size_t n = (size_t)(seed >> 33) % sizeof text;
    for (size_t i = 0; i < n; i++) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      text[i] = alphabet[(seed >> 40) % sizeof alphabet];
    }
    struct csv_counter c;
    struct ref_counter r = {0, 0, 0, 0};
    csv_counter_init(&c);
    for (size_t at = 0; at < n;) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      size_t piece = 1 + (size_t)(seed >> 35) % 40;
      if (piece > n - at)
        piece = n - at;
      csv_counter_feed(&c, text + at, piece);
      ref_feed(&r, text + at, piece);
      at += piece;
      if (c.records != r.records || c.in_quotes != r.in_quotes || c.prev_cr != r.prev_cr ||
          c.open_record != r.open_record) {
        bad++;
        fprintf(stderr, "  csv counter differs from the definition: round %d at %zu\n", round, at);
        break;
      }
    }
  }
  CHECK(bad == 0);
}

static void test_csv_counter(void) {
  static const struct {
    const char *text;
    uint64_t records;
  } cases[] = {
      {"", 0},
      {"h", 1},
      {"h\r\n", 1},
      {"h\r\na", 2},
      {"h\r\na\r\n", 2},
      {"h\r\n\r\n", 2},            /* an empty record is a record */
      {"h\na\n", 1},               /* LF alone does not end a record */
      {"h\r\n\"a\r\nb\"\r\n", 2},  /* CRLF inside quotes */
      {"h\r\n\"a\"\"\r\n\"\r\n", 2}, /* escaped quote, then CRLF still quoted */
      {"h\r\n\"a\"\"\"\r\nb\r\n", 3},
      {"h\r\r\n", 1},
      {"h\r\n\"unterminated\r\n", 2},
  };
  int bad = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t n = strlen(cases[i].text);
    for (size_t split = 0; split <= n; split++)
      if (count(cases[i].text, n, split) != cases[i].records) {
        bad++;
        fprintf(stderr, "  csv case %zu split %zu: %llu records\n", i, split,
                (unsigned long long)count(cases[i].text, n, split));
      }
  }
  CHECK_I64(bad, 0);
}

static void test_inputs_tsv(void) {
  struct manifest m;
  struct strbuf err = STRBUF_INIT;
  manifest_init(&m);
  const char ok[] = "crm_export.zip:Lead.csv\t1234\t61\t52\t3\t4\t2\tba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\tLead\r\n"
                    "big.csv.gz\t18446744073709551615\t0\t0\t0\t0\t0\t-\tma_activities\n"
                    "last\t1\t2\t3\t4\t5\t6\t-\tcosts";
  CHECK_I64(manifest_parse_inputs(&m, ok, sizeof ok - 1, &err), 0);
  CHECK_STR(strbuf_str(&err), "");
  CHECK_I64(m.ninputs, 3);
  if (m.ninputs == 3) {
    CHECK_STR(m.inputs[0].name, "crm_export.zip:Lead.csv");
    CHECK_STR(m.inputs[0].input, "Lead");
    CHECK_I64(m.inputs[0].bytes, 1234);
    CHECK_I64(m.inputs[0].rows_read, 61);
    CHECK_I64(m.inputs[0].rows_kept, 52);
    CHECK_I64(m.inputs[0].rows_rejected, 3);
    CHECK_I64(m.inputs[0].rows_deleted, 4);
    CHECK_I64(m.inputs[0].rows_skipped, 2);
    CHECK_STR(m.inputs[0].sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(m.inputs[1].bytes == UINT64_MAX);
    CHECK_STR(m.inputs[1].sha256, "");
    CHECK_STR(m.inputs[2].name, "last");
    CHECK_STR(m.inputs[2].input, "costs");
    CHECK_I64(m.inputs[2].rows_skipped, 6);
  }
  manifest_release(&m);

  static const struct {
    const char *text;
    const char *msg;
  } bad[] = {
      {"a\t1\t2\t3\t4\n", "inputs.tsv:1: expected 9 fields, found 5"},
      {"a\t1\t2\t3\t4\t0\t0\t-\tx\nb\t1\t2\t3\t4\t0\t0\t-\tx\t5\n",
       "inputs.tsv:2: expected 9 fields, found 10"},
      {"a\t18446744073709551616\t0\t0\t0\t0\t0\t-\tx\n",
       "inputs.tsv:1: field 2 '18446744073709551616' is not a count"},
      {"a\t1\t-2\t0\t0\t0\t0\t-\tx\n", "inputs.tsv:1: field 3 '-2' is not a count"},
      {"a\t1\t2\t\t0\t0\t0\t-\tx\n", "inputs.tsv:1: field 4 '' is not a count"},
      {"a\t1\t2\t3\t 4\t0\t0\t-\tx\n", "inputs.tsv:1: field 5 ' 4' is not a count"},
      {"a\t1\t2\t3\t4\t0\tx\t-\tx\n", "inputs.tsv:1: field 7 'x' is not a count"},
      {"a\t1\t2\t3\t4\t0\t0\tABC\tx\n", "inputs.tsv:1: field 8 'ABC' is not a SHA-256"},
      {"\t1\t2\t3\t4\t0\t0\t-\tx\n", "inputs.tsv:1: empty input name"},
      {"a\t1\t2\t3\t4\t0\t0\t-\t\n", "inputs.tsv:1: empty input"},
      {"a\t1\t2\t3\t4\t0\t0\t-\tx\n\n", "inputs.tsv:2: expected 9 fields, found 1"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    manifest_init(&m);
    strbuf_reset(&err);
    CHECK_I64(manifest_parse_inputs(&m, bad[i].text, strlen(bad[i].text), &err), -1);
    CHECK_STR(strbuf_str(&err), bad[i].msg);
    manifest_release(&m);
  }
  manifest_init(&m);
  CHECK_I64(manifest_parse_inputs(&m, "", 0, &err), 0);
  CHECK_I64(m.ninputs, 0);
  manifest_release(&m);
  strbuf_release(&err);
}

static void test_range(void) {
  static const struct {
    const char *name;
    int ok;
  } cases[] = {
      {"2024-01-01_2025-06-30", 1},  {"2024-02-29_2024-02-29", 1}, /* leap day, one day */
      {"2023-02-29_2023-03-01", 0},  {"2024-04-31_2024-05-01", 0},
      {"2024-01-01_2023-12-31", 0},  /* from after to */
      {"2024-00-01_2024-01-01", 0},  {"2024-13-01_2024-13-02", 0},
      {"2024-01-01_2024-12-31x", 0}, {"2024-01-01-2024-12-31", 0},
      {"../escape", 0},              {"", 0},
      {"2024-1-01_2024-12-31 ", 0},
  };
  struct strbuf err = STRBUF_INIT;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct manifest m;
    manifest_init(&m);
    int rc = manifest_set_range(&m, cases[i].name, &err);
    if ((rc == 0) != cases[i].ok) {
      CHECK(!"range");
      fprintf(stderr, "  range '%s'\n", cases[i].name);
    }
    if (rc == 0 && i == 0) {
      CHECK_STR(m.range_from, "2024-01-01");
      CHECK_STR(m.range_to, "2025-06-30");
    }
    manifest_release(&m);
  }
  strbuf_reset(&err);
  struct manifest m;
  manifest_init(&m);
  manifest_set_range(&m, "../x", &err);
  CHECK_STR(strbuf_str(&err), "range '../x' is not of the form YYYY-MM-DD_YYYY-MM-DD");
  manifest_release(&m);
  strbuf_release(&err);
}

/* --- files --------------------------------------------------------------- */

static char *path_of(const char *rel) { return xasprintf("%s/%s", scratch, rel); }

static void write_bytes(const char *rel, const void *data, size_t n) {
  char *p = path_of(rel);
  FILE *f = fopen(p, "wb");
  if (f) {
    fwrite(data, 1, n, f);
    fclose(f);
  }
  free(p);
}

static void append_gzip(const char *rel, const char *text) {
  char *p = path_of(rel);
  gzFile g = gzopen(p, "ab");
  if (g) {
    gzwrite(g, text, (unsigned)strlen(text));
    gzclose(g);
  }
  free(p);
}

static void file_sha(const char *rel, char hex[SHA256_HEX_LEN + 1]) {
  char *p = path_of(rel);
  char buf[65536];
  size_t n = 0;
  FILE *f = fopen(p, "rb");
  if (f) {
    n = fread(buf, 1, sizeof buf, f);
    fclose(f);
  }
  sha256_hex_of(buf, n, hex);
  free(p);
}

static void test_scan_outputs(void) {
  char *dir = path_of("out");
  mkdir(dir, 0777);
  const char a[] = "h1,h2\r\n1,\"x\r\ny\"\r\n2,z\r\n";
  write_bytes("out/a.csv", a, sizeof a - 1);
  append_gzip("out/b.csv.gz", "h\r\n1\r\n2\r\n");
  append_gzip("out/b.csv.gz", "3\r\n\"4\r\n\"\r\n"); /* a second member */
  write_bytes("out/c.csv", "only,header\r\n", 13);
  write_bytes("out/d.csv", "", 0);
  write_bytes("out/e.txt", "x\r\ny\r\n", 6);
  write_bytes("out/.hidden.csv", "h\r\n1\r\n", 6);
  write_bytes("out/manifest.json", "{}", 2);
  char *sub = path_of("out/sub");
  mkdir(sub, 0777);
  free(sub);

  struct manifest m;
  struct strbuf err = STRBUF_INIT;
  manifest_init(&m);
  CHECK_I64(manifest_scan_outputs(&m, dir, "manifest.json", &err), 0);
  CHECK_STR(strbuf_str(&err), "");
  static const struct {
    const char *name;
    uint64_t rows;
  } want[] = {{"a.csv", 2}, {"b.csv.gz", 4}, {"c.csv", 0}, {"d.csv", 0}, {"e.txt", 0}};
  CHECK_I64(m.noutputs, 5);
  for (size_t i = 0; i < m.noutputs && i < 5; i++) {
    char *rel = xasprintf("out/%s", want[i].name);
    char *p = path_of(rel);
    struct stat st;
    char hex[SHA256_HEX_LEN + 1];
    file_sha(rel, hex);
    CHECK_STR(m.outputs[i].name, want[i].name);
    CHECK_I64(m.outputs[i].rows, want[i].rows);
    CHECK(stat(p, &st) == 0 && m.outputs[i].bytes == (uint64_t)st.st_size);
    CHECK_STR(m.outputs[i].sha256, hex);
    free(rel);
    free(p);
  }
  /* a rescan (the driver's, after etl-report): unchanged files keep their
   * entries, a file written since is read again, a new one is added */
  write_bytes("out/a.csv", "h1\r\n1\r\n2\r\n3\r\n", 13);
  write_bytes("out/r.html", "<p>", 3);
  manifest_clear_outputs(&m);
  CHECK_I64(manifest_scan_outputs(&m, dir, "manifest.json", &err), 0);
  CHECK_I64(m.noutputs, 6);
  if (m.noutputs == 6) {
    char hex[SHA256_HEX_LEN + 1];
    file_sha("out/a.csv", hex);
    CHECK_STR(m.outputs[0].sha256, hex);
    CHECK_I64(m.outputs[0].rows, 3);
    CHECK_I64(m.outputs[1].rows, 4); /* b.csv.gz, unchanged */
    file_sha("out/b.csv.gz", hex);
    CHECK_STR(m.outputs[1].sha256, hex);
    CHECK_STR(m.outputs[5].name, "r.html");
  }
  manifest_release(&m);
  write_bytes("out/a.csv", a, sizeof a - 1);
  char *rh = path_of("out/r.html");
  unlink(rh);
  free(rh);

  /* corrupt and truncated gzip files are errors naming the file */
  write_bytes("out/f.csv.gz", "\x1f\x8b\x08\x00garbage-garbage-garbage", 26);
  manifest_init(&m);
  CHECK_I64(manifest_scan_outputs(&m, dir, "manifest.json", &err), -1);
  CHECK(strstr(strbuf_str(&err), "f.csv.gz") != NULL);
  manifest_release(&m);
  char *f = path_of("out/f.csv.gz");
  unlink(f);
  free(f);
  append_gzip("out/g.csv.gz", "h\r\n1\r\n");
  char *g = path_of("out/g.csv.gz");
  struct stat st;
  if (stat(g, &st) == 0)
    CHECK(truncate(g, st.st_size - 4) == 0);
  strbuf_reset(&err);
  manifest_init(&m);
  CHECK_I64(manifest_scan_outputs(&m, dir, "manifest.json", &err), -1);
  CHECK(strstr(strbuf_str(&err), "g.csv.gz") != NULL);
  manifest_release(&m);
  /* trailing bytes after the last member are corrupt too */
  unlink(g);
  append_gzip("out/g.csv.gz", "h\r\n1\r\n");
  int fd = open(g, O_WRONLY | O_APPEND);
  CHECK(fd >= 0 && write(fd, "junk", 4) == 4);
  if (fd >= 0)
    close(fd);
  strbuf_reset(&err);
  manifest_init(&m);
  CHECK_I64(manifest_scan_outputs(&m, dir, "manifest.json", &err), -1);
  CHECK(strstr(strbuf_str(&err), "g.csv.gz") != NULL);
  manifest_release(&m);
  unlink(g);
  free(g);

  strbuf_reset(&err);
  manifest_init(&m);
  char *none = path_of("no-such-dir");
  CHECK_I64(manifest_scan_outputs(&m, none, NULL, &err), -1);
  manifest_release(&m);
  free(none);
  free(dir);
  strbuf_release(&err);
}

static const char expected_manifest[] =
    "{\n"
    "  \"tool\": \"etl\",\n"
    "  \"version\": \"9.8.7\",\n"
    "  \"config\": {\n"
    "    \"path\": \"conf \\\"x\\\".conf\",\n"
    "    \"sha256\": \"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"\n"
    "  },\n"
    "  \"as_of\": \"2025-01-15T10:00:00Z\",\n"
    "  \"currency\": \"EUR\",\n"
    "  \"range\": {\n"
    "    \"from\": \"2024-01-01\",\n"
    "    \"to\": \"2025-06-30\"\n"
    "  },\n"
    "  \"inputs\": [\n"
    "    {\n"
    "      \"name\": \"crm.zip:Lead.csv\",\n"
    "      \"input\": \"Lead\",\n"
    "      \"bytes\": 10,\n"
    "      \"rows_read\": 5,\n"
    "      \"rows_kept\": 2,\n"
    "      \"rows_rejected\": 1,\n"
    "      \"rows_deleted\": 1,\n"
    "      \"rows_skipped\": 1,\n"
    "      \"sha256\": \"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"\n"
    "    },\n"
    "    {\n"
    "      \"name\": \"tab\\there\",\n"
    "      \"input\": \"ma_leads\",\n"
    "      \"bytes\": 18446744073709551615,\n"
    "      \"rows_read\": 0,\n"
    "      \"rows_kept\": 0,\n"
    "      \"rows_rejected\": 0,\n"
    "      \"rows_deleted\": 0,\n"
    "      \"rows_skipped\": 0,\n"
    "      \"sha256\": null\n"
    "    }\n"
    "  ],\n"
    "  \"outputs\": [],\n"
    "  \"stages\": [\n"
    "    {\n"
    "      \"name\": \"etl-normalize\",\n"
    "      \"seconds\": 1.235\n"
    "    }\n"
    "  ]\n"
    "}\n";

static void test_format_and_write(void) {
  struct manifest m;
  struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
  manifest_init(&m);
  write_bytes("conf \"x\".conf", "abc", 3);
  char *conf = path_of("conf \"x\".conf");
  CHECK_I64(manifest_set_run(&m, "9.8.7", conf, "2025-01-15T10:00:00Z", &err), 0);
  free(m.config_path); /* show the path as a relative one would be */
  m.config_path = xstrdup("conf \"x\".conf");
  CHECK_I64(manifest_set_range(&m, "2024-01-01_2025-06-30", &err), 0);
  manifest_set_currency(&m, "EUR");
  const char tsv[] = "crm.zip:Lead.csv\t10\t5\t2\t1\t1\t1\tba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\tLead\n"
                     "tab\\there\t18446744073709551615\t0\t0\t0\t0\t0\t-\tma_leads\n";
  CHECK_I64(manifest_parse_inputs(&m, tsv, sizeof tsv - 1, &err), 0);
  /* the TSV has no way to hold a TAB in a name: put one in to test escaping */
  free(m.inputs[1].name);
  m.inputs[1].name = xstrdup("tab\there");
  manifest_add_stage(&m, "etl-normalize", 1.2349);
  manifest_format(&m, &out);
  CHECK_STR(strbuf_str(&out), expected_manifest);

  char *path = path_of("manifest.json");
  CHECK_I64(manifest_write(&m, path, &err), 0);
  char buf[4096];
  size_t n = 0;
  FILE *f = fopen(path, "r");
  if (f) {
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
  }
  buf[n] = '\0';
  CHECK_STR(buf, expected_manifest);
  CHECK_STR(strbuf_str(&err), "");
  CHECK_I64(manifest_write(&m, path, &err), -1); /* never overwrites */
  CHECK(strstr(strbuf_str(&err), "File exists") != NULL);
  strbuf_reset(&err);
  char *missing = path_of("missing.conf");
  CHECK_I64(manifest_set_run(&m, "1", missing, "x", &err), -1);
  CHECK(strstr(strbuf_str(&err), "missing.conf") != NULL);
  free(missing);
  free(path);
  free(conf);
  manifest_release(&m);
  strbuf_release(&err);
  strbuf_release(&out);
}

int main(void) {
  char tmpl[4096];
  const char *tmp = getenv("TMPDIR");
  snprintf(tmpl, sizeof tmpl, "%s/test_manifest.XXXXXX", tmp && *tmp ? tmp : "/tmp");
  scratch = mkdtemp(tmpl);
  if (!scratch) {
    perror("mkdtemp");
    return 1;
  }
  test_json_strings();
  test_csv_counter();
  test_csv_counter_random();
  test_inputs_tsv();
  test_range();
  test_scan_outputs();
  test_format_and_write();
  int rc = check_exit();
  if (rc == 0) {
    char *cmd = xasprintf("rm -rf '%s'", scratch);
    if (system(cmd) != 0)
      fprintf(stderr, "cannot remove %s\n", scratch);
    free(cmd);
  } else {
    fprintf(stderr, "scratch folder kept: %s\n", scratch);
  }
  return rc;
}
