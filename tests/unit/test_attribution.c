/* One model over one opportunity (contract §4, §5.1, §9 "Models",
 * "primary_campaign"): one touch, two touches, FT = LC and FT != LC, a tie in
 * the remainder, negative values, every weight zero, no touches, revenue of
 * won and non-won opportunities, time decay, primary_campaign with a known
 * and an unknown campaign. Expected values are worked out by hand from the
 * contract's rules. */
#include <stdlib.h>

#include "tests/unit/check.h"
#include "transforms/attribution.h"
#include "transforms/base/calendar.h"
#include "transforms/credit.h"
#include "transforms/base/xalloc.h"

#define DAY 86400
#define W(x) ((int64_t)((x) * 1000) * (WEIGHT_SCALE / 1000)) /* weight x, 3 decimals */

static int64_t ts(int y, int m, int d, int hh) {
  return cal_days_from_civil(y, m, d) * DAY + hh * 3600;
}

/* The models of §4, defined here independently of the config loader. */
static struct model_def model(const char *name, enum model_kind kind, int64_t ft, int64_t lc,
                              int64_t oc, int64_t cw, int64_t lt, int64_t middle) {
  struct model_def m;
  memset(&m, 0, sizeof(m));
  m.name = (char *)name;
  m.kind = kind;
  m.weight[MS_FT] = ft;
  m.weight[MS_LC] = lc;
  m.weight[MS_OC] = oc;
  m.weight[MS_CW] = cw;
  m.weight[MS_LT] = lt;
  m.middle = middle;
  return m;
}

static struct model_def first_touch, last_touch, linear, u_shaped, w_shaped, full_path,
    time_decay, primary, cw_only;

static void models_init(void) {
  first_touch = model("first_touch", MODEL_POSITION, W(1), 0, 0, 0, 0, 0);
  last_touch = model("last_touch", MODEL_POSITION, 0, 0, 0, 0, W(1), 0);
  linear = model("linear", MODEL_POSITION, 0, 0, 0, 0, 0, W(1));
  u_shaped = model("u_shaped", MODEL_POSITION, W(0.4), W(0.4), 0, 0, 0, W(0.2));
  w_shaped = model("w_shaped", MODEL_POSITION, W(0.3), W(0.3), W(0.3), 0, 0, W(0.1));
  full_path = model("full_path", MODEL_POSITION, W(0.225), W(0.225), W(0.225), W(0.225), 0,
                    W(0.1));
  time_decay = model("time_decay", MODEL_TIME_DECAY, 0, 0, 0, 0, 0, 0);
  primary = model("primary_campaign", MODEL_PRIMARY_CAMPAIGN, 0, 0, 0, 0, 0, 0);
  cw_only = model("closers", MODEL_POSITION, 0, 0, 0, W(1), 0, 0);
}

/* --- Fixture: one person, one opportunity, touches at given times ------- */

static struct dataset ds;
static struct linkage lk;
static struct attr_scratch scratch;
static struct attr_ctx ctx;

/* Builds a data set whose single opportunity has the given touches (hours
 * after 2025-01-01 00:00), is created at created_h, won or not. */
static void fixture(const int *hours, size_t n, int created_h, bool won, int64_t pipeline,
                    int64_t revenue, int64_t person_created) {
  int64_t base = ts(2025, 1, 1, 0);
  dataset_init(&ds);
  ds.campaigns = xcalloc(1, sizeof(*ds.campaigns));
  ds.ncampaigns = 1;
  ds.campaigns[0].id = strpool_interns(&ds.strings, "701C");
  ds.campaigns[0].channel = strpool_interns(&ds.strings, "Events");
  ds.persons = xcalloc(1, sizeof(*ds.persons));
  ds.npersons = 1;
  ds.persons[0].key = strpool_interns(&ds.strings, "003P");
  ds.persons[0].created = person_created;
  ds.touches = xcalloc(n ? n : 1, sizeof(*ds.touches));
  ds.ntouches = n;
  for (size_t i = 0; i < n; i++) {
    char id[32];
    snprintf(id, sizeof(id), "t%zu", i + 1);
    ds.touches[i].touch_id = strpool_interns(&ds.strings, id);
    ds.touches[i].channel = strpool_interns(&ds.strings, "Other");
    ds.touches[i].campaign = DS_NONE;
    ds.touches[i].time = base + (int64_t)hours[i] * 3600;
  }
  ds.opps = xcalloc(1, sizeof(*ds.opps));
  ds.nopps = 1;
  ds.opps[0].id = strpool_interns(&ds.strings, "006O");
  ds.opps[0].campaign = DS_NONE;
  ds.opps[0].created = base + (int64_t)created_h * 3600;
  ds.opps[0].flags = won ? DS_OPP_CLOSED | DS_OPP_WON : 0;
  ds.opps[0].close_end = ts(2025, 3, 31, 0) + DAY - 1;
  ds.opps[0].pipeline_cents = pipeline;
  ds.opps[0].revenue_cents = revenue;
  ds.links = xcalloc(1, sizeof(*ds.links));
  ds.nlinks = 1;
  linkage_build(&lk, &ds, ts(2025, 3, 31, 0) + DAY - 1, 365, false, NULL);
  attr_scratch_init(&scratch);
  ctx.ds = &ds;
  ctx.lk = &lk;
  ctx.half_life_days = 7;
}

