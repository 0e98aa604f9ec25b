/* etl-attribute: the attribution stage. Reads the normalized data set,
 * links people and touches to opportunities, applies every model of the
 * config and writes the tables (funnel.csv included) plus the range name
 * (docs/architecture.md).
 * With --shard I/N it does the same for one contiguous slice of the
 * opportunities and writes partial results for etl-merge (etl/attribute/shard.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etl/attribute/attr_setup.h"
#include "etl/attribute/model_fit.h"
#include "etl/attribute/shard.h"
#include "etl/attribute/opportunities_table.h"
#include "etl/common/program.h"
#include "etl/attribute/tables.h"
#include "transforms/datadriven.h"
#include "transforms/link.h"
#include "transforms/base/xalloc.h"

#define PROG "etl-attribute"

static const char usage_text[] =
    "usage: " PROG " -c CONF --dataset FILE --out DIR --as-of TS\n"
    "                     [--from DATE] [--to DATE] [--jobs N] [--range-file FILE]\n"
    "       " PROG " -c CONF --dataset FILE --shard I/N --partial DIR --as-of TS\n"
    "                     [--from DATE] [--to DATE] [--jobs N] [--range-file FILE]\n"
    "       " PROG " -c CONF --parts DIR --shard I/N --partial DIR --as-of TS\n"
    "                     [--from DATE] [--to DATE] [--jobs N] [--range-file FILE]\n"
    "       " PROG " --help | --version\n"
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
    "With --parts, shard I reads only its part of the data set, DIR/I,\n"
    "written by etl-partition (and the data-driven fit etl-partition learned\n"
    "from the whole data set) instead of --dataset.\n"
    "\n"
    ATTR_SHARED_HELP
    "  --jobs N             threads for the models (1-256, default 1)\n"
    "  --shard I/N          compute shard I of N (0 <= I < N <= 1000)\n"
    "  --partial DIR        where a shard writes its partial results\n"
    "  --parts DIR          read the shard's part of the data set from DIR\n"
    ATTR_COMMON_HELP(PROG);

struct options {
  struct attr_cli cli;
  const char *partial;
  const char *parts; /* --parts, NULL when not given */
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

#define usage_error prog_usage_error

/* The combinations of --out, --shard and --partial. */
static int check_outputs(const struct options *o) {
  if (!o->cli.config || !(o->cli.dataset || o->parts) || !o->cli.as_of)
    return usage_error("-c, --dataset (or --parts) and --as-of are required");
  if (o->cli.dataset && o->parts)
    return usage_error("--dataset and --parts exclude each other");
  if (o->parts && !o->sharded)
    return usage_error("--parts needs --shard and --partial");
  if (o->sharded != (o->partial != NULL))
    return usage_error("--shard and --partial go together");
  if (o->sharded && o->cli.out)
    return usage_error("--out is not used with --shard (etl-merge writes the tables)");
  if (!o->sharded && !o->cli.out)
    return usage_error("--out (or --shard with --partial) is required");
  return -1;
}

enum { O_JOBS = ATTR_OPT_OWN, O_SHARD, O_PARTIAL, O_PARTS };

/* The shared options, this program's own, the common ones. */
static const struct option longopts[] = {
    ATTR_SHARED_LONGOPTS, {"jobs", required_argument, NULL, O_JOBS},
    {"shard", required_argument, NULL, O_SHARD}, {"partial", required_argument, NULL, O_PARTIAL},
    {"parts", required_argument, NULL, O_PARTS},
    PROG_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};

static int own_option(int c, const char *arg, void *ctx) {
  struct options *o = ctx;
  long jobs;
  int rc = PROG_CONTINUE;
  if (c == O_PARTIAL) {
    o->partial = arg;
  } else if (c == O_PARTS) {
    o->parts = arg;
  } else if (c == O_JOBS) {
    if ((rc = prog_count_option("--jobs", arg, 1, PROG_MAX_JOBS, &jobs)) == PROG_CONTINUE)
      o->jobs = (unsigned)jobs;
  } else if (c == O_SHARD) {
    if (shard_parse(arg, &o->shard, &o->nshards))
      return usage_error("--shard '%s': expected I/N with 0 <= I < N <= %d", arg, SHARD_MAX);
    o->sharded = true;
  }
  return rc;
}

/* Returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, struct options *o) {
  memset(o, 0, sizeof(*o));
  o->jobs = 1;
  int rc = attr_parse_options(argc, argv, longopts, &o->cli, own_option, o);
  return rc != PROG_CONTINUE ? rc : check_outputs(o);
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
 * all the data, not only the range or the shard), unless the fit comes
 * with the part. Caller frees. */
