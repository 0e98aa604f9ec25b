/* pipeline.conf loading (contract §7, §9 "Config syntax" and
 * "Configuration values"): every default, both sides of every value's
 * boundaries, the INI syntax (comments, quotes, CRLF, repeated keys, case),
 * unknown sections and keys, relative paths, error line numbers, channel
 * rules from the file, custom models, column remaps and inputs. */
#include <stdlib.h>
#include <unistd.h>

#include "etl/common/config.h"
#include "tests/unit/check.h"

#define INPUT "[input]\ncrm = crm.zip\n" /* the one required input: 2 lines */

static int parse_as(struct etl_config *c, const char *path, const char *text,
                    struct strbuf *err) {
  return etl_config_parse(c, path, text, strlen(text), err);
}

static int parse(struct etl_config *c, const char *text, struct strbuf *err) {
  return parse_as(c, "pipeline.conf", text, err);
}

/* Checks that text loads; leaves *c loaded (caller releases). */
static int parse_ok(struct etl_config *c, const char *text) {
  struct strbuf err = STRBUF_INIT;
  int rc = parse(c, text, &err);
  CHECK(rc == 0);
  if (rc)
    fprintf(stderr, "  unexpected error: %s\n", strbuf_str(&err));
  strbuf_release(&err);
  return rc;
}

static void expect_error(const char *text, const char *want) {
  struct etl_config c;
  struct strbuf err = STRBUF_INIT;
  CHECK(parse(&c, text, &err) < 0);
  CHECK_STR(strbuf_str(&err), want);
  etl_config_release(&c);
  strbuf_release(&err);
}

/* [pipeline] key = value after INPUT (so on line 4). */
static char *pipeline_text(const char *key, const char *value) {
  static char buf[1024];
  snprintf(buf, sizeof(buf), INPUT "[pipeline]\n%s = %s\n", key, value);
  return buf;
}

static void expect_value_error(const char *key, const char *value, const char *want) {
  struct etl_config c;
  struct strbuf err = STRBUF_INIT;
  CHECK(parse(&c, pipeline_text(key, value), &err) < 0);
  char full[512];
  snprintf(full, sizeof(full), "pipeline.conf:4: %s", want);
  CHECK_STR(strbuf_str(&err), full);
  etl_config_release(&c);
  strbuf_release(&err);
}

static void expect_value_bad(const char *key, const char *value) {
  struct etl_config c;
  struct strbuf err = STRBUF_INIT;
  CHECK(parse(&c, pipeline_text(key, value), &err) < 0);
  char prefix[256];
  snprintf(prefix, sizeof(prefix), "pipeline.conf:4: %s: '", key);
  if (strncmp(strbuf_str(&err), prefix, strlen(prefix)) != 0) {
    CHECK_STR(strbuf_str(&err), prefix); /* reports the mismatch */
  }
  etl_config_release(&c);
  strbuf_release(&err);
}

/* Loads key = value; the caller inspects and releases c. */
static int value_ok(struct etl_config *c, const char *key, const char *value) {
  return parse_ok(c, pipeline_text(key, value));
}

static void check_default_models(const struct etl_config *c) {
  static const char *const names[] = {"first_touch", "last_touch", "linear", "u_shaped",
                                      "w_shaped", "full_path", "time_decay"};
  CHECK_I64(c->nmodels, 7);
  for (size_t i = 0; i < 7 && i < c->nmodels; i++)
    CHECK_STR(c->models[i].name, names[i]);
  if (c->nmodels < 7)
    return;
  const int64_t S = WEIGHT_SCALE;
  CHECK(c->models[0].kind == MODEL_POSITION);
  CHECK_I64(c->models[0].weight[MS_FT], S);
  CHECK_I64(c->models[0].weight[MS_LT] + c->models[0].middle, 0);
  CHECK_I64(c->models[1].weight[MS_LT], S);
  CHECK_I64(c->models[1].weight[MS_FT] + c->models[1].middle, 0);
  CHECK_I64(c->models[2].middle, S);
  CHECK_I64(c->models[2].weight[MS_FT] + c->models[2].weight[MS_LT], 0);
  CHECK_I64(c->models[3].weight[MS_FT], 400000000);
  CHECK_I64(c->models[3].weight[MS_LC], 400000000);
  CHECK_I64(c->models[3].weight[MS_OC], 0);
  CHECK_I64(c->models[3].middle, 200000000);
  CHECK_I64(c->models[4].weight[MS_FT], 300000000);
  CHECK_I64(c->models[4].weight[MS_LC], 300000000);
  CHECK_I64(c->models[4].weight[MS_OC], 300000000);
  CHECK_I64(c->models[4].weight[MS_CW], 0);
  CHECK_I64(c->models[4].middle, 100000000);
  for (int m = MS_FT; m <= MS_CW; m++)
    CHECK_I64(c->models[5].weight[m], 225000000);
  CHECK_I64(c->models[5].weight[MS_LT], 0);
  CHECK_I64(c->models[5].middle, 100000000);
  CHECK(c->models[6].kind == MODEL_TIME_DECAY);
}

static void test_defaults(void) {
  struct etl_config c;
  if (parse_ok(&c, INPUT) == 0) {
    CHECK_STR(c.path, "pipeline.conf");
    CHECK_STR(c.currency, "USD");
    CHECK(c.period == PERIOD_MONTH);
    check_default_models(&c);
    CHECK_I64(c.lookback_days, 365);
    CHECK(c.half_life_days == 7.0);
    CHECK(!c.account_based);
    CHECK(c.max_reject_ratio == 0.01);
    CHECK_I64(c.naive_utc_offset, 0);
    CHECK_I64(c.fiscal_year_start_month, 1);
    CHECK(!c.crm_touches_all);
    CHECK(c.web_visit_requires_utm);
    CHECK_I64(c.nma_types, 3);
    const char *k;
    CHECK(etl_config_ma_kind(&c, 1, &k) == 0 && strcmp(k, "web_visit") == 0);
    CHECK(etl_config_ma_kind(&c, 2, &k) == 1 && strcmp(k, "form_fill") == 0);
    CHECK(etl_config_ma_kind(&c, 11, &k) == 2 && strcmp(k, "email_click") == 0);
    CHECK(etl_config_ma_kind(&c, 3, &k) < 0);
    CHECK(etl_config_ma_kind(&c, 10, &k) < 0);
    CHECK(!c.excel_bom);
    CHECK(c.max_expand_ratio == 1000.0);
    CHECK(c.max_input_bytes == 68719476736ULL);
    CHECK_STR(c.out_dir, "out");
    CHECK_STR(c.crm, "crm.zip");
    CHECK(!c.ma_activities && !c.ma_leads && !c.fx_rates && !c.costs);
    CHECK_I64(c.nremaps, 0);
    CHECK(c.rules != NULL);
    CHECK_I64(channel_rules_count(c.rules), 0);
    const char *fields[RF_COUNT] = {0};
    CHECK_STR(channel_classify(c.rules, fields, NULL), CHANNEL_OTHER);
  }
  etl_config_release(&c);
}

