/* Channel rules (contract §7): first matching rule wins, every field of a
 * rule must match, case-insensitive, unanchored unless anchored, a rule with
 * no field is a catch-all, a missing field is "", compile errors name the
 * field and offset, and a catastrophic pattern is cut off by the match
 * limit instead of hanging. */
#include <time.h>

#include "tests/unit/check.h"
#include "transforms/channel.h"

/* A touch with only the given fields set (others NULL = missing). */
struct touch {
  const char *f[RF_COUNT];
};

static const char *classify(const struct channel_rules *r, const struct touch *t) {
  return channel_classify(r, t->f, NULL);
}

static void add(struct channel_rules *r, enum rule_field f, const char *pat) {
  struct strbuf err = STRBUF_INIT;
  int rc = channel_rules_add_field(r, f, pat, &err);
  CHECK(rc == 0);
  if (rc)
    fprintf(stderr, "unexpected compile error: %s\n", strbuf_str(&err));
  strbuf_release(&err);
}

static void test_field_names(void) {
  CHECK_STR(rule_field_name(RF_UTM_SOURCE), "utm_source");
  CHECK_STR(rule_field_name(RF_UTM_MEDIUM), "utm_medium");
  CHECK_STR(rule_field_name(RF_UTM_CAMPAIGN), "utm_campaign");
  CHECK_STR(rule_field_name(RF_REFERRER), "referrer");
  CHECK_STR(rule_field_name(RF_CAMPAIGN_TYPE), "campaign_type");
  CHECK_STR(rule_field_name(RF_KIND), "kind");
  CHECK_STR(rule_field_name(RF_LEAD_SOURCE), "lead_source");
  for (int f = 0; f < RF_COUNT; f++)
    CHECK_I64(rule_field_from_name(rule_field_name((enum rule_field)f)), f);
  CHECK_I64(rule_field_from_name("UTM_Medium"), RF_UTM_MEDIUM);
  CHECK_I64(rule_field_from_name("utm_mediun"), -1);
  CHECK_I64(rule_field_from_name("utm_medium "), -1);
  CHECK_I64(rule_field_from_name(""), -1);
}

/* The channels a cost row may name (contract §9 "rejects.csv"): Other and
 * the channel of any rule, by exact bytes. */
static void test_known_channels(void) {
  struct channel_rules *r = channel_rules_new();
  CHECK(channel_rules_known(r, "Other", 5));
  CHECK(!channel_rules_known(r, "Email", 5));
  channel_rules_begin(r, "Paid Search");
  channel_rules_begin(r, "Email");
  CHECK(channel_rules_known(r, "Email", 5));
  CHECK(channel_rules_known(r, "Paid Search", 11));
  CHECK(!channel_rules_known(r, "paid search", 11));
  CHECK(!channel_rules_known(r, "Paid Search ", 12));
  CHECK(!channel_rules_known(r, "Paid", 4));
  CHECK(!channel_rules_known(r, "other", 5));
  CHECK(!channel_rules_known(r, "", 0));
  channel_rules_free(r);
}

static void test_empty_rules(void) {
  struct channel_rules *r = channel_rules_new();
  struct touch t = {{0}};
  CHECK_I64(channel_rules_count(r), 0);
  CHECK_STR(classify(r, &t), CHANNEL_OTHER);
  /* A field without a rule to hold it is refused. */
  struct strbuf err = STRBUF_INIT;
  CHECK(channel_rules_add_field(r, RF_KIND, "x", &err) < 0);
  CHECK(err.len > 0);
  strbuf_release(&err);
  channel_rules_free(r);
  channel_rules_free(NULL);
}

static void test_order_and_catch_all(void) {
  struct channel_rules *r = channel_rules_new();
  CHECK_I64(channel_rules_begin(r, "Paid Search"), 0);
  add(r, RF_UTM_MEDIUM, "^(cpc|ppc|paid[-_ ]?search)$");
  CHECK_I64(channel_rules_begin(r, "Email"), 1);
  add(r, RF_KIND, "^email_click$");
  /* A later rule that would also match cpc never wins over the first. */
  CHECK_I64(channel_rules_begin(r, "Shadowed"), 2);
  add(r, RF_UTM_MEDIUM, "cpc");
  CHECK_I64(channel_rules_begin(r, "Everything else"), 3);
  CHECK_I64(channel_rules_count(r), 4);

  struct touch cpc = {{[RF_UTM_MEDIUM] = "cpc", [RF_KIND] = "email_click"}};
  CHECK_STR(classify(r, &cpc), "Paid Search"); /* first rule wins over Email */
  struct touch mail = {{[RF_UTM_MEDIUM] = "newsletter", [RF_KIND] = "email_click"}};
  CHECK_STR(classify(r, &mail), "Email");
  struct touch none = {{0}};
  CHECK_STR(classify(r, &none), "Everything else"); /* catch-all */
  struct touch xcpc = {{[RF_UTM_MEDIUM] = "xcpc"}};
  CHECK_STR(classify(r, &xcpc), "Shadowed"); /* anchored rule 1 misses */
  channel_rules_free(r);
}

