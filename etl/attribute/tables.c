/* Writing the attribution tables (see tables.h). The group tables are
 * written from the sparse sums: the keys of the base and model maps of a
 * table, merged and sorted, give the rows in (period, model, group) order;
 * a row is written only when one of its printed numbers is non-zero. The
 * touch_credits rows are recomputed opportunity by opportunity while they
 * are written, so no model's credits are ever held in memory. A shard
 * writes the same rows as credit records and its sums raw (etl/attribute/shard.h);
 * the merge reads them back into the same row and table writers, which is
 * what makes sharded tables byte-identical to unsharded ones. */
#include "etl/attribute/tables.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etl/attribute/funnel_table.h"
#include "etl/attribute/model_fit.h"
#include "etl/common/csvout.h"
#include "transforms/attribution.h"
#include "transforms/base/calendar.h"
#include "transforms/credit.h"
#include "transforms/base/xalloc.h"

/* --- Running the models ------------------------------------------------ */

struct model_runner {
  const struct tables_input *in;
  struct attr_ctx ctx;
  struct model_sums *sums; /* one per model */
  size_t first, step;      /* this worker's models: first, first + step, ... */
};

static void run_models(const struct model_runner *mr) {
  const struct tables_input *in = mr->in;
  for (size_t i = mr->first; i < in->cfg->nmodels; i += mr->step)
    model_sums_build(&mr->sums[i], &mr->ctx, &in->cfg->models[i], in->g, in->r, in->cover);
}

static void *run_models_thread(void *arg) {
  run_models(arg);
  return NULL;
}

/* Worker threads over the models; started = how many were started (0: the
 * caller computes the sums itself). */
struct workers {
  pthread_t *tids;
  struct model_runner *runners;
  size_t started;
};

static void workers_start(struct workers *w, const struct model_runner *proto, size_t n) {
  w->tids = xcalloc(n ? n : 1, sizeof(pthread_t));
  w->runners = xcalloc(n ? n : 1, sizeof(struct model_runner));
  w->started = 0;
  for (size_t j = 0; j < n; j++) {
    w->runners[j] = *proto;
    w->runners[j].first = j;
    w->runners[j].step = n;
  }
  for (size_t j = 0; j < n; j++) {
    if (pthread_create(&w->tids[j], NULL, run_models_thread, &w->runners[j]) != 0)
      break;
    w->started++;
  }
  /* Models of workers that could not start are run by the caller. */
  for (size_t j = w->started; j < n; j++)
    run_models(&w->runners[j]);
}

static void workers_join(struct workers *w) {
  for (size_t j = 0; j < w->started; j++)
    pthread_join(w->tids[j], NULL);
  free(w->tids);
  free(w->runners);
}

/* --- Helpers ----------------------------------------------------------- */

static int open_table(struct csv_out **o, const char *dir, const char *name, bool gzip, bool bom,
                      const char *header, struct strbuf *err) {
  char *path = xasprintf("%s/%s", dir, name);
  int rc = csv_out_open(o, path, gzip, bom, err);
  free(path);
  if (rc != 0)
    return -1;
  const char *p = header;
  while (*p) {
    const char *comma = strchr(p, ',');
    size_t n = comma ? (size_t)(comma - p) : strlen(p);
    char cell[64];
    snprintf(cell, sizeof(cell), "%.*s", (int)n, p);
    csv_out_text(*o, cell);
    p += n + (comma != NULL);
  }
  csv_out_end_row(*o);
  return 0;
}

static void out_i64(struct csv_out *o, int64_t v) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%lld", (long long)v);
  csv_out_num(o, buf);
}

static void out_cents(struct csv_out *o, int64_t v) {
  char buf[32];
  fmt_cents(v, buf);
  csv_out_num(o, buf);
}

/* True when a printed number shows no non-zero digit. */
static bool printed_zero(const char *s) {
  for (; *s; s++)
    if (*s >= '1' && *s <= '9')
      return false;
  return true;
}

/* --- touch_credits.csv.gz ---------------------------------------------- */

#define CREDITS_HEADER                                                                  \
  "model,opportunity_id,touch_id,person_id,touch_time,campaign_id,channel,milestones," \
  "weight,pipeline_credit,revenue_credit"