/* A config setting every key to its default explicitly equals the implicit
 * defaults. */
static void test_explicit_defaults(void) {
  struct etl_config c;
  if (parse_ok(&c, INPUT "[pipeline]\n"
                         "currency = USD\nperiod = month\n"
                         "models = first_touch, last_touch, linear, u_shaped, w_shaped, "
                         "full_path, time_decay\n"
                         "lookback_days = 365\nhalf_life_days = 7\naccount_based = false\n"
                         "max_reject_ratio = 0.01\nnaive_utc_offset = +00:00\n"
                         "fiscal_year_start_month = 1\ncrm_touches = responded\n"
                         "web_visit_requires_utm = true\n"
                         "ma_touch_types = 1:web_visit, 2:form_fill, 11:email_click\n"
                         "excel_bom = false\nmax_expand_ratio = 1000\n"
                         "max_input_bytes = 68719476736\nout_dir = out\n") == 0) {
    check_default_models(&c);
    CHECK_I64(c.lookback_days, 365);
    CHECK(c.max_reject_ratio == 0.01);
    CHECK_I64(c.nma_types, 3);
    CHECK(c.max_input_bytes == 68719476736ULL);
  }
  etl_config_release(&c);
}

static void test_currency(void) {
  struct etl_config c;
  if (value_ok(&c, "currency", "eur") == 0)
    CHECK_STR(c.currency, "EUR");
  etl_config_release(&c);
  if (value_ok(&c, "currency", "\" gbp \"") == 0) /* trimmed inside quotes too */
    CHECK_STR(c.currency, "GBP");
  etl_config_release(&c);
  expect_value_error("currency", "EURO", "currency: 'EURO' is not a 3-letter currency code");
  expect_value_bad("currency", "EU");
  expect_value_bad("currency", "E1R");
  expect_value_bad("currency", "\"\"");
}

static void test_period(void) {
  static const char *const names[] = {"day", "week", "month", "quarter", "year"};
  for (int i = 0; i < 5; i++) {
    struct etl_config c;
    if (value_ok(&c, "period", names[i]) == 0)
      CHECK_I64(c.period, i);
    etl_config_release(&c);
    CHECK_STR(period_kind_name((enum period_kind)i), names[i]);
    CHECK_I64(period_kind_from_name(names[i]), i);
  }
  struct etl_config c;
  if (value_ok(&c, "period", "Quarter") == 0)
    CHECK(c.period == PERIOD_QUARTER);
  etl_config_release(&c);
  CHECK_I64(period_kind_from_name("fortnight"), -1);
  expect_value_error("period", "fortnight",
                     "period: 'fortnight' is not one of day, week, month, quarter, year");
  expect_value_bad("period", "months");
}

static void test_lookback(void) {
  struct etl_config c;
  if (value_ok(&c, "lookback_days", "0") == 0)
    CHECK_I64(c.lookback_days, 0);
  etl_config_release(&c);
  if (value_ok(&c, "lookback_days", "730") == 0)
    CHECK_I64(c.lookback_days, 730);
  etl_config_release(&c);
  if (value_ok(&c, "lookback_days", "106751991167300") == 0) /* INT64_MAX / 86400 */
    CHECK_I64(c.lookback_days, 106751991167300LL);
  etl_config_release(&c);
  expect_value_error("lookback_days", "-1",
                     "lookback_days: '-1' is not a whole number >= 0 (of days)");
  expect_value_bad("lookback_days", "106751991167301");
  expect_value_bad("lookback_days", "1.5");
  expect_value_bad("lookback_days", "+5");
  expect_value_bad("lookback_days", "1e3");
  expect_value_bad("lookback_days", "\"\"");
}

static void test_half_life(void) {
  struct etl_config c;
  if (value_ok(&c, "half_life_days", "0.5") == 0)
    CHECK(c.half_life_days == 0.5);
  etl_config_release(&c);
  if (value_ok(&c, "half_life_days", "14") == 0)
    CHECK(c.half_life_days == 14.0);
  etl_config_release(&c);
  if (value_ok(&c, "half_life_days", ".25") == 0)
    CHECK(c.half_life_days == 0.25);
  etl_config_release(&c);
  expect_value_error("half_life_days", "0", "half_life_days: '0' is not a decimal number > 0");
  expect_value_bad("half_life_days", "0.000");
  expect_value_bad("half_life_days", "-1");
  expect_value_bad("half_life_days", "1e2");
  expect_value_bad("half_life_days", "seven");
  expect_value_bad("half_life_days", ".");
}

static void test_reject_ratio(void) {
  static const char *const ok[] = {"0", "1", "1.0", "1.000", "0.5", ".02", "01", "0.0001"};
  for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
    struct etl_config c;
    if (value_ok(&c, "max_reject_ratio", ok[i]) == 0)
      CHECK(c.max_reject_ratio == strtod(ok[i], NULL));
    etl_config_release(&c);
  }
  expect_value_error("max_reject_ratio", "1.0001",
                     "max_reject_ratio: '1.0001' is not a decimal number from 0 to 1");
  expect_value_bad("max_reject_ratio", "1.00000000000000000001");
  expect_value_bad("max_reject_ratio", "2");
  expect_value_bad("max_reject_ratio", "10");
  expect_value_bad("max_reject_ratio", "-0.1");
  expect_value_bad("max_reject_ratio", "1%");
}

