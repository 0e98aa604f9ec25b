/* Group sums, range and tables (contract §5.2-§5.5, §9 "Money and
 * costs", "Periods and range", "Tables"): range defaults and selection with
 * both sides of each boundary, the cost example of §5.4, touches counted in
 * every model, opportunities and pipeline by CreatedDate, won and revenue by
 * CloseDate, unattributed opportunities, an opportunity created before the
 * range but won inside, reconciliation, the written tables (order, rows
 * with only zeros left out, formula guard) and --jobs independence. The
 * expected values are worked out by hand in the comments. */
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "etl/attribute/tables.h"
#include "tests/unit/check.h"
#include "transforms/aggregate.h"
#include "transforms/base/calendar.h"
#include "transforms/credit.h"
#include "transforms/base/xalloc.h"

#define DAY 86400
#define W1 WEIGHT_SCALE

static int32_t D(int y, int m, int d) { return (int32_t)cal_days_from_civil(y, m, d); }
static int64_t T(int y, int m, int d, int hh) { return (int64_t)D(y, m, d) * DAY + hh * 3600; }

/* --- Data set builder --------------------------------------------------- */

static struct dataset ds;
static str_id S(const char *s) { return strpool_interns(&ds.strings, s); }

static uint32_t add_campaign(const char *id, const char *name, const char *type,
                             const char *channel, int64_t cost, int32_t start, int32_t end) {
  ds.campaigns = xreallocarray(ds.campaigns, ds.ncampaigns + 1, sizeof(*ds.campaigns));
  struct ds_campaign *c = &ds.campaigns[ds.ncampaigns];
  memset(c, 0, sizeof(*c));
  c->id = S(id);
  c->name = S(name);
  c->type = S(type);
  c->channel = S(channel);
  c->cost_cents = cost;
  c->cost_start = start;
  c->cost_end = end;
  return (uint32_t)ds.ncampaigns++;
}

static uint32_t add_person(const char *key, int64_t created) {
  ds.persons = xreallocarray(ds.persons, ds.npersons + 1, sizeof(*ds.persons));
  struct ds_person *p = &ds.persons[ds.npersons];
  memset(p, 0, sizeof(*p));
  p->key = S(key);
  p->created = created;
  return (uint32_t)ds.npersons++;
}

/* Touches must be added in (person, time) order. */
static void add_touch(const char *id, uint32_t person, uint32_t campaign, const char *channel,
                      int64_t time) {
  ds.touches = xreallocarray(ds.touches, ds.ntouches + 1, sizeof(*ds.touches));
  struct ds_touch *t = &ds.touches[ds.ntouches++];
  memset(t, 0, sizeof(*t));
  t->touch_id = S(id);
  t->person = person;
  t->campaign = campaign;
  t->channel = S(channel);
  t->time = time;
}

static uint32_t add_opp(const char *id, int64_t created, bool won, int32_t close_day,
                        int64_t pipeline, int64_t revenue, uint32_t campaign) {
  ds.opps = xreallocarray(ds.opps, ds.nopps + 1, sizeof(*ds.opps));
  struct ds_opportunity *o = &ds.opps[ds.nopps];
  memset(o, 0, sizeof(*o));
  o->id = S(id);
  o->campaign = campaign;
  o->created = created;
  o->flags = won ? DS_OPP_CLOSED | DS_OPP_WON : 0;
  o->close_day = close_day;
  o->close_end = (int64_t)close_day * DAY + DAY - 1;
  o->pipeline_cents = pipeline;
  o->revenue_cents = revenue;
  return (uint32_t)ds.nopps++;
}

static void add_link(uint32_t opp, uint32_t person) {
  ds.links = xreallocarray(ds.links, ds.nlinks + 1, sizeof(*ds.links));
  ds.links[ds.nlinks].opp = opp;
  ds.links[ds.nlinks++].person = person;
}

static void add_cost(int32_t day, uint32_t campaign, const char *channel, int64_t cents) {
  ds.costs = xreallocarray(ds.costs, ds.ncosts + 1, sizeof(*ds.costs));
  struct ds_cost *c = &ds.costs[ds.ncosts++];
  memset(c, 0, sizeof(*c));
  c->day = day;
  c->campaign = campaign;
  c->channel = S(channel);
  c->cents = cents;
}

static const struct period_cfg MONTH = {PERIOD_MONTH, 1};

/* --- Range -------------------------------------------------------------- */