/* Credit i of opportunity op as a record. */
static void credit_rec_make(const struct opp_credits *oc, size_t op, size_t i,
                            struct credit_rec *r) {
  r->opp = (uint32_t)op;
  r->touch = oc->touches ? oc->touches[i] : DS_NONE;
  r->campaign = oc->touches ? DS_NONE : oc->campaign;
  r->flags = oc->flags ? oc->flags[i] : 0;
  r->pip = oc->pip[i];
  r->rev = oc->rev[i];
  credit_weight_format(oc, i, r->weight);
}

/* The one writer of a touch_credits row, sharded or not. */
static void credit_row(struct csv_out *o, const struct dataset *ds, const char *model,
                       const struct credit_rec *r) {
  const struct ds_touch *t = r->touch != DS_NONE ? &ds->touches[r->touch] : NULL;
  uint32_t camp = t ? t->campaign : r->campaign;
  str_id channel = t ? t->channel : ds->campaigns[r->campaign].channel;
  char buf[64];

  csv_out_text(o, model);
  csv_out_text(o, ds_str(ds, ds->opps[r->opp].id));
  csv_out_text(o, t ? ds_str(ds, t->touch_id) : "");
  csv_out_text(o, t ? ds_str(ds, ds->persons[t->person].key) : "");
  cal_format_ts(t ? t->time : ds->opps[r->opp].created, buf);
  csv_out_text(o, buf);
  csv_out_text(o, camp == DS_NONE ? "" : ds_str(ds, ds->campaigns[camp].id));
  csv_out_text(o, ds_str(ds, channel));
  milestones_format(r->flags, buf);
  csv_out_text(o, buf);
  csv_out_num(o, r->weight);
  out_cents(o, r->pip);
  out_cents(o, r->rev);
  csv_out_end_row(o);
}

/* Where the credit records of one model go. */
struct credit_sink {
  struct csv_out *csv;    /* the table, or */
  struct shard_out *part; /* a shard's credit file */
  const char *model;
  uint64_t n;
};

/* Computes model m over every covered opportunity, in output order, and
 * hands each credit to the sink. */
static void each_credit(const struct tables_input *in, const struct attr_ctx *ctx, size_t m,
                        struct attr_scratch *s, struct credit_sink *sink) {
  const struct dataset *ds = in->ds;
  const struct model_def *md = &in->cfg->models[m];
  struct opp_credits oc;
  struct credit_rec r;
  for (size_t op = 0; op < ds->nopps; op++) {
    if (!in->cover[op])
      continue;
    attribute_opp(ctx, md, op, s, &oc);
    for (size_t i = 0; i < oc.k; i++) {
      credit_rec_make(&oc, op, i, &r);
      if (sink->csv) {
        credit_row(sink->csv, ds, sink->model, &r);
      } else {
        if (in->opp_whole)
          r.opp = in->opp_whole[r.opp];
        if (in->touch_whole && r.touch != DS_NONE)
          r.touch = in->touch_whole[r.touch];
        shard_out_credit(sink->part, &r);
      }
      sink->n++;
    }
  }
}

static int write_credits(const struct tables_input *in, const struct attr_ctx *ctx,
                         const char *dir, uint64_t *rows, struct strbuf *err) {
  struct credit_sink sink = {NULL, NULL, NULL, 0};
  struct attr_scratch s;

  if (open_table(&sink.csv, dir, TABLE_TOUCH_CREDITS, true, in->cfg->excel_bom, CREDITS_HEADER,
                 err))
    return -1;
  attr_scratch_init(&s);
  for (size_t m = 0; m < in->cfg->nmodels; m++) {
    sink.model = in->cfg->models[m].name;
    each_credit(in, ctx, m, &s, &sink);
  }
  attr_scratch_release(&s);
  *rows = csv_out_rows(sink.csv) - 1;
  return csv_out_close(sink.csv, err);
}

