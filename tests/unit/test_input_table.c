/* Unit tests for etl/input/input_table.h: required columns (and [columns]
 * remaps; every missing column reported at once with near matches), the
 * field-count check, the NUL-byte rule (a NUL in a column of the contract
 * rejects the row, naming the canonical column; other columns are not
 * looked at), invalid UTF-8 repaired in those columns with one warning for
 * a kept row, `null` in Marketo files, the order of those checks, several
 * files read as one input (per-file headers, lines, sources and counts), row
 * digests by column name, and a file-level fault passed on with its
 * message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "etl/common/config.h"
#include "etl/input/input_table.h"
#include "etl/common/rejects.h"
#include "tests/unit/check.h"
#include "transforms/utf8.h"

#define R UTF8_REPLACEMENT

static const struct col_spec specs[] = {{"rate", true}, {"currency", true}, {"effective_date", false}};

static const char base_conf[] = "[pipeline]\n[input]\ncrm = crm\n";

struct fixture {
  struct etl_config conf;
  struct reject_log log;
  struct input_table t;
  struct strbuf err;
  int open_rc;
};

/* Opens data (length len) as the fx_rates input with config text conf. */
static void open_table(struct fixture *f, const char *conf, const char *data, size_t len) {
  memset(f, 0, sizeof(*f));
  strbuf_init(&f->err);
  if (etl_config_parse(&f->conf, "/tmp/pipeline.conf", conf, strlen(conf), &f->err) != 0) {
    fprintf(stderr, "config: %s\n", strbuf_str(&f->err));
    exit(2);
  }
  reject_log_init(&f->log);
  struct etl_reader *r = NULL;
  if (etl_reader_open_memory(&r, data, len, "fx.csv", NULL, &f->err) != 0) {
    f->open_rc = -2;
    return;
  }
  f->open_rc = input_table_open_reader(&f->t, r, "fx_rates", &f->conf, specs, 3, &f->log, &f->err);
}

static void close_table(struct fixture *f) {
  if (f->open_rc != -2)
    input_table_close(&f->t);
  f->open_rc = -2;
  reject_log_release(&f->log);
  etl_config_release(&f->conf);
  strbuf_release(&f->err);
}

/* Reads every row; returns "LINE:rate;" for each row handed out. */
static struct strbuf read_all(struct fixture *f, int *last_rc) {
  struct strbuf got = STRBUF_INIT;
  int rc;
  while ((rc = input_table_next(&f->t, &f->err)) > 0) {
    size_t n;
    const char *rate = input_table_get(&f->t, 0, &n);
    strbuf_addf(&got, "%llu:", (unsigned long long)f->t.rec.line);
    strbuf_add(&got, rate, n);
    strbuf_addc(&got, ';');
  }
  *last_rc = rc;
  return got;
}

static const struct reject *reject_at(const struct fixture *f, size_t i) {
  return i < f->log.n ? &f->log.items[i] : NULL;
}

static void test_nul_bytes(void) {
  /* header order differs from the specs; "note" is not a column of fx_rates */
  static const char data[] = "currency,rate,note,effective_date\n"
                             "EUR,1.08,ok,2024-01-01\n"          /* line 2: kept */
                             "EUR,1.0\0009,ok,2024-02-01\n"      /* 3: NUL in rate */
                             "EUR,1.10,n\000te,2024-03-01\n"     /* 4: NUL in an extra column: fine */
                             "EUR,1.11,x\n"                      /* 5: wrong count first */
                             "EUR,1.1\0002,x\n"                  /* 6: wrong count and NUL */
                             "\000,1.12,ok,2024-04-01\n"         /* 7: NUL alone */
                             "USD,\"\xff\xfe\x80\",\xff,\n";    /* 8: bad UTF-8 repaired */
  struct fixture f;
  open_table(&f, base_conf, data, sizeof(data) - 1);
  CHECK(f.open_rc == 0);
  int rc;
  struct strbuf got = read_all(&f, &rc);
  CHECK(rc == 0);
  CHECK_STR(got.buf, "2:1.08;4:1.10;8:" R R R ";");
  strbuf_release(&got);
  const struct input_stats *s = input_table_stats(&f.t);
  CHECK_I64(s->read, 7);
  CHECK_I64(s->rejected, 4);
  CHECK_I64(f.log.n, 4);
  const struct reject *r;
  if ((r = reject_at(&f, 0))) {
    CHECK_I64(r->line, 3);
    CHECK_STR(r->field, "rate"); /* the canonical name */
    CHECK_STR(r->reason, "NUL byte");
    CHECK_STR(r->id, "");
    CHECK(r->severity == SEV_ERROR);
  }
  if ((r = reject_at(&f, 1))) {
    CHECK_I64(r->line, 5);
    CHECK_STR(r->reason, "expected 4 fields, found 3");
  }
  if ((r = reject_at(&f, 2))) { /* the field count is checked first */
    CHECK_I64(r->line, 6);
    CHECK_STR(r->reason, "expected 4 fields, found 3");
  }
  if ((r = reject_at(&f, 3))) {
    CHECK_I64(r->line, 7);
    CHECK_STR(r->field, "currency");
    CHECK_STR(r->reason, "NUL byte");
  }
  close_table(&f);
}

