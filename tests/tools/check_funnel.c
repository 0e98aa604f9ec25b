/* check_funnel OUT_DIR [--no-timings]: checks the invariants of funnel.csv
 * (contract §5.6)
 * that must hold on every run, whatever the data:
 *  - rows sorted by period_start, dimension (all, campaign, lead_source),
 *    group_id bytewise, stage_order; each group's stages are 1..k;
 *  - along the stages of a group, reached never grows and won stays the
 *    same (a won opportunity has passed every stage);
 *  - advanced <= reached, won <= advanced, reached = advanced + lost + open
 *    (at a group's last row, the sum may pass reached by won deals that
 *    are not closed: they are open and advanced), advanced of a stage =
 *    reached of the next stage (won at the last row of the group),
 *    conversion = advanced / reached as printed;
 *  - per period and stage, the `all` group equals the sum over the campaign
 *    groups and the sum over the lead-source groups (reached,
 *    reached_pipeline, advanced, won, lost, open);
 *  - the opportunities reaching the first stage are at most those of
 *    reconciliation.csv (created in the emitted periods);
 *  - with --no-timings (a run without OpportunityHistory), both median
 *    columns are empty on every row; otherwise days in stage are >= 0.
 * Reads the tables with the pipeline's own CSV reader. Exit 0 when all
 * hold, 1 with one line per violation otherwise, 2 on a usage or read
 * error. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etl/input/reader.h"
#include "transforms/base/xalloc.h"
#include "transforms/values.h"

static int failures;

#define VIOLATION(...)                                                                       \
  do {                                                                                       \
    failures++;                                                                              \
    if (failures < 30) {                                                                     \
      fprintf(stderr, "funnel invariant: " __VA_ARGS__);                                     \
      fputc('\n', stderr);                                                                   \
    }                                                                                        \
  } while (0)

enum { C_PSTART, C_DIM, C_GROUP, C_STAGE, C_REACHED, C_PIPE, C_ADV, C_CONV, C_WON, C_LOST,
       C_OPEN, C_IN_STAGE, C_TO_REACH, NCOLS };
static const char *const col_names[NCOLS] = {
    "period_start", "dimension", "group_id", "stage_order", "reached", "reached_pipeline",
    "advanced",     "conversion", "won",     "lost",        "open",
    "median_days_in_stage", "median_days_to_reach"};

static bool no_timings; /* --no-timings */

#define NSUMS 6 /* reached, pipeline, advanced, won, lost, open */

struct row {
  char *period, *group;
  int dim;
  long stage;
  int64_t v[NSUMS];
  char *conversion;
  uint64_t line;
};

static int64_t integer(const char *s, uint64_t line) {
  char *end;
  long long v = strtoll(s, &end, 10);
  if (!*s || *end)
    VIOLATION("line %" PRIu64 ": '%s' is not a whole number", line, s);
  return v;
}

static int64_t money(const char *s, uint64_t line) {
  int64_t v = 0;
  const char *why;
  if (money_parse(s, strlen(s), &v, &why) != 0)
    VIOLATION("line %" PRIu64 ": '%s' is not money", line, s);
  return v;
}

/* The text as written before the formula guard's leading '. */
static char *unguarded(const char *s) {
  if (s[0] == '\'' && s[1] && strchr("=+-@\t\r", s[1]))
    s++;
  return xstrdup(s);
}

static int dim_of(const char *s) {
  static const char *const dims[] = {"all", "campaign", "lead_source"};
  for (int d = 0; d < 3; d++)
    if (strcmp(s, dims[d]) == 0)
      return d;
  return -1;
}

static struct etl_reader *open_table(const char *dir, const char *name) {
  struct etl_input_opts o = {UINT64_MAX, 1e9, false, false, 0};
  struct strbuf err = STRBUF_INIT;
  struct etl_reader *r = NULL;
  char *path = xasprintf("%s/%s", dir, name);
  if (etl_reader_open_path(&r, path, name, &o, &err) != 0) {
    fprintf(stderr, "check_funnel: %s\n", strbuf_str(&err));
    r = NULL;
  }
  free(path);
  strbuf_release(&err);
  return r;
}