static void test_range_build_and_index(void) {
  struct emit_range r;
  char name[32];
  /* Mid-month from and to select the whole months that overlap. */
  range_build(&r, &MONTH, D(2024, 7, 15), D(2024, 10, 2));
  CHECK_I64(r.n, 4);
  range_name(&r, name);
  CHECK_STR(name, "2024-07-01_2024-10-31");
  CHECK_I64(range_index(&r, D(2024, 6, 30)), -1);
  CHECK_I64(range_index(&r, D(2024, 7, 1)), 0);
  CHECK_I64(range_index(&r, D(2024, 7, 31)), 0);
  CHECK_I64(range_index(&r, D(2024, 8, 1)), 1);
  CHECK_I64(range_index(&r, D(2024, 10, 31)), 3);
  CHECK_I64(range_index(&r, D(2024, 11, 1)), -1);
  CHECK_I64(range_index(&r, DS_NO_DAY), -1);
  range_release(&r);

  /* A period boundary on either side: to on the last day of a month does
   * not pull in the next one; from on the first day starts there. */
  range_build(&r, &MONTH, D(2024, 8, 1), D(2024, 8, 31));
  CHECK_I64(r.n, 1);
  range_release(&r);
  range_build(&r, &MONTH, D(2024, 7, 31), D(2024, 9, 1));
  CHECK_I64(r.n, 3);
  range_release(&r);

  /* ISO weeks: 2024-12-30 (Mon) .. 2025-01-05 (Sun) is one week. */
  struct period_cfg week = {PERIOD_WEEK, 1};
  range_build(&r, &week, D(2025, 1, 1), D(2025, 1, 6));
  CHECK_I64(r.n, 2);
  range_name(&r, name);
  CHECK_STR(name, "2024-12-30_2025-01-12");
  range_release(&r);
}

static void test_range_defaults(void) {
  struct emit_range r;
  char name[32];
  dataset_init(&ds);
  /* 1 cent over 15 Jan - 20 Feb: Jan's share 17/37 floors to 0, Feb's
   * 20/37 takes the cent: the cost's earliest period is February. */
  add_campaign("701A", "A", "Webinar", "Events", 1, D(2024, 1, 15), D(2024, 2, 20));
  add_campaign("701Z", "Z", "Webinar", "Events", 0, D(2023, 1, 1), D(2023, 1, 1));
  uint32_t p = add_person("003P", T(2023, 1, 1, 0));
  add_touch("t", p, DS_NONE, "Other", T(2024, 6, 1, 0));
  CHECK_I64(range_data_start(&ds, &MONTH), D(2024, 2, 1));

  /* Cost rows: a zero row does not count, a non-zero one does (its
   * period's first day). */
  add_cost(D(2023, 12, 5), DS_NONE, "Ads", 0);
  CHECK_I64(range_data_start(&ds, &MONTH), D(2024, 2, 1));
  add_cost(D(2023, 12, 5), DS_NONE, "Ads", 100);
  CHECK_I64(range_data_start(&ds, &MONTH), D(2023, 12, 1));

  /* Opportunity CreatedDate (UTC date); a won CloseDate; a CloseDate of a
   * lost opportunity does not count. */
  add_opp("006A", T(2023, 11, 3, 23), false, D(2023, 1, 1), 0, 0, DS_NONE);
  CHECK_I64(range_data_start(&ds, &MONTH), D(2023, 11, 3));
  add_opp("006B", T(2024, 1, 1, 0), true, D(2023, 10, 9), 0, 0, DS_NONE);
  CHECK_I64(range_data_start(&ds, &MONTH), D(2023, 10, 9));

  /* Defaults: from the data, to the as_of date. */
  CHECK(range_resolve(&r, &ds, &MONTH, T(2024, 6, 10, 12), DS_NO_DAY, DS_NO_DAY) == 0);
  range_name(&r, name);
  CHECK_STR(name, "2023-10-01_2024-06-30");
  range_release(&r);
  /* --from alone keeps the default to; --to alone the default from. */
  CHECK(range_resolve(&r, &ds, &MONTH, T(2024, 6, 10, 12), D(2024, 3, 3), DS_NO_DAY) == 0);
  range_name(&r, name);
  CHECK_STR(name, "2024-03-01_2024-06-30");
  range_release(&r);
  CHECK(range_resolve(&r, &ds, &MONTH, T(2024, 6, 10, 12), DS_NO_DAY, D(2024, 1, 1)) == 0);
  range_name(&r, name);
  CHECK_STR(name, "2023-10-01_2024-01-31");
  range_release(&r);
  /* --to before every datum: the range is to's period. */
  CHECK(range_resolve(&r, &ds, &MONTH, T(2024, 6, 10, 12), DS_NO_DAY, D(2022, 5, 5)) == 0);
  range_name(&r, name);
  CHECK_STR(name, "2022-05-01_2022-05-31");
  range_release(&r);
  /* --from after the effective to: error; equal: fine. */
  CHECK(range_resolve(&r, &ds, &MONTH, T(2024, 6, 10, 12), D(2024, 6, 11), DS_NO_DAY) == -1);
  CHECK(range_resolve(&r, &ds, &MONTH, T(2024, 6, 10, 12), D(2024, 6, 10), DS_NO_DAY) == 0);
  CHECK_I64(r.n, 1);
  range_release(&r);
  dataset_release(&ds);

  /* No data at all: the period of as_of. */
  dataset_init(&ds);
  CHECK_I64(range_data_start(&ds, &MONTH), DS_NO_DAY);
  CHECK(range_resolve(&r, &ds, &MONTH, T(2024, 6, 10, 12), DS_NO_DAY, DS_NO_DAY) == 0);
  range_name(&r, name);
  CHECK_STR(name, "2024-06-01_2024-06-30");
  range_release(&r);
  dataset_release(&ds);
}

