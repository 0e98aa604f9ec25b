/* etl-merge: the merge stage of a sharded run. Reads the partial results
 * that `etl-attribute --shard I/N --partial DIR/I` wrote for every shard,
 * adds them up and writes the tables (funnel.csv included) and the range
 * name exactly as an unsharded etl-attribute would have
 * (etl/attribute/shard.h, etl/attribute/tables.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etl/attribute/attr_setup.h"
#include "etl/attribute/shard.h"
#include "etl/attribute/opportunities_table.h"
#include "etl/common/program.h"
#include "etl/attribute/tables.h"

#define PROG "etl-merge"

static const char usage_text[] =
    "usage: " PROG " -c CONF --dataset FILE --partials DIR --shards N --out DIR\n"
    "                 --as-of TS [--from DATE] [--to DATE] [--range-file FILE]\n"
    "       " PROG " --help | --version\n"
    "\n"
    "Adds up the partial results of the N shards of etl-attribute --shard,\n"
    "found in DIR/0 .. DIR/N-1, and writes attribution_by_campaign.csv,\n"
    "attribution_by_channel.csv, touch_credits.csv.gz, reconciliation.csv and\n"
    "opportunities.csv, funnel.csv (and model_fit.csv with markov or shapley\n"
    "among the models) into --out DIR, byte-identical to an unsharded\n"
    "etl-attribute.\n"
    "The config, data set, --as-of, --from and --to must be those the shards\n"
    "ran with.\n"
    "\n"
    ATTR_SHARED_HELP
    "  --partials DIR       the folder holding one partial folder per shard\n"
    "  --shards N           the number of shards (1-1000)\n"
    ATTR_COMMON_HELP(PROG);

struct options {
  struct attr_cli cli;
  const char *partials;
  unsigned nshards;
};

#define usage_error prog_usage_error

enum { O_PARTIALS = ATTR_OPT_OWN, O_SHARDS };

/* The shared options, this program's own, the common ones. */
static const struct option longopts[] = {
    ATTR_SHARED_LONGOPTS, {"partials", required_argument, NULL, O_PARTIALS},
    {"shards", required_argument, NULL, O_SHARDS}, PROG_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};

static int own_option(int c, const char *arg, void *ctx) {
  struct options *o = ctx;
  long nshards;
  int rc = PROG_CONTINUE;
  if (c == O_PARTIALS)
    o->partials = arg;
  else if (c == O_SHARDS &&
           (rc = prog_count_option("--shards", arg, 1, SHARD_MAX, &nshards)) == PROG_CONTINUE)
    o->nshards = (unsigned)nshards;
  return rc;
}

/* Returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, struct options *o) {
  memset(o, 0, sizeof(*o));
  int rc = attr_parse_options(argc, argv, longopts, &o->cli, own_option, o);
  if (rc != PROG_CONTINUE)
    return rc;
  const struct attr_cli *a = &o->cli;
  if (!a->config || !a->dataset || !o->partials || !o->nshards || !a->out || !a->as_of)
    return usage_error("-c, --dataset, --partials, --shards, --out and --as-of are required");
  return -1;
}

static int run(const struct options *o, struct attr_setup *su) {
  double t0 = stage_log_seconds();
  struct strbuf err = STRBUF_INIT;
  struct shard_header hdr;
  uint64_t rows = 0;
  int rc;

  if ((rc = attr_make_dir(o->cli.out)) >= 0)
    return rc;
  attr_setup_header(su, 0, o->nshards, &hdr);
  struct tables_input in = {&su->cfg,   &su->ds,   NULL, &su->groups, &su->range,
                            &su->base, NULL,      1,    NULL, NULL, NULL};
  uint64_t opp_rows;
  if (tables_merge(&in, &hdr, o->partials, o->cli.out, &rows, &err) != 0 ||
      opportunities_table_write(&su->cfg, &su->ds, &su->range, su->as_of, o->cli.out,
                                &opp_rows, &err) != 0) {
    prog_error("%s", strbuf_str(&err));
    strbuf_release(&err);
    return ETL_EXIT_IO;
  }
  strbuf_release(&err);
  if (o->cli.range_file && (rc = attr_write_range_file(o->cli.range_file, &su->range)) >= 0)
    return rc;
  prog_info("%u shards, %zu models, %zu opportunities, %zu touches, %llu credit rows, %.2f s",
            o->nshards, su->cfg.nmodels, su->ds.nopps, su->ds.ntouches, (unsigned long long)rows,
            stage_log_seconds() - t0);
  return ETL_EXIT_OK;
}

int main(int argc, char **argv) {
  struct options o;
  struct attr_setup su;
  int rc;
  prog_init(PROG, usage_text); /* SIGXFSZ ignored: a file size limit is exit 3 */
  if ((rc = parse_args(argc, argv, &o)) >= 0)
    return rc;
  struct attr_args a = attr_cli_args(&o.cli, true);
  if ((rc = attr_setup_load(&su, &a)) < 0)
    rc = run(&o, &su);
  attr_setup_release(&su);
  return prog_exit(rc);
}