static struct row *read_rows(struct etl_reader *r, size_t *n) {
  int c[NCOLS];
  for (int i = 0; i < NCOLS; i++)
    if ((c[i] = etl_reader_column(r, col_names[i])) < 0) {
      fprintf(stderr, "check_funnel: funnel.csv: no column %s\n", col_names[i]);
      exit(2);
    }
  struct row *rows = NULL;
  size_t cap = 0;
  struct etl_record rec;
  *n = 0;
  while (etl_reader_next(r, &rec) == ETL_READ_OK) {
    XGROW(rows, cap, *n + 1);
    struct row *x = &rows[(*n)++];
    x->line = rec.line;
    x->period = xstrdup(rec.fields[c[C_PSTART]]);
    x->group = unguarded(rec.fields[c[C_GROUP]]);
    x->dim = dim_of(rec.fields[c[C_DIM]]);
    if (x->dim < 0)
      VIOLATION("line %" PRIu64 ": unknown dimension '%s'", rec.line, rec.fields[c[C_DIM]]);
    x->stage = (long)integer(rec.fields[c[C_STAGE]], rec.line);
    x->v[0] = integer(rec.fields[c[C_REACHED]], rec.line);
    x->v[1] = money(rec.fields[c[C_PIPE]], rec.line);
    x->v[2] = integer(rec.fields[c[C_ADV]], rec.line);
    x->v[3] = integer(rec.fields[c[C_WON]], rec.line);
    x->v[4] = integer(rec.fields[c[C_LOST]], rec.line);
    x->v[5] = integer(rec.fields[c[C_OPEN]], rec.line);
    x->conversion = xstrdup(rec.fields[c[C_CONV]]);
    const char *in = rec.fields[c[C_IN_STAGE]], *to = rec.fields[c[C_TO_REACH]];
    if (no_timings && (*in || *to))
      VIOLATION("line %" PRIu64 ": timings '%s', '%s' without history", rec.line, in, to);
    if (in[0] == '-')
      VIOLATION("line %" PRIu64 ": negative days in stage '%s'", rec.line, in);
  }
  return rows;
}

static bool same_group(const struct row *a, const struct row *b) {
  return strcmp(a->period, b->period) == 0 && a->dim == b->dim && strcmp(a->group, b->group) == 0;
}

static int cmp_rows(const struct row *a, const struct row *b) {
  int c = strcmp(a->period, b->period);
  if (c)
    return c;
  if (a->dim != b->dim)
    return a->dim < b->dim ? -1 : 1;
  if ((c = strcmp(a->group, b->group)))
    return c;
  return (a->stage > b->stage) - (a->stage < b->stage);
}

/* advanced / reached, 4 decimals, half away from zero. */
static void conversion(int64_t adv, int64_t reached, char out[32]) {
  uint64_t num = (uint64_t)adv * 10000u, q = num / (uint64_t)reached;
  if ((num % (uint64_t)reached) * 2 >= (uint64_t)reached)
    q++;
  snprintf(out, 32, "%" PRIu64 ".%04" PRIu64, q / 10000, q % 10000);
}

static void check_row(const struct row *x, const struct row *next) {
  const int64_t *v = x->v;
  if (v[0] <= 0)
    VIOLATION("line %" PRIu64 ": reached %" PRId64 " (a row needs reached > 0)", x->line, v[0]);
  if (v[2] > v[0] || v[3] > v[2] || v[4] < 0 || v[5] < 0 || v[3] < 0)
    VIOLATION("line %" PRIu64 ": won <= advanced <= reached fails (%" PRId64 ", %" PRId64
              ", %" PRId64 ")", x->line, v[3], v[2], v[0]);
  int64_t extra = v[2] + v[4] + v[5] - v[0];
  if (next ? extra != 0 : extra < 0 || extra > v[3])
    VIOLATION("line %" PRIu64 ": reached != advanced + lost + open", x->line);
  int64_t want_adv = next ? next->v[0] : v[3];
  if (v[2] != want_adv)
    VIOLATION("line %" PRIu64 ": advanced %" PRId64 ", but %s %" PRId64, x->line, v[2],
              next ? "the next stage has reached" : "the group's last stage has won", want_adv);
  if (next && (next->v[0] > v[0] || next->v[3] != v[3]))
    VIOLATION("line %" PRIu64 ": reached grows or won changes along the stages", next->line);
  char want[32];
  if (v[0] > 0 && v[2] >= 0 && v[2] <= v[0]) {
    conversion(v[2], v[0], want);
    if (strcmp(want, x->conversion) != 0)
      VIOLATION("line %" PRIu64 ": conversion %s, want %s", x->line, x->conversion, want);
  }
}

