/* check_invariants OUT_DIR DATASET: checks the invariants that must hold on
 * every run (issue "End-to-end attribution", CONTRACT §5.1, §5.4):
 *  - each (model, opportunity) in touch_credits sums to the opportunity's
 *    pipeline value, and to its revenue if won (0 otherwise), and its
 *    weights sum to 1;
 *  - reconciliation: attributed + unattributed = total, and the totals equal
 *    the sums of the by-campaign and of the by-channel tables per model;
 *  - per model and period, the by-campaign and by-channel tables hold the
 *    same touches, opportunities, pipeline, won_opportunities and revenue.
 * Reads the tables with the pipeline's own CSV reader. Exit 0 when all hold,
 * 1 with one line per violation otherwise. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etl/common/dataset_io.h"
#include "etl/input/reader.h"
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
  struct etl_input_opts o = {UINT64_MAX, 1e9, false};
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
};

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

static void check_touch_credits(const char *dir, const struct dataset *ds) {
  struct table t;
  if (open_table(&t, dir, "touch_credits.csv.gz") != 0) {
    failures++;
    return;
  }
  int cm = col(&t, "model"), co = col(&t, "opportunity_id"), cw = col(&t, "weight"),
      cp = col(&t, "pipeline_credit"), cr = col(&t, "revenue_credit");
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
      n++;
    } else {
      free(key);
    }
    sums[n - 1].pipeline += cents(rec.fields[cp]);
    sums[n - 1].revenue += cents(rec.fields[cr]);
    sums[n - 1].weight += strtod(rec.fields[cw], NULL);
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
    if (fabs(sums[i].weight - 1.0) > 1e-4)
      VIOLATION("%s: weights sum to %f", sums[i].key, sums[i].weight);
    free(sums[i].key);
  }
  free(sums);
  printf("touch_credits: %zu (model, opportunity) groups checked\n", n);
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

static void check_reconciliation(const char *dir, struct totals *by_model) {
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
    struct group_total *g = total_for(by_model, rec.fields[cm]);
    if (g->pipeline != pt || g->revenue != rt)
      VIOLATION("reconciliation %s: totals %" PRId64 "/%" PRId64
                " != by_campaign sums %" PRId64 "/%" PRId64,
                rec.fields[cm], pt, rt, g->pipeline, g->revenue);
  }
  etl_reader_free(t.r);
  printf("reconciliation: %zu models checked\n", models);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fputs("usage: check_invariants OUT_DIR DATASET\n", stderr);
    return 2;
  }
  struct dataset ds;
  struct strbuf err = STRBUF_INIT;
  if (dataset_read(&ds, argv[2], &err) != 0) {
    fprintf(stderr, "check_invariants: %s\n", strbuf_str(&err));
    return 2;
  }
  check_touch_credits(argv[1], &ds);
  struct totals cp = {0}, cm = {0}, hp = {0}, hm = {0};
  read_table_totals(argv[1], "attribution_by_campaign.csv", &cp, &cm);
  read_table_totals(argv[1], "attribution_by_channel.csv", &hp, &hm);
  compare_totals("period/model", &cp, &hp);
  compare_totals("model", &cm, &hm);
  check_reconciliation(argv[1], &cm);
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
