/* etl-partition: cuts the data set into the parts of a sharded run, so
 * that each etl-attribute shard reads only what its opportunities need
 * instead of the whole data set (docs/scale-out.md). Reads the normalized
 * data set once, learns the data-driven fit once (markov, shapley: their
 * journeys come from the whole data set), and writes per shard I the part
 * PARTS/I (etl/attribute/part_file.h, transforms/partition.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etl/attribute/attr_setup.h"
#include "etl/attribute/model_fit.h"
#include "etl/attribute/part_file.h"
#include "etl/attribute/shard.h"
#include "etl/common/dataset_io.h"
#include "etl/common/program.h"
#include "transforms/datadriven.h"
#include "transforms/link.h"
#include "transforms/partition.h"
#include "transforms/base/xalloc.h"

#define PROG "etl-partition"

static const char usage_text[] =
    "usage: " PROG " -c CONF --dataset FILE --shards N --out DIR --as-of TS\n"
    "                     [--from DATE] [--to DATE]\n"
    "       " PROG " --help | --version\n"
    "\n"
    "Cuts the data set written by etl-normalize into the N parts of a sharded\n"
    "run: DIR/I holds shard I's opportunities (I*n/N to (I+1)*n/N of the n,\n"
    "sorted by id), the people linked to them (account linking included when\n"
    "the config says account_based), those people's touches, the stage history\n"
    "of those opportunities, every campaign and cost, and what the shard must\n"
    "know of the whole data set. With markov or shapley among the models it\n"
    "also learns their fit from the whole data set, once, into DIR/fit.bin.\n"
    "etl-attribute --parts DIR --shard I/N then reads only DIR/I.\n"
    "The config, --as-of, --from and --to must be those the shards run with.\n"
    "\n"
    ATTR_SHARED_HELP
    "  --shards N           the number of shards (1-1000)\n"
    ATTR_COMMON_HELP(PROG);

struct options {
  struct attr_cli cli;
  unsigned nshards;
};

enum { O_SHARDS = ATTR_OPT_OWN };

static const struct option longopts[] = {
    ATTR_SHARED_LONGOPTS, {"shards", required_argument, NULL, O_SHARDS}, PROG_COMMON_LONGOPTS,
    {NULL, 0, NULL, 0}};

static int own_option(int c, const char *arg, void *ctx) {
  struct options *o = ctx;
  long n;
  int rc = PROG_CONTINUE;
  if (c == O_SHARDS && (rc = prog_count_option("--shards", arg, 1, SHARD_MAX, &n)) == PROG_CONTINUE)
    o->nshards = (unsigned)n;
  return rc;
}

static int parse_args(int argc, char **argv, struct options *o) {
  memset(o, 0, sizeof(*o));
  int rc = attr_parse_options(argc, argv, longopts, &o->cli, own_option, o);
  if (rc != PROG_CONTINUE)
    return rc;
  if (!o->cli.config || !o->cli.dataset || !o->nshards || !o->cli.out || !o->cli.as_of)
    return prog_usage_error("-c, --dataset, --shards, --out and --as-of are required");
  if (o->cli.range_file)
    return prog_usage_error("--range-file is not used by " PROG);
  return -1;
}

/* The fit of markov and shapley from the whole data set into DIR/fit.bin,
 * exactly as an unsharded etl-attribute learns it. -1 or the exit code. */
static int write_fit(const struct options *o, const struct attr_setup *su) {
  const struct dataset *ds = &su->ds;
  struct linkage lk;
  struct dd_fit fit;
  struct strbuf err = STRBUF_INIT;
  uint8_t *select = xcalloc(ds->nopps ? ds->nopps : 1, 1);
  for (size_t i = 0; i < ds->nopps; i++)
    select[i] = (ds->opps[i].flags & DS_OPP_CLOSED) != 0;
  linkage_build(&lk, ds, su->as_of, su->cfg.lookback_days, su->cfg.account_based, select);
  free(select);
  dd_fit_build(&fit, ds, &lk, su->groups.touch_chan, su->groups.nchannels, su->as_of,
               su->cfg.account_based);
  linkage_release(&lk);
  int rc = shard_fit_write(o->cli.out, &fit, &err) != 0 ? ETL_EXIT_IO : -1;
  if (rc >= 0)
    prog_error("%s", strbuf_str(&err));
  else
    prog_verbose("data-driven fit: %llu journeys, %llu converting",
                 (unsigned long long)fit.njourneys, (unsigned long long)fit.nconv);
  dd_fit_release(&fit);
  strbuf_release(&err);
  return rc;
}