static void fixture_release(void) {
  attr_scratch_release(&scratch);
  linkage_release(&lk);
  dataset_release(&ds);
}

static const char *weight_text(const struct opp_credits *oc, size_t i) {
  static char buf[64];
  credit_weight_format(oc, i, buf);
  return buf;
}

static const char *ms_text(const struct opp_credits *oc, size_t i) {
  static char buf[16];
  milestones_format(oc->flags[i], buf);
  return buf;
}

/* --- Cases ------------------------------------------------------------- */

static void test_one_touch(void) {
  const struct model_def *all[] = {&first_touch, &last_touch, &linear,    &u_shaped,
                                   &w_shaped,    &full_path,  &time_decay};
  int hours[] = {5};
  struct opp_credits oc;
  fixture(hours, 1, 10, true, 123456, 654321, ts(2024, 12, 1, 0));
  for (size_t m = 0; m < sizeof(all) / sizeof(all[0]); m++) {
    attribute_opp(&ctx, all[m], 0, &scratch, &oc);
    CHECK(oc.attributed);
    CHECK_I64(oc.k, 1);
    CHECK_STR(weight_text(&oc, 0), "1.000000");
    CHECK_I64(oc.pip[0], 123456);
    CHECK_I64(oc.rev[0], 654321);
    CHECK(credit_weight_fix18(&oc, 0) == FIX18_ONE);
    /* LC: no touch at or before lc_time -> FT. */
    CHECK_STR(ms_text(&oc, 0), "FT+LC+OC+CW+LT");
    CHECK(credit_campaign(&ds, &oc, 0) == DS_NONE);
    CHECK_STR(ds_str(&ds, credit_channel(&ds, &oc, 0)), "Other");
  }
  fixture_release();
}

static void test_two_touches_ft_is_lc(void) {
  int hours[] = {1, 30};
  struct opp_credits oc;
  /* person created before every touch: LC falls back to FT. */
  fixture(hours, 2, 40, false, 100001, 0, ts(2024, 12, 1, 0));
  attribute_opp(&ctx, &u_shaped, 0, &scratch, &oc);
  CHECK(oc.attributed);
  CHECK_I64(oc.k, 2);
  CHECK_STR(ms_text(&oc, 0), "FT+LC");
  CHECK_STR(ms_text(&oc, 1), "OC+LT");
  /* t1 holds FT+LC (0.8); t2 is a middle touch in u_shaped (0.2). */
  CHECK_STR(weight_text(&oc, 0), "0.800000");
  CHECK_STR(weight_text(&oc, 1), "0.200000");
  /* 100001 * 0.8 = 80000.8, * 0.2 = 20000.2: the missing cent to t1. */
  CHECK_I64(oc.pip[0], 80001);
  CHECK_I64(oc.pip[1], 20000);
  CHECK_I64(oc.rev[0], 0);
  CHECK_I64(oc.rev[1], 0);

  attribute_opp(&ctx, &first_touch, 0, &scratch, &oc);
  CHECK_STR(weight_text(&oc, 0), "1.000000");
  CHECK_STR(weight_text(&oc, 1), "0.000000");
  CHECK_I64(oc.pip[0], 100001);
  CHECK_I64(oc.pip[1], 0);
  CHECK(credit_weight_fix18(&oc, 1) == 0);

  attribute_opp(&ctx, &last_touch, 0, &scratch, &oc);
  CHECK_I64(oc.pip[0], 0);
  CHECK_I64(oc.pip[1], 100001);

  /* w_shaped: t1 FT+LC 0.6, t2 OC 0.3, no middle: 2/3 and 1/3. */
  attribute_opp(&ctx, &w_shaped, 0, &scratch, &oc);
  CHECK_STR(weight_text(&oc, 0), "0.666667");
  CHECK_STR(weight_text(&oc, 1), "0.333333");
  CHECK_I64(oc.pip[0], 66667); /* 66667.33 + 33333.67: the cent to t2 */
  CHECK_I64(oc.pip[1], 33334);
  fixture_release();
}