static void test_booleans(void) {
  static const char *const keys[] = {"account_based", "web_visit_requires_utm", "excel_bom"};
  static const struct {
    const char *text;
    bool value;
  } vals[] = {{"true", true}, {"TRUE", true}, {"True", true}, {"1", true},
              {"false", false}, {"FALSE", false}, {"0", false}};
  for (size_t k = 0; k < 3; k++) {
    for (size_t v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
      struct etl_config c;
      if (value_ok(&c, keys[k], vals[v].text) == 0) {
        bool got = k == 0 ? c.account_based : k == 1 ? c.web_visit_requires_utm : c.excel_bom;
        CHECK(got == vals[v].value);
      }
      etl_config_release(&c);
    }
    expect_value_bad(keys[k], "yes");
    expect_value_bad(keys[k], "2");
    expect_value_bad(keys[k], "\"\"");
  }
  expect_value_error("excel_bom", "on", "excel_bom: 'on' is not true, false, 1 or 0");
}

static void test_utc_offset(void) {
  static const struct {
    const char *text;
    int32_t secs;
  } ok[] = {{"+05:30", 19800}, {"-0800", -28800}, {"Z", 0}, {"+00:00", 0}, {"+23:59", 86340}};
  for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
    struct etl_config c;
    if (value_ok(&c, "naive_utc_offset", ok[i].text) == 0)
      CHECK_I64(c.naive_utc_offset, ok[i].secs);
    etl_config_release(&c);
  }
  expect_value_error("naive_utc_offset", "05:30",
                     "naive_utc_offset: '05:30' is not a UTC offset like +00:00, -05:00 or +0530");
  expect_value_bad("naive_utc_offset", "+24:00");
  expect_value_bad("naive_utc_offset", "+05:60");
  expect_value_bad("naive_utc_offset", "UTC");
}

static void test_fiscal_month(void) {
  for (int m = 1; m <= 12; m++) {
    char v[8];
    snprintf(v, sizeof(v), "%d", m);
    struct etl_config c;
    if (value_ok(&c, "fiscal_year_start_month", v) == 0)
      CHECK_I64(c.fiscal_year_start_month, m);
    etl_config_release(&c);
  }
  expect_value_error("fiscal_year_start_month", "13",
                     "fiscal_year_start_month: '13' is not a month number from 1 to 12");
  expect_value_bad("fiscal_year_start_month", "0");
  expect_value_bad("fiscal_year_start_month", "-1");
  expect_value_bad("fiscal_year_start_month", "feb");
}

static void test_crm_touches(void) {
  struct etl_config c;
  if (value_ok(&c, "crm_touches", "all") == 0)
    CHECK(c.crm_touches_all);
  etl_config_release(&c);
  if (value_ok(&c, "crm_touches", "Responded") == 0)
    CHECK(!c.crm_touches_all);
  etl_config_release(&c);
  expect_value_error("crm_touches", "some", "crm_touches: 'some' is not responded or all");
}

static void test_ma_touch_types(void) {
  struct etl_config c;
  const char *k;
  if (value_ok(&c, "ma_touch_types", "7:form_fill,104 : web_visit ,2:email_click") == 0) {
    CHECK_I64(c.nma_types, 3);
    CHECK(etl_config_ma_kind(&c, 7, &k) == 0 && strcmp(k, "form_fill") == 0);
    CHECK(etl_config_ma_kind(&c, 104, &k) == 1 && strcmp(k, "web_visit") == 0);
    CHECK(etl_config_ma_kind(&c, 2, &k) == 2 && strcmp(k, "email_click") == 0);
    CHECK(etl_config_ma_kind(&c, 1, &k) < 0); /* the defaults are replaced */
    CHECK(etl_config_ma_kind(&c, 11, &k) < 0);
  }
  etl_config_release(&c);
  if (value_ok(&c, "ma_touch_types", "\"\"") == 0) {
    CHECK_I64(c.nma_types, 0);
    CHECK(etl_config_ma_kind(&c, 1, &k) < 0);
  }
  etl_config_release(&c);
  if (value_ok(&c, "ma_touch_types", "1:web_visit, 9:web_visit") == 0) { /* one kind twice */
    CHECK_I64(c.nma_types, 2);
    CHECK(etl_config_ma_kind(&c, 9, &k) == 1 && strcmp(k, "web_visit") == 0);
  }
  etl_config_release(&c);
  /* any kind name (contract 1.2): 1 to 32 of a-z, 0-9, _, from a letter */
  if (value_ok(&c, "ma_touch_types",
               "10:email_open, 46:interesting_moment, 3:web_visit, 12:a, "
               "13:abcdefghijklmnopqrstuvwxyz_01234") == 0) {
    CHECK_I64(c.nma_types, 5);
    CHECK(etl_config_ma_kind(&c, 10, &k) == 0 && strcmp(k, "email_open") == 0);
    CHECK(etl_config_ma_kind(&c, 46, &k) == 1 && strcmp(k, "interesting_moment") == 0);
    CHECK(etl_config_ma_kind(&c, 13, &k) == 4 && strlen(k) == 32);
  }
  etl_config_release(&c);
  expect_value_error("ma_touch_types", "1:web_visit, 3:campaign_response",
                     "ma_touch_types: kind 'campaign_response' is the kind of CRM campaign "
                     "members; give activities another name");
  expect_value_error("ma_touch_types", "13:abcdefghijklmnopqrstuvwxyz_012345",
                     "ma_touch_types: kind 'abcdefghijklmnopqrstuvwxyz_012345' is not a kind "
                     "name (1 to 32 characters of a-z, 0-9 and _, starting with a letter)");
  expect_value_error("ma_touch_types", "1:Web_Visit",
                     "ma_touch_types: kind 'Web_Visit' is not a kind name (1 to 32 characters "
                     "of a-z, 0-9 and _, starting with a letter)");
  expect_value_error("ma_touch_types", "1:_visit",
                     "ma_touch_types: kind '_visit' is not a kind name (1 to 32 characters "
                     "of a-z, 0-9 and _, starting with a letter)");
  expect_value_error("ma_touch_types", "1:",
                     "ma_touch_types: kind '' is not a kind name (1 to 32 characters "
                     "of a-z, 0-9 and _, starting with a letter)");
  expect_value_error("ma_touch_types", "1:web_visit, 1:form_fill",
                     "ma_touch_types: activity type 1 is listed twice");
  expect_value_error("ma_touch_types", "0:web_visit",
                     "ma_touch_types: activity type id '0' is not a whole number > 0");
  expect_value_error("ma_touch_types", "1:web_visit,",
                     "ma_touch_types: empty item in '1:web_visit,'");
  expect_value_error("ma_touch_types", "1:web_visit,,2:form_fill",
                     "ma_touch_types: empty item in '1:web_visit,,2:form_fill'");
  expect_value_error("ma_touch_types", "1 web_visit",
                     "ma_touch_types: '1 web_visit' is not ID:KIND");
  expect_value_error("ma_touch_types", "x:web_visit",
                     "ma_touch_types: activity type id 'x' is not a whole number > 0");
  expect_value_error("ma_touch_types", "-1:web_visit",
                     "ma_touch_types: activity type id '-1' is not a whole number > 0");
  expect_value_error("ma_touch_types", "1:page-view",
                     "ma_touch_types: kind 'page-view' is not a kind name (1 to 32 characters "
                     "of a-z, 0-9 and _, starting with a letter)");
}