static void test_every_field_must_match(void) {
  struct channel_rules *r = channel_rules_new();
  channel_rules_begin(r, "Paid Social");
  add(r, RF_UTM_SOURCE, "^(facebook|linkedin)$");
  add(r, RF_UTM_MEDIUM, "^cpc$");
  struct touch both = {{[RF_UTM_SOURCE] = "facebook", [RF_UTM_MEDIUM] = "cpc"}};
  struct touch src = {{[RF_UTM_SOURCE] = "facebook", [RF_UTM_MEDIUM] = "organic"}};
  struct touch med = {{[RF_UTM_SOURCE] = "google", [RF_UTM_MEDIUM] = "cpc"}};
  struct touch only_src = {{[RF_UTM_SOURCE] = "linkedin"}};
  CHECK_STR(classify(r, &both), "Paid Social");
  CHECK_STR(classify(r, &src), CHANNEL_OTHER);
  CHECK_STR(classify(r, &med), CHANNEL_OTHER);
  CHECK_STR(classify(r, &only_src), CHANNEL_OTHER); /* missing medium is "" */
  channel_rules_free(r);
}

static void test_or_of_two_rules(void) {
  struct channel_rules *r = channel_rules_new();
  channel_rules_begin(r, "Paid Search");
  add(r, RF_UTM_MEDIUM, "^cpc$");
  channel_rules_begin(r, "Paid Search");
  add(r, RF_CAMPAIGN_TYPE, "^search ads$");
  struct touch a = {{[RF_UTM_MEDIUM] = "cpc"}};
  struct touch b = {{[RF_CAMPAIGN_TYPE] = "Search Ads"}};
  struct touch c = {{[RF_UTM_MEDIUM] = "display", [RF_CAMPAIGN_TYPE] = "Webinar"}};
  CHECK_STR(classify(r, &a), "Paid Search");
  CHECK_STR(classify(r, &b), "Paid Search");
  CHECK_STR(classify(r, &c), CHANNEL_OTHER);
  channel_rules_free(r);
}

static void test_missing_field_is_empty(void) {
  struct channel_rules *r = channel_rules_new();
  channel_rules_begin(r, "Organic Search");
  add(r, RF_REFERRER, "(^|\\.)(google|bing|duckduckgo)\\.");
  add(r, RF_UTM_MEDIUM, "^$");
  struct touch no_utm = {{[RF_REFERRER] = "www.google.com"}};
  struct touch empty_utm = {{[RF_REFERRER] = "www.bing.com", [RF_UTM_MEDIUM] = ""}};
  struct touch with_utm = {{[RF_REFERRER] = "www.google.com", [RF_UTM_MEDIUM] = "cpc"}};
  struct touch no_ref = {{0}};
  CHECK_STR(classify(r, &no_utm), "Organic Search");
  CHECK_STR(classify(r, &empty_utm), "Organic Search");
  CHECK_STR(classify(r, &with_utm), CHANNEL_OTHER);
  CHECK_STR(classify(r, &no_ref), CHANNEL_OTHER); /* "" does not match google */
  channel_rules_free(r);
}

static void test_case_anchoring_and_dot(void) {
  struct channel_rules *r = channel_rules_new();
  channel_rules_begin(r, "Anchored");
  add(r, RF_UTM_SOURCE, "^news$");
  channel_rules_begin(r, "Dot");
  add(r, RF_REFERRER, "^t\\.co$");
  channel_rules_begin(r, "Unanchored");
  add(r, RF_UTM_SOURCE, "letter");
  channel_rules_begin(r, "Accents");
  add(r, RF_CAMPAIGN_TYPE, "^événement$");

  struct touch upper = {{[RF_UTM_SOURCE] = "NEWS"}};
  CHECK_STR(classify(r, &upper), "Anchored");
  struct touch longer = {{[RF_UTM_SOURCE] = "newsy"}};
  CHECK_STR(classify(r, &longer), CHANNEL_OTHER);
  struct touch inside = {{[RF_UTM_SOURCE] = "NewsLetter-2024"}};
  CHECK_STR(classify(r, &inside), "Unanchored");
  struct touch tco = {{[RF_REFERRER] = "t.co"}};
  CHECK_STR(classify(r, &tco), "Dot");
  struct touch txco = {{[RF_REFERRER] = "txco"}}; /* \. is a literal dot */
  CHECK_STR(classify(r, &txco), CHANNEL_OTHER);
  struct touch accent = {{[RF_CAMPAIGN_TYPE] = "ÉVÉNEMENT"}};
  CHECK_STR(classify(r, &accent), "Accents");
  /* Invalid UTF-8 in a field is matched, not an error. */
  struct touch bad_utf = {{[RF_CAMPAIGN_TYPE] = "\xff\xfe", [RF_UTM_SOURCE] = "\xc3news"}};
  unsigned hits = 0;
  CHECK_STR(channel_classify(r, bad_utf.f, &hits), CHANNEL_OTHER);
  CHECK_I64(hits, 0);
  struct touch bad_utf2 = {{[RF_UTM_SOURCE] = "\xc3letter\xff"}};
  CHECK_STR(channel_classify(r, bad_utf2.f, &hits), "Unanchored");
  CHECK_I64(hits, 0);
  channel_rules_free(r);
}