static uint8_t *link_selection(const struct state *st) {
  const struct dataset *ds = &st->su.ds;
  bool fit_here = st->fitted && !st->opt.parts;
  uint8_t *select = xcalloc(ds->nopps ? ds->nopps : 1, 1);
  for (size_t o = 0; o < ds->nopps; o++)
    select[o] = st->cover[o] || (fit_here && (ds->opps[o].flags & DS_OPP_CLOSED));
  return select;
}

/* With --parts: the fit etl-partition learned from the whole data set. */
static int read_part_fit(struct state *st) {
  struct strbuf err = STRBUF_INIT;
  int rc = -1;
  if (shard_fit_read(st->opt.parts, st->su.groups.nchannels, &st->fit, &err) != 0) {
    prog_error("%s", strbuf_str(&err));
    rc = ETL_EXIT_DATA;
  }
  strbuf_release(&err);
  return rc;
}

/* Links the opportunities and, with markov or shapley, learns their fit
 * (logged with --verbose: the journeys and how long the fit took) or,
 * with --parts, reads it. -1 to go on, or the exit code. */
static int link_and_fit(struct state *st) {
  struct attr_setup *su = &st->su;
  st->fitted = model_fit_wanted(&su->cfg);
  uint8_t *select = link_selection(st);
  linkage_build(&st->lk, &su->ds, su->as_of, su->cfg.lookback_days, su->cfg.account_based,
                select);
  free(select);
  if (!st->fitted)
    return -1;
  if (st->opt.parts)
    return read_part_fit(st);
  double t0 = stage_log_seconds();
  dd_fit_build(&st->fit, &su->ds, &st->lk, su->groups.touch_chan, su->groups.nchannels,
               su->as_of, su->cfg.account_based);
  prog_verbose("data-driven fit: %llu journeys, %llu converting, p = %.6f, %.3f s",
               (unsigned long long)st->fit.njourneys, (unsigned long long)st->fit.nconv,
               st->fit.p, stage_log_seconds() - t0);
  return -1;
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
    rc = tables_write(in, st->opt.cli.out, rows, &err);
    if (rc == 0)
      rc = opportunities_table_write(&st->su.cfg, &st->su.ds, &st->su.range, st->su.as_of,
                                     st->opt.cli.out, &opp_rows, &err);
  }
  if (rc != 0)
    prog_error("%s", strbuf_str(&err));
  strbuf_release(&err);
  return rc != 0 ? ETL_EXIT_IO : -1;
}

static int run(struct state *st) {
  double t0 = stage_log_seconds();
  struct attr_setup *su = &st->su;
  const char *dir = st->opt.sharded ? st->opt.partial : st->opt.cli.out;
  uint64_t rows = 0;
  size_t nopps = 0;
  int rc;

  if ((rc = attr_make_dir(dir)) >= 0)
    return rc;
  st->cover = coverage_build(&su->ds, &su->range);
  if (st->opt.sharded && !st->opt.parts) /* a part holds only the shard's */
    restrict_to_shard(st);
  if ((rc = link_and_fit(st)) >= 0)
    return rc;
  struct tables_input in = {&su->cfg,   &su->ds,   &st->lk,      &su->groups, &su->range,
                            &su->base,  st->cover, st->opt.jobs, st->fitted ? &st->fit : NULL,
                            su->part.opp,           su->part.touch};
  if ((rc = write_outputs(st, &in, &rows)) >= 0)
    return rc;
  if (st->opt.cli.range_file && (rc = attr_write_range_file(st->opt.cli.range_file, &su->range)) >= 0)
    return rc;
  for (size_t o = 0; o < su->ds.nopps; o++)
    nopps += st->cover[o] != 0;
  double secs = stage_log_seconds() - t0;
  if (st->opt.sharded)
    prog_info("shard %u/%u: %zu models, %zu opportunities, %zu touches, "
                   "%llu credit rows, %.2f s", st->opt.shard, st->opt.nshards, su->cfg.nmodels,
                   nopps, st->lk.ntouch, (unsigned long long)rows, secs);
  else
    prog_info("%zu models, %zu opportunities, %zu touches, %llu credit rows, %.2f s",
                   su->cfg.nmodels, su->ds.nopps, su->ds.ntouches, (unsigned long long)rows, secs);
  return ETL_EXIT_OK;
}

int main(int argc, char **argv) {
  struct state st;
  int rc;
  memset(&st, 0, sizeof(st));
  prog_init(PROG, usage_text);
  if ((rc = parse_args(argc, argv, &st.opt)) >= 0)
    return rc;
  struct attr_args a = attr_cli_args(&st.opt.cli, !st.opt.sharded);
  a.parts = st.opt.parts;
  a.shard = st.opt.shard;
  a.nshards = st.opt.nshards;
  if ((rc = attr_setup_load(&st.su, &a)) < 0)
    rc = run(&st);
  linkage_release(&st.lk);
  dd_fit_release(&st.fit);
  free(st.cover);
  attr_setup_release(&st.su);
  return prog_exit(rc);
}