static void test_expand_and_bytes(void) {
  struct etl_config c;
  if (value_ok(&c, "max_expand_ratio", "0.001") == 0)
    CHECK(c.max_expand_ratio == 0.001);
  etl_config_release(&c);
  if (value_ok(&c, "max_expand_ratio", "250") == 0)
    CHECK(c.max_expand_ratio == 250.0);
  etl_config_release(&c);
  expect_value_error("max_expand_ratio", "0", "max_expand_ratio: '0' is not a decimal number > 0");
  expect_value_bad("max_expand_ratio", "-5");
  if (value_ok(&c, "max_input_bytes", "1") == 0)
    CHECK(c.max_input_bytes == 1);
  etl_config_release(&c);
  if (value_ok(&c, "max_input_bytes", "18446744073709551615") == 0)
    CHECK(c.max_input_bytes == UINT64_MAX);
  etl_config_release(&c);
  expect_value_error("max_input_bytes", "0",
                     "max_input_bytes: '0' is not a whole number of bytes > 0");
  expect_value_bad("max_input_bytes", "18446744073709551616");
  expect_value_bad("max_input_bytes", "64G");
  expect_value_bad("max_input_bytes", "1.5");
}

static void test_out_dir_and_paths(void) {
  struct etl_config c;
  struct strbuf err = STRBUF_INIT;
  const char *text = "[input]\ncrm = fixtures/crm_export.zip\nma_activities = /data/acts.csv\n"
                     "ma_leads = leads.csv.gz\nfx_rates = ../fx.csv\ncosts = costs.csv\n"
                     "[pipeline]\nout_dir = published\n";
  CHECK(parse_as(&c, "conf/sub/pipeline.conf", text, &err) == 0);
  CHECK_STR(c.dir, "conf/sub");
  CHECK_STR(c.crm, "conf/sub/fixtures/crm_export.zip");
  CHECK_STR(c.ma_activities, "/data/acts.csv"); /* absolute kept */
  CHECK_STR(c.ma_leads, "conf/sub/leads.csv.gz");
  CHECK_STR(c.fx_rates, "conf/sub/../fx.csv");
  CHECK_STR(c.costs, "conf/sub/costs.csv");
  CHECK_STR(c.out_dir, "conf/sub/published");
  etl_config_release(&c);

  CHECK(parse_as(&c, "/etc/attr/pipeline.conf", INPUT, &err) == 0);
  CHECK_STR(c.out_dir, "/etc/attr/out"); /* the default is relative too */
  CHECK_STR(c.crm, "/etc/attr/crm.zip");
  etl_config_release(&c);
  CHECK(parse_as(&c, "/pipeline.conf", INPUT, &err) == 0);
  CHECK_STR(c.out_dir, "/out");
  etl_config_release(&c);
  CHECK(parse_as(&c, "./pipeline.conf", INPUT "[pipeline]\nout_dir = /var/out\n", &err) == 0);
  CHECK_STR(c.out_dir, "/var/out");
  CHECK_STR(c.crm, "./crm.zip");
  etl_config_release(&c);
  strbuf_release(&err);
  expect_value_error("out_dir", "\"\"", "out_dir: '' is empty");
}

static void test_comments_and_quotes(void) {
  struct etl_config c;
  if (parse_ok(&c, "# leading comment\n"
                   "; another\n"
                   "   # indented comment\n"
                   "\n"
                   "[pipeline] # comment after a header\n"
                   "currency = eur # comment after a value\n"
                   "period = week\t; tab then semicolon comment\n"
                   "[input]\n"
                   "crm = \"crm #1.zip\" # quoted value keeps its #\n"
                   "costs = a#b;c.csv\n" /* no white space before: literal */
                   "fx_rates = \" spaced \"\n"
                   "[channel \"A # B\"]\n"
                   "utm_campaign = \"^x ;y$\"\n") == 0) {
    CHECK_STR(c.currency, "EUR");
    CHECK(c.period == PERIOD_WEEK);
    CHECK_STR(c.crm, "crm #1.zip");
    CHECK_STR(c.costs, "a#b;c.csv");
    CHECK_STR(c.fx_rates, " spaced ");
    const char *f[RF_COUNT] = {[RF_UTM_CAMPAIGN] = "X ;Y"};
    CHECK_STR(channel_classify(c.rules, f, NULL), "A # B");
  }
  etl_config_release(&c);
  /* A value not wholly quoted keeps its quotes. */
  if (parse_ok(&c, INPUT "[channel \"Q\"]\nutm_campaign = \"a\"b\"c\"\n") == 0) {
    const char *f[RF_COUNT] = {[RF_UTM_CAMPAIGN] = "\"a\"b\"c\""};
    CHECK_STR(channel_classify(c.rules, f, NULL), "Q");
  }
  etl_config_release(&c);
  expect_error(INPUT "[pipeline]\ncurrency = \"EUR # x\n",
               "pipeline.conf:4: unterminated double quote");
}

