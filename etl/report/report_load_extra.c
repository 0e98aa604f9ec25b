/* Loading the tables around the attribution for the report (see
 * report_data.h): rejects.csv grouped by kind of reject, and, when the run
 * wrote them, funnel.csv (dimension `all` per stage, lead sources at the
 * first stage) and model_fit.csv. */
#include <stdlib.h>
#include <string.h>

#include "etl/report/report_data.h"
#include "etl/report/report_table.h"
#include "transforms/base/xalloc.h"

/* --- rejects.csv ------------------------------------------------------------- */

static const char *const reject_cols[] = {"source", "line", "entity", "field", "severity",
                                          "reason"};
enum { RJ_SOURCE, RJ_LINE, RJ_ENTITY, RJ_FIELD, RJ_SEVERITY, RJ_REASON, RJ_N };

static int reject_row(struct report_data *d, struct rtable *t, struct strbuf *key, size_t *cap) {
  int64_t line;
  if (rtable_count(t, RJ_LINE, &line) < 0)
    return -1;
  const char *sev = rtable_text(t, RJ_SEVERITY), *entity = rtable_text(t, RJ_ENTITY);
  const char *field = rtable_text(t, RJ_FIELD);
  if (strcmp(sev, "error") == 0)
    d->nerrors++;
  else if (strcmp(sev, "warning") == 0)
    d->nwarnings++;
  else
    return rtable_fail(t, "severity '%s': expected error or warning", sev);
  strbuf_reset(key);
  strbuf_addf(key, "%s\x1f%s\x1f%s\x1f", sev, entity, field);
  size_t reason_at = key->len;
  report_mask_reason(rtable_text(t, RJ_REASON), key);
  str_id kid = strpool_intern(&d->pool, key->buf, key->len);
  uint32_t ix;
  if (idmap_get(&d->reason_ix, kid, &ix)) {
    d->reasons[ix].count++;
    return 0;
  }
  ix = (uint32_t)d->nreasons;
  XGROW(d->reasons, *cap, d->nreasons + 1);
  struct report_reason *r = &d->reasons[d->nreasons++];
  r->severity = strpool_interns(&d->pool, sev);
  r->entity = strpool_interns(&d->pool, entity);
  r->field = strpool_interns(&d->pool, field);
  r->reason = strpool_intern(&d->pool, key->buf + reason_at, key->len - reason_at);
  r->example_source = strpool_interns(&d->pool, rtable_text(t, RJ_SOURCE));
  r->example_line = (uint64_t)line;
  r->count = 1;
  idmap_put(&d->reason_ix, kid, ix);
  return 0;
}

static int cmp_reason(const void *a, const void *b, void *data) {
  const struct report_reason *x = a, *y = b;
  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  str_id kx[] = {x->severity, x->entity, x->field, x->reason};
  str_id ky[] = {y->severity, y->entity, y->field, y->reason};
  for (int i = 0; i < 4; i++) {
    int c = strcmp(report_str(data, kx[i]), report_str(data, ky[i]));
    if (c)
      return c;
  }
  return 0;
}

int report_load_rejects(struct report_data *d, const char *dir, struct strbuf *err) {
  struct rtable t;
  struct strbuf key = STRBUF_INIT;
  size_t cap = 0;
  int rc = rtable_open(&t, dir, "rejects.csv", reject_cols, RJ_N, false, err);
  while (rc > 0 && (rc = rtable_next(&t)) > 0)
    if (reject_row(d, &t, &key, &cap) < 0)
      rc = -1;
  rtable_close(&t);
  strbuf_release(&key);
  if (rc == 0 && d->nreasons > 1)
    qsort_r(d->reasons, d->nreasons, sizeof *d->reasons, cmp_reason, d);
  return rc;
}

/* --- funnel.csv ---------------------------------------------------------------- */

static const char *const funnel_cols[] = {
    "period", "period_start", "period_end", "dimension", "group_id", "stage", "stage_order",
    "reached", "reached_pipeline", "advanced", "won", "lost", "open", "median_days_in_stage",
    "median_days_to_reach"};
enum { FU_PERIOD, FU_START, FU_END, FU_DIM, FU_GROUP, FU_STAGE, FU_ORDER, FU_REACHED,
       FU_PIPELINE, FU_ADVANCED, FU_WON, FU_LOST, FU_OPEN, FU_MED_IN, FU_MED_REACH, FU_N };

struct funnel_load {
  size_t stages_cap, periods_cap, medians_cap, leads_cap;
};

/* The stage of this row's stage_order, created on first sight; -1 when the
 * same order had another name before. */
static int funnel_stage(struct report_data *d, struct funnel_load *L, struct rtable *t,
                        int64_t order) {
  const char *name = rtable_text(t, FU_STAGE);
  for (size_t s = 0; s < d->nstages; s++)
    if (d->stages[s].order == order) {
      if (strcmp(report_str(d, d->stages[s].name), name) != 0)
        return rtable_fail(t, "stage_order %lld is '%s' here but '%s' before", (long long)order,
                           name, report_str(d, d->stages[s].name));
      return (int)s;
    }
  XGROW(d->stages, L->stages_cap, d->nstages + 1);
  struct report_stage *st = &d->stages[d->nstages];
  memset(st, 0, sizeof *st);
  st->name = strpool_interns(&d->pool, name);
  st->order = order;
  return (int)d->nstages++;
}