/* What part I records of the whole data set and of the run. */
static void meta_of(const struct attr_setup *su, unsigned i, unsigned n,
                    const struct part_map *map, struct part_meta *m) {
  memset(m, 0, sizeof(*m));
  m->shard = i;
  m->nshards = n;
  m->nopps = su->ds.nopps;
  m->ntouches = su->ds.ntouches;
  m->ncampaigns = su->ds.ncampaigns;
  m->npersons = su->ds.npersons;
  m->config_tag = shard_config_tag(&su->cfg);
  m->as_of = su->as_of;
  m->first_day = su->range.first_day;
  m->last_day = su->range.last_day;
  m->nchan = su->groups.nchannels;
  m->names = su->groups.chan_names;
  m->opp = map->opp;
  m->touch = map->touch;
  m->part_nopps = map->nopps;
  m->part_ntouches = map->ntouches;
}

/* Cuts and writes part i; *ntouches += its touches. -1 to go on, or the
 * exit code (the message printed). */
static int write_part(const struct options *o, const struct attr_setup *su,
                      struct part_index *ix, unsigned i, size_t *ntouches) {
  struct strbuf err = STRBUF_INIT;
  struct dataset part;
  struct part_map map;
  struct part_meta meta;
  size_t first, end;
  char *dir = xasprintf("%s/%u", o->cli.out, i);
  char *ds_path = part_path(o->cli.out, i, PART_DATASET);
  char *meta_path = part_path(o->cli.out, i, PART_META);
  shard_span(su->ds.nopps, i, o->nshards, &first, &end);
  dataset_cut(&part, &map, ix, first, end);
  meta_of(su, i, o->nshards, &map, &meta);
  int rc = attr_make_dir(dir);
  if (rc < 0 && (dataset_write(&part, ds_path, &err) != 0 ||
                 part_meta_write(meta_path, &meta, &err) != 0)) {
    prog_error("%s", strbuf_str(&err));
    rc = ETL_EXIT_IO;
  }
  *ntouches += part.ntouches;
  dataset_release(&part);
  part_map_release(&map);
  strbuf_release(&err);
  free(dir);
  free(ds_path);
  free(meta_path);
  return rc;
}

static int run(const struct options *o, struct attr_setup *su) {
  double t0 = stage_log_seconds();
  struct part_index ix;
  size_t ntouches = 0;
  int rc;
  if ((rc = attr_make_dir(o->cli.out)) >= 0)
    return rc;
  if (model_fit_wanted(&su->cfg) && (rc = write_fit(o, su)) >= 0)
    return rc;
  part_index_build(&ix, &su->ds, su->cfg.account_based);
  for (unsigned i = 0; rc < 0 && i < o->nshards; i++)
    rc = write_part(o, su, &ix, i, &ntouches);
  part_index_release(&ix);
  if (rc >= 0)
    return rc;
  prog_info("%u parts, %zu opportunities, %zu of %zu touches in all parts, %.2f s", o->nshards,
            su->ds.nopps, ntouches, su->ds.ntouches, stage_log_seconds() - t0);
  return ETL_EXIT_OK;
}

int main(int argc, char **argv) {
  struct options o;
  struct attr_setup su;
  int rc;
  prog_init(PROG, usage_text);
  if ((rc = parse_args(argc, argv, &o)) >= 0)
    return rc;
  struct attr_args a = attr_cli_args(&o.cli, false);
  if ((rc = attr_setup_load(&su, &a)) < 0)
    rc = run(&o, &su);
  attr_setup_release(&su);
  return prog_exit(rc);
}