static void test_unknown_keys_and_sections(void) {
  expect_error("# 1\n# 2\n# 3\n# 4\n# 5\n# 6\n# 7\n# 8\n# 9\n" INPUT
               "[pipeline]\nperiod = month\nperod = week\n",
               "pipeline.conf:14: unknown key 'perod' in [pipeline]");
  expect_error(INPUT "[pipelines]\n", "pipeline.conf:3: unknown section [pipelines]");
  expect_error(INPUT "[chanel \"X\"]\n", "pipeline.conf:3: unknown section [chanel \"X\"]");
  expect_error(INPUT "[input]\ncrn = x\n", "pipeline.conf:4: unknown key 'crn' in [input]");
  expect_error("key = 1\n", "pipeline.conf:1: key 'key' outside any section");
  expect_error(INPUT "[pipeline \"x\"]\n", "pipeline.conf:3: section [pipeline] takes no name");
  expect_error(INPUT "[input \"x\"]\n", "pipeline.conf:3: section [input] takes no name");
  expect_error(INPUT "[channel]\n",
               "pipeline.conf:3: section [channel] needs a name: [channel \"NAME\"]");
  expect_error(INPUT "[model \"\"]\n",
               "pipeline.conf:3: section [model] needs a name: [model \"NAME\"]");
  expect_error(INPUT "[columns]\n",
               "pipeline.conf:3: section [columns] needs a name: [columns \"NAME\"]");
  expect_error(INPUT "[pipeline\n", "pipeline.conf:3: invalid section header '[pipeline'");
  expect_error(INPUT "[channel \"a\" x]\n",
               "pipeline.conf:3: invalid section header '[channel \"a\" x]'");
  expect_error(INPUT "[pipeline]\nperiod\n",
               "pipeline.conf:4: expected 'key = value' or a [section], got 'period'");
  expect_error(INPUT "[pipeline]\n = month\n", "pipeline.conf:4: invalid key ''");
  expect_error(INPUT "[pipeline]\nper iod = month\n", "pipeline.conf:4: invalid key 'per iod'");
  static const char nul[] = INPUT "[pipeline]\nperiod = mo\0nth\n";
  struct etl_config c;
  struct strbuf err = STRBUF_INIT;
  CHECK(etl_config_parse(&c, "pipeline.conf", nul, sizeof(nul) - 1, &err) < 0);
  CHECK_STR(strbuf_str(&err), "pipeline.conf:4: NUL byte in the file");
  etl_config_release(&c);
  strbuf_release(&err);
}

static void test_case_insensitivity(void) {
  struct etl_config c;
  if (parse_ok(&c, "[INPUT]\nCRM = crm.zip\n[Pipeline]\nPERIOD = Year\nLookBack_Days = 10\n"
                   "[Channel \"Mixed Case\"]\nUTM_Medium = ^Email$\n"
                   "[COLUMNS \"Lead\"]\nemail = E-mail Address\n") == 0) {
    CHECK(c.period == PERIOD_YEAR);
    CHECK_I64(c.lookback_days, 10);
    CHECK_STR(c.crm, "crm.zip");
    const char *f[RF_COUNT] = {[RF_UTM_MEDIUM] = "EMAIL"};
    CHECK_STR(channel_classify(c.rules, f, NULL), "Mixed Case");
    CHECK_STR(etl_config_column(&c, "Lead", "Email"), "E-mail Address");
  }
  etl_config_release(&c);
}

static void test_crlf_and_bom(void) {
  struct etl_config c;
  if (parse_ok(&c, "\xEF\xBB\xBF[input]\r\ncrm = crm.zip\r\n[pipeline]\r\nperiod = day\r\n"
                   "currency = \"chf\"\r\n[channel \"E\"]\r\nkind = ^email_click$\r\n") == 0) {
    CHECK_STR(c.crm, "crm.zip");
    CHECK(c.period == PERIOD_DAY);
    CHECK_STR(c.currency, "CHF");
    const char *f[RF_COUNT] = {[RF_KIND] = "email_click"};
    CHECK_STR(channel_classify(c.rules, f, NULL), "E"); /* no \r left in the pattern */
  }
  etl_config_release(&c);
  /* Line numbers count CRLF lines; a last line without newline is read. */
  expect_error(INPUT "[pipeline]\r\n\r\nperiod = hour", "pipeline.conf:5: period: 'hour' is not "
                                                      "one of day, week, month, quarter, year");
}

static void test_repeated_keys(void) {
  struct etl_config c;
  if (parse_ok(&c, "[pipeline]\nperiod = week\nperiod = quarter\n" INPUT
                   "[pipeline]\ncurrency = EUR\nlookback_days = 5\n[pipeline]\nlookback_days = 6\n"
                   "models = linear\nmodels = first_touch, u_shaped\n"
                   "[input]\ncrm = second.zip\n") == 0) {
    CHECK(c.period == PERIOD_QUARTER);
    CHECK_STR(c.currency, "EUR");
    CHECK_I64(c.lookback_days, 6);
    CHECK_STR(c.crm, "second.zip");
    CHECK_I64(c.nmodels, 2);
    if (c.nmodels == 2) {
      CHECK_STR(c.models[0].name, "first_touch");
      CHECK_STR(c.models[1].name, "u_shaped");
    }
  }
  etl_config_release(&c);
  /* The last value is still validated. */
  expect_error(INPUT "[pipeline]\nperiod = week\nperiod = weak\n",
               "pipeline.conf:5: period: 'weak' is not one of day, week, month, quarter, year");
}