static void test_three_touches_ft_lc_distinct(void) {
  int hours[] = {1, 20, 30};
  struct opp_credits oc;
  /* person created at hour 25: LC = t2. Opportunity created at hour 35
   * (OC = t3), won (CW = t3). */
  fixture(hours, 3, 35, true, 1000, 3000, ts(2025, 1, 1, 25));
  attribute_opp(&ctx, &u_shaped, 0, &scratch, &oc);
  CHECK_STR(ms_text(&oc, 0), "FT");
  CHECK_STR(ms_text(&oc, 1), "LC");
  CHECK_STR(ms_text(&oc, 2), "OC+CW+LT");
  CHECK_STR(weight_text(&oc, 0), "0.400000");
  CHECK_STR(weight_text(&oc, 1), "0.400000");
  CHECK_STR(weight_text(&oc, 2), "0.200000");
  CHECK_I64(oc.pip[0], 400);
  CHECK_I64(oc.rev[2], 600);

  /* full_path: FT .225, LC .225, t3 OC+CW .45, no middle touch. */
  attribute_opp(&ctx, &full_path, 0, &scratch, &oc);
  CHECK_STR(weight_text(&oc, 0), "0.250000");
  CHECK_STR(weight_text(&oc, 2), "0.500000");
  CHECK_I64(oc.rev[0] + oc.rev[1] + oc.rev[2], 3000);
  CHECK_I64(oc.rev[2], 1500);
  fixture_release();
}

static void test_remainder_tie(void) {
  int hours[] = {1, 2, 3};
  struct opp_credits oc;
  fixture(hours, 3, 10, true, 100, 200, ts(2024, 1, 1, 0));
  attribute_opp(&ctx, &linear, 0, &scratch, &oc);
  /* 33.33 each, equal remainders: the cent to the earliest touch. */
  CHECK_I64(oc.pip[0], 34);
  CHECK_I64(oc.pip[1], 33);
  CHECK_I64(oc.pip[2], 33);
  /* 66.67 each: two cents to the two earliest. */
  CHECK_I64(oc.rev[0], 67);
  CHECK_I64(oc.rev[1], 67);
  CHECK_I64(oc.rev[2], 66);
  CHECK_STR(weight_text(&oc, 0), "0.333333");
  CHECK(credit_weight_fix18(&oc, 0) == FIX18_ONE / 3);
  fixture_release();

  /* Negative value: -split(-v). */
  fixture(hours, 3, 10, false, -100, 0, ts(2024, 1, 1, 0));
  attribute_opp(&ctx, &linear, 0, &scratch, &oc);
  CHECK_I64(oc.pip[0], -34);
  CHECK_I64(oc.pip[1], -33);
  CHECK_I64(oc.pip[2], -33);
  fixture_release();
}