static void test_remapped_column(void) {
  static const char conf[] = "[pipeline]\n[input]\ncrm = crm\n[columns \"fx_rates\"]\nrate = Fx Rate\n";
  static const char data[] = "currency,Fx Rate\nEUR,1\0002\nEUR,1.3\n";
  struct fixture f;
  open_table(&f, conf, data, sizeof(data) - 1);
  CHECK(f.open_rc == 0);
  int rc;
  struct strbuf got = read_all(&f, &rc);
  CHECK_STR(got.buf, "3:1.3;");
  strbuf_release(&got);
  if (f.log.n == 1)
    CHECK_STR(f.log.items[0].field, "rate");
  CHECK_I64(f.log.n, 1);
  close_table(&f);
}

static void test_missing_column(void) {
  static const char data[] = "currency,effective_date\nEUR,2024-01-01\n";
  struct fixture f;
  open_table(&f, base_conf, data, sizeof(data) - 1);
  CHECK(f.open_rc == -1);
  CHECK_STR(strbuf_str(&f.err), "fx.csv: missing required column 'rate'\n"
                                "  headers found (2): 'currency', 'effective_date'");
  close_table(&f);
  /* the optional column may be missing */
  static const char data2[] = "rate,currency\n1,EUR\n";
  open_table(&f, base_conf, data2, sizeof(data2) - 1);
  CHECK(f.open_rc == 0);
  CHECK(!input_table_has(&f.t, 2));
  close_table(&f);
  /* every missing column at once, with near matches and the lines to add */
  static const char data3[] = "Rate ,Currency,date\n1,EUR,2024-01-01\n";
  open_table(&f, base_conf, data3, sizeof(data3) - 1);
  CHECK(f.open_rc == -1);
  CHECK_STR(strbuf_str(&f.err),
            "fx.csv: missing required columns 'rate', 'currency'\n"
            "  headers found (3): 'Rate ', 'Currency', 'date'\n"
            "  near matches: 'Rate ' for rate, 'Currency' for currency; if they are the same "
            "columns, add to the config:\n"
            "    [columns \"fx_rates\"]\n"
            "    rate = \"Rate \"\n"
            "    currency = Currency");
  close_table(&f);
  /* a remapped header that is missing is named with its canonical column */
  static const char conf[] = "[pipeline]\n[input]\ncrm = crm\n[columns \"fx_rates\"]\nrate = Fx Rate\n";
  static const char data4[] = "currency,rate\nEUR,1\n";
  open_table(&f, conf, data4, sizeof(data4) - 1);
  CHECK(f.open_rc == -1);
  CHECK_STR(strbuf_str(&f.err),
            "fx.csv: missing required column 'Fx Rate' (rate, as mapped in [columns "
            "\"fx_rates\"])\n  headers found (2): 'currency', 'rate'");
  close_table(&f);
}

static void test_file_fault(void) {
  static const char data[] = "currency,rate\nEUR,1\nEUR,\"2\n";
  struct fixture f;
  open_table(&f, base_conf, data, sizeof(data) - 1);
  CHECK(f.open_rc == 0);
  int rc;
  struct strbuf got = read_all(&f, &rc);
  CHECK(rc == -1);
  CHECK_STR(got.buf, "2:1;");
  CHECK_STR(strbuf_str(&f.err), "fx.csv:3: unterminated quoted field");
  strbuf_release(&got);
  close_table(&f);
}

