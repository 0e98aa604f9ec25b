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
#include "etl/common/exitcodes.h"
#include "etl/common/stage_log.h"
#include "etl/attribute/shard.h"
#include "etl/attribute/opportunities_table.h"
#include "etl/attribute/tables.h"

#define PROG "etl-merge"

static const char usage_text[] =
    "usage: " PROG " -c CONF --dataset FILE --partials DIR --shards N --out DIR\n"
    "                 --as-of TS [--from DATE] [--to DATE] [--range-file FILE]\n"
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
    "  -c, --config CONF    pipeline.conf\n"
    "  --dataset FILE       dataset.bin written by etl-normalize\n"
    "  --partials DIR       the folder holding one partial folder per shard\n"
    "  --shards N           the number of shards (1-1000)\n"
    "  --out DIR            output folder (created if missing)\n"
    "  --as-of TS           timestamp or date (a date means 23:59:59 that day)\n"
    "  --from DATE          first day of the range (YYYY-MM-DD)\n"
    "  --to DATE            last day of the range (YYYY-MM-DD)\n"
    "  --range-file FILE    write the range name (FROM_TO) to FILE\n"
    "  -h, --help           this text\n"
    "\n" ETL_EXIT_CODES_HELP;

struct options {
  const char *config, *dataset, *partials, *out, *as_of, *from, *to, *range_file;
  unsigned nshards;
};

#define usage_error(...) attr_usage_error(PROG, __VA_ARGS__)

/* "N" as shard 0 of N. */
static int parse_shards(const char *s, unsigned *n) {
  char buf[16];
  unsigned i;
  if (strlen(s) > 4)
    return -1;
  snprintf(buf, sizeof buf, "0/%s", s);
  return shard_parse(buf, &i, n);
}

/* Returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, struct options *o) {
  enum { O_DATASET = 256, O_PARTIALS, O_SHARDS, O_OUT, O_AS_OF, O_FROM, O_TO, O_RANGE };
  static const struct option longs[] = {
      {"config", required_argument, NULL, 'c'},     {"dataset", required_argument, NULL, O_DATASET},
      {"partials", required_argument, NULL, O_PARTIALS},
      {"shards", required_argument, NULL, O_SHARDS}, {"out", required_argument, NULL, O_OUT},
      {"as-of", required_argument, NULL, O_AS_OF},   {"from", required_argument, NULL, O_FROM},
      {"to", required_argument, NULL, O_TO},         {"range-file", required_argument, NULL, O_RANGE},
      {"help", no_argument, NULL, 'h'},              {NULL, 0, NULL, 0}};
  int c;
  memset(o, 0, sizeof(*o));
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":c:h", longs, NULL)) != -1) {
    switch (c) {
    case 'c': o->config = optarg; break;
    case O_DATASET: o->dataset = optarg; break;
    case O_PARTIALS: o->partials = optarg; break;
    case O_OUT: o->out = optarg; break;
    case O_AS_OF: o->as_of = optarg; break;
    case O_FROM: o->from = optarg; break;
    case O_TO: o->to = optarg; break;
    case O_RANGE: o->range_file = optarg; break;
    case O_SHARDS:
      if (parse_shards(optarg, &o->nshards))
        return usage_error("--shards '%s': expected a whole number from 1 to %d", optarg,
                           SHARD_MAX);
      break;
    case 'h': fputs(usage_text, stdout); return ETL_EXIT_OK;
    case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
    default: return usage_error("unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc)
    return usage_error("unexpected argument '%s'", argv[optind]);
  if (!o->config || !o->dataset || !o->partials || !o->nshards || !o->out || !o->as_of)
    return usage_error("-c, --dataset, --partials, --shards, --out and --as-of are required");
  return -1;
}

static int run(const struct options *o, struct attr_setup *su) {
  double t0 = stage_log_seconds();
  struct strbuf err = STRBUF_INIT;
  struct shard_header hdr;
  uint64_t rows = 0;
  int rc;

  if ((rc = attr_make_dir(PROG, o->out)) >= 0)
    return rc;
  attr_setup_header(su, 0, o->nshards, &hdr);
  struct tables_input in = {&su->cfg,   &su->ds,   NULL, &su->groups, &su->range,
                            &su->base, NULL,      1,    NULL};
  uint64_t opp_rows;
  if (tables_merge(&in, &hdr, o->partials, o->out, &rows, &err) != 0 ||
      opportunities_table_write(&su->cfg, &su->ds, &su->range, su->as_of, o->out, &opp_rows,
                                &err) != 0) {
    fprintf(stderr, PROG ": %s\n", strbuf_str(&err));
    strbuf_release(&err);
    return ETL_EXIT_IO;
  }
  strbuf_release(&err);
  if (o->range_file && (rc = attr_write_range_file(PROG, o->range_file, &su->range)) >= 0)
    return rc;
  if (stage_log_level_from_env() >= STAGE_LOG_INFO)
    stage_log_line(PROG, "%u shards, %zu models, %zu opportunities, %zu touches, %llu credit rows, "
                   "%.2f s", o->nshards, su->cfg.nmodels, su->ds.nopps, su->ds.ntouches,
                   (unsigned long long)rows, stage_log_seconds() - t0);
  return ETL_EXIT_OK;
}

int main(int argc, char **argv) {
  struct options o;
  struct attr_setup su;
  int rc;
  if ((rc = parse_args(argc, argv, &o)) >= 0)
    return rc;
  struct attr_args a = {PROG, o.config, o.dataset, o.as_of, o.from, o.to, true};
  if ((rc = attr_setup_load(&su, &a)) < 0)
    rc = run(&o, &su);
  attr_setup_release(&su);
  return rc;
}