/* A shard's credit files, one per model; rows[m] gets their record counts. */
static int write_shard_credits(const struct tables_input *in, const struct attr_ctx *ctx,
                               const char *dir, uint64_t *rows, struct strbuf *err) {
  struct attr_scratch s;
  int rc = 0;
  attr_scratch_init(&s);
  for (size_t m = 0; rc == 0 && m < in->cfg->nmodels; m++) {
    char *path = shard_credits_path(dir, m);
    struct credit_sink sink = {NULL, NULL, in->cfg->models[m].name, 0};
    rc = shard_out_open(&sink.part, path, err);
    free(path);
    if (rc != 0)
      break;
    each_credit(in, ctx, m, &s, &sink);
    rows[m] = sink.n;
    rc = shard_out_close(sink.part, err);
  }
  attr_scratch_release(&s);
  return rc;
}

/* A credit record read back from a shard, checked against the data set
 * and the shard's opportunities [first, end), after *last (the previous
 * record's opportunity). */
static bool credit_rec_valid(const struct dataset *ds, const struct credit_rec *r, size_t first,
                             size_t end, size_t *last) {
  if (r->opp < first || r->opp >= end || r->opp < *last)
    return false;
  *last = r->opp;
  if (r->touch != DS_NONE)
    return r->touch < ds->ntouches;
  return r->campaign < ds->ncampaigns;
}

/* Appends the records of one shard's credit file for one model. */
static int merge_credit_file(const struct tables_input *in, struct credit_sink *sink,
                             const char *dir, size_t m, unsigned shard, unsigned nshards,
                             struct strbuf *err) {
  char *path = shard_credits_path(dir, m);
  struct shard_in *part;
  struct credit_rec r;
  size_t first, end, last = 0;
  int got;
  if (shard_in_open(&part, path, err) != 0) {
    free(path);
    return -1;
  }
  shard_span(in->ds->nopps, shard, nshards, &first, &end);
  while ((got = shard_in_credit(part, &r, err)) == 1) {
    if (!credit_rec_valid(in->ds, &r, first, end, &last)) {
      strbuf_addf(err, "%s: a credit record outside the shard's opportunities", path);
      got = -1;
      break;
    }
    credit_row(sink->csv, in->ds, sink->model, &r);
    sink->n++;
  }
  shard_in_close(part);
  free(path);
  return got == 0 ? 0 : -1;
}

/* touch_credits.csv.gz from the shards' folders parts[0..nshards): model
 * by model, shard by shard; expected[m] is the number of records the
 * shards announced for model m in their sums.bin. */
static int merge_credits(const struct tables_input *in, char *const *parts, unsigned nshards,
                         const uint64_t *expected, const char *dir, uint64_t *rows,
                         struct strbuf *err) {
  struct credit_sink sink = {NULL, NULL, NULL, 0};
  int rc = 0;
  if (open_table(&sink.csv, dir, TABLE_TOUCH_CREDITS, true, in->cfg->excel_bom, CREDITS_HEADER,
                 err))
    return -1;
  for (size_t m = 0; rc == 0 && m < in->cfg->nmodels; m++) {
    uint64_t before = sink.n;
    sink.model = in->cfg->models[m].name;
    for (unsigned s = 0; rc == 0 && s < nshards; s++)
      rc = merge_credit_file(in, &sink, parts[s], m, s, nshards, err);
    if (rc == 0 && sink.n - before != expected[m]) {
      strbuf_addf(err, "%s: model %s: the shards wrote %llu credit records, their sums say %llu",
                  parts[0], sink.model, (unsigned long long)(sink.n - before),
                  (unsigned long long)expected[m]);
      rc = -1;
    }
  }
  if (rc != 0) {
    csv_out_abort(sink.csv);
    return -1;
  }
  *rows = csv_out_rows(sink.csv) - 1;
  return csv_out_close(sink.csv, err);
}

/* --- Group tables ------------------------------------------------------ */

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* The sorted union of the keys of the base map and every model map. */
static uint64_t *union_keys(const struct agg_map *base, const struct agg_map *const *models,
                            size_t nmodels, size_t *n) {
  size_t total = base->ncells, k = 0;
  for (size_t m = 0; m < nmodels; m++)
    total += models[m]->ncells;
  uint64_t *keys = xreallocarray(NULL, total ? total : 1, sizeof(uint64_t));
  for (size_t c = 0; c < base->ncells; c++)
    keys[k++] = base->cells[c].key;
  for (size_t m = 0; m < nmodels; m++)
    for (size_t c = 0; c < models[m]->ncells; c++)
      keys[k++] = models[m]->cells[c].key;
  qsort(keys, k, sizeof(uint64_t), cmp_u64);
  size_t u = 0;
  for (size_t i = 0; i < k; i++)
    if (u == 0 || keys[u - 1] != keys[i])
      keys[u++] = keys[i];
  *n = u;
  return keys;
}