static size_t funnel_period(struct report_data *d, struct funnel_load *L, struct rtable *t) {
  str_id id = strpool_interns(&d->pool, rtable_raw(t, FU_PERIOD));
  uint32_t ix;
  if (idmap_get(&d->fperiod_ix, id, &ix))
    return ix;
  ix = (uint32_t)d->nfunnel_periods;
  XGROW(d->funnel_periods, L->periods_cap, d->nfunnel_periods + 1);
  d->funnel_periods[ix] = (struct report_period){id, strpool_interns(&d->pool, rtable_raw(t, FU_START)),
                                                 strpool_interns(&d->pool, rtable_raw(t, FU_END))};
  d->nfunnel_periods++;
  idmap_put(&d->fperiod_ix, id, ix);
  return ix;
}

/* A median cell: empty, or days with one decimal. */
static int median_text(struct report_data *d, struct rtable *t, size_t col, str_id *out) {
  const char *s = rtable_raw(t, col);
  int64_t v;
  if (*s && parse_fixed(s, 1, &v) < 0)
    return rtable_fail(t, "%s '%s': not a number of days with 1 decimal", funnel_cols[col], s);
  *out = strpool_interns(&d->pool, s);
  return 0;
}

static int funnel_all_row(struct report_data *d, struct funnel_load *L, struct rtable *t,
                          int64_t order, int64_t reached, int64_t pipeline, int64_t won) {
  int s = funnel_stage(d, L, t, order);
  int64_t advanced, lost, open;
  str_id med_in = STR_EMPTY, med_reach = STR_EMPTY;
  if (s < 0 || rtable_count(t, FU_ADVANCED, &advanced) < 0 ||
      rtable_count(t, FU_LOST, &lost) < 0 || rtable_count(t, FU_OPEN, &open) < 0 ||
      median_text(d, t, FU_MED_IN, &med_in) < 0 || median_text(d, t, FU_MED_REACH, &med_reach) < 0)
    return -1;
  struct report_stage *st = &d->stages[s];
  st->reached += reached;
  st->reached_pipeline += pipeline;
  st->advanced += advanced;
  st->won += won;
  st->lost += lost;
  st->open += open;
  XGROW(d->medians, L->medians_cap, d->nmedians + 1);
  d->medians[d->nmedians++] = (struct report_median){funnel_period(d, L, t), (size_t)s, med_in,
                                                     med_reach};
  return 0;
}

static void lead_source_add(struct report_data *d, struct funnel_load *L, const char *id_text,
                            int64_t reached, int64_t pipeline, int64_t won) {
  str_id id = strpool_interns(&d->pool, id_text);
  uint32_t ix;
  if (!idmap_get(&d->lead_ix, id, &ix)) {
    ix = (uint32_t)d->nlead_sources;
    XGROW(d->lead_sources, L->leads_cap, d->nlead_sources + 1);
    d->lead_sources[ix] = (struct report_lead_source){id, 0, 0, 0};
    d->nlead_sources++;
    idmap_put(&d->lead_ix, id, ix);
  }
  d->lead_sources[ix].reached += reached;
  d->lead_sources[ix].pipeline += pipeline;
  d->lead_sources[ix].won += won;
}

static int funnel_row(struct report_data *d, struct funnel_load *L, struct rtable *t) {
  const char *dim = rtable_raw(t, FU_DIM);
  int64_t order, reached, pipeline, won;
  if (strcmp(dim, "all") != 0 && strcmp(dim, "campaign") != 0 && strcmp(dim, "lead_source") != 0)
    return rtable_fail(t, "dimension '%s': expected all, campaign or lead_source", dim);
  if (rtable_count(t, FU_ORDER, &order) < 0 || rtable_count(t, FU_REACHED, &reached) < 0 ||
      rtable_cents(t, FU_PIPELINE, &pipeline) < 0 || rtable_count(t, FU_WON, &won) < 0)
    return -1;
  if (order < 1)
    return rtable_fail(t, "stage_order %lld: expected 1 or more", (long long)order);
  if (strcmp(dim, "all") == 0)
    return funnel_all_row(d, L, t, order, reached, pipeline, won);
  if (strcmp(dim, "lead_source") == 0 && order == 1)
    lead_source_add(d, L, rtable_text(t, FU_GROUP), reached, pipeline, won);
  return 0;
}

static int cmp_stage(const void *a, const void *b) {
  const struct report_stage *x = a, *y = b;
  return (x->order > y->order) - (x->order < y->order);
}

static int cmp_median(const void *a, const void *b) {
  const struct report_median *x = a, *y = b;
  if (x->period != y->period)
    return x->period < y->period ? -1 : 1;
  return (x->stage > y->stage) - (x->stage < y->stage);
}

