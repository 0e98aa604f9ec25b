/* Loading the attribution tables for the report (see report_data.h):
 * reconciliation.csv (the models and their totals), then
 * attribution_by_channel.csv and attribution_by_campaign.csv summed over
 * the range. */
#include <stdlib.h>
#include <string.h>

#include "etl/report/report_data.h"
#include "etl/report/report_periods.h"
#include "etl/report/report_table.h"
#include "transforms/base/xalloc.h"

/* --- reconciliation.csv ---------------------------------------------------- */

static const char *const recon_cols[] = {
    "model", "opportunities", "pipeline_total", "pipeline_attributed", "pipeline_unattributed",
    "won_opportunities", "revenue_total", "revenue_attributed", "revenue_unattributed"};
enum { RC_MODEL, RC_OPPS, RC_PT, RC_PA, RC_PU, RC_WON, RC_RT, RC_RA, RC_RU, RC_N };

static int recon_row(struct report_data *d, struct rtable *t, size_t *cap) {
  const char *name = rtable_text(t, RC_MODEL);
  if (!*name)
    return rtable_fail(t, "empty model name");
  if (report_model_index(d, name, strlen(name)) >= 0)
    return rtable_fail(t, "model '%s' appears twice", name);
  XGROW(d->models, *cap, d->nmodels + 1);
  struct report_model *m = &d->models[d->nmodels];
  memset(m, 0, sizeof *m);
  m->name = strpool_interns(&d->pool, name);
  if (rtable_count(t, RC_OPPS, &m->opportunities) < 0 || rtable_count(t, RC_WON, &m->won) < 0 ||
      rtable_cents(t, RC_PT, &m->pipeline_total) < 0 ||
      rtable_cents(t, RC_PA, &m->pipeline_attributed) < 0 ||
      rtable_cents(t, RC_PU, &m->pipeline_unattributed) < 0 ||
      rtable_cents(t, RC_RT, &m->revenue_total) < 0 ||
      rtable_cents(t, RC_RA, &m->revenue_attributed) < 0 ||
      rtable_cents(t, RC_RU, &m->revenue_unattributed) < 0)
    return -1;
  d->nmodels++;
  return 0;
}

int report_load_reconciliation(struct report_data *d, const char *dir, struct strbuf *err) {
  struct rtable t;
  size_t cap = 0;
  int rc = rtable_open(&t, dir, "reconciliation.csv", recon_cols, RC_N, false, err);
  while (rc > 0 && (rc = rtable_next(&t)) > 0)
    if (recon_row(d, &t, &cap) < 0)
      rc = -1;
  if (rc == 0 && d->nmodels == 0) {
    strbuf_adds(err, "reconciliation.csv: no model");
    rc = -1;
  }
  rtable_close(&t);
  return rc;
}

/* --- shared by both attribution tables --------------------------------------- */

/* The row's model: its index, or -1 with the message. */
static int row_model(struct report_data *d, struct rtable *t, size_t col) {
  const char *name = rtable_text(t, col);
  int m = report_model_index(d, name, strlen(name));
  if (m < 0)
    return rtable_fail(t, "model '%s' is not in reconciliation.csv", name);
  return m;
}

enum { S_TOUCHES, S_OPPS, S_PIPELINE, S_WON, S_REVENUE, S_COST, S_N };

/* Reads the six numbers of a row (their columns start at `first`). */
static int row_sums(struct rtable *t, size_t first, struct report_sums *s) {
  return rtable_count(t, first + S_TOUCHES, &s->touches) < 0 ||
                 rtable_micro(t, first + S_OPPS, &s->opportunities) < 0 ||
                 rtable_cents(t, first + S_PIPELINE, &s->pipeline) < 0 ||
                 rtable_micro(t, first + S_WON, &s->won) < 0 ||
                 rtable_cents(t, first + S_REVENUE, &s->revenue) < 0 ||
                 rtable_cents(t, first + S_COST, &s->cost) < 0
             ? -1
             : 0;
}

static void add_sums(struct report_sums *to, const struct report_sums *s) {
  to->touches += s->touches;
  to->opportunities += s->opportunities;
  to->pipeline += s->pipeline;
  to->won += s->won;
  to->revenue += s->revenue;
  to->cost += s->cost;
}

/* --- attribution_by_channel.csv ------------------------------------------------ */

static const char *const chan_cols[] = {"period", "period_start", "period_end", "model", "channel",
                                        "touches", "opportunities", "pipeline",
                                        "won_opportunities", "revenue", "cost"};
enum { CC_PERIOD, CC_START, CC_END, CC_MODEL, CC_CHANNEL, CC_SUMS, CC_N = CC_SUMS + S_N };

