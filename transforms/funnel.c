/* Stage timelines, reach, lower medians and the rows of funnel.csv (see
 * funnel.h). Every number is an integer (counts, cents, seconds) until it
 * is printed, so the table never depends on floating point. */
#include "transforms/funnel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"

/* --- One opportunity ------------------------------------------------------- */

int32_t funnel_top(const struct funnel_opp *o, size_t nstages) {
  if (o->won)
    return (int32_t)nstages - 1;
  int32_t top = o->current;
  for (size_t i = 0; i < o->nsteps; i++)
    if (o->steps[i].stage > top)
      top = o->steps[i].stage;
  return top;
}

void funnel_stints(const struct funnel_opp *o, size_t nstages, struct funnel_stint *out) {
  for (size_t s = 0; s < nstages; s++)
    out[s].in_stage = out[s].to_reach = FUNNEL_NO_VALUE;
  /* The stage whose first step has been seen and that no differing step
   * has followed yet: at most one, the stage of the latest step. */
  int32_t pending = FUNNEL_NO_STAGE;
  int64_t entered = 0;
  for (size_t i = 0; i < o->nsteps; i++) {
    const struct funnel_step *st = &o->steps[i];
    if (st->time == FUNNEL_NO_VALUE)
      continue;
    if (pending != FUNNEL_NO_STAGE && st->stage != pending) {
      out[pending].in_stage = st->time - entered;
      pending = FUNNEL_NO_STAGE;
    }
    if (st->stage == FUNNEL_NO_STAGE || (size_t)st->stage >= nstages ||
        out[st->stage].to_reach != FUNNEL_NO_VALUE)
      continue;
    out[st->stage].to_reach = st->time - o->created;
    pending = st->stage;
    entered = st->time;
  }
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

int64_t funnel_lower_median(int64_t *v, size_t n) {
  qsort(v, n, sizeof(*v), cmp_i64);
  return v[(n + 1) / 2 - 1];
}

/* --- Formatting ------------------------------------------------------------- */

void funnel_format_conversion(int64_t advanced, int64_t reached, char out[32]) {
  uint64_t num = (uint64_t)advanced * 10000u, den = (uint64_t)reached;
  uint64_t q = num / den, rem = num % den;
  if (rem * 2 >= den)
    q++;
  snprintf(out, 32, "%llu.%04llu", (unsigned long long)(q / 10000),
           (unsigned long long)(q % 10000));
}

void funnel_format_days(int64_t seconds, char out[32]) {
  /* tenths of a day: 8640 s each */
  uint64_t mag = seconds < 0 ? (uint64_t)(-(seconds + 1)) + 1 : (uint64_t)seconds;
  uint64_t q = mag / 8640, rem = mag % 8640;
  if (rem * 2 >= 8640)
    q++;
  snprintf(out, 32, "%s%llu.%llu", seconds < 0 && q != 0 ? "-" : "",
           (unsigned long long)(q / 10), (unsigned long long)(q % 10));
}

/* --- The rows ------------------------------------------------------------- */

/* An opportunity of the cohort view in one dimension. */
struct member {
  uint64_t key; /* period << 32 | group */
  uint32_t opp;
};

static int cmp_member(const void *a, const void *b) {
  const struct member *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return (x->opp > y->opp) - (x->opp < y->opp);
}

static int cmp_row(const void *a, const void *b) {
  const struct funnel_row *x = a, *y = b;
  if (x->period != y->period)
    return x->period < y->period ? -1 : 1;
  if (x->dim != y->dim)
    return x->dim < y->dim ? -1 : 1;
  if (x->group != y->group)
    return x->group < y->group ? -1 : 1;
  return (x->stage > y->stage) - (x->stage < y->stage);
}

/* What every opportunity contributes, computed once for all dimensions. */
struct opp_facts {
  const struct funnel_opp *opps;
  size_t nopps, nstages;
  int32_t *top;                 /* per opportunity */
  struct funnel_stint *stints;  /* nopps * nstages, only for reaching ones */
  int64_t *in_values, *to_values; /* scratch for one group's medians */
};

struct row_sink {
  struct funnel_row *rows;
  size_t n, cap;
};

static int64_t median_or_none(int64_t *v, size_t n) {
  return n ? funnel_lower_median(v, n) : FUNNEL_NO_VALUE;
}

/* The row of stage s over the group's members m[0..n). */
static void stage_row(struct opp_facts *f, const struct member *m, size_t n, uint32_t dim,
                      uint32_t s, struct funnel_row *r) {
  size_t nin = 0, nto = 0;
  memset(r, 0, sizeof(*r));
  r->period = (uint32_t)(m[0].key >> 32);
  r->dim = dim;
  r->group = (uint32_t)m[0].key;
  r->stage = s;
  for (size_t i = 0; i < n; i++) {
    const struct funnel_opp *o = &f->opps[m[i].opp];
    int32_t top = f->top[m[i].opp];
    if (top < (int32_t)s)
      continue;
    r->reached++;
    r->reached_pipeline += o->pipeline;
    if (top > (int32_t)s || o->won)
      r->advanced++;
    if (o->won)
      r->won++;
    /* as defined: lost = closed, not won; open = not closed (a won deal
     * that is not closed, which Salesforce never writes, is open too) */
    if (top == (int32_t)s && o->closed && !o->won)
      r->lost++;
    if (top == (int32_t)s && !o->closed)
      r->open++;
    const struct funnel_stint *st = &f->stints[(size_t)m[i].opp * f->nstages + s];
    if (st->in_stage != FUNNEL_NO_VALUE)
      f->in_values[nin++] = st->in_stage;
    if (st->to_reach != FUNNEL_NO_VALUE)
      f->to_values[nto++] = st->to_reach;
  }
  r->median_in_stage = median_or_none(f->in_values, nin);
  r->median_to_reach = median_or_none(f->to_values, nto);
}

/* The rows of one group: every stage up to the highest reached one. */
static void group_rows(struct opp_facts *f, const struct member *m, size_t n, uint32_t dim,
                       struct row_sink *sink) {
  int32_t high = FUNNEL_NO_STAGE;
  for (size_t i = 0; i < n; i++)
    if (f->top[m[i].opp] > high)
      high = f->top[m[i].opp];
  for (int32_t s = 0; s <= high; s++) {
    XGROW(sink->rows, sink->cap, sink->n + 1);
    stage_row(f, m, n, dim, (uint32_t)s, &sink->rows[sink->n++]);
  }
}

static void dimension_rows(struct opp_facts *f, struct member *m, uint32_t dim,
                           struct row_sink *sink) {
  size_t n = 0;
  for (size_t o = 0; o < f->nopps; o++) {
    if (f->opps[o].period == FUNNEL_NOT_EMITTED || f->top[o] == FUNNEL_NO_STAGE)
      continue;
    m[n].key = (uint64_t)f->opps[o].period << 32 | f->opps[o].group[dim];
    m[n].opp = (uint32_t)o;
    n++;
  }
  qsort(m, n, sizeof(*m), cmp_member);
  for (size_t a = 0, b; a < n; a = b) {
    for (b = a; b < n && m[b].key == m[a].key; b++)
      ;
    group_rows(f, m + a, b - a, dim, sink);
  }
}

static void facts_build(struct opp_facts *f, const struct funnel_opp *opps, size_t nopps,
                        size_t nstages) {
  f->opps = opps;
  f->nopps = nopps;
  f->nstages = nstages;
  f->top = xreallocarray(NULL, nopps ? nopps : 1, sizeof(*f->top));
  f->stints = xreallocarray(NULL, nopps ? nopps * nstages : 1, sizeof(*f->stints));
  for (size_t o = 0; o < nopps; o++) {
    f->top[o] = FUNNEL_NO_STAGE;
    if (opps[o].period == FUNNEL_NOT_EMITTED)
      continue;
    f->top[o] = funnel_top(&opps[o], nstages);
    if (f->top[o] != FUNNEL_NO_STAGE)
      funnel_stints(&opps[o], nstages, &f->stints[o * nstages]);
  }
  f->in_values = xreallocarray(NULL, nopps ? nopps : 1, sizeof(int64_t));
  f->to_values = xreallocarray(NULL, nopps ? nopps : 1, sizeof(int64_t));
}

static void facts_release(struct opp_facts *f) {
  free(f->top);
  free(f->stints);
  free(f->in_values);
  free(f->to_values);
}

void funnel_build(struct funnel_rows *out, const struct funnel_opp *opps, size_t nopps,
                  size_t nstages) {
  struct opp_facts f;
  struct row_sink sink = {NULL, 0, 0};
  memset(out, 0, sizeof(*out));
  if (nstages == 0)
    return;
  facts_build(&f, opps, nopps, nstages);
  struct member *m = xreallocarray(NULL, nopps ? nopps : 1, sizeof(*m));
  for (uint32_t d = 0; d < FUNNEL_DIMS; d++)
    dimension_rows(&f, m, d, &sink);
  free(m);
  facts_release(&f);
  if (sink.n > 1) /* qsort of a NULL array is undefined, even when empty */
    qsort(sink.rows, sink.n, sizeof(*sink.rows), cmp_row);
  out->rows = sink.rows;
  out->n = sink.n;
}

void funnel_rows_release(struct funnel_rows *r) {
  free(r->rows);
  r->rows = NULL;
  r->n = 0;
}