/* --- The shared scenario ------------------------------------------------ */
/* Campaigns: 701A (Events, 18,000.00 over 1 Jul - 17 Oct 2024), 701B
 * (Events, name "=Webinar"). Person P1 (created 2024-06-01) touches cm:1
 * (10 Jul, 701A, Events) and ma:2 (5 Aug, no campaign, Paid Search);
 * person P2 (created 15 Sep) touches ma:4 (1 May, no campaign, Email) and
 * ma:3 (20 Sep, 701B, Events).
 *  006A: created 20 Aug, won 5 Oct, 1000.00 / 1200.00, linked P1, primary
 *        campaign 701B;
 *  006B: created 1 Sep, open, 50.00, nobody linked, no primary campaign;
 *  006C: created 1 Mar (before the range), won 10 Sep, 300.00 / 300.00,
 *        linked P2, primary campaign 701A.
 * Cost rows: 100.00 on 15 Aug to 701A; 25.00 on 3 Sep to "Paid Search".
 * Range: Jul-Oct 2024. */
static void scenario(void) {
  dataset_init(&ds);
  uint32_t a = add_campaign("701A", "Spring Expo", "Trade Show", "Events", 1800000,
                            D(2024, 7, 1), D(2024, 10, 17));
  uint32_t b = add_campaign("701B", "=Webinar", "Webinar", "Events", 0, DS_NO_DAY, DS_NO_DAY);
  uint32_t p1 = add_person("003P1", T(2024, 6, 1, 0));
  uint32_t p2 = add_person("003P2", T(2024, 9, 15, 0));
  add_touch("cm:1", p1, a, "Events", T(2024, 7, 10, 10));
  add_touch("ma:2", p1, DS_NONE, "Paid Search", T(2024, 8, 5, 9));
  add_touch("ma:4", p2, DS_NONE, "Email", T(2024, 5, 1, 8));
  add_touch("ma:3", p2, b, "Events", T(2024, 9, 20, 7));
  uint32_t oa = add_opp("006A", T(2024, 8, 20, 6), true, D(2024, 10, 5), 100000, 120000, b);
  add_opp("006B", T(2024, 9, 1, 5), false, D(2024, 12, 1), 5000, 0, DS_NONE);
  uint32_t oc = add_opp("006C", T(2024, 3, 1, 4), true, D(2024, 9, 10), 30000, 30000, a);
  add_link(oa, p1);
  add_link(oc, p2);
  add_cost(D(2024, 8, 15), a, "", 10000);
  add_cost(D(2024, 9, 3), DS_NONE, "Paid Search", 2500);
}

static struct model_def models[3];

static void models_init(void) {
  memset(models, 0, sizeof(models));
  models[0].name = (char *)"linear";
  models[0].kind = MODEL_POSITION;
  models[0].middle = W1;
  models[1].name = (char *)"first_touch";
  models[1].kind = MODEL_POSITION;
  models[1].weight[MS_FT] = W1;
  models[2].name = (char *)"primary_campaign";
  models[2].kind = MODEL_PRIMARY_CAMPAIGN;
}

