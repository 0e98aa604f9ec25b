/* Writing funnel.csv (see funnel_table.h): the data set seen as the plain
 * structs of transforms/funnel.h, then one CSV row per funnel_row. */
#include "etl/attribute/funnel_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etl/common/csvout.h"
#include "transforms/base/calendar.h"
#include "transforms/credit.h"
#include "transforms/funnel.h"
#include "transforms/base/idmap.h"
#include "transforms/base/xalloc.h"

#define FUNNEL_HEADER                                                                    \
  "period,period_start,period_end,dimension,group_id,group_name,stage,stage_order,"     \
  "reached,reached_pipeline,advanced,conversion,won,lost,open,median_days_in_stage,"    \
  "median_days_to_reach"

#define GROUP_ALL "(all)"

static const char *const dim_names[FUNNEL_DIMS] = {"all", "campaign", "lead_source"};

/* --- Inputs of the pure part --------------------------------------------- */

/* Stage positions of interned names, computed once per distinct name. */
struct stage_lookup {
  const struct funnel_stages *stages;
  const struct dataset *ds;
  struct idmap pos; /* str_id -> position + 1, 0 = no configured stage */
};

static int32_t stage_of(struct stage_lookup *l, str_id name) {
  uint32_t v;
  if (!idmap_get(&l->pos, name, &v)) {
    const char *s = ds_str(l->ds, name);
    int p = funnel_stage_position(l->stages, s, strlen(s));
    v = (uint32_t)(p + 1);
    idmap_put(&l->pos, name, v);
  }
  return (int32_t)v - 1;
}

/* The lead-source groups: distinct group_ids (LeadSource, "(none)" when
 * empty) in bytewise order, and each opportunity's rank among them. */
struct source_groups {
  const char **names;
  size_t n;
  uint32_t *of_opp;
};

static const char *source_name(const struct dataset *ds, const struct ds_opportunity *o) {
  const char *s = ds_str(ds, o->lead_source);
  return *s ? s : GROUP_NONE;
}

static void source_groups_build(struct source_groups *sg, const struct dataset *ds) {
  struct idmap seen; /* lead_source str_id -> rank + 1, 0 until ranked */
  uint32_t v;
  idmap_init(&seen);
  sg->n = 0;
  sg->names = xreallocarray(NULL, ds->nopps ? ds->nopps : 1, sizeof(*sg->names));
  for (size_t o = 0; o < ds->nopps; o++)
    if (!idmap_get(&seen, ds->opps[o].lead_source, &v)) {
      idmap_put(&seen, ds->opps[o].lead_source, 0);
      sg->names[sg->n++] = source_name(ds, &ds->opps[o]);
    }
  /* a LeadSource written "(none)" is the group of the empty ones */
  sg->n = names_sort_unique(sg->names, sg->n);
  sg->of_opp = xreallocarray(NULL, ds->nopps ? ds->nopps : 1, sizeof(uint32_t));
  for (size_t o = 0; o < ds->nopps; o++) {
    str_id id = ds->opps[o].lead_source;
    idmap_get(&seen, id, &v);
    if (v == 0) {
      v = names_rank(sg->names, sg->n, source_name(ds, &ds->opps[o])) + 1; /* present */
      idmap_put(&seen, id, v);
    }
    sg->of_opp[o] = v - 1;
  }
  idmap_release(&seen);
}

static void source_groups_release(struct source_groups *sg) {
  free(sg->names);
  free(sg->of_opp);
}

/* Everything funnel_build reads, owned here. */
struct funnel_input {
  struct funnel_step *steps; /* one per history row, in data set order */
  struct funnel_opp *opps;   /* one per opportunity */
};

static void funnel_input_build(struct funnel_input *fi, const struct etl_config *cfg,
                               const struct dataset *ds, const struct groups *g,
                               const struct emit_range *r, const struct source_groups *sg) {
  struct stage_lookup look = {&cfg->funnel, ds, {0}};
  idmap_init(&look.pos);
  fi->steps = xreallocarray(NULL, ds->nhistory ? ds->nhistory : 1, sizeof(*fi->steps));
  for (size_t i = 0; i < ds->nhistory; i++) {
    fi->steps[i].time = ds->history[i].created == DS_NO_TIME ? FUNNEL_NO_VALUE
                                                              : ds->history[i].created;
    fi->steps[i].stage = stage_of(&look, ds->history[i].stage);
  }
  fi->opps = xcalloc(ds->nopps ? ds->nopps : 1, sizeof(*fi->opps));
  size_t h = 0; /* history is sorted by opportunity */
  for (size_t o = 0; o < ds->nopps; o++) {
    const struct ds_opportunity *op = &ds->opps[o];
    struct funnel_opp *fo = &fi->opps[o];
    size_t first = h;
    while (h < ds->nhistory && ds->history[h].opp == o)
      h++;
    fo->steps = fi->steps + first;
    fo->nsteps = h - first;
    fo->created = op->created;
    fo->pipeline = op->pipeline_cents;
    fo->current = stage_of(&look, op->stage);
    long p = range_index(r, (int32_t)cal_day_of(op->created));
    fo->period = p < 0 ? FUNNEL_NOT_EMITTED : (uint32_t)p;
    fo->group[FUNNEL_DIM_ALL] = 0;
    fo->group[FUNNEL_DIM_CAMPAIGN] = g->camp_rank[op->campaign == DS_NONE ? g->camp_none : op->campaign];
    fo->group[FUNNEL_DIM_LEAD_SOURCE] = sg->of_opp[o];
    fo->closed = (op->flags & DS_OPP_CLOSED) != 0;
    fo->won = (op->flags & DS_OPP_WON) != 0;
  }
  idmap_release(&look.pos);
}