static void test_channel_rules(void) {
  struct etl_config c;
  if (parse_ok(&c, INPUT
               "[channel \"Paid Search\"]\nutm_medium = ^(cpc|ppc|paid[-_ ]?search)$\n"
               "[channel \"Email\"]\nkind = ^email_click$\n"
               "[channel \"Paid Search\"]\ncampaign_type = ^search ads$\n"
               "[channel \"Organic Search\"]\nutm_medium = ^$\n"
               "referrer = (^|\\.)(google|bing)\\.com$\n"
               "[channel \"Catch All\"]\n"
               "[channel \"Never\"]\nkind = .\n") == 0) {
    CHECK_I64(channel_rules_count(c.rules), 6);
    const char *cpc[RF_COUNT] = {[RF_UTM_MEDIUM] = "CPC", [RF_KIND] = "email_click"};
    CHECK_STR(channel_classify(c.rules, cpc, NULL), "Paid Search"); /* file order */
    const char *mail[RF_COUNT] = {[RF_KIND] = "email_click"};
    CHECK_STR(channel_classify(c.rules, mail, NULL), "Email");
    const char *ads[RF_COUNT] = {[RF_CAMPAIGN_TYPE] = "Search Ads"};
    CHECK_STR(channel_classify(c.rules, ads, NULL), "Paid Search"); /* OR of two sections */
    const char *goog[RF_COUNT] = {[RF_REFERRER] = "www.google.com"};
    CHECK_STR(channel_classify(c.rules, goog, NULL), "Organic Search");
    const char *goox[RF_COUNT] = {[RF_REFERRER] = "www.googlexcom"}; /* \. literal */
    CHECK_STR(channel_classify(c.rules, goox, NULL), "Catch All");
    const char *tagged[RF_COUNT] = {[RF_REFERRER] = "google.com", [RF_UTM_MEDIUM] = "social"};
    CHECK_STR(channel_classify(c.rules, tagged, NULL), "Catch All");
    const char *any[RF_COUNT] = {[RF_KIND] = "web_visit"};
    CHECK_STR(channel_classify(c.rules, any, NULL), "Catch All"); /* "Never" comes after */
  }
  etl_config_release(&c);
  /* The error names file, line, rule, field and offset. */
  char text[2048];
  int n = snprintf(text, sizeof(text), "%s", INPUT);
  for (int line = 3; line < 21; line++)
    n += snprintf(text + n, sizeof(text) - (size_t)n, "#\n");
  snprintf(text + n, sizeof(text) - (size_t)n,
           "[channel \"Paid Search\"]\nutm_medium = ^(cpc|ppc\n");
  expect_error(text, "pipeline.conf:22: channel \"Paid Search\": utm_medium: missing closing "
                     "parenthesis at offset 9");
  expect_error(INPUT "[channel \"X\"]\nutm_mediun = cpc\n",
               "pipeline.conf:4: channel \"X\": unknown field 'utm_mediun' (expected utm_source, "
               "utm_medium, utm_campaign, referrer, campaign_type, kind or lead_source)");
  expect_error(INPUT "[channel \"X\"]\nreferrer =\n",
               "pipeline.conf:4: channel \"X\": referrer: empty pattern (write ^$ to match an "
               "empty field)");
}

static void test_custom_models(void) {
  struct etl_config c;
  if (parse_ok(&c, INPUT "[pipeline]\nmodels = j_shaped, primary_campaign, Linear, cw_only\n"
                         "[model \"j_shaped\"]\nft = 0.2\nLT = 0.6\nmiddle = 0.2\n"
                         "[model \"cw_only\"]\ncw = 1\n"
                         "[model \"unused\"]\noc = 2.5\n") == 0) {
    CHECK_I64(c.nmodels, 4);
    if (c.nmodels == 4) {
      const struct model_def *j = &c.models[0];
      CHECK_STR(j->name, "j_shaped");
      CHECK(j->kind == MODEL_POSITION);
      CHECK_I64(j->weight[MS_FT], 200000000);
      CHECK_I64(j->weight[MS_LC], 0);
      CHECK_I64(j->weight[MS_OC], 0);
      CHECK_I64(j->weight[MS_CW], 0);
      CHECK_I64(j->weight[MS_LT], 600000000);
      CHECK_I64(j->middle, 200000000);
      CHECK_STR(c.models[1].name, "primary_campaign");
      CHECK(c.models[1].kind == MODEL_PRIMARY_CAMPAIGN);
      CHECK_STR(c.models[2].name, "linear"); /* built-in names in any case */
      CHECK_I64(c.models[2].middle, WEIGHT_SCALE);
      CHECK_STR(c.models[3].name, "cw_only");
      CHECK_I64(c.models[3].weight[MS_CW], WEIGHT_SCALE);
    }
  }
  etl_config_release(&c);
  /* A model may be defined after `models =` names it. */
  if (parse_ok(&c, "[pipeline]\nmodels = late\n" INPUT "[model \"late\"]\nlc = 1\n") == 0)
    CHECK(c.nmodels == 1 && c.models[0].weight[MS_LC] == WEIGHT_SCALE);
  etl_config_release(&c);

  expect_error(INPUT "[model \"m\"]\nft = -0.1\n", "pipeline.conf:4: model \"m\": ft: '-0.1' is negative");
  expect_error(INPUT "[model \"m\"]\nft = 0.1234567891\n",
               "pipeline.conf:4: model \"m\": ft: '0.1234567891' has more than 9 decimals");
  expect_error(INPUT "[model \"m\"]\nfirst = 1\n", "pipeline.conf:4: unknown key 'first' in [model \"m\"]");
  expect_error(INPUT "[model \"m\"]\nft = 0\nmiddle = 0.000\n",
               "pipeline.conf:3: model \"m\": every weight is 0");
  expect_error(INPUT "[model \"empty\"]\n", "pipeline.conf:3: model \"empty\": every weight is 0");
  expect_error(INPUT "[model \"u_shaped\"]\nft = 1\n",
               "pipeline.conf:3: model \"u_shaped\": the name of a built-in model");
  expect_error(INPUT "[model \"Time_Decay\"]\nft = 1\n",
               "pipeline.conf:3: model \"Time_Decay\": the name of a built-in model");
  expect_error(INPUT "[model \"markov\"]\nft = 1\n",
               "pipeline.conf:3: model \"markov\": the name of a built-in model");
  expect_error(INPUT "[model \"a b\"]\nft = 1\n",
               "pipeline.conf:3: model \"a b\": a model name takes letters, digits, '_', '-' and '.'");
  expect_error(INPUT "[model \"m\"]\nft = 1\n[model \"m\"]\nlt = 1\n",
               "pipeline.conf:5: model \"m\" is already defined at line 3");
  expect_error(INPUT "[pipeline]\nmodels = linear, x_shaped\n",
               "pipeline.conf:4: models: unknown model 'x_shaped' (not built in, no [model "
               "\"x_shaped\"] section)");
  expect_error(INPUT "[pipeline]\nmodels = linear, first_touch, LINEAR\n",
               "pipeline.conf:4: models: 'linear' is listed twice");
  expect_error(INPUT "[pipeline]\nmodels = linear,, first_touch\n",
               "pipeline.conf:4: models: empty name in 'linear,, first_touch'");
  expect_error(INPUT "[pipeline]\nmodels = linear,\n", "pipeline.conf:4: models: empty name in 'linear,'");
  expect_error(INPUT "[pipeline]\nmodels =\n", "pipeline.conf:4: models: no model listed");
  /* Custom names are exact. */
  expect_error(INPUT "[pipeline]\nmodels = J_Shaped\n[model \"j_shaped\"]\nft = 1\n",
               "pipeline.conf:4: models: unknown model 'J_Shaped' (not built in, no [model "
               "\"J_Shaped\"] section)");
}