/* Everything the tables need, built from the scenario. */
struct world {
  struct emit_range r;
  struct groups g;
  struct base_sums base;
  uint8_t *cover;
  struct linkage lk;
  struct attr_ctx ctx;
};

static void world_build(struct world *w) {
  range_build(&w->r, &MONTH, D(2024, 7, 15), D(2024, 10, 2));
  groups_build(&w->g, &ds);
  base_sums_build(&w->base, &ds, &w->g, &w->r);
  w->cover = coverage_build(&ds, &w->r);
  linkage_build(&w->lk, &ds, T(2024, 12, 31, 0), 365, false, w->cover);
  w->ctx.ds = &ds;
  w->ctx.lk = &w->lk;
  w->ctx.half_life_days = 7;
}

static void world_release(struct world *w) {
  linkage_release(&w->lk);
  free(w->cover);
  base_sums_release(&w->base);
  groups_release(&w->g);
  range_release(&w->r);
}

static uint32_t camp_rank(const struct world *w, uint32_t group) { return w->g.camp_rank[group]; }

static uint32_t chan_rank(const struct world *w, const char *name) {
  for (uint32_t i = 0; i < w->g.nchannels; i++)
    if (strcmp(w->g.chan_names[i], name) == 0)
      return i;
  return UINT32_MAX;
}

static const struct agg_cell *cell(const struct agg_map *m, uint32_t p, uint32_t rank) {
  static const struct agg_cell zero;
  const struct agg_cell *c = agg_map_find(m, p, rank);
  return c ? c : &zero;
}

static void test_groups(void) {
  struct world w;
  scenario();
  world_build(&w);
  /* Bytewise: "(none)" < "(unattributed)" < "701A" < "701B". */
  CHECK_I64(camp_rank(&w, w.g.camp_none), 0);
  CHECK_I64(camp_rank(&w, w.g.camp_unattributed), 1);
  CHECK_I64(camp_rank(&w, 0), 2);
  CHECK_I64(camp_rank(&w, 1), 3);
  CHECK_I64(w.g.camp_group[2], 0);
  CHECK_I64(w.g.nchannels, 4);
  CHECK_STR(w.g.chan_names[0], "(unattributed)");
  CHECK_STR(w.g.chan_names[1], "Email");
  CHECK_STR(w.g.chan_names[2], "Events");
  CHECK_STR(w.g.chan_names[3], "Paid Search");
  CHECK_I64(w.g.chan_unattributed, 0);
  CHECK_I64(w.g.cost_chan[0], 2); /* 701A's cost row: the campaign's channel */
  CHECK_I64(w.g.cost_chan[1], 3);
  /* Coverage: created in range; won in range; both. */
  CHECK_I64(w.cover[0], COVER_CREATED | COVER_WON);
  CHECK_I64(w.cover[1], COVER_CREATED);
  CHECK_I64(w.cover[2], COVER_WON);
  world_release(&w);
  dataset_release(&ds);
}

static void test_base_sums(void) {
  struct world w;
  scenario();
  world_build(&w);
  uint32_t a = camp_rank(&w, 0), b = camp_rank(&w, 1), none = camp_rank(&w, w.g.camp_none);
  uint32_t ev = chan_rank(&w, "Events"), ps = chan_rank(&w, "Paid Search");
  /* §5.4's example: 5119.27, 5119.26 (+100.00 cost row), 4954.13, 2807.34. */
  CHECK_I64(cell(&w.base.campaign, 0, a)->cost, 511927);
  CHECK_I64(cell(&w.base.campaign, 1, a)->cost, 511926 + 10000);
  CHECK_I64(cell(&w.base.campaign, 2, a)->cost, 495413);
  CHECK_I64(cell(&w.base.campaign, 3, a)->cost, 280734);
  CHECK_I64(cell(&w.base.channel, 0, ev)->cost, 511927);
  CHECK_I64(cell(&w.base.channel, 1, ev)->cost, 521926);
  /* The channel cost row only in the channel table. */
  CHECK_I64(cell(&w.base.channel, 2, ps)->cost, 2500);
  CHECK_I64(cell(&w.base.campaign, 2, none)->cost, 0);
  /* Touches by time, in range only (ma:4 in May is out). */
  CHECK_I64(cell(&w.base.campaign, 0, a)->touches, 1);
  CHECK_I64(cell(&w.base.campaign, 1, none)->touches, 1);
  CHECK_I64(cell(&w.base.campaign, 2, b)->touches, 1);
  CHECK_I64(cell(&w.base.channel, 1, ps)->touches, 1);
  CHECK_I64(cell(&w.base.channel, 2, ev)->touches, 1);
  CHECK_I64(cell(&w.base.channel, 0, chan_rank(&w, "Email"))->touches, 0);
  int64_t total = 0;
  for (size_t i = 0; i < w.base.campaign.ncells; i++)
    total += w.base.campaign.cells[i].touches;
  CHECK_I64(total, 3);
  world_release(&w);
  dataset_release(&ds);
}

