/* Unit tests for etl/input/input_table.h: required columns (and [columns]
 * remaps), the field-count check, the NUL-byte rule (a NUL in any field
 * rejects the row, naming the canonical column or the header; other bytes,
 * invalid UTF-8 included, pass through), the order of those two checks, the
 * per-input counts, and a file-level fault passed on with its message. */
#include <stdlib.h>
#include <string.h>

#include "etl/common/config.h"
#include "etl/input/input_table.h"
#include "etl/common/rejects.h"
#include "tests/unit/check.h"

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
  f->open_rc = input_table_open(&f->t, r, "fx_rates", &f->conf, specs, 3, &f->log, &f->err);
}

static void close_table(struct fixture *f) {
  if (f->open_rc != -2)
    input_table_close(&f->t);
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
  /* header order differs from the specs; "note" is not a spec column */
  static const char data[] = "currency,rate,note,effective_date\n"
                             "EUR,1.08,ok,2024-01-01\n"          /* line 2: kept */
                             "EUR,1.0\0009,ok,2024-02-01\n"      /* 3: NUL in rate */
                             "EUR,1.10,n\000te,2024-03-01\n"     /* 4: NUL in an extra column */
                             "EUR,1.11,x\n"                      /* 5: wrong count first */
                             "EUR,1.1\0002,x\n"                  /* 6: wrong count and NUL */
                             "\000,1.12,ok,2024-04-01\n"         /* 7: NUL alone */
                             "USD,\"\xff\xfe\x80\",ok,\n";       /* 8: bad UTF-8 passes */
  struct fixture f;
  open_table(&f, base_conf, data, sizeof(data) - 1);
  CHECK(f.open_rc == 0);
  int rc;
  struct strbuf got = read_all(&f, &rc);
  CHECK(rc == 0);
  CHECK_STR(got.buf, "2:1.08;8:\xff\xfe\x80;");
  strbuf_release(&got);
  const struct input_stats *s = input_table_stats(&f.t);
  CHECK_I64(s->read, 7);
  CHECK_I64(s->rejected, 5);
  CHECK_I64(f.log.n, 5);
  const struct reject *r;
  if ((r = reject_at(&f, 0))) {
    CHECK_I64(r->line, 3);
    CHECK_STR(r->field, "rate"); /* the canonical name of a spec column */
    CHECK_STR(r->reason, "NUL byte");
    CHECK_STR(r->id, "");
    CHECK(r->severity == SEV_ERROR);
  }
  if ((r = reject_at(&f, 1))) {
    CHECK_I64(r->line, 4);
    CHECK_STR(r->field, "note"); /* not a spec column: the header */
    CHECK_STR(r->reason, "NUL byte");
  }
  if ((r = reject_at(&f, 2))) {
    CHECK_I64(r->line, 5);
    CHECK_STR(r->reason, "expected 4 fields, found 3");
  }
  if ((r = reject_at(&f, 3))) { /* the field count is checked first */
    CHECK_I64(r->line, 6);
    CHECK_STR(r->reason, "expected 4 fields, found 3");
  }
  if ((r = reject_at(&f, 4))) {
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
  CHECK_STR(strbuf_str(&f.err), "fx.csv: missing required column 'rate'");
  close_table(&f);
  /* the optional column may be missing */
  static const char data2[] = "rate,currency\n1,EUR\n";
  open_table(&f, base_conf, data2, sizeof(data2) - 1);
  CHECK(f.open_rc == 0);
  CHECK(!input_table_has(&f.t, 2));
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

int main(void) {
  test_nul_bytes();
  test_remapped_column();
  test_missing_column();
  test_file_fault();
  return check_exit();
}