/* A value of the first model in one period, before the periods are sorted. */
struct cell {
  uint32_t channel, period;
  int64_t revenue, pipeline;
};

struct chan_load {
  size_t channels_cap, periods_cap, cells_cap, ncells;
  struct cell *cells;
};

static uint32_t channel_index(struct report_data *d, struct chan_load *L, const char *name) {
  str_id id = strpool_interns(&d->pool, name);
  uint32_t ix;
  if (idmap_get(&d->channel_ix, id, &ix))
    return ix;
  ix = (uint32_t)d->nchannels;
  XGROW(d->channels, L->channels_cap, d->nchannels + 1);
  d->channels[d->nchannels++] = id;
  d->channel_sums = xreallocarray(d->channel_sums, d->nchannels * d->nmodels,
                                  sizeof *d->channel_sums);
  memset(&d->channel_sums[ix * d->nmodels], 0, d->nmodels * sizeof *d->channel_sums);
  idmap_put(&d->channel_ix, id, ix);
  return ix;
}

static uint32_t period_index(struct report_data *d, struct chan_load *L, struct rtable *t) {
  str_id id = strpool_interns(&d->pool, rtable_raw(t, CC_PERIOD));
  uint32_t ix;
  if (idmap_get(&d->period_ix, id, &ix))
    return ix;
  ix = (uint32_t)d->nperiods;
  XGROW(d->periods, L->periods_cap, d->nperiods + 1);
  d->periods[ix].label = id;
  d->periods[ix].start = strpool_interns(&d->pool, rtable_raw(t, CC_START));
  d->periods[ix].end = strpool_interns(&d->pool, rtable_raw(t, CC_END));
  d->nperiods++;
  idmap_put(&d->period_ix, id, ix);
  return ix;
}

static int chan_row(struct report_data *d, struct chan_load *L, struct rtable *t) {
  int m = row_model(d, t, CC_MODEL);
  struct report_sums s;
  if (m < 0 || row_sums(t, CC_SUMS, &s) < 0)
    return -1;
  uint32_t c = channel_index(d, L, rtable_text(t, CC_CHANNEL));
  uint32_t p = period_index(d, L, t);
  add_sums(&d->channel_sums[c * d->nmodels + (size_t)m], &s);
  if (m == 0 && (s.revenue || s.pipeline)) {
    XGROW(L->cells, L->cells_cap, L->ncells + 1);
    L->cells[L->ncells++] = (struct cell){c, p, s.revenue, s.pipeline};
  }
  return 0;
}

/* A sort key with the item's index before sorting, to build permutations. */
struct keyed {
  const char *k1, *k2;
  uint32_t ix;
};

static int cmp_keyed(const void *a, const void *b) {
  const struct keyed *x = a, *y = b;
  int c = strcmp(x->k1, y->k1);
  if (!c && x->k2 && y->k2)
    c = strcmp(x->k2, y->k2);
  return c ? c : (x->ix > y->ix) - (x->ix < y->ix);
}

/* order[new] = old for the n items keyed k1 (then k2); returns where[old] = new. */
static uint32_t *sort_order(struct keyed *keys, size_t n) {
  qsort(keys, n, sizeof *keys, cmp_keyed);
  uint32_t *where = xcalloc(n ? n : 1, sizeof *where);
  for (size_t i = 0; i < n; i++)
    where[keys[i].ix] = (uint32_t)i;
  return where;
}

/* Sorts channels bytewise and periods by start, and lays the first model's
 * values out per (channel, period). */