/* Parts over memory readers named `names`, data NUL-terminated strings. */
static struct input_part *memory_parts(const char *const *names, const char *const *data,
                                       size_t n) {
  struct input_part *p = calloc(n, sizeof(*p));
  for (size_t i = 0; i < n; i++) {
    struct strbuf err = STRBUF_INIT;
    p[i].kind = INPUT_PART_READER;
    if (etl_reader_open_memory(&p[i].reader, data[i], strlen(data[i]), names[i], NULL, &err) != 0)
      fprintf(stderr, "reader: %s\n", strbuf_str(&err));
    strbuf_release(&err);
  }
  return p;
}

static const struct col_spec ma_specs[] = {{"id", true}, {"email", true}, {"createdAt", true}};

/* Several files as one input: each its own header (columns in another
 * order, an extra column), line numbers, source and counts. */
static void test_several_files(void) {
  static const char *const names[] = {"leads_1.csv", "leads_2.csv", "leads_3.csv"};
  static const char *const data[] = {
      "id,email,createdAt\n1,a@x.io,2024-01-01\n2,null,2024-01-02\n",
      "extra,createdAt,email,id\n\nq,2024-02-01,b@x.io,3\nq,2024-02-02,c@x.io\n",
      "id,email,createdAt\n"};
  struct fixture f;
  memset(&f, 0, sizeof(f));
  etl_config_parse(&f.conf, "/tmp/pipeline.conf", base_conf, strlen(base_conf), &f.err);
  reject_log_init(&f.log);
  f.open_rc = input_table_open(&f.t, "ma_leads", &f.conf, ma_specs, 3, memory_parts(names, data, 3),
                               3, true, NULL, &f.log, &f.err);
  CHECK(f.open_rc == 0);
  struct strbuf got = STRBUF_INIT;
  int rc;
  while ((rc = input_table_next(&f.t, &f.err)) > 0) {
    size_t n, m;
    const char *id = input_table_get(&f.t, 0, &n), *email = input_table_get(&f.t, 1, &m);
    strbuf_addf(&got, "%s:%llu:%s:%s;", input_table_stats(&f.t)->source,
                (unsigned long long)f.t.rec.line, id, email);
    input_table_keep(&f.t, id);
  }
  CHECK(rc == 0);
  /* `null` reads as empty in a Marketo file; line 3 of leads_2 after a blank line */
  CHECK_STR(strbuf_str(&got), "leads_1.csv:2:1:a@x.io;leads_1.csv:3:2:;leads_2.csv:3:3:b@x.io;");
  strbuf_release(&got);
  CHECK_I64(f.log.ninputs, 3);
  if (f.log.ninputs == 3) {
    CHECK_STR(f.log.inputs[1].source, "leads_2.csv");
    CHECK_STR(f.log.inputs[1].entity, "ma_leads");
    CHECK_I64(f.log.inputs[0].read, 2);
    CHECK_I64(f.log.inputs[0].kept, 2);
    CHECK_I64(f.log.inputs[1].read, 2);
    CHECK_I64(f.log.inputs[1].kept, 1);
    CHECK_I64(f.log.inputs[1].rejected, 1);
    CHECK_I64(f.log.inputs[2].read, 0);
    /* the SHA-256 of each file as read (printf "id,email,createdAt\\n" | sha256sum) */
    CHECK_STR(f.log.inputs[2].sha256,
              "d867d7ce735805b4631d02c24f547b5a6ae678d31599cf696fdca831a4d37e25");
    CHECK_I64(f.log.inputs[0].bytes, strlen(data[0]));
  }
  if (f.log.n == 1) {
    CHECK_STR(f.log.items[0].source, "leads_2.csv");
    CHECK_I64(f.log.items[0].line, 4);
  }
  close_table(&f);

  /* a header fault in a later file ends the input with its message */
  static const char *const names2[] = {"a.csv", "b.csv"};
  static const char *const data2[] = {"id,email,createdAt\n1,a@x.io,2024-01-01\n",
                                      "id,mail,createdAt\n2,b@x.io,2024-01-01\n"};
  memset(&f, 0, sizeof(f));
  etl_config_parse(&f.conf, "/tmp/pipeline.conf", base_conf, strlen(base_conf), &f.err);
  reject_log_init(&f.log);
  f.open_rc = input_table_open(&f.t, "ma_leads", &f.conf, ma_specs, 3, memory_parts(names2, data2, 2),
                               2, true, NULL, &f.log, &f.err);
  CHECK_I64(input_table_next(&f.t, &f.err), 1);
  CHECK_I64(input_table_next(&f.t, &f.err), -1);
  CHECK(strstr(strbuf_str(&f.err), "b.csv: missing required column 'email'\n") != NULL);
  CHECK(strstr(strbuf_str(&f.err), "'mail' for email") != NULL);
  close_table(&f);
  /* and etl check finds it without reading a row */
  memset(&f, 0, sizeof(f));
  etl_config_parse(&f.conf, "/tmp/pipeline.conf", base_conf, strlen(base_conf), &f.err);
  reject_log_init(&f.log);
  f.open_rc = input_table_open(&f.t, "ma_leads", &f.conf, ma_specs, 3, memory_parts(names2, data2, 2),
                               2, true, NULL, &f.log, &f.err);
  CHECK_I64(input_table_check_headers(&f.t, &f.err), -1);
  CHECK(strstr(strbuf_str(&f.err), "b.csv: missing required column 'email'") != NULL);
  close_table(&f);
}

