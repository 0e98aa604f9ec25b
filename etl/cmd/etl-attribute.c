/* etl-attribute: the attribution stage. Reads the normalized data set,
 * links people and touches to opportunities, applies every model of the
 * config and writes the tables (funnel.csv included) plus the range name
 * (notes/STAGES.md).
 * With --shard I/N it does the same for one contiguous slice of the
 * opportunities and writes partial results for etl-merge (etl/attribute/shard.h). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etl/attribute/attr_setup.h"
#include "etl/attribute/model_fit.h"
#include "etl/attribute/shard.h"
#include "etl/attribute/opportunities_table.h"
#include "etl/attribute/tables.h"
#include "etl/common/exitcodes.h"
#include "etl/common/stage_log.h"
#include "transforms/datadriven.h"
#include "transforms/link.h"
#include "transforms/base/xalloc.h"

#define PROG "etl-attribute"
#define MAX_JOBS 1024

static const char usage_text[] =
    "usage: " PROG " -c CONF --dataset FILE --out DIR --as-of TS\n"
    "                     [--from DATE] [--to DATE] [--jobs N] [--range-file FILE]\n"
    "       " PROG " -c CONF --dataset FILE --shard I/N --partial DIR --as-of TS\n"
    "                     [--from DATE] [--to DATE] [--jobs N] [--range-file FILE]\n"
    "\n"
    "Links people and touches to opportunities, applies every model of the\n"
    "config and writes attribution_by_campaign.csv, attribution_by_channel.csv,\n"
    "touch_credits.csv.gz, reconciliation.csv, opportunities.csv and\n"
    "funnel.csv into DIR, and model_fit.csv when the models hold markov or\n"
    "shapley (their fit is learned from the whole data set up to --as-of,\n"
    "whatever the range or shard).\n"
    "\n"
    "With --shard I/N, only shard I (from 0) of N: the opportunities\n"
    "[I*n/N, (I+1)*n/N) of the n in the data set (sorted by id), with every\n"
    "touch that counts for them; the partial results go into the --partial DIR\n"
    "for etl-merge, which writes the tables.\n"
    "\n"
    "  -c, --config CONF    pipeline.conf\n"
    "  --dataset FILE       dataset.bin written by etl-normalize\n"
    "  --out DIR            output folder (created if missing)\n"
    "  --as-of TS           timestamp or date (a date means 23:59:59 that day)\n"
    "  --from DATE          first day of the range (YYYY-MM-DD)\n"
    "  --to DATE            last day of the range (YYYY-MM-DD)\n"
    "  --jobs N             threads for the models (default 1)\n"
    "  --range-file FILE    write the range name (FROM_TO) to FILE\n"
    "  --shard I/N          compute shard I of N (0 <= I < N <= 1000)\n"
    "  --partial DIR        where a shard writes its partial results\n"
    "  -h, --help           this text\n"
    "\n" ETL_EXIT_CODES_HELP;

struct options {
  const char *config, *dataset, *out, *as_of, *from, *to, *range_file, *partial;
  unsigned jobs;
  bool sharded;
  unsigned shard, nshards;
};

struct state {
  struct options opt;
  struct attr_setup su;
  struct linkage lk;
  uint8_t *cover;
  bool fitted;       /* markov or shapley among the models */
  struct dd_fit fit; /* their fit, when fitted */
};

#define usage_error(...) attr_usage_error(PROG, __VA_ARGS__)

static int parse_jobs(const char *s, unsigned *jobs) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < 1 || v > MAX_JOBS)
    return -1;
  *jobs = (unsigned)v;
  return 0;
}

/* The combinations of --out, --shard and --partial. */
static int check_outputs(const struct options *o) {
  if (!o->config || !o->dataset || !o->as_of)
    return usage_error("-c, --dataset and --as-of are required");
  if (o->sharded != (o->partial != NULL))
    return usage_error("--shard and --partial go together");
  if (o->sharded && o->out)
    return usage_error("--out is not used with --shard (etl-merge writes the tables)");
  if (!o->sharded && !o->out)
    return usage_error("--out (or --shard with --partial) is required");
  return -1;
}

/* Returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, struct options *o) {
  enum { O_DATASET = 256, O_OUT, O_AS_OF, O_FROM, O_TO, O_JOBS, O_RANGE, O_SHARD, O_PARTIAL };
  static const struct option longs[] = {
      {"config", required_argument, NULL, 'c'},   {"dataset", required_argument, NULL, O_DATASET},
      {"out", required_argument, NULL, O_OUT},     {"as-of", required_argument, NULL, O_AS_OF},
      {"from", required_argument, NULL, O_FROM},   {"to", required_argument, NULL, O_TO},
      {"jobs", required_argument, NULL, O_JOBS},   {"range-file", required_argument, NULL, O_RANGE},
      {"shard", required_argument, NULL, O_SHARD}, {"partial", required_argument, NULL, O_PARTIAL},
      {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0}};
  int c;
  memset(o, 0, sizeof(*o));
  o->jobs = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":c:h", longs, NULL)) != -1) {
    switch (c) {
    case 'c': o->config = optarg; break;
    case O_DATASET: o->dataset = optarg; break;
    case O_OUT: o->out = optarg; break;
    case O_AS_OF: o->as_of = optarg; break;
    case O_FROM: o->from = optarg; break;
    case O_TO: o->to = optarg; break;
    case O_RANGE: o->range_file = optarg; break;
    case O_PARTIAL: o->partial = optarg; break;
    case O_JOBS:
      if (parse_jobs(optarg, &o->jobs))
        return usage_error("--jobs '%s': expected a whole number from 1 to 1024", optarg);
      break;
    case O_SHARD:
      if (shard_parse(optarg, &o->shard, &o->nshards))
        return usage_error("--shard '%s': expected I/N with 0 <= I < N <= %d", optarg, SHARD_MAX);
      o->sharded = true;
      break;
    case 'h': fputs(usage_text, stdout); return ETL_EXIT_OK;
    case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
    default: return usage_error("unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc)
    return usage_error("unexpected argument '%s'", argv[optind]);
  return check_outputs(o);
}

/* A shard covers only its own opportunities. */
static void restrict_to_shard(struct state *st) {
  size_t first, end;
  shard_span(st->su.ds.nopps, st->opt.shard, st->opt.nshards, &first, &end);
  for (size_t o = 0; o < st->su.ds.nopps; o++)
    if (o < first || o >= end)
      st->cover[o] = 0;
}

/* The opportunities to link: the covered ones and, for the fit of the
 * data-driven models, every closed one (contract §4.1: journeys come from
 * all the data, not only the range or the shard). Caller frees. */
static uint8_t *link_selection(const struct state *st) {
  const struct dataset *ds = &st->su.ds;
  uint8_t *select = xcalloc(ds->nopps ? ds->nopps : 1, 1);
  for (size_t o = 0; o < ds->nopps; o++)
    select[o] = st->cover[o] || (st->fitted && (ds->opps[o].flags & DS_OPP_CLOSED));
  return select;
}

/* Links the opportunities and, with markov or shapley, learns their fit
 * (logged with --verbose: the journeys and how long the fit took). */
static void link_and_fit(struct state *st) {
  struct attr_setup *su = &st->su;
  st->fitted = model_fit_wanted(&su->cfg);
  uint8_t *select = link_selection(st);
  linkage_build(&st->lk, &su->ds, su->as_of, su->cfg.lookback_days, su->cfg.account_based,
                select);
  free(select);
  if (!st->fitted)
    return;
  double t0 = stage_log_seconds();
  dd_fit_build(&st->fit, &su->ds, &st->lk, su->groups.touch_chan, su->groups.nchannels,
               su->as_of, su->cfg.account_based);
  if (stage_log_level_from_env() >= STAGE_LOG_VERBOSE)
    stage_log_line(PROG, "data-driven fit: %llu journeys, %llu converting, p = %.6f, %.3f s",
                   (unsigned long long)st->fit.njourneys, (unsigned long long)st->fit.nconv,
                   st->fit.p, stage_log_seconds() - t0);
}