enum group_table { TABLE_CAMPAIGN, TABLE_CHANNEL };

struct group_writer {
  const struct tables_input *in;
  enum group_table which;
  struct csv_out *o;
};

static void group_cells(const struct group_writer *gw, uint32_t rank) {
  const struct dataset *ds = gw->in->ds;
  const struct groups *g = gw->in->g;
  if (gw->which == TABLE_CHANNEL) {
    csv_out_text(gw->o, g->chan_names[rank]);
    return;
  }
  uint32_t grp = g->camp_group[rank];
  if (grp == g->camp_none || grp == g->camp_unattributed) {
    csv_out_text(gw->o, grp == g->camp_none ? GROUP_NONE : GROUP_UNATTRIBUTED);
    csv_out_text(gw->o, "");
    csv_out_text(gw->o, "");
    return;
  }
  const struct ds_campaign *c = &ds->campaigns[grp];
  csv_out_text(gw->o, ds_str(ds, c->id));
  csv_out_text(gw->o, ds_str(ds, c->name));
  csv_out_text(gw->o, ds_str(ds, c->type));
}

/* One row if any printed number is non-zero. */
static void group_row(const struct group_writer *gw, uint32_t period, const char *model,
                      uint32_t rank, const struct agg_cell *b, const struct agg_cell *m) {
  static const struct agg_cell zero;
  const struct emit_range *r = gw->in->r;
  char opps[64], won[64], roi[64], label[16], start[16], end[16];
  if (!b)
    b = &zero;
  if (!m)
    m = &zero;
  fmt_fix18(m->opps, opps);
  fmt_fix18(m->won, won);
  if (b->touches == 0 && printed_zero(opps) && m->pipeline == 0 && printed_zero(won) &&
      m->revenue == 0 && b->cost == 0)
    return;
  fmt_roi(m->revenue, b->cost, roi);
  period_label(&r->pc, r->starts[period], label);
  cal_format_date(r->starts[period], start);
  cal_format_date(period_end(&r->pc, r->starts[period]), end);

  csv_out_text(gw->o, label);
  csv_out_text(gw->o, start);
  csv_out_text(gw->o, end);
  csv_out_text(gw->o, model);
  group_cells(gw, rank);
  out_i64(gw->o, b->touches);
  csv_out_num(gw->o, opps);
  out_cents(gw->o, m->pipeline);
  csv_out_num(gw->o, won);
  out_cents(gw->o, m->revenue);
  out_cents(gw->o, b->cost);
  csv_out_num(gw->o, roi);
  csv_out_end_row(gw->o);
}

static int write_group_table(const struct tables_input *in, enum group_table which,
                             const struct model_sums *sums, const char *dir,
                             struct strbuf *err) {
  static const char *const headers[2] = {
      "period,period_start,period_end,model,campaign_id,campaign_name,campaign_type,"
      "touches,opportunities,pipeline,won_opportunities,revenue,cost,roi",
      "period,period_start,period_end,model,channel,"
      "touches,opportunities,pipeline,won_opportunities,revenue,cost,roi"};
  const char *name = which == TABLE_CAMPAIGN ? TABLE_BY_CAMPAIGN : TABLE_BY_CHANNEL;
  size_t nm = in->cfg->nmodels, nkeys;
  struct group_writer gw = {in, which, NULL};

  if (open_table(&gw.o, dir, name, false, in->cfg->excel_bom, headers[which], err))
    return -1;
  const struct agg_map *base = which == TABLE_CAMPAIGN ? &in->base->campaign : &in->base->channel;
  const struct agg_map **maps = xcalloc(nm ? nm : 1, sizeof(*maps));
  for (size_t m = 0; m < nm; m++)
    maps[m] = which == TABLE_CAMPAIGN ? &sums[m].campaign : &sums[m].channel;
  uint64_t *keys = union_keys(base, maps, nm, &nkeys);

  for (size_t a = 0, b; a < nkeys; a = b) {
    uint32_t period = (uint32_t)(keys[a] >> 32);
    for (b = a; b < nkeys && (uint32_t)(keys[b] >> 32) == period; b++)
      ;
    const uint64_t *group = keys + a; /* indexing from 0 keeps gcc -O3's loop analysis quiet */
    size_t ngroup = b - a;
    for (size_t m = 0; m < nm; m++)
      for (size_t i = 0; i < ngroup; i++) {
        uint32_t rank = (uint32_t)group[i];
        group_row(&gw, period, in->cfg->models[m].name, rank, agg_map_find(base, period, rank),
                  agg_map_find(maps[m], period, rank));
      }
  }
  free(keys);
  free(maps);
  return csv_out_close(gw.o, err);
}