static void chan_finish(struct report_data *d, struct chan_load *L) {
  size_t nc = d->nchannels, np = d->nperiods, nm = d->nmodels;
  struct keyed *ck = xcalloc(nc ? nc : 1, sizeof *ck);
  for (size_t c = 0; c < nc; c++)
    ck[c] = (struct keyed){report_str(d, d->channels[c]), NULL, (uint32_t)c};
  uint32_t *cwhere = sort_order(ck, nc);
  struct keyed *pk = xcalloc(np ? np : 1, sizeof *pk);
  for (size_t p = 0; p < np; p++)
    pk[p] = (struct keyed){report_str(d, d->periods[p].start), report_str(d, d->periods[p].label),
                           (uint32_t)p};
  uint32_t *pwhere = sort_order(pk, np);

  str_id *channels = xcalloc(nc ? nc : 1, sizeof *channels);
  struct report_sums *sums = xcalloc(nc * nm > 0 ? nc * nm : 1, sizeof *sums);
  for (size_t c = 0; c < nc; c++) {
    channels[cwhere[c]] = d->channels[c];
    memcpy(&sums[cwhere[c] * nm], &d->channel_sums[c * nm], nm * sizeof *sums);
  }
  struct report_period *periods = xcalloc(np ? np : 1, sizeof *periods);
  for (size_t p = 0; p < np; p++)
    periods[pwhere[p]] = d->periods[p];
  /* the quiet periods between, which have no rows, become empty columns */
  uint32_t *filled_at = xcalloc(np ? np : 1, sizeof *filled_at);
  size_t nfilled;
  struct report_period *filled =
      report_periods_complete(&d->pool, periods, np, &nfilled, filled_at);
  if (filled) {
    for (size_t p = 0; p < np; p++)
      pwhere[p] = filled_at[pwhere[p]];
    free(periods);
    periods = filled;
    np = nfilled;
  }
  free(filled_at);
  size_t ncells = nc * np > 0 ? nc * np : 1;
  d->by_period_revenue = xcalloc(ncells, sizeof *d->by_period_revenue);
  d->by_period_pipeline = xcalloc(ncells, sizeof *d->by_period_pipeline);
  for (size_t i = 0; i < L->ncells; i++) {
    size_t at = cwhere[L->cells[i].channel] * np + pwhere[L->cells[i].period];
    d->by_period_revenue[at] += L->cells[i].revenue;
    d->by_period_pipeline[at] += L->cells[i].pipeline;
  }
  free(d->channels);
  free(d->channel_sums);
  free(d->periods);
  d->channels = channels;
  d->channel_sums = sums;
  d->periods = periods;
  d->nperiods = np;
  free(ck);
  free(pk);
  free(cwhere);
  free(pwhere);
}

int report_load_channels(struct report_data *d, const char *dir, struct strbuf *err) {
  struct rtable t;
  struct chan_load L;
  memset(&L, 0, sizeof L);
  int rc = rtable_open(&t, dir, "attribution_by_channel.csv", chan_cols, CC_N, false, err);
  while (rc > 0 && (rc = rtable_next(&t)) > 0)
    if (chan_row(d, &L, &t) < 0)
      rc = -1;
  rtable_close(&t);
  if (rc == 0)
    chan_finish(d, &L);
  free(L.cells);
  return rc;
}

/* --- attribution_by_campaign.csv ---------------------------------------------- */

static const char *const camp_cols[] = {"model", "campaign_id", "campaign_name", "campaign_type",
                                        "touches", "opportunities", "pipeline",
                                        "won_opportunities", "revenue", "cost"};
enum { KC_MODEL, KC_ID, KC_NAME, KC_TYPE, KC_SUMS, KC_N = KC_SUMS + S_N };

static int camp_row(struct report_data *d, struct rtable *t, size_t *cap) {
  const char *model = rtable_text(t, KC_MODEL);
  const char *first = report_str(d, d->models[0].name);
  if (strcmp(model, first) != 0) /* only the first model is shown per campaign */
    return row_model(d, t, KC_MODEL) < 0 ? -1 : 0;
  struct report_sums s;
  if (row_sums(t, KC_SUMS, &s) < 0)
    return -1;
  str_id id = strpool_interns(&d->pool, rtable_text(t, KC_ID));
  uint32_t ix;
  if (!idmap_get(&d->campaign_ix, id, &ix)) {
    ix = (uint32_t)d->ncampaigns;
    XGROW(d->campaigns, *cap, d->ncampaigns + 1);
    memset(&d->campaigns[ix], 0, sizeof d->campaigns[ix]);
    d->campaigns[ix].id = id;
    d->ncampaigns++;
    idmap_put(&d->campaign_ix, id, ix);
  }
  struct report_campaign *c = &d->campaigns[ix];
  if (c->name == STR_EMPTY)
    c->name = strpool_interns(&d->pool, rtable_text(t, KC_NAME));
  if (c->type == STR_EMPTY)
    c->type = strpool_interns(&d->pool, rtable_text(t, KC_TYPE));
  add_sums(&c->sums, &s);
  return 0;
}

static int cmp_campaign(const void *a, const void *b, void *data) {
  const struct report_campaign *x = a, *y = b;
  return strcmp(report_str(data, x->id), report_str(data, y->id));
}

int report_load_campaigns(struct report_data *d, const char *dir, struct strbuf *err) {
  struct rtable t;
  size_t cap = 0;
  int rc = rtable_open(&t, dir, "attribution_by_campaign.csv", camp_cols, KC_N, false, err);
  while (rc > 0 && (rc = rtable_next(&t)) > 0)
    if (camp_row(d, &t, &cap) < 0)
      rc = -1;
  rtable_close(&t);
  if (rc == 0 && d->ncampaigns > 1)
    qsort_r(d->campaigns, d->ncampaigns, sizeof *d->campaigns, cmp_campaign, d);
  return rc;
}