static int write_outputs(struct state *st, const struct tables_input *in, uint64_t *rows) {
  struct strbuf err = STRBUF_INIT;
  struct shard_header hdr;
  int rc;
  if (st->opt.sharded) {
    attr_setup_header(&st->su, st->opt.shard, st->opt.nshards, &hdr);
    rc = tables_write_partial(in, &hdr, st->opt.partial, rows, &err);
  } else {
    uint64_t opp_rows;
    rc = tables_write(in, st->opt.out, rows, &err);
    if (rc == 0)
      rc = opportunities_table_write(&st->su.cfg, &st->su.ds, &st->su.range, st->su.as_of,
                                     st->opt.out, &opp_rows, &err);
  }
  if (rc != 0)
    fprintf(stderr, PROG ": %s\n", strbuf_str(&err));
  strbuf_release(&err);
  return rc != 0 ? ETL_EXIT_IO : -1;
}

static int run(struct state *st) {
  double t0 = stage_log_seconds();
  struct attr_setup *su = &st->su;
  const char *dir = st->opt.sharded ? st->opt.partial : st->opt.out;
  uint64_t rows = 0;
  size_t nopps = 0;
  int rc;

  if ((rc = attr_make_dir(PROG, dir)) >= 0)
    return rc;
  st->cover = coverage_build(&su->ds, &su->range);
  if (st->opt.sharded)
    restrict_to_shard(st);
  link_and_fit(st);
  struct tables_input in = {&su->cfg,   &su->ds,   &st->lk,      &su->groups, &su->range,
                            &su->base,  st->cover, st->opt.jobs, st->fitted ? &st->fit : NULL};
  if ((rc = write_outputs(st, &in, &rows)) >= 0)
    return rc;
  if (st->opt.range_file && (rc = attr_write_range_file(PROG, st->opt.range_file, &su->range)) >= 0)
    return rc;
  for (size_t o = 0; o < su->ds.nopps; o++)
    nopps += st->cover[o] != 0;
  if (stage_log_level_from_env() < STAGE_LOG_INFO)
    return ETL_EXIT_OK;
  double secs = stage_log_seconds() - t0;
  if (st->opt.sharded)
    stage_log_line(PROG, "shard %u/%u: %zu models, %zu opportunities, %zu touches, "
                   "%llu credit rows, %.2f s", st->opt.shard, st->opt.nshards, su->cfg.nmodels,
                   nopps, st->lk.ntouch, (unsigned long long)rows, secs);
  else
    stage_log_line(PROG, "%zu models, %zu opportunities, %zu touches, %llu credit rows, %.2f s",
                   su->cfg.nmodels, su->ds.nopps, su->ds.ntouches, (unsigned long long)rows, secs);
  return ETL_EXIT_OK;
}

int main(int argc, char **argv) {
  struct state st;
  int rc;
  memset(&st, 0, sizeof(st));
  signal(SIGXFSZ, SIG_IGN); /* a file size limit is a write error (exit 3), not a crash */
  signal(SIGPIPE, SIG_IGN);
  if ((rc = parse_args(argc, argv, &st.opt)) >= 0)
    return rc;
  struct attr_args a = {PROG,         st.opt.config, st.opt.dataset, st.opt.as_of,
                        st.opt.from,  st.opt.to,     !st.opt.sharded};
  if ((rc = attr_setup_load(&st.su, &a)) < 0)
    rc = run(&st);
  linkage_release(&st.lk);
  dd_fit_release(&st.fit);
  free(st.cover);
  attr_setup_release(&st.su);
  return rc;
}