static void test_model_sums(void) {
  struct world w;
  struct model_sums ms;
  scenario();
  world_build(&w);
  uint32_t a = camp_rank(&w, 0), b = camp_rank(&w, 1), none = camp_rank(&w, w.g.camp_none);
  uint32_t un = camp_rank(&w, w.g.camp_unattributed);
  uint32_t ev = chan_rank(&w, "Events"), ps = chan_rank(&w, "Paid Search");
  uint32_t em = chan_rank(&w, "Email");

  /* linear: 006A's touches cm:1 and ma:2 get 1/2 each, in August
   * (created) and October (won); 006B unattributed in September; 006C
   * (created before the range) only its revenue, to ma:4, in September. */
  model_sums_build(&ms, &w.ctx, &models[0], &w.g, &w.r, w.cover);
  CHECK(cell(&ms.campaign, 1, a)->opps == FIX18_ONE / 2);
  CHECK_I64(cell(&ms.campaign, 1, a)->pipeline, 50000);
  CHECK(cell(&ms.campaign, 1, none)->opps == FIX18_ONE / 2);
  CHECK_I64(cell(&ms.campaign, 3, a)->revenue, 60000);
  CHECK(cell(&ms.campaign, 3, none)->won == FIX18_ONE / 2);
  CHECK(cell(&ms.campaign, 2, un)->opps == FIX18_ONE);
  CHECK_I64(cell(&ms.campaign, 2, un)->pipeline, 5000);
  CHECK(cell(&ms.campaign, 2, none)->won == FIX18_ONE);
  CHECK_I64(cell(&ms.campaign, 2, none)->revenue, 30000);
  CHECK(cell(&ms.campaign, 2, none)->opps == 0); /* 006C's pipeline is out */
  CHECK_I64(cell(&ms.channel, 1, ev)->pipeline, 50000);
  CHECK_I64(cell(&ms.channel, 1, ps)->pipeline, 50000);
  CHECK_I64(cell(&ms.channel, 3, ps)->revenue, 60000);
  CHECK_I64(cell(&ms.channel, 2, em)->revenue, 30000);
  CHECK_I64(cell(&ms.channel, 2, w.g.chan_unattributed)->pipeline, 5000);
  CHECK_I64(ms.recon.opps, 2);
  CHECK_I64(ms.recon.pipeline_attributed, 100000);
  CHECK_I64(ms.recon.pipeline_unattributed, 5000);
  CHECK_I64(ms.recon.won, 2);
  CHECK_I64(ms.recon.revenue_attributed, 150000);
  CHECK_I64(ms.recon.revenue_unattributed, 0);
  model_sums_release(&ms);

  /* primary_campaign: 006A to 701B (channel Events), 006C to 701A. */
  model_sums_build(&ms, &w.ctx, &models[2], &w.g, &w.r, w.cover);
  CHECK(cell(&ms.campaign, 1, b)->opps == FIX18_ONE);
  CHECK_I64(cell(&ms.campaign, 3, b)->revenue, 120000);
  CHECK_I64(cell(&ms.campaign, 2, a)->revenue, 30000);
  CHECK_I64(cell(&ms.channel, 1, ev)->pipeline, 100000);
  CHECK_I64(cell(&ms.campaign, 2, un)->pipeline, 5000);
  CHECK_I64(ms.recon.pipeline_unattributed, 5000);
  CHECK_I64(ms.recon.revenue_attributed, 150000);
  model_sums_release(&ms);

  /* A range that ends before October: 006A's revenue is not counted. */
  range_release(&w.r);
  free(w.cover);
  range_build(&w.r, &MONTH, D(2024, 7, 1), D(2024, 9, 30));
  w.cover = coverage_build(&ds, &w.r);
  model_sums_build(&ms, &w.ctx, &models[0], &w.g, &w.r, w.cover);
  CHECK_I64(ms.recon.won, 1);
  CHECK_I64(ms.recon.revenue_attributed, 30000);
  CHECK_I64(ms.recon.opps, 2);
  model_sums_release(&ms);
  world_release(&w);
  dataset_release(&ds);
}