/* --- reconciliation.csv ------------------------------------------------ */

static int write_reconciliation(const struct tables_input *in, const struct model_sums *sums,
                                const char *dir, struct strbuf *err) {
  struct csv_out *o;
  if (open_table(&o, dir, TABLE_RECONCILIATION, false, in->cfg->excel_bom,
                 "model,opportunities,pipeline_total,pipeline_attributed,pipeline_unattributed,"
                 "won_opportunities,revenue_total,revenue_attributed,revenue_unattributed",
                 err))
    return -1;
  for (size_t m = 0; m < in->cfg->nmodels; m++) {
    const struct recon *rc = &sums[m].recon;
    csv_out_text(o, in->cfg->models[m].name);
    out_i64(o, rc->opps);
    out_cents(o, rc->pipeline_attributed + rc->pipeline_unattributed);
    out_cents(o, rc->pipeline_attributed);
    out_cents(o, rc->pipeline_unattributed);
    out_i64(o, rc->won);
    out_cents(o, rc->revenue_attributed + rc->revenue_unattributed);
    out_cents(o, rc->revenue_attributed);
    out_cents(o, rc->revenue_unattributed);
    csv_out_end_row(o);
  }
  return csv_out_close(o, err);
}

/* --- All four ---------------------------------------------------------- */

/* The models' sums, computed on worker threads while the caller streams
 * the credits (or by the caller first when there is one job). */
struct model_run {
  struct model_runner proto;
  struct workers w;
  size_t nworkers;
};

static struct model_sums *model_run_start(struct model_run *mr, const struct tables_input *in) {
  size_t nm = in->cfg->nmodels;
  struct model_sums *sums = xcalloc(nm ? nm : 1, sizeof(*sums));
  struct attr_ctx ctx = {in->ds, in->lk, in->cfg->half_life_days, in->fit, in->g->touch_chan};
  struct model_runner proto = {in, ctx, sums, 0, 1};
  memset(mr, 0, sizeof(*mr));
  mr->proto = proto;
  mr->nworkers = in->jobs > 1 ? in->jobs - 1 : 0;
  if (mr->nworkers > nm)
    mr->nworkers = nm;
  if (mr->nworkers > 0)
    workers_start(&mr->w, &mr->proto, mr->nworkers);
  else
    run_models(&mr->proto);
  return sums;
}

static void model_run_join(struct model_run *mr) {
  if (mr->nworkers > 0)
    workers_join(&mr->w);
}

static void sums_free(struct model_sums *sums, size_t nm) {
  for (size_t m = 0; m < nm; m++)
    model_sums_release(&sums[m]);
  free(sums);
}

/* The tables written from the sums: both group tables and reconciliation;
 * and the funnel, which needs no model and is computed whole here (never
 * per shard, see funnel_table.h). */
static int write_sum_tables(const struct tables_input *in, const struct model_sums *sums,
                            const char *dir, struct strbuf *err) {
  int rc = write_group_table(in, TABLE_CAMPAIGN, sums, dir, err);
  if (rc == 0)
    rc = write_group_table(in, TABLE_CHANNEL, sums, dir, err);
  if (rc == 0)
    rc = write_reconciliation(in, sums, dir, err);
  if (rc == 0)
    rc = funnel_table_write(in->cfg, in->ds, in->g, in->r, dir, err);
  return rc;
}

