/* check_invariants OUT_DIR DATASET: checks the invariants that must hold on
 * every run (issue "End-to-end attribution", contract §5.1, §5.4):
 *  - each (model, opportunity) in touch_credits sums to the opportunity's
 *    pipeline value, and to its revenue if won (0 otherwise), and its
 *    weights sum to 1;
 *  - reconciliation: attributed + unattributed = total, and the totals equal
 *    the sums of the by-campaign and of the by-channel tables per model;
 *  - per model and period, the by-campaign and by-channel tables hold the
 *    same touches, opportunities, pipeline, won_opportunities and revenue;
 *  - opportunities.csv (§5.4): one row per covered opportunity (created in
 *    the range, or won and closed in it; the range is the folder's name),
 *    sorted by id; Σ pipeline of the rows created in range = pipeline_total
 *    and Σ revenue of the won rows closed in range = revenue_total of every
 *    model; each row's pipeline and revenue = the sums of its credits under
 *    every model; eligible_touches = its touch rows under every touch
 *    model; linked_people = its links (plus, with the config's
 *    account_based, the people of its account);
 *  - data-driven models (markov, shapley, contract §4.1): the weights of an
 *    opportunity sum to 1 within 1e-9 before printing (so the printed ones
 *    within k * 5e-7 + 1e-9 for k touches), and touches of one channel
 *    share its part equally (equal printed weights);
 *  - model_fit.csv, present exactly when a data-driven model is: `(all)`
 *    first, channels bytewise, conversions <= journeys <= all journeys,
 *    RE and p in [0, 1], Shapley values summing to the conversions, the
 *    shares summing to 1 (within n * 5e-7 + 1e-9 for n printed shares)
 *    and empty only when every value is 0.
 * Reads the tables with the pipeline's own CSV reader. Exit 0 when all hold,
 * 1 with one line per violation otherwise. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etl/common/config.h"
#include "etl/common/dataset_io.h"
#include "etl/input/reader.h"
#include "transforms/base/calendar.h"
#include "transforms/values.h"
#include "transforms/base/xalloc.h"

static int failures;

#define VIOLATION(...)                                                                       \
  do {                                                                                       \
    failures++;                                                                              \
    if (failures < 30) {                                                                     \
      fprintf(stderr, "invariant: " __VA_ARGS__);                                            \
      fputc('\n', stderr);                                                                   \
    }                                                                                        \
  } while (0)

struct table {
  struct etl_reader *r;
  char path[4096];
};

static int open_table(struct table *t, const char *dir, const char *name) {
  struct etl_input_opts o = {UINT64_MAX, 1e9, false, false, 0};
  struct strbuf err = STRBUF_INIT;
  snprintf(t->path, sizeof(t->path), "%s/%s", dir, name);
  int rc = etl_reader_open_path(&t->r, t->path, name, &o, &err);
  if (rc != 0)
    fprintf(stderr, "check_invariants: %s\n", strbuf_str(&err));
  strbuf_release(&err);
  return rc;
}

static int col(struct table *t, const char *name) {
  int c = etl_reader_column(t->r, name);
  if (c < 0) {
    fprintf(stderr, "check_invariants: %s: no column %s\n", t->path, name);
    exit(2);
  }
  return c;
}

static int64_t cents(const char *s) {
  int64_t v = 0;
  const char *why;
  if (money_parse(s, strlen(s), &v, &why) != 0)
    VIOLATION("'%s' is not money", s);
  return v;
}

/* --- per (model, opportunity) sums of touch_credits ----------------------- */
struct opp_sum {
  char *key; /* model \t opp */
  int64_t pipeline, revenue;
  double weight;
  int64_t rows, touch_rows; /* all rows; rows with a touch (not primary_campaign's) */
  bool datadriven;          /* markov or shapley */
  bool uneven;              /* two touches of one channel with different weights */
};

struct credit_sums {
  struct opp_sum *v; /* sorted by key */
  size_t n;
};

static bool is_datadriven(const char *model) {
  return strcmp(model, "markov") == 0 || strcmp(model, "shapley") == 0;
}

/* The weights seen per channel within the current (model, opportunity). */
struct chan_weight {
  char *channel, *weight;
};
static struct chan_weight *chan_seen;
static size_t nchan_seen, cap_chan_seen;