/* --- Tables on disk ----------------------------------------------------- */

static char *slurp(const char *path, bool gz) {
  struct strbuf sb = STRBUF_INIT;
  char buf[4096];
  int n;
  gzFile f = gz ? gzopen(path, "rb") : NULL;
  FILE *p = gz ? NULL : fopen(path, "rb");
  if (!f && !p)
    return xstrdup("(missing)");
  while ((n = gz ? gzread(f, buf, sizeof(buf)) : (int)fread(buf, 1, sizeof(buf), p)) > 0)
    strbuf_add(&sb, buf, (size_t)n);
  if (gz)
    gzclose(f);
  else
    fclose(p);
  return strbuf_detach(&sb);
}

static char *file_path(const char *dir, const char *name) { return xasprintf("%s/%s", dir, name); }

static char *read_table(const char *dir, const char *name) {
  char *path = file_path(dir, name);
  char *text = slurp(path, strstr(name, ".gz") != NULL);
  free(path);
  return text;
}

static const char *const table_names[] = {TABLE_BY_CAMPAIGN, TABLE_BY_CHANNEL,
                                          TABLE_TOUCH_CREDITS, TABLE_RECONCILIATION};

static void write_tables(const char *dir, unsigned jobs, bool bom, uint64_t *rows) {
  struct world w;
  struct etl_config cfg;
  struct strbuf err = STRBUF_INIT;
  memset(&cfg, 0, sizeof(cfg));
  cfg.models = models;
  cfg.nmodels = 3;
  cfg.half_life_days = 7;
  cfg.excel_bom = bom;
  world_build(&w);
  struct tables_input in = {&cfg, &ds, &w.lk, &w.g, &w.r, &w.base, w.cover, jobs, NULL, NULL, NULL};
  CHECK(tables_write(&in, dir, rows, &err) == 0);
  if (err.len)
    fprintf(stderr, "%s\n", err.buf);
  strbuf_release(&err);
  world_release(&w);
}

static void remove_tables(const char *dir) {
  for (size_t i = 0; i < 4; i++) {
    char *p = file_path(dir, table_names[i]);
    unlink(p);
    free(p);
  }
  rmdir(dir);
}