int tables_write(const struct tables_input *in, const char *dir, uint64_t *credit_rows,
                 struct strbuf *err) {
  struct model_run mr;
  struct model_sums *sums = model_run_start(&mr, in);
  *credit_rows = 0;
  int rc = write_credits(in, &mr.proto.ctx, dir, credit_rows, err);
  model_run_join(&mr);
  if (rc == 0)
    rc = write_sum_tables(in, sums, dir, err);
  if (rc == 0 && in->fit)
    rc = model_fit_write(in->cfg, in->g, in->fit, dir, err);
  sums_free(sums, in->cfg->nmodels);
  return rc;
}

int tables_write_partial(const struct tables_input *in, const struct shard_header *hdr,
                         const char *dir, uint64_t *credit_rows, struct strbuf *err) {
  size_t nm = in->cfg->nmodels;
  uint64_t *rows = xcalloc(nm ? nm : 1, sizeof(uint64_t));
  struct model_run mr;
  struct model_sums *sums = model_run_start(&mr, in);
  int rc = write_shard_credits(in, &mr.proto.ctx, dir, rows, err);
  model_run_join(&mr);
  if (rc == 0 && in->fit)
    rc = shard_fit_write(dir, in->fit, err);
  if (rc == 0)
    rc = shard_sums_write(dir, hdr, sums, rows, err);
  *credit_rows = 0;
  for (size_t m = 0; m < nm; m++)
    *credit_rows += rows[m];
  sums_free(sums, nm);
  free(rows);
  return rc;
}

/* model_fit.csv from the shards' fit.bin: every shard computed the fit from
 * the whole data set, so they must agree bit for bit. */
static int merge_fit(const struct tables_input *in, char *const *parts, unsigned nshards,
                     const char *dir, struct strbuf *err) {
  size_t n = in->g->nchannels;
  struct dd_fit first, other;
  int rc = shard_fit_read(parts[0], n, &first, err);
  for (unsigned s = 1; rc == 0 && s < nshards; s++) {
    rc = shard_fit_read(parts[s], n, &other, err);
    if (rc == 0 &&
        (other.njourneys != first.njourneys || other.nconv != first.nconv ||
         memcmp(&other.p, &first.p, sizeof first.p) != 0 ||
         memcmp(other.journeys, first.journeys, n * sizeof(uint64_t)) != 0 ||
         memcmp(other.conversions, first.conversions, n * sizeof(uint64_t)) != 0 ||
         memcmp(other.re, first.re, n * sizeof(double)) != 0 ||
         memcmp(other.phi, first.phi, n * sizeof(double)) != 0)) {
      strbuf_addf(err, "%s/%s: the fit differs from shard 0's", parts[s], SHARD_FIT);
      rc = -1;
    }
    dd_fit_release(&other);
  }
  if (rc == 0)
    rc = model_fit_write(in->cfg, in->g, &first, dir, err);
  dd_fit_release(&first);
  return rc;
}

int tables_merge(const struct tables_input *in, const struct shard_header *hdr,
                 const char *partials, const char *dir, uint64_t *credit_rows,
                 struct strbuf *err) {
  size_t nm = in->cfg->nmodels;
  unsigned n = hdr->nshards;
  struct model_sums *sums = xcalloc(nm ? nm : 1, sizeof(*sums));
  uint64_t *expected = xcalloc(nm ? nm : 1, sizeof(uint64_t));
  char **parts = xcalloc(n ? n : 1, sizeof(char *));
  struct shard_header want = *hdr;
  int rc = 0;

  *credit_rows = 0;
  for (unsigned s = 0; s < n; s++)
    parts[s] = xasprintf("%s/%u", partials, s);
  for (unsigned s = 0; rc == 0 && s < n; s++) {
    want.shard = s;
    rc = shard_sums_read(parts[s], &want, in->r->n, in->g->ncamp_groups, in->g->nchannels, sums,
                         expected, err);
  }
  if (rc == 0 && model_fit_wanted(in->cfg))
    rc = merge_fit(in, parts, n, dir, err);
  if (rc == 0)
    rc = merge_credits(in, parts, n, expected, dir, credit_rows, err);
  if (rc == 0)
    rc = write_sum_tables(in, sums, dir, err);
  for (unsigned s = 0; s < n; s++)
    free(parts[s]);
  free(parts);
  free(expected);
  sums_free(sums, nm);
  return rc;
}