/* Invalid UTF-8 is repaired in every contract column (activity columns no
 * rule reads included), never in others; one warning names the first such
 * column in file order, only when the row is kept. */
static void test_utf8_repair(void) {
  static const char *const names[] = {"acts.csv"};
  static const char *const data[] = {
      "primaryAttributeValue,extra,marketoGUID,leadId,activityDate,activityTypeId,attributes\n"
      "M\xfcller,\xff,g1,1,2024-01-01,1,{}\n"      /* 2: unused column first */
      "ok,\xff,g\xc3,1,2024-01-01,1,{}\n"          /* 3: GUID cut short */
      "ok,\xff,g3,1,2024-01-01,1,{}\n"};           /* 4: only the extra column */
  static const struct col_spec act_specs[] = {{"marketoGUID", true}, {"attributes", true}};
  struct fixture f;
  memset(&f, 0, sizeof(f));
  etl_config_parse(&f.conf, "/tmp/pipeline.conf", base_conf, strlen(base_conf), &f.err);
  reject_log_init(&f.log);
  f.open_rc = input_table_open(&f.t, "ma_activities", &f.conf, act_specs, 2,
                               memory_parts(names, data, 1), 1, true, NULL, &f.log, &f.err);
  struct strbuf got = STRBUF_INIT;
  int rc;
  while ((rc = input_table_next(&f.t, &f.err)) > 0) {
    size_t n;
    const char *guid = input_table_get(&f.t, 0, &n);
    strbuf_add(&got, guid, n);
    strbuf_addc(&got, ';');
    /* raw cells stay as read */
    if (f.t.rec.line == 3)
      CHECK(f.t.rec.lens[2] == 2 && memcmp(f.t.rec.fields[2], "g\xc3", 2) == 0);
    if (f.t.rec.line != 2)
      input_table_keep(&f.t, guid);
  }
  CHECK(rc == 0);
  CHECK_STR(strbuf_str(&got), "g1;g" R ";g3;");
  strbuf_release(&got);
  /* line 2 is not kept: no warning; line 3 names marketoGUID; line 4 none */
  CHECK_I64(f.log.n, 1);
  if (f.log.n == 1) {
    CHECK_I64(f.log.items[0].line, 3);
    CHECK_STR(f.log.items[0].field, "marketoGUID");
    CHECK_STR(f.log.items[0].id, "g" R);
    CHECK(f.log.items[0].severity == SEV_WARNING);
    CHECK_STR(f.log.items[0].reason, "invalid UTF-8 replaced by U+FFFD");
  }
  CHECK_I64(input_table_stats(&f.t)->kept, 2);
  close_table(&f);
}

/* Row digests compare columns by name: the same row in a file with its
 * columns in another order has the same digest; any other byte, a column
 * more, or `null` against an empty cell differ. */