static void seen_reset(void) {
  for (size_t i = 0; i < nchan_seen; i++) {
    free(chan_seen[i].channel);
    free(chan_seen[i].weight);
  }
  nchan_seen = 0;
}

/* False when channel already had another weight in this opportunity. */
static bool seen_same(const char *channel, const char *weight) {
  for (size_t i = 0; i < nchan_seen; i++)
    if (strcmp(chan_seen[i].channel, channel) == 0)
      return strcmp(chan_seen[i].weight, weight) == 0;
  XGROW(chan_seen, cap_chan_seen, nchan_seen + 1);
  chan_seen[nchan_seen].channel = xstrdup(channel);
  chan_seen[nchan_seen++].weight = xstrdup(weight);
  return true;
}

static int cmp_opp_sum(const void *a, const void *b) {
  return strcmp(((const struct opp_sum *)a)->key, ((const struct opp_sum *)b)->key);
}

static const struct ds_opportunity *find_opp(const struct dataset *ds, const char *id) {
  size_t lo = 0, hi = ds->nopps;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(ds_str(ds, ds->opps[mid].id), id);
    if (c == 0)
      return &ds->opps[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

static void check_touch_credits(const char *dir, const struct dataset *ds,
                                struct credit_sums *out) {
  struct table t;
  if (open_table(&t, dir, "touch_credits.csv.gz") != 0) {
    failures++;
    return;
  }
  int cm = col(&t, "model"), co = col(&t, "opportunity_id"), cw = col(&t, "weight"),
      cp = col(&t, "pipeline_credit"), cr = col(&t, "revenue_credit"), ct = col(&t, "touch_id"),
      cc = col(&t, "channel");
  struct opp_sum *sums = NULL;
  size_t n = 0, cap = 0;
  struct etl_record rec;
  while (etl_reader_next(t.r, &rec) == ETL_READ_OK) {
    char *key = xasprintf("%s\t%s", rec.fields[cm], rec.fields[co]);
    if (n == 0 || strcmp(sums[n - 1].key, key) != 0) {
      XGROW(sums, cap, n + 1);
      sums[n].key = key;
      sums[n].pipeline = sums[n].revenue = 0;
      sums[n].weight = 0;
      sums[n].rows = sums[n].touch_rows = 0;
      sums[n].datadriven = is_datadriven(rec.fields[cm]);
      sums[n].uneven = false;
      n++;
      seen_reset();
    } else {
      free(key);
    }
    if (sums[n - 1].datadriven && !seen_same(rec.fields[cc], rec.fields[cw]))
      sums[n - 1].uneven = true;
    sums[n - 1].pipeline += cents(rec.fields[cp]);
    sums[n - 1].revenue += cents(rec.fields[cr]);
    sums[n - 1].weight += strtod(rec.fields[cw], NULL);
    sums[n - 1].rows++;
    sums[n - 1].touch_rows += rec.lens[ct] > 0;
  }
  etl_reader_free(t.r);
  qsort(sums, n, sizeof(*sums), cmp_opp_sum);
  for (size_t i = 0; i < n; i++) {
    const char *opp = strchr(sums[i].key, '\t') + 1;
    const struct ds_opportunity *o = find_opp(ds, opp);
    if (!o) {
      VIOLATION("touch_credits: unknown opportunity %s", opp);
    } else {
      if (sums[i].pipeline != o->pipeline_cents)
        VIOLATION("%s: pipeline credits %" PRId64 " != value %" PRId64, sums[i].key,
                  sums[i].pipeline, o->pipeline_cents);
      int64_t rev = (o->flags & DS_OPP_WON) ? o->revenue_cents : 0;
      if (sums[i].revenue != rev)
        VIOLATION("%s: revenue credits %" PRId64 " != %" PRId64, sums[i].key, sums[i].revenue, rev);
    }
    /* each printed weight is off by at most half a unit of its 6th decimal */
    if (fabs(sums[i].weight - 1.0) > 1e-4 + 5e-7 * (double)sums[i].rows)
      VIOLATION("%s: weights sum to %f", sums[i].key, sums[i].weight);
    if (sums[i].datadriven && fabs(sums[i].weight - 1.0) > (double)sums[i].rows * 5e-7 + 1e-9)
      VIOLATION("%s: %lld printed weights sum to %.9f, beyond their rounding", sums[i].key,
                (long long)sums[i].rows, sums[i].weight);
    if (sums[i].uneven)
      VIOLATION("%s: touches of one channel with different weights", sums[i].key);
  }
  seen_reset();
  free(chan_seen);
  out->v = sums;
  out->n = n;
  printf("touch_credits: %zu (model, opportunity) groups checked\n", n);
}

static void credit_sums_free(struct credit_sums *cs) {
  for (size_t i = 0; i < cs->n; i++)
    free(cs->v[i].key);
  free(cs->v);
}

/* --- table totals ----------------------------------------------------------- */
struct group_total {
  char *key; /* period \t model */
  int64_t touches, pipeline, won, revenue;
  double opps, won_opps;
};

struct totals {
  struct group_total *g;
  size_t n, cap;
};

static struct group_total *total_for(struct totals *t, const char *key) {
  for (size_t i = 0; i < t->n; i++)
    if (strcmp(t->g[i].key, key) == 0)
      return &t->g[i];
  XGROW(t->g, t->cap, t->n + 1);
  struct group_total *g = &t->g[t->n++];
  memset(g, 0, sizeof(*g));
  g->key = xstrdup(key);
  return g;
}

static void read_table_totals(const char *dir, const char *name, struct totals *by_period,
                              struct totals *by_model) {
  struct table t;
  if (open_table(&t, dir, name) != 0) {
    failures++;
    return;
  }
  int cper = col(&t, "period"), cm = col(&t, "model"), ct = col(&t, "touches"),
      co = col(&t, "opportunities"), cp = col(&t, "pipeline"), cwo = col(&t, "won_opportunities"),
      cr = col(&t, "revenue");
  struct etl_record rec;
  while (etl_reader_next(t.r, &rec) == ETL_READ_OK) {
    char *key = xasprintf("%s\t%s", rec.fields[cper], rec.fields[cm]);
    struct group_total *gs[2] = {total_for(by_period, key), total_for(by_model, rec.fields[cm])};
    for (int i = 0; i < 2; i++) {
      gs[i]->touches += strtoll(rec.fields[ct], NULL, 10);
      gs[i]->opps += strtod(rec.fields[co], NULL);
      gs[i]->pipeline += cents(rec.fields[cp]);
      gs[i]->won_opps += strtod(rec.fields[cwo], NULL);
      gs[i]->revenue += cents(rec.fields[cr]);
    }
    free(key);
  }
  etl_reader_free(t.r);
}

static void free_totals(struct totals *t) {
  for (size_t i = 0; i < t->n; i++)
    free(t->g[i].key);
  free(t->g);
}

/* Every group of a must match b's (a group missing on one side counts as
 * zeros: a channel cost row alone makes a group in the channel table only). */
static void compare_one_way(const char *what, struct totals *a, struct totals *b) {
  for (size_t i = 0; i < a->n; i++) {
    struct group_total *x = &a->g[i], *y = total_for(b, x->key);
    if (x->touches != y->touches || x->pipeline != y->pipeline || x->revenue != y->revenue ||
        fabs(x->opps - y->opps) > 1e-3 || fabs(x->won_opps - y->won_opps) > 1e-3)
      VIOLATION("%s %s: by_campaign and by_channel totals differ (pipeline %" PRId64 " vs %" PRId64
                ", revenue %" PRId64 " vs %" PRId64 ", touches %" PRId64 " vs %" PRId64 ")",
                what, x->key, x->pipeline, y->pipeline, x->revenue, y->revenue, x->touches,
                y->touches);
  }
}

static void compare_totals(const char *what, struct totals *a, struct totals *b) {
  compare_one_way(what, a, b);
  compare_one_way(what, b, a);
}

/* The totals of reconciliation.csv, one per model row. */
struct recon_row {
  char *model;
  int64_t opps, won, pipeline_total, revenue_total;
};
struct recon_rows {
  struct recon_row *v;
  size_t n, cap;
};

static void check_reconciliation(const char *dir, struct totals *by_model,
                                 struct recon_rows *rows) {
  struct table t;
  if (open_table(&t, dir, "reconciliation.csv") != 0) {
    failures++;
    return;
  }
  int cm = col(&t, "model"), cpt = col(&t, "pipeline_total"), cpa = col(&t, "pipeline_attributed"),
      cpu = col(&t, "pipeline_unattributed"), crt = col(&t, "revenue_total"),
      cra = col(&t, "revenue_attributed"), cru = col(&t, "revenue_unattributed");
  struct etl_record rec;
  size_t models = 0;
  while (etl_reader_next(t.r, &rec) == ETL_READ_OK) {
    models++;
    int64_t pt = cents(rec.fields[cpt]), pa = cents(rec.fields[cpa]), pu = cents(rec.fields[cpu]);
    int64_t rt = cents(rec.fields[crt]), ra = cents(rec.fields[cra]), ru = cents(rec.fields[cru]);
    if (pa + pu != pt || ra + ru != rt)
      VIOLATION("reconciliation %s: attributed + unattributed != total", rec.fields[cm]);
    XGROW(rows->v, rows->cap, rows->n + 1);
    rows->v[rows->n++] = (struct recon_row){xstrdup(rec.fields[cm]),
                                            strtoll(rec.fields[col(&t, "opportunities")], NULL, 10),
                                            strtoll(rec.fields[col(&t, "won_opportunities")], NULL, 10),
                                            pt, rt};
    struct group_total *g = total_for(by_model, rec.fields[cm]);
    if (g->pipeline != pt || g->revenue != rt)
      VIOLATION("reconciliation %s: totals %" PRId64 "/%" PRId64
                " != by_campaign sums %" PRId64 "/%" PRId64,
                rec.fields[cm], pt, rt, g->pipeline, g->revenue);
  }
  etl_reader_free(t.r);
  printf("reconciliation: %zu models checked\n", models);
}

/* --- opportunities.csv ------------------------------------------------------ */

/* The range of a published folder, from its name "FROM_TO". 0 or -1. */
static int folder_range(const char *dir, char from[11], char to[11]) {
  size_t n = strlen(dir);
  while (n > 1 && dir[n - 1] == '/')
    n--;
  const char *base = dir + n;
  while (base > dir && base[-1] != '/')
    base--;
  if (dir + n - base != 21 || base[10] != '_')
    return -1;
  memcpy(from, base, 10);
  from[10] = '\0';
  memcpy(to, base + 11, 10);
  to[10] = '\0';
  return 0;
}

static bool date_in(const char *date, const char *from, const char *to) {
  return strcmp(date, from) >= 0 && strcmp(date, to) <= 0;
}

/* The people linked to opportunity o, counted the plain way (links of o,
 * then every person of its account not already linked, with account_based):
 * an independent restatement of the linking rule, quadratic on purpose. */
static int64_t expected_people(const struct dataset *ds, size_t o, const size_t *link_first,
                               bool account_based) {
  int64_t n = (int64_t)(link_first[o + 1] - link_first[o]);
  const char *acct = ds_str(ds, ds->opps[o].account);
  if (!account_based || !acct[0])
    return n;
  for (size_t p = 0; p < ds->npersons; p++) {
    if (strcmp(ds_str(ds, ds->persons[p].account), acct) != 0)
      continue;
    bool linked = false;
    for (size_t l = link_first[o]; l < link_first[o + 1]; l++)
      linked |= ds->links[l].person == p;
    n += !linked;
  }
  return n;
}

static const struct opp_sum *find_credits(const struct credit_sums *cs, const char *model,
                                          const char *opp) {
  char *key = xasprintf("%s\t%s", model, opp);
  struct opp_sum probe = {.key = key};
  const struct opp_sum *hit = cs->n ? bsearch(&probe, cs->v, cs->n, sizeof(*cs->v), cmp_opp_sum)
                                    : NULL;
  free(key);
  return hit;
}

/* What the rows of opportunities.csv add up to. */
struct opp_totals {
  int64_t rows, created, won, pipeline, revenue;
};

/* One row against the data set, the credits and the linking rule. */
static void check_opp_row(const struct etl_record *rec, const int *c, const struct dataset *ds,
                          const struct etl_config *cfg, const struct credit_sums *cs,
                          const struct recon_rows *rr, const size_t *link_first,
                          const char *from, const char *to, struct opp_totals *tot,
                          uint8_t *seen) {
  const char *id = rec->fields[c[0]];
  const struct ds_opportunity *o = find_opp(ds, id);
  if (!o) {
    VIOLATION("opportunities.csv: unknown opportunity %s", id);
    return;
  }
  size_t oi = (size_t)(o - ds->opps);
  char created[16], close[16];
  cal_format_date(cal_day_of(o->created), created);
  cal_format_date(o->close_day, close);
  bool won = (o->flags & DS_OPP_WON) != 0;
  int64_t pipeline = cents(rec->fields[c[5]]), revenue = cents(rec->fields[c[6]]);
  int64_t touches = strtoll(rec->fields[c[7]], NULL, 10);
  int64_t people = strtoll(rec->fields[c[8]], NULL, 10);

  seen[oi] = 1;
  if (strcmp(rec->fields[c[1]], created) || strcmp(rec->fields[c[2]], close) ||
      strcmp(rec->fields[c[3]], won ? "true" : "false"))
    VIOLATION("%s: dates or is_won differ from the data set", id);
  if (pipeline != o->pipeline_cents || revenue != (won ? o->revenue_cents : 0))
    VIOLATION("%s: pipeline/revenue %" PRId64 "/%" PRId64 " differ from the data set", id,
              pipeline, revenue);
  bool created_in = date_in(created, from, to), won_in = won && date_in(close, from, to);
  if (!created_in && !won_in)
    VIOLATION("%s: a row for an opportunity the range does not cover", id);
  tot->rows++;
  if (created_in) {
    tot->created++;
    tot->pipeline += pipeline;
  }
  if (won_in) {
    tot->won++;
    tot->revenue += revenue;
  }
  if (cfg && strcmp(rec->fields[c[4]], cfg->currency) == 0 && cents(rec->fields[c[9]]) != pipeline)
    VIOLATION("%s: amount in the corporate currency differs from pipeline", id);
  for (size_t m = 0; m < rr->n; m++) {
    const struct opp_sum *cr = find_credits(cs, rr->v[m].model, id);
    if (!cr) {
      if (touches > 0 && strcmp(rr->v[m].model, "linear") == 0)
        VIOLATION("%s: %" PRId64 " eligible touches but no linear credits", id, touches);
      continue;
    }
    if (cr->pipeline != pipeline || cr->revenue != revenue)
      VIOLATION("%s: row pipeline/revenue %" PRId64 "/%" PRId64 " != credits %" PRId64
                "/%" PRId64, cr->key, pipeline, revenue, cr->pipeline, cr->revenue);
    if (cr->touch_rows > 0 && cr->touch_rows != touches)
      VIOLATION("%s: eligible_touches %" PRId64 " != %" PRId64 " touch rows", cr->key, touches,
                cr->touch_rows);
  }
  int64_t want = expected_people(ds, oi, link_first, cfg && cfg->account_based);
  if (cfg ? people != want : people < want)
    VIOLATION("%s: linked_people %" PRId64 ", the links say %" PRId64, id, people, want);
}

/* Every covered opportunity has a row and every credited one too. */
static void check_opp_coverage(const struct dataset *ds, const struct credit_sums *cs,
                               const uint8_t *seen, const char *from, const char *to) {
  for (size_t o = 0; o < ds->nopps; o++) {
    char created[16], close[16];
    cal_format_date(cal_day_of(ds->opps[o].created), created);
    cal_format_date(ds->opps[o].close_day, close);
    bool covered = date_in(created, from, to) ||
                   ((ds->opps[o].flags & DS_OPP_WON) && date_in(close, from, to));
    if (covered && !seen[o])
      VIOLATION("opportunities.csv: no row for covered opportunity %s",
                ds_str(ds, ds->opps[o].id));
  }
  for (size_t i = 0; i < cs->n; i++) {
    const struct ds_opportunity *o = find_opp(ds, strchr(cs->v[i].key, '\t') + 1);
    if (o && !seen[o - ds->opps])
      VIOLATION("opportunities.csv: no row for credited %s", cs->v[i].key);
  }
}

static void check_opportunities(const char *dir, const struct dataset *ds,
                                const struct etl_config *cfg, const struct credit_sums *cs,
                                const struct recon_rows *rr) {
  char from[11], to[11];
  struct table t;
  if (folder_range(dir, from, to) != 0) {
    VIOLATION("%s: the folder name is not FROM_TO", dir);
    return;
  }
  if (open_table(&t, dir, "opportunities.csv") != 0) {
    failures++;
    return;
  }
  const int c[10] = {col(&t, "opportunity_id"), col(&t, "created_date"), col(&t, "close_date"),
                     col(&t, "is_won"),         col(&t, "currency"),     col(&t, "pipeline"),
                     col(&t, "revenue"),        col(&t, "eligible_touches"),
                     col(&t, "linked_people"),  col(&t, "amount")};
  size_t *link_first = xcalloc(ds->nopps + 1, sizeof(size_t));
  for (size_t l = 0; l < ds->nlinks; l++)
    link_first[ds->links[l].opp + 1]++;
  for (size_t o = 0; o < ds->nopps; o++)
    link_first[o + 1] += link_first[o];
  uint8_t *seen = xcalloc(ds->nopps + 1, 1);
  struct opp_totals tot = {0};
  char *prev = NULL;
  struct etl_record rec;
  while (etl_reader_next(t.r, &rec) == ETL_READ_OK) {
    if (prev && strcmp(prev, rec.fields[c[0]]) >= 0)
      VIOLATION("opportunities.csv: %s after %s (not sorted by id)", rec.fields[c[0]], prev);
    free(prev);
    prev = xstrdup(rec.fields[c[0]]);
    check_opp_row(&rec, c, ds, cfg, cs, rr, link_first, from, to, &tot, seen);
  }
  etl_reader_free(t.r);
  check_opp_coverage(ds, cs, seen, from, to);
  for (size_t m = 0; m < rr->n; m++) {
    const struct recon_row *r = &rr->v[m];
    if (r->pipeline_total != tot.pipeline || r->opps != tot.created)
      VIOLATION("reconciliation %s: pipeline_total %" PRId64 " over %" PRId64
                " != opportunities.csv's %" PRId64 " over %" PRId64 " rows created in range",
                r->model, r->pipeline_total, r->opps, tot.pipeline, tot.created);
    if (r->revenue_total != tot.revenue || r->won != tot.won)
      VIOLATION("reconciliation %s: revenue_total %" PRId64 " over %" PRId64
                " != opportunities.csv's %" PRId64 " over %" PRId64 " won rows closed in range",
                r->model, r->revenue_total, r->won, tot.revenue, tot.won);
  }
  free(prev);
  free(seen);
  free(link_first);
  printf("opportunities: %" PRId64 " rows checked (%s..%s)\n", tot.rows, from, to);
}

/* --- model_fit.csv ------------------------------------------------------------ */

struct fit_model {
  char name[32];
  bool markov;
  uint64_t journeys, conversions; /* the (all) row */
  double all_value;
  size_t nchan, nshares;
  double sum_value, sum_share;
  bool any_value;       /* a value printed non-zero */
  char last[256];       /* previous channel, for the order */
};

static double num(const char *s) { return strtod(s, NULL); }

static void fit_model_done(const struct fit_model *m) {
  double slack = (double)m->nchan * 5e-7 + 1e-9;
  if (m->nshares > 0 && m->nshares != m->nchan)
    VIOLATION("model_fit %s: some shares empty, some not", m->name);
  if (m->nshares > 0 && fabs(m->sum_share - 1.0) > slack)
    VIOLATION("model_fit %s: shares sum to %.9f", m->name, m->sum_share);
  if (m->nshares == 0 && m->any_value)
    VIOLATION("model_fit %s: no share although a value is non-zero", m->name);
  if (!m->markov && fabs(m->sum_value - m->all_value) > slack)
    VIOLATION("model_fit %s: values sum to %.9f, not the %.0f conversions", m->name, m->sum_value,
              m->all_value);
  if (!m->markov && m->all_value != (double)m->conversions)
    VIOLATION("model_fit %s: (all) value is not the number of conversions", m->name);
}

/* One channel row of model m. */
static void fit_channel_row(struct fit_model *m, char **f) {
  uint64_t j = strtoull(f[2], NULL, 10), c = strtoull(f[3], NULL, 10);
  double v = num(f[4]);
  if (m->nchan > 0 && strcmp(m->last, f[1]) >= 0)
    VIOLATION("model_fit %s: channel '%s' after '%s'", m->name, f[1], m->last);
  snprintf(m->last, sizeof m->last, "%s", f[1]);
  if (j == 0 || c > j || j > m->journeys || c > m->conversions)
    VIOLATION("model_fit %s %s: journeys %s, conversions %s", m->name, f[1], f[2], f[3]);
  if (v < 0 || (m->markov && v > 1))
    VIOLATION("model_fit %s %s: value %s", m->name, f[1], f[4]);
  m->nchan++;
  m->sum_value += v;
  m->any_value |= v != 0;
  if (f[5][0]) {
    m->nshares++;
    m->sum_share += num(f[5]);
  }
}

/* Checks model_fit.csv; datadriven: reconciliation names markov or shapley. */
static void check_model_fit(const char *dir, size_t datadriven) {
  char path[4096];
  snprintf(path, sizeof path, "%s/model_fit.csv", dir);
  FILE *probe = fopen(path, "rb");
  if (probe)
    fclose(probe);
  if (!probe) {
    if (datadriven)
      VIOLATION("model_fit.csv missing with %zu data-driven models", datadriven);
    return;
  }
  struct table t;
  if (open_table(&t, dir, "model_fit.csv") != 0) {
    failures++;
    return;
  }
  int cols[6] = {col(&t, "model"), col(&t, "channel"), col(&t, "journeys"),
                 col(&t, "conversions"), col(&t, "value"), col(&t, "share")};
  struct fit_model m = {.name = ""};
  size_t models = 0;
  struct etl_record rec;
  while (etl_reader_next(t.r, &rec) == ETL_READ_OK) {
    char *f[6];
    for (int i = 0; i < 6; i++)
      f[i] = rec.fields[cols[i]];
    if (strcmp(f[0], m.name) != 0) {
      if (models++)
        fit_model_done(&m);
      memset(&m, 0, sizeof m);
      snprintf(m.name, sizeof m.name, "%s", f[0]);
      m.markov = strcmp(f[0], "markov") == 0;
      if (!is_datadriven(f[0]) || strcmp(f[1], "(all)") != 0 || f[5][0])
        VIOLATION("model_fit: model %s does not start with its (all) row", f[0]);
      m.journeys = strtoull(f[2], NULL, 10);
      m.conversions = strtoull(f[3], NULL, 10);
      m.all_value = num(f[4]);
      if (m.conversions > m.journeys || (m.markov && (m.all_value < 0 || m.all_value > 1)))
        VIOLATION("model_fit %s (all): %s journeys, %s conversions, value %s", f[0], f[2], f[3],
                  f[4]);
      continue;
    }
    fit_channel_row(&m, f);
  }
  if (models)
    fit_model_done(&m);
  etl_reader_free(t.r);
  if (models != datadriven)
    VIOLATION("model_fit.csv holds %zu models, reconciliation %zu data-driven ones", models,
              datadriven);
  printf("model_fit: %zu models checked\n", models);
}

int main(int argc, char **argv) {
  if (argc != 3 && argc != 4) {
    fputs("usage: check_invariants OUT_DIR DATASET [CONFIG]\n", stderr);
    return 2;
  }
  struct dataset ds;
  struct etl_config cfg;
  struct strbuf err = STRBUF_INIT;
  if (dataset_read(&ds, argv[2], &err) != 0) {
    fprintf(stderr, "check_invariants: %s\n", strbuf_str(&err));
    return 2;
  }
  if (argc == 4 && etl_config_load(&cfg, argv[3], &err) != 0) {
    fprintf(stderr, "check_invariants: %s\n", strbuf_str(&err));
    return 2;
  }
  struct credit_sums cs = {0};
  struct recon_rows rr = {0};
  check_touch_credits(argv[1], &ds, &cs);
  struct totals cp = {0}, cm = {0}, hp = {0}, hm = {0};
  read_table_totals(argv[1], "attribution_by_campaign.csv", &cp, &cm);
  read_table_totals(argv[1], "attribution_by_channel.csv", &hp, &hm);
  compare_totals("period/model", &cp, &hp);
  compare_totals("model", &cm, &hm);
  check_reconciliation(argv[1], &cm, &rr);
  check_opportunities(argv[1], &ds, argc == 4 ? &cfg : NULL, &cs, &rr);
  size_t datadriven = 0;
  for (size_t i = 0; i < rr.n; i++)
    datadriven += is_datadriven(rr.v[i].model);
  check_model_fit(argv[1], datadriven);
  credit_sums_free(&cs);
  for (size_t i = 0; i < rr.n; i++)
    free(rr.v[i].model);
  free(rr.v);
  if (argc == 4)
    etl_config_release(&cfg);
  free_totals(&cp);
  free_totals(&cm);
  free_totals(&hp);
  free_totals(&hm);
  dataset_release(&ds);
  strbuf_release(&err);
  if (failures) {
    fprintf(stderr, "%d invariant violations\n", failures);
    return 1;
  }
  puts("all invariants hold");
  return 0;
}