static void test_unattributed(void) {
  struct opp_credits oc;
  /* No eligible touch (the only one is after as_of). */
  int late[] = {24 * 100};
  fixture(late, 1, 10, true, 500, 500, ts(2024, 1, 1, 0));
  CHECK_I64(lk.off[1] - lk.off[0], 0);
  attribute_opp(&ctx, &linear, 0, &scratch, &oc);
  CHECK(!oc.attributed);
  CHECK_I64(oc.k, 0);
  attribute_opp(&ctx, &time_decay, 0, &scratch, &oc);
  CHECK(!oc.attributed);
  fixture_release();

  /* Every weight zero: only cw weighted and O not won. */
  int hours[] = {1, 2};
  fixture(hours, 2, 10, false, 500, 0, ts(2024, 1, 1, 0));
  attribute_opp(&ctx, &cw_only, 0, &scratch, &oc);
  CHECK(!oc.attributed);
  CHECK_I64(oc.k, 0);
  fixture_release();
  /* Won: the CW touch takes everything. */
  fixture(hours, 2, 10, true, 500, 700, ts(2024, 1, 1, 0));
  attribute_opp(&ctx, &cw_only, 0, &scratch, &oc);
  CHECK(oc.attributed);
  CHECK_I64(oc.pip[1], 500);
  CHECK_I64(oc.rev[1], 700);
  CHECK_I64(oc.rev[0], 0);
  fixture_release();
}

static void test_time_decay(void) {
  struct opp_credits oc;
  /* as_of = 2025-03-31 23:59:59; touches 7 days and 0 days before it:
   * 2^-1 and 2^0, normalized 1/3 and 2/3. */
  int64_t end = ts(2025, 3, 31, 0) + DAY - 1;
  int64_t base = ts(2025, 1, 1, 0);
  int h1 = (int)((end - 7 * DAY - base) / 3600), h0 = (int)((end - base) / 3600);
  int hours[] = {h1, h0};
  fixture(hours, 2, 10, false, 100, 0, ts(2024, 1, 1, 0));
  /* The fixture works in whole hours: pin the exact times. */
  ds.touches[0].time = end - 7 * DAY;
  ds.touches[1].time = end;
  attribute_opp(&ctx, &time_decay, 0, &scratch, &oc);
  CHECK(oc.attributed);
  CHECK(!oc.rational);
  CHECK_STR(weight_text(&oc, 0), "0.333333");
  CHECK_STR(weight_text(&oc, 1), "0.666667");
  CHECK_I64(oc.pip[0], 33);
  CHECK_I64(oc.pip[1], 67);
  __int128 f = credit_weight_fix18(&oc, 0) + credit_weight_fix18(&oc, 1);
  CHECK(f > FIX18_ONE - 1000 && f < FIX18_ONE + 1000);

  /* half_life_days decimal: 3.5 days -> 2^-2 and 1: 1/5 and 4/5. */
  ctx.half_life_days = 3.5;
  attribute_opp(&ctx, &time_decay, 0, &scratch, &oc);
  CHECK_STR(weight_text(&oc, 0), "0.200000");
  CHECK_I64(oc.pip[0], 20);
  CHECK_I64(oc.pip[1], 80);
  fixture_release();
}

static void test_primary_campaign(void) {
  int hours[] = {1};
  struct opp_credits oc;
  fixture(hours, 1, 10, true, 2500, 4000, ts(2024, 1, 1, 0));
  attribute_opp(&ctx, &primary, 0, &scratch, &oc);
  CHECK(!oc.attributed); /* unknown CampaignId */
  ds.opps[0].campaign = 0;
  attribute_opp(&ctx, &primary, 0, &scratch, &oc);
  CHECK(oc.attributed);
  CHECK_I64(oc.k, 1);
  CHECK(oc.touches == NULL);
  CHECK(oc.flags == NULL);
  CHECK_I64(credit_campaign(&ds, &oc, 0), 0);
  CHECK_STR(ds_str(&ds, credit_channel(&ds, &oc, 0)), "Events");
  CHECK_STR(weight_text(&oc, 0), "1.000000");
  CHECK_I64(oc.pip[0], 2500);
  CHECK_I64(oc.rev[0], 4000);
  /* Not won: revenue 0, pipeline whole. No linked people needed. */
  ds.opps[0].flags = 0;
  ds.nlinks = 0;
  attribute_opp(&ctx, &primary, 0, &scratch, &oc);
  CHECK(oc.attributed);
  CHECK_I64(oc.rev[0], 0);
  CHECK_I64(oc.pip[0], 2500);
  fixture_release();
}

int main(void) {
  models_init();
  test_one_touch();
  test_two_touches_ft_is_lc();
  test_three_touches_ft_lc_distinct();
  test_remainder_tie();
  test_unattributed();
  test_time_decay();
  test_primary_campaign();
  return check_exit();
}