static void test_model_weight_parse(void) {
  static const struct {
    const char *text;
    int64_t want;
  } ok[] = {{"0", 0},         {"1", WEIGHT_SCALE}, {"0.225", 225000000}, {".5", 500000000},
            {"5.", 5 * WEIGHT_SCALE}, {"00.5", 500000000}, {"0.123456789", 123456789},
            {"1000", 1000 * WEIGHT_SCALE}, {"1000.000000000", 1000 * WEIGHT_SCALE},
            {"40", 40 * WEIGHT_SCALE}, {"0.000000001", 1}};
  for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
    int64_t w = -1;
    const char *why = NULL;
    CHECK(model_weight_parse(ok[i].text, &w, &why) == 0);
    CHECK_I64(w, ok[i].want);
  }
  static const struct {
    const char *text, *why;
  } bad[] = {{"-0", "is negative"},
             {"-1", "is negative"},
             {"0.1234567890", "has more than 9 decimals"},
             {"1000.000000001", "is over 1000"},
             {"1001", "is over 1000"},
             {"99999999999999999999999", "is over 1000"},
             {"", "is not a decimal number"},
             {".", "is not a decimal number"},
             {"+1", "is not a decimal number"},
             {"1e3", "is not a decimal number"},
             {"0,5", "is not a decimal number"},
             {"1 ", "is not a decimal number"}};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    int64_t w = 0;
    const char *why = NULL;
    CHECK(model_weight_parse(bad[i].text, &w, &why) < 0);
    CHECK_STR(why, bad[i].why);
  }
}

static void test_builtin_lookup(void) {
  struct model_def m;
  CHECK_STR(model_builtin("W_SHAPED", &m), "w_shaped");
  CHECK(m.name == NULL && m.kind == MODEL_POSITION && m.weight[MS_OC] == 300000000);
  CHECK_STR(model_builtin("primary_campaign", &m), "primary_campaign");
  CHECK(m.kind == MODEL_PRIMARY_CAMPAIGN);
  CHECK_STR(model_builtin("Markov", &m), "markov");
  CHECK(m.kind == MODEL_MARKOV);
  CHECK_STR(model_builtin("shapley", &m), "shapley");
  CHECK(m.kind == MODEL_SHAPLEY);
  CHECK(model_builtin("j_shaped", &m) == NULL);
  CHECK(touch_kind_name_valid("a"));
  CHECK(touch_kind_name_valid("email_open"));
  CHECK(touch_kind_name_valid("x2"));
  CHECK(touch_kind_name_valid("abcdefghijklmnopqrstuvwxyz_01234")); /* 32 */
  CHECK(!touch_kind_name_valid("abcdefghijklmnopqrstuvwxyz_012345")); /* 33 */
  CHECK(!touch_kind_name_valid(""));
  CHECK(!touch_kind_name_valid("2x"));
  CHECK(!touch_kind_name_valid("_x"));
  CHECK(!touch_kind_name_valid("Email"));
  CHECK(!touch_kind_name_valid("e mail"));
  CHECK(!touch_kind_name_valid("e-mail"));
}

static void test_columns(void) {
  struct etl_config c;
  if (parse_ok(&c, INPUT "[columns \"Lead\"]\nemail = Email Address\n"
                         "[columns \"ma_leads\"]\nSFDCContactId = SFDC Contact ID\n"
                         "[columns \"Lead\"]\nEMAIL = Work Email\n"
                         "[columns \"Opportunity\"]\nCurrencyIsoCode = \"Currency\"\n") == 0) {
    CHECK_I64(c.nremaps, 3);
    CHECK_STR(etl_config_column(&c, "Lead", "Email"), "Work Email"); /* last wins */
    CHECK_STR(etl_config_column(&c, "Lead", "email"), "Work Email");
    CHECK_STR(etl_config_column(&c, "Lead", "Id"), "Id");
    CHECK_STR(etl_config_column(&c, "Contact", "Email"), "Email"); /* per entity */
    CHECK_STR(etl_config_column(&c, "ma_leads", "sfdcContactId"), "SFDC Contact ID");
    CHECK_STR(etl_config_column(&c, "Opportunity", "CurrencyIsoCode"), "Currency");
  }
  etl_config_release(&c);
  const char *canon;
  CHECK_I64(etl_entity_column("Campaign", "currencyisocode", &canon), 1);
  CHECK_STR(canon, "CurrencyIsoCode");
  CHECK_I64(etl_entity_column("costs", "CAMPAIGN_ID", &canon), 1);
  CHECK_STR(canon, "campaign_id");
  CHECK_I64(etl_entity_column("fx_rates", "effective_date", &canon), 1);
  CHECK_I64(etl_entity_column("ma_activities", "attributes", &canon), 1);
  CHECK_I64(etl_entity_column("OpportunityContactRole", "IsPrimary", &canon), 1);
  CHECK_I64(etl_entity_column("CampaignMember", "FirstRespondedDate", &canon), 1);
  CHECK_I64(etl_entity_column("Contact", "AccountId", &canon), 1);
  CHECK_I64(etl_entity_column("Lead", "AccountId", &canon), 0);
  CHECK_I64(etl_entity_column("lead", "Email", &canon), -1);
  CHECK_I64(etl_entity_column("Account", "Id", &canon), -1);
  expect_error(INPUT "[columns \"lead\"]\n",
               "pipeline.conf:3: unknown entity in [columns \"lead\"] (expected Campaign, Lead, "
               "Contact, Opportunity, OpportunityContactRole, CampaignMember, "
               "OpportunityHistory, ma_activities, ma_leads, fx_rates or costs)");
  expect_error(INPUT "[columns \"Lead\"]\nEmial = E\n",
               "pipeline.conf:4: unknown column 'Emial' in [columns \"Lead\"]");
  expect_error(INPUT "[columns \"costs\"]\namount = \"\"\n",
               "pipeline.conf:4: [columns \"costs\"] amount: empty header");
}