static void test_field_twice_last_wins(void) {
  struct channel_rules *r = channel_rules_new();
  channel_rules_begin(r, "X");
  add(r, RF_KIND, "^web_visit$");
  add(r, RF_KIND, "^form_fill$");
  struct touch visit = {{[RF_KIND] = "web_visit"}};
  struct touch form = {{[RF_KIND] = "form_fill"}};
  CHECK_STR(classify(r, &visit), CHANNEL_OTHER);
  CHECK_STR(classify(r, &form), "X");
  channel_rules_free(r);
}

static void expect_compile_error(const char *pat, enum rule_field f, const char *want) {
  struct channel_rules *r = channel_rules_new();
  channel_rules_begin(r, "Bad");
  struct strbuf err = STRBUF_INIT;
  CHECK(channel_rules_add_field(r, f, pat, &err) < 0);
  CHECK_STR(strbuf_str(&err), want);
  strbuf_release(&err);
  /* The failed pattern left the rule a catch-all. */
  struct touch t = {{0}};
  CHECK_STR(classify(r, &t), "Bad");
  channel_rules_free(r);
}

static void test_compile_errors(void) {
  expect_compile_error("^(cpc|ppc", RF_UTM_MEDIUM,
                       "utm_medium: missing closing parenthesis at offset 9");
  expect_compile_error("[abc", RF_REFERRER,
                       "referrer: missing terminating ] for character class at offset 4");
  expect_compile_error("a\\C", RF_KIND, "kind: using \\C is disabled by the application at offset 3");
  /* A pattern must be valid UTF-8. */
  struct channel_rules *r = channel_rules_new();
  channel_rules_begin(r, "Bad");
  struct strbuf err = STRBUF_INIT;
  CHECK(channel_rules_add_field(r, RF_KIND, "ab\xff", &err) < 0);
  CHECK(strncmp(strbuf_str(&err), "kind: UTF-8 error", 17) == 0);
  strbuf_release(&err);
  channel_rules_free(r);
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_catastrophic_pattern(void) {
  struct channel_rules *r = channel_rules_new();
  channel_rules_begin(r, "Runaway");
  add(r, RF_UTM_CAMPAIGN, "^(a+)+$");
  channel_rules_begin(r, "Fallback");
  add(r, RF_UTM_CAMPAIGN, "a");
  struct touch t = {{[RF_UTM_CAMPAIGN] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"}};
  unsigned hits = 0;
  double t0 = now_seconds();
  const char *ch = channel_classify(r, t.f, &hits);
  double dt = now_seconds() - t0;
  CHECK_STR(ch, "Fallback"); /* the limit counts as no match, next rule tried */
  CHECK_I64(hits, 1);
  CHECK(dt < 1.0);
  /* A short subject still matches the same pattern normally. */
  struct touch ok = {{[RF_UTM_CAMPAIGN] = "aaaa"}};
  hits = 0;
  CHECK_STR(channel_classify(r, ok.f, &hits), "Runaway");
  CHECK_I64(hits, 0);
  /* NULL limit_hits is allowed. */
  CHECK_STR(channel_classify(r, t.f, NULL), "Fallback");
  channel_rules_free(r);
}

/* channel_rules_test: the fields a memo of channels must key on. */
static void test_fields_tested(void) {
  CHECK(!channel_rules_test(NULL, RF_KIND));
  struct channel_rules *r = channel_rules_new();
  struct strbuf err = STRBUF_INIT;
  channel_rules_begin(r, "Email");
  CHECK(channel_rules_add_field(r, RF_UTM_MEDIUM, "^email$", &err) == 0);
  channel_rules_begin(r, "Events");
  CHECK(channel_rules_add_field(r, RF_CAMPAIGN_TYPE, "event", &err) == 0);
  CHECK(channel_rules_add_field(r, RF_KIND, "campaign_response", &err) == 0);
  int tested = 0;
  for (int f = 0; f < RF_COUNT; f++)
    tested += channel_rules_test(r, (enum rule_field)f);
  CHECK_I64(tested, 3);
  CHECK(channel_rules_test(r, RF_UTM_MEDIUM) && channel_rules_test(r, RF_CAMPAIGN_TYPE) &&
        channel_rules_test(r, RF_KIND));
  CHECK(!channel_rules_test(r, RF_UTM_CAMPAIGN) && !channel_rules_test(r, RF_REFERRER));
  strbuf_release(&err);
  channel_rules_free(r);
}

int main(void) {
  test_fields_tested();
  test_field_names();
  test_known_channels();
  test_empty_rules();
  test_order_and_catch_all();
  test_every_field_must_match();
  test_or_of_two_rules();
  test_missing_field_is_empty();
  test_case_anchoring_and_dot();
  test_field_twice_last_wins();
  test_compile_errors();
  test_catastrophic_pattern();
  return check_exit();
}