/* Per (period, stage): sums of each dimension, compared when the period ends. */
struct period_sums {
  int64_t (*s)[3][NSUMS]; /* [stage - 1][dim][sum] */
  size_t nstages;
};

static void sums_add(struct period_sums *p, const struct row *x) {
  if (x->stage < 1 || x->dim < 0)
    return;
  size_t k = (size_t)x->stage;
  if (k > p->nstages) {
    p->s = xreallocarray(p->s, k, sizeof(*p->s));
    memset(p->s + p->nstages, 0, (k - p->nstages) * sizeof(*p->s));
    p->nstages = k;
  }
  for (int i = 0; i < NSUMS; i++)
    p->s[k - 1][x->dim][i] += x->v[i];
}

static void sums_check(struct period_sums *p, const char *period) {
  static const char *const what[NSUMS] = {"reached", "reached_pipeline", "advanced",
                                          "won",     "lost",             "open"};
  for (size_t k = 0; k < p->nstages; k++)
    for (int d = 1; d < 3; d++)
      for (int i = 0; i < NSUMS; i++)
        if (p->s[k][d][i] != p->s[k][0][i])
          VIOLATION("%s stage %zu: %s of all %" PRId64 " != sum over %s groups %" PRId64, period,
                    k + 1, what[i], p->s[k][0][i], d == 1 ? "campaign" : "lead-source",
                    p->s[k][d][i]);
  if (p->nstages)
    memset(p->s, 0, p->nstages * sizeof(*p->s));
}

static void check_rows(const struct row *rows, size_t n, int64_t *first_stage) {
  struct period_sums ps = {NULL, 0};
  *first_stage = 0;
  for (size_t i = 0; i < n; i++) {
    const struct row *x = &rows[i];
    bool group_start = i == 0 || !same_group(&rows[i - 1], x);
    if (i > 0 && cmp_rows(&rows[i - 1], x) >= 0)
      VIOLATION("line %" PRIu64 ": rows out of order", x->line);
    if (group_start ? x->stage != 1 : x->stage != rows[i - 1].stage + 1)
      VIOLATION("line %" PRIu64 ": stage_order %ld does not follow", x->line, x->stage);
    const struct row *next = i + 1 < n && same_group(x, &rows[i + 1]) ? &rows[i + 1] : NULL;
    check_row(x, next);
    if (x->dim == 0 && x->stage == 1)
      *first_stage += x->v[0];
    sums_add(&ps, x);
    if (i + 1 == n || strcmp(rows[i + 1].period, x->period) != 0)
      sums_check(&ps, x->period);
  }
  free(ps.s);
}

/* The opportunities created in the emitted periods, from reconciliation.csv. */
static int64_t recon_opportunities(const char *dir) {
  struct etl_reader *r = open_table(dir, "reconciliation.csv");
  struct etl_record rec;
  int64_t n = -1;
  if (!r)
    return -1;
  int c = etl_reader_column(r, "opportunities");
  if (c >= 0 && etl_reader_next(r, &rec) == ETL_READ_OK)
    n = integer(rec.fields[c], rec.line);
  etl_reader_free(r);
  return n;
}

int main(int argc, char **argv) {
  no_timings = argc == 3 && strcmp(argv[2], "--no-timings") == 0;
  if (argc != 2 && !no_timings) {
    fputs("usage: check_funnel OUT_DIR [--no-timings]\n", stderr);
    return 2;
  }
  struct etl_reader *r = open_table(argv[1], "funnel.csv");
  if (!r)
    return 2;
  size_t n;
  struct row *rows = read_rows(r, &n);
  etl_reader_free(r);
  int64_t first_stage;
  check_rows(rows, n, &first_stage);
  int64_t opps = recon_opportunities(argv[1]);
  if (opps >= 0 && first_stage > opps)
    VIOLATION("%" PRId64 " opportunities reach the first stage, reconciliation has %" PRId64
              " created in the range", first_stage, opps);
  for (size_t i = 0; i < n; i++) {
    free(rows[i].period);
    free(rows[i].group);
    free(rows[i].conversion);
  }
  free(rows);
  if (failures) {
    fprintf(stderr, "%d funnel invariant violations\n", failures);
    return 1;
  }
  printf("funnel: %zu rows, all invariants hold\n", n);
  return 0;
}