static void test_inputs(void) {
  expect_error("[pipeline]\nperiod = week\n",
               "pipeline.conf: [input] crm is not set (the CRM export is required)");
  expect_error(INPUT "ma_activities = a.csv\n",
               "pipeline.conf:3: [input] ma_activities is set without ma_leads (the "
               "marketing-automation export needs both)");
  expect_error(INPUT "ma_leads = l.csv\n",
               "pipeline.conf:3: [input] ma_leads is set without ma_activities (the "
               "marketing-automation export needs both)");
  expect_error("[input]\ncrm =\n", "pipeline.conf:2: input crm: empty path");
  struct etl_config c;
  if (parse_ok(&c, INPUT "ma_leads = l.csv\nma_activities = a.csv\nfx_rates = fx.csv\n") == 0) {
    CHECK_STR(c.ma_leads, "l.csv");
    CHECK_STR(c.ma_activities, "a.csv");
    CHECK_STR(c.fx_rates, "fx.csv");
    CHECK(c.costs == NULL);
  }
  etl_config_release(&c);
}

/* etl_config_load reads a real file; the message names the path as given. */
static void test_load_file(void) {
  char dir[] = "/tmp/test_config.XXXXXX";
  if (!mkdtemp(dir)) {
    CHECK(!"mkdtemp");
    return;
  }
  char path[256];
  snprintf(path, sizeof(path), "%s/p.conf", dir);
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (f) {
    fputs("[input]\r\ncrm = x.zip\r\n[pipeline]\r\nperiod = week\r\nbogus = 1\r\n", f);
    fclose(f);
  }
  struct etl_config c;
  struct strbuf err = STRBUF_INIT;
  CHECK(etl_config_load(&c, path, &err) < 0);
  char want[512];
  snprintf(want, sizeof(want), "%s:5: unknown key 'bogus' in [pipeline]", path);
  CHECK_STR(strbuf_str(&err), want);
  etl_config_release(&c);
  f = fopen(path, "w");
  if (f) {
    fputs("[input]\ncrm = x.zip\n", f);
    fclose(f);
  }
  strbuf_reset(&err);
  CHECK(etl_config_load(&c, path, &err) == 0);
  snprintf(want, sizeof(want), "%s/x.zip", dir);
  CHECK_STR(c.crm, want);
  etl_config_release(&c);
  unlink(path);
  rmdir(dir);

  strbuf_reset(&err);
  CHECK(etl_config_load(&c, path, &err) < 0);
  snprintf(want, sizeof(want), "%s: No such file or directory", path);
  CHECK_STR(strbuf_str(&err), want);
  etl_config_release(&c);
  strbuf_release(&err);
}

/* The root pipeline.conf of the repository loads and says what it should. */
static void test_root_config(void) {
  const char *src = getenv("ATTR_SOURCE_DIR");
  char path[1024];
  snprintf(path, sizeof(path), "%s/pipeline.conf", src ? src : "../..");
  struct etl_config c;
  struct strbuf err = STRBUF_INIT;
  int rc = etl_config_load(&c, path, &err);
  CHECK(rc == 0);
  if (rc) {
    fprintf(stderr, "  %s\n", strbuf_str(&err));
  } else {
    CHECK_I64(c.nmodels, 9);
    if (c.nmodels == 9) {
      CHECK_STR(c.models[7].name, "primary_campaign");
      CHECK_STR(c.models[8].name, "j_shaped");
      CHECK_I64(c.models[8].weight[MS_LT], 600000000);
    }
    CHECK_STR(c.currency, "USD");
    CHECK_I64(c.lookback_days, 365);
    CHECK(c.ma_activities && c.ma_leads && c.fx_rates && c.costs);
    const char *cpc[RF_COUNT] = {[RF_UTM_MEDIUM] = "cpc", [RF_UTM_SOURCE] = "google"};
    CHECK_STR(channel_classify(c.rules, cpc, NULL), "Paid Search");
    const char *fb[RF_COUNT] = {[RF_UTM_MEDIUM] = "cpc", [RF_UTM_SOURCE] = "facebook"};
    CHECK_STR(channel_classify(c.rules, fb, NULL), "Paid Search"); /* cpc rule comes first */
    const char *li[RF_COUNT] = {[RF_UTM_MEDIUM] = "paid-social", [RF_UTM_SOURCE] = "linkedin"};
    CHECK_STR(channel_classify(c.rules, li, NULL), "Paid Social");
    const char *mail[RF_COUNT] = {[RF_KIND] = "email_click"};
    CHECK_STR(channel_classify(c.rules, mail, NULL), "Email");
    const char *ev[RF_COUNT] = {[RF_CAMPAIGN_TYPE] = "Trade Show"};
    CHECK_STR(channel_classify(c.rules, ev, NULL), "Events");
    const char *org[RF_COUNT] = {[RF_REFERRER] = "www.google.com", [RF_KIND] = "form_fill"};
    CHECK_STR(channel_classify(c.rules, org, NULL), "Organic Search");
    const char *partner[RF_COUNT] = {[RF_LEAD_SOURCE] = "Partner Referral"};
    CHECK_STR(channel_classify(c.rules, partner, NULL), "Partner");
    const char *disp[RF_COUNT] = {[RF_UTM_MEDIUM] = "banner"};
    CHECK_STR(channel_classify(c.rules, disp, NULL), "Display");
    const char *none[RF_COUNT] = {[RF_CAMPAIGN_TYPE] = "Direct Mail"};
    CHECK_STR(channel_classify(c.rules, none, NULL), CHANNEL_OTHER);
  }
  etl_config_release(&c);
  strbuf_release(&err);
}

int main(void) {
  test_defaults();
  test_explicit_defaults();
  test_currency();
  test_period();
  test_lookback();
  test_half_life();
  test_reject_ratio();
  test_booleans();
  test_utc_offset();
  test_fiscal_month();
  test_crm_touches();
  test_ma_touch_types();
  test_expand_and_bytes();
  test_out_dir_and_paths();
  test_comments_and_quotes();
  test_unknown_keys_and_sections();
  test_case_insensitivity();
  test_crlf_and_bom();
  test_repeated_keys();
  test_channel_rules();
  test_custom_models();
  test_model_weight_parse();
  test_builtin_lookup();
  test_columns();
  test_inputs();
  test_load_file();
  test_root_config();
  return check_exit();
}