static void test_row_digest(void) {
  static const char *const names[] = {"a.csv", "b.csv"};
  static const char *const data[] = {
      "id,email,createdAt\n1,a@x.io,2024-01-01\n1,a@x.io,2024-01-02\n1,null,2024-01-01\n"
      "1,,2024-01-01\n1,\"a@x.io\",2024-01-01\n",
      "createdAt,id,email\n2024-01-01,1,a@x.io\n"};
  struct fixture f;
  memset(&f, 0, sizeof(f));
  etl_config_parse(&f.conf, "/tmp/pipeline.conf", base_conf, strlen(base_conf), &f.err);
  reject_log_init(&f.log);
  f.open_rc = input_table_open(&f.t, "ma_leads", &f.conf, ma_specs, 3, memory_parts(names, data, 2),
                               2, true, NULL, &f.log, &f.err);
  unsigned char d[6][INPUT_DIGEST_LEN];
  size_t n = 0;
  while (n < 6 && input_table_next(&f.t, &f.err) > 0)
    input_table_row_digest(&f.t, d[n++]);
  CHECK_I64(n, 6);
  CHECK(memcmp(d[0], d[1], INPUT_DIGEST_LEN) != 0); /* another createdAt */
  CHECK(memcmp(d[0], d[2], INPUT_DIGEST_LEN) != 0); /* null is not a@x.io */
  CHECK(memcmp(d[2], d[3], INPUT_DIGEST_LEN) != 0); /* raw `null` is not an empty cell */
  CHECK(memcmp(d[0], d[4], INPUT_DIGEST_LEN) == 0); /* quoting is not part of the value */
  CHECK(memcmp(d[0], d[5], INPUT_DIGEST_LEN) == 0); /* columns in another order */
  close_table(&f);
  /* the same digests when the reader computes them on its parsing thread */
  struct etl_input_opts o = {UINT64_C(1) << 30, 1000.0, false, true, 0};
  struct input_part *p = calloc(2, sizeof(*p));
  for (size_t i = 0; i < 2; i++) {
    p[i].kind = INPUT_PART_READER;
    etl_reader_open_memory(&p[i].reader, data[i], strlen(data[i]), names[i], &o, &f.err);
  }
  memset(&f, 0, sizeof(f));
  etl_config_parse(&f.conf, "/tmp/pipeline.conf", base_conf, strlen(base_conf), &f.err);
  reject_log_init(&f.log);
  f.open_rc = input_table_open(&f.t, "ma_leads", &f.conf, ma_specs, 3, p, 2, true, NULL, &f.log,
                               &f.err);
  n = 0;
  while (n < 6 && input_table_next(&f.t, &f.err) > 0) {
    unsigned char r[INPUT_DIGEST_LEN];
    CHECK(f.t.rec.digest != NULL);
    input_table_row_digest(&f.t, r);
    CHECK(memcmp(r, d[n], INPUT_DIGEST_LEN) == 0);
    n++;
  }
  CHECK_I64(n, 6);
  close_table(&f);
  /* a file with one column more never re-exports a row of the other */
  static const char *const data2[] = {"id,email,createdAt\n1,a@x.io,2024-01-01\n",
                                      "id,email,createdAt,x\n1,a@x.io,2024-01-01,\n"};
  memset(&f, 0, sizeof(f));
  etl_config_parse(&f.conf, "/tmp/pipeline.conf", base_conf, strlen(base_conf), &f.err);
  reject_log_init(&f.log);
  f.open_rc = input_table_open(&f.t, "ma_leads", &f.conf, ma_specs, 3, memory_parts(names, data2, 2),
                               2, true, NULL, &f.log, &f.err);
  n = 0;
  while (n < 2 && input_table_next(&f.t, &f.err) > 0)
    input_table_row_digest(&f.t, d[n++]);
  CHECK_I64(n, 2);
  CHECK(memcmp(d[0], d[1], INPUT_DIGEST_LEN) != 0);
  close_table(&f);
}

/* Files of one input on disk, read with read_ahead = k: "LINE:id;" of every
 * row, then the table's last status and message, and the sources the log
 * registered (in order). */