static const char expected_by_campaign[] =
    "period,period_start,period_end,model,campaign_id,campaign_name,campaign_type,touches,"
    "opportunities,pipeline,won_opportunities,revenue,cost,roi\r\n"
    /* July: 701A's touch and cost share, in every model. */
    "2024-07,2024-07-01,2024-07-31,linear,701A,Spring Expo,Trade Show,1,0.000000,0.00,0.000000,0.00,5119.27,-1.0000\r\n"
    "2024-07,2024-07-01,2024-07-31,first_touch,701A,Spring Expo,Trade Show,1,0.000000,0.00,0.000000,0.00,5119.27,-1.0000\r\n"
    "2024-07,2024-07-01,2024-07-31,primary_campaign,701A,Spring Expo,Trade Show,1,0.000000,0.00,0.000000,0.00,5119.27,-1.0000\r\n"
    /* August: 006A created; ma:2 (no campaign) touched; 701B only under
     * primary_campaign (no touch, no cost elsewhere: left out). */
    "2024-08,2024-08-01,2024-08-31,linear,(none),,,1,0.500000,500.00,0.000000,0.00,0.00,\r\n"
    "2024-08,2024-08-01,2024-08-31,linear,701A,Spring Expo,Trade Show,0,0.500000,500.00,0.000000,0.00,5219.26,-1.0000\r\n"
    "2024-08,2024-08-01,2024-08-31,first_touch,(none),,,1,0.000000,0.00,0.000000,0.00,0.00,\r\n"
    "2024-08,2024-08-01,2024-08-31,first_touch,701A,Spring Expo,Trade Show,0,1.000000,1000.00,0.000000,0.00,5219.26,-1.0000\r\n"
    "2024-08,2024-08-01,2024-08-31,primary_campaign,(none),,,1,0.000000,0.00,0.000000,0.00,0.00,\r\n"
    "2024-08,2024-08-01,2024-08-31,primary_campaign,701A,Spring Expo,Trade Show,0,0.000000,0.00,0.000000,0.00,5219.26,-1.0000\r\n"
    "2024-08,2024-08-01,2024-08-31,primary_campaign,701B,'=Webinar,Webinar,0,1.000000,1000.00,0.000000,0.00,0.00,\r\n"
    /* September: 006B unattributed; 006C won (created before the range). */
    "2024-09,2024-09-01,2024-09-30,linear,(none),,,0,0.000000,0.00,1.000000,300.00,0.00,\r\n"
    "2024-09,2024-09-01,2024-09-30,linear,(unattributed),,,0,1.000000,50.00,0.000000,0.00,0.00,\r\n"
    "2024-09,2024-09-01,2024-09-30,linear,701A,Spring Expo,Trade Show,0,0.000000,0.00,0.000000,0.00,4954.13,-1.0000\r\n"
    "2024-09,2024-09-01,2024-09-30,linear,701B,'=Webinar,Webinar,1,0.000000,0.00,0.000000,0.00,0.00,\r\n"
    "2024-09,2024-09-01,2024-09-30,first_touch,(none),,,0,0.000000,0.00,1.000000,300.00,0.00,\r\n"
    "2024-09,2024-09-01,2024-09-30,first_touch,(unattributed),,,0,1.000000,50.00,0.000000,0.00,0.00,\r\n"
    "2024-09,2024-09-01,2024-09-30,first_touch,701A,Spring Expo,Trade Show,0,0.000000,0.00,0.000000,0.00,4954.13,-1.0000\r\n"
    "2024-09,2024-09-01,2024-09-30,first_touch,701B,'=Webinar,Webinar,1,0.000000,0.00,0.000000,0.00,0.00,\r\n"
    "2024-09,2024-09-01,2024-09-30,primary_campaign,(unattributed),,,0,1.000000,50.00,0.000000,0.00,0.00,\r\n"
    "2024-09,2024-09-01,2024-09-30,primary_campaign,701A,Spring Expo,Trade Show,0,0.000000,0.00,1.000000,300.00,4954.13,-0.9394\r\n"
    "2024-09,2024-09-01,2024-09-30,primary_campaign,701B,'=Webinar,Webinar,1,0.000000,0.00,0.000000,0.00,0.00,\r\n"
    /* October: 006A won; first_touch gives ma:2 (none) weight 0: no row. */
    "2024-10,2024-10-01,2024-10-31,linear,(none),,,0,0.000000,0.00,0.500000,600.00,0.00,\r\n"
    "2024-10,2024-10-01,2024-10-31,linear,701A,Spring Expo,Trade Show,0,0.000000,0.00,0.500000,600.00,2807.34,-0.7863\r\n"
    "2024-10,2024-10-01,2024-10-31,first_touch,701A,Spring Expo,Trade Show,0,0.000000,0.00,1.000000,1200.00,2807.34,-0.5725\r\n"
    "2024-10,2024-10-01,2024-10-31,primary_campaign,701A,Spring Expo,Trade Show,0,0.000000,0.00,0.000000,0.00,2807.34,-1.0000\r\n"
    "2024-10,2024-10-01,2024-10-31,primary_campaign,701B,'=Webinar,Webinar,0,0.000000,0.00,1.000000,1200.00,0.00,\r\n";

static const char expected_credits[] =
    "model,opportunity_id,touch_id,person_id,touch_time,campaign_id,channel,milestones,weight,"
    "pipeline_credit,revenue_credit\r\n"
    "linear,006A,cm:1,003P1,2024-07-10T10:00:00Z,701A,Events,FT+LC,0.500000,500.00,600.00\r\n"
    "linear,006A,ma:2,003P1,2024-08-05T09:00:00Z,,Paid Search,OC+CW+LT,0.500000,500.00,600.00\r\n"
    "linear,006C,ma:4,003P2,2024-05-01T08:00:00Z,,Email,FT+LC+CW+LT,1.000000,300.00,300.00\r\n"
    "first_touch,006A,cm:1,003P1,2024-07-10T10:00:00Z,701A,Events,FT+LC,1.000000,1000.00,1200.00\r\n"
    "first_touch,006A,ma:2,003P1,2024-08-05T09:00:00Z,,Paid Search,OC+CW+LT,0.000000,0.00,0.00\r\n"
    "first_touch,006C,ma:4,003P2,2024-05-01T08:00:00Z,,Email,FT+LC+CW+LT,1.000000,300.00,300.00\r\n"
    "primary_campaign,006A,,,2024-08-20T06:00:00Z,701B,Events,,1.000000,1000.00,1200.00\r\n"
    "primary_campaign,006C,,,2024-03-01T04:00:00Z,701A,Events,,1.000000,300.00,300.00\r\n";