struct period_key {
  const char *start, *label;
  size_t old;
};

static int cmp_period_key(const void *a, const void *b) {
  const struct period_key *x = a, *y = b;
  int c = strcmp(x->start, y->start);
  return c ? c : strcmp(x->label, y->label);
}

static int cmp_lead(const void *a, const void *b, void *data) {
  const struct report_lead_source *x = a, *y = b;
  return strcmp(report_str(data, x->id), report_str(data, y->id));
}

/* Stages by order, periods by start, medians by (period, stage), lead
 * sources bytewise. */
static void funnel_finish(struct report_data *d) {
  size_t ns = d->nstages, np = d->nfunnel_periods;
  size_t *stage_where = xcalloc(ns ? ns : 1, sizeof *stage_where);
  struct report_stage *old = xcalloc(ns ? ns : 1, sizeof *old);
  if (ns) { /* an empty funnel.csv leaves the arrays NULL */
    memcpy(old, d->stages, ns * sizeof *old);
    qsort(d->stages, ns, sizeof *d->stages, cmp_stage);
  }
  for (size_t s = 0; s < ns; s++)
    for (size_t k = 0; k < ns; k++)
      if (d->stages[k].order == old[s].order)
        stage_where[s] = k;
  struct period_key *pk = xcalloc(np ? np : 1, sizeof *pk);
  for (size_t p = 0; p < np; p++)
    pk[p] = (struct period_key){report_str(d, d->funnel_periods[p].start),
                                report_str(d, d->funnel_periods[p].label), p};
  if (np)
    qsort(pk, np, sizeof *pk, cmp_period_key);
  size_t *period_where = xcalloc(np ? np : 1, sizeof *period_where);
  struct report_period *periods = xcalloc(np ? np : 1, sizeof *periods);
  for (size_t p = 0; p < np; p++) {
    period_where[pk[p].old] = p;
    periods[p] = d->funnel_periods[pk[p].old];
  }
  free(d->funnel_periods);
  d->funnel_periods = periods;
  for (size_t i = 0; i < d->nmedians; i++) {
    d->medians[i].stage = stage_where[d->medians[i].stage];
    d->medians[i].period = period_where[d->medians[i].period];
  }
  if (d->nmedians)
    qsort(d->medians, d->nmedians, sizeof *d->medians, cmp_median);
  if (d->nlead_sources > 1)
    qsort_r(d->lead_sources, d->nlead_sources, sizeof *d->lead_sources, cmp_lead, d);
  free(stage_where);
  free(old);
  free(pk);
  free(period_where);
}

int report_load_funnel(struct report_data *d, const char *dir, struct strbuf *err) {
  struct rtable t;
  struct funnel_load L;
  memset(&L, 0, sizeof L);
  int rc = rtable_open(&t, dir, "funnel.csv", funnel_cols, FU_N, true, err);
  d->has_funnel = rc > 0;
  while (rc > 0 && (rc = rtable_next(&t)) > 0)
    if (funnel_row(d, &L, &t) < 0)
      rc = -1;
  rtable_close(&t);
  if (rc == 0 && d->has_funnel)
    funnel_finish(d);
  return rc;
}

/* --- model_fit.csv ------------------------------------------------------------- */

static const char *const fit_cols[] = {"model", "channel", "journeys", "conversions", "value",
                                       "share"};
enum { FI_MODEL, FI_CHANNEL, FI_JOURNEYS, FI_CONVERSIONS, FI_VALUE, FI_SHARE, FI_N };

static int fit_row(struct report_data *d, struct rtable *t, size_t *cap) {
  struct report_fit f;
  memset(&f, 0, sizeof f);
  if (rtable_count(t, FI_JOURNEYS, &f.journeys) < 0 ||
      rtable_count(t, FI_CONVERSIONS, &f.conversions) < 0 || rtable_micro(t, FI_VALUE, &f.value) < 0)
    return -1;
  if (*rtable_raw(t, FI_SHARE) && rtable_micro(t, FI_SHARE, &f.share) < 0)
    return -1;
  f.model = strpool_interns(&d->pool, rtable_text(t, FI_MODEL));
  f.channel = strpool_interns(&d->pool, rtable_text(t, FI_CHANNEL));
  f.value_text = strpool_interns(&d->pool, rtable_raw(t, FI_VALUE));
  f.share_text = strpool_interns(&d->pool, rtable_raw(t, FI_SHARE));
  XGROW(d->fits, *cap, d->nfits + 1);
  d->fits[d->nfits++] = f;
  return 0;
}

int report_load_fit(struct report_data *d, const char *dir, struct strbuf *err) {
  struct rtable t;
  size_t cap = 0;
  int rc = rtable_open(&t, dir, "model_fit.csv", fit_cols, FI_N, true, err);
  d->has_fit = rc > 0;
  while (rc > 0 && (rc = rtable_next(&t)) > 0)
    if (fit_row(d, &t, &cap) < 0)
      rc = -1;
  rtable_close(&t);
  return rc;
}