static void read_files(const char *const *paths, size_t n, unsigned k, struct strbuf *out) {
  struct fixture f;
  memset(&f, 0, sizeof(f));
  etl_config_parse(&f.conf, "/tmp/pipeline.conf", base_conf, strlen(base_conf), &f.err);
  reject_log_init(&f.log);
  struct input_part *p = calloc(n, sizeof(*p));
  for (size_t i = 0; i < n; i++) {
    p[i].kind = INPUT_PART_FILE;
    p[i].path = strdup(paths[i]);
  }
  struct etl_input_opts o = {UINT64_C(1) << 30, 1000.0, false, false, k};
  f.open_rc = input_table_open(&f.t, "ma_leads", &f.conf, ma_specs, 3, p, n, true, &o, &f.log,
                               &f.err);
  int rc = f.open_rc == 0 ? 1 : f.open_rc;
  while (rc > 0) {
    rc = input_table_next(&f.t, &f.err);
    if (rc > 0) {
      size_t len;
      const char *id = input_table_get(&f.t, 0, &len);
      strbuf_addf(out, "%llu:%s;", (unsigned long long)f.t.rec.line, id);
    }
  }
  strbuf_addf(out, " rc %d: %s |", rc, strbuf_str(&f.err));
  for (size_t i = 0; i < f.log.ninputs; i++)
    strbuf_addf(out, " %s", f.log.inputs[i].source);
  close_table(&f);
}

/* Reading ahead changes nothing a user sees: the same rows in the same
 * order, the same files registered, and a file that cannot be opened (or
 * whose header is bad) fails when its turn comes, after the rows before
 * it, with the same message. */
static void test_read_ahead(void) {
  char dir[] = "/tmp/test_input_table.XXXXXX";
  if (!mkdtemp(dir)) {
    CHECK(!"mkdtemp");
    return;
  }
  static const char *const body[] = {"id,email,createdAt\n1,a@x.io,2024-01-01\n2,b@x.io,2024-01-02\n",
                                     "createdAt,id,email\n2024-02-01,3,c@x.io\n",
                                     "id,email\n4,d@x.io\n", /* no createdAt */
                                     "id,email,createdAt\n5,e@x.io,2024-03-01\n"};
  char paths[5][64];
  for (size_t i = 0; i < 5; i++)
    snprintf(paths[i], sizeof(paths[i]), "%s/part%zu.csv", dir, i);
  for (size_t i = 0; i < 4; i++) {
    FILE *fp = fopen(paths[i], "w");
    CHECK(fp != NULL);
    if (fp) {
      fputs(body[i], fp);
      fclose(fp);
    }
  }
  /* part4.csv does not exist */
  const char *const good[] = {paths[0], paths[1], paths[3]};
  const char *const missing[] = {paths[0], paths[1], paths[4], paths[3]};
  const char *const bad_header[] = {paths[0], paths[2], paths[3]};
  const char *const *sets[] = {good, missing, bad_header};
  const size_t sizes[] = {3, 4, 3};
  for (size_t s = 0; s < 3; s++) {
    struct strbuf want = STRBUF_INIT;
    read_files(sets[s], sizes[s], 0, &want);
    for (unsigned k = 1; k <= 4; k++) {
      struct strbuf got = STRBUF_INIT;
      read_files(sets[s], sizes[s], k, &got);
      CHECK_STR(strbuf_str(&got), strbuf_str(&want));
      strbuf_release(&got);
    }
    if (s == 0)
      CHECK(strstr(strbuf_str(&want), "2:1;3:2;2:3;2:5; rc 0") != NULL);
    if (s == 1)
      CHECK(strstr(strbuf_str(&want), "2:1;3:2;2:3; rc -1") != NULL &&
            strstr(strbuf_str(&want), "part4.csv") != NULL);
    if (s == 2)
      CHECK(strstr(strbuf_str(&want), "2:1;3:2; rc -1") != NULL &&
            strstr(strbuf_str(&want), "createdAt") != NULL);
    strbuf_release(&want);
  }
  for (size_t i = 0; i < 4; i++)
    remove(paths[i]);
  rmdir(dir);
}

int main(void) {
  test_read_ahead();
  test_several_files();
  test_utf8_repair();
  test_row_digest();
  test_nul_bytes();
  test_remapped_column();
  test_missing_column();
  test_file_fault();
  return check_exit();
}