static void funnel_input_release(struct funnel_input *fi) {
  free(fi->steps);
  free(fi->opps);
}

/* --- Rows ------------------------------------------------------------------ */

struct row_writer {
  struct csv_out *o;
  const struct etl_config *cfg;
  const struct dataset *ds;
  const struct groups *g;
  const struct emit_range *r;
  const struct source_groups *sg;
};

static void out_i64(struct csv_out *o, int64_t v) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%lld", (long long)v);
  csv_out_num(o, buf);
}

static void out_days(struct csv_out *o, int64_t seconds) {
  char buf[32] = "";
  if (seconds != FUNNEL_NO_VALUE)
    funnel_format_days(seconds, buf);
  csv_out_num(o, buf);
}

static void group_cells(const struct row_writer *w, uint32_t dim, uint32_t rank) {
  const char *id = GROUP_ALL, *name = "";
  if (dim == FUNNEL_DIM_CAMPAIGN) {
    uint32_t grp = w->g->camp_group[rank];
    id = GROUP_NONE;
    if (grp < w->ds->ncampaigns) {
      id = ds_str(w->ds, w->ds->campaigns[grp].id);
      name = ds_str(w->ds, w->ds->campaigns[grp].name);
    }
  } else if (dim == FUNNEL_DIM_LEAD_SOURCE) {
    id = w->sg->names[rank];
  }
  csv_out_text(w->o, id);
  csv_out_text(w->o, name);
}

static void write_row(const struct row_writer *w, const struct funnel_row *x) {
  char label[16], start[16], end[16], buf[32];
  int32_t first = w->r->starts[x->period];
  period_label(&w->r->pc, first, label);
  cal_format_date(first, start);
  cal_format_date(period_end(&w->r->pc, first), end);
  csv_out_text(w->o, label);
  csv_out_text(w->o, start);
  csv_out_text(w->o, end);
  csv_out_text(w->o, dim_names[x->dim]);
  group_cells(w, x->dim, x->group);
  csv_out_text(w->o, w->cfg->funnel.names[x->stage]);
  out_i64(w->o, (int64_t)x->stage + 1);
  out_i64(w->o, x->reached);
  fmt_cents(x->reached_pipeline, buf);
  csv_out_num(w->o, buf);
  out_i64(w->o, x->advanced);
  funnel_format_conversion(x->advanced, x->reached, buf);
  csv_out_num(w->o, buf);
  out_i64(w->o, x->won);
  out_i64(w->o, x->lost);
  out_i64(w->o, x->open);
  out_days(w->o, x->median_in_stage);
  out_days(w->o, x->median_to_reach);
  csv_out_end_row(w->o);
}

static void write_header(struct csv_out *o) {
  char *copy = xstrdup(FUNNEL_HEADER);
  for (char *p = copy, *comma; p; p = comma ? comma + 1 : NULL) {
    comma = strchr(p, ',');
    if (comma)
      *comma = '\0';
    csv_out_text(o, p);
  }
  csv_out_end_row(o);
  free(copy);
}

int funnel_table_write(const struct etl_config *cfg, const struct dataset *ds,
                       const struct groups *g, const struct emit_range *r, const char *dir,
                       struct strbuf *err) {
  struct source_groups sg;
  struct funnel_input fi;
  struct funnel_rows rows;
  struct csv_out *o;
  char *path = xasprintf("%s/%s", dir, TABLE_FUNNEL);
  int rc = csv_out_open(&o, path, false, cfg->excel_bom, err);
  free(path);
  if (rc != 0)
    return -1;
  source_groups_build(&sg, ds);
  funnel_input_build(&fi, cfg, ds, g, r, &sg);
  funnel_build(&rows, fi.opps, ds->nopps, cfg->funnel.n);
  struct row_writer w = {o, cfg, ds, g, r, &sg};
  write_header(o);
  for (size_t i = 0; i < rows.n; i++)
    write_row(&w, &rows.rows[i]);
  funnel_rows_release(&rows);
  funnel_input_release(&fi);
  source_groups_release(&sg);
  return csv_out_close(o, err);
}