static const char expected_recon[] =
    "model,opportunities,pipeline_total,pipeline_attributed,pipeline_unattributed,"
    "won_opportunities,revenue_total,revenue_attributed,revenue_unattributed\r\n"
    "linear,2,1050.00,1000.00,50.00,2,1500.00,1500.00,0.00\r\n"
    "first_touch,2,1050.00,1000.00,50.00,2,1500.00,1500.00,0.00\r\n"
    "primary_campaign,2,1050.00,1000.00,50.00,2,1500.00,1500.00,0.00\r\n";

static void test_tables(void) {
  char dir1[] = "/tmp/test_aggregate.XXXXXX", dir2[] = "/tmp/test_aggregate.XXXXXX";
  uint64_t rows1 = 0, rows2 = 0;
  CHECK(mkdtemp(dir1) != NULL);
  CHECK(mkdtemp(dir2) != NULL);
  scenario();
  write_tables(dir1, 1, false, &rows1);
  write_tables(dir2, 3, false, &rows2);
  CHECK_I64(rows1, 8);
  CHECK_I64(rows2, 8);

  char *t = read_table(dir1, TABLE_BY_CAMPAIGN);
  CHECK_STR(t, expected_by_campaign);
  free(t);
  t = read_table(dir1, TABLE_TOUCH_CREDITS);
  CHECK_STR(t, expected_credits);
  free(t);
  t = read_table(dir1, TABLE_RECONCILIATION);
  CHECK_STR(t, expected_recon);
  free(t);

  t = read_table(dir1, TABLE_BY_CHANNEL);
  CHECK(strncmp(t, "period,period_start,period_end,model,channel,touches,opportunities,", 67) == 0);
  CHECK(strstr(t, "\r\n2024-07,2024-07-01,2024-07-31,linear,Events,1,0.000000,0.00,0.000000,"
                  "0.00,5119.27,-1.0000\r\n") != NULL);
  CHECK(strstr(t, "\r\n2024-08,2024-08-01,2024-08-31,linear,Events,0,0.500000,500.00,0.000000,"
                  "0.00,5219.26,-1.0000\r\n2024-08,2024-08-01,2024-08-31,linear,Paid Search,1,"
                  "0.500000,500.00,0.000000,0.00,0.00,\r\n") != NULL);
  CHECK(strstr(t, "\r\n2024-09,2024-09-01,2024-09-30,linear,(unattributed),0,1.000000,50.00,"
                  "0.000000,0.00,0.00,\r\n2024-09,2024-09-01,2024-09-30,linear,Email,0,0.000000,"
                  "0.00,1.000000,300.00,0.00,\r\n") != NULL);
  CHECK(strstr(t, "\r\n2024-09,2024-09-01,2024-09-30,primary_campaign,Paid Search,0,0.000000,0.00,"
                  "0.000000,0.00,25.00,-1.0000\r\n") != NULL);
  CHECK(strstr(t, "primary_campaign,Email") == NULL); /* ma:4 is outside the range */
  free(t);

  /* --jobs 3 gives the same bytes. */
  for (size_t i = 0; i < 4; i++) {
    char *p1 = file_path(dir1, table_names[i]), *p2 = file_path(dir2, table_names[i]);
    char *a = slurp(p1, false), *b = slurp(p2, false);
    CHECK_STR(a, b);
    free(a);
    free(b);
    free(p1);
    free(p2);
  }
  remove_tables(dir2);

  /* excel_bom: every table starts with the BOM, inside the gzip too. */
  snprintf(dir2, sizeof dir2, "/tmp/test_aggregate.XXXXXX");
  CHECK(mkdtemp(dir2) != NULL);
  write_tables(dir2, 2, true, &rows2);
  for (size_t i = 0; i < 4; i++) {
    t = read_table(dir2, table_names[i]);
    CHECK(strncmp(t, "\xEF\xBB\xBF", 3) == 0);
    free(t);
  }
  remove_tables(dir1);
  remove_tables(dir2);
  dataset_release(&ds);
}

int main(void) {
  models_init();
  test_range_build_and_index();
  test_range_defaults();
  test_groups();
  test_base_sums();
  test_model_sums();
  test_tables();
  return check_exit();
}
