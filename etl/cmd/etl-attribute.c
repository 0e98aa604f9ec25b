/* etl-attribute: the attribution stage. Reads the normalized data set,
 * links people and touches to opportunities, applies every model of the
 * config and writes the four tables plus the range name (notes/STAGES.md). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "etl/config.h"
#include "etl/dataset_io.h"
#include "etl/exitcodes.h"
#include "etl/tables.h"
#include "transforms/aggregate.h"
#include "transforms/calendar.h"
#include "transforms/link.h"
#include "transforms/values.h"

#define PROG "etl-attribute"
#define MAX_JOBS 1024

static const char usage_text[] =
    "usage: " PROG " -c CONF --dataset FILE --out DIR --as-of TS\n"
    "                     [--from DATE] [--to DATE] [--jobs N] [--range-file FILE]\n"
    "\n"
    "Links people and touches to opportunities, applies every model of the\n"
    "config and writes attribution_by_campaign.csv, attribution_by_channel.csv,\n"
    "touch_credits.csv.gz and reconciliation.csv into DIR.\n"
    "\n"
    "  -c, --config CONF    pipeline.conf\n"
    "  --dataset FILE       dataset.bin written by etl-normalize\n"
    "  --out DIR            output folder (created if missing)\n"
    "  --as-of TS           timestamp or date (a date means 23:59:59 that day)\n"
    "  --from DATE          first day of the range (YYYY-MM-DD)\n"
    "  --to DATE            last day of the range (YYYY-MM-DD)\n"
    "  --jobs N             threads for the models (default 1)\n"
    "  --range-file FILE    write the range name (FROM_TO) to FILE\n"
    "  -h, --help           this text\n"
    "\n" ETL_EXIT_CODES_HELP;

struct options {
  const char *config, *dataset, *out, *as_of, *from, *to, *range_file;
  unsigned jobs;
};

struct state {
  struct options opt;
  struct etl_config cfg;
  struct dataset ds;
  struct emit_range range;
  struct groups groups;
  struct base_sums base;
  struct linkage lk;
  uint8_t *cover;
  int64_t as_of;
  int32_t from, to;
};

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, PROG ": ");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry '" PROG " --help'.\n");
  return ETL_EXIT_USAGE;
}

static int parse_jobs(const char *s, unsigned *jobs) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < 1 || v > MAX_JOBS)
    return -1;
  *jobs = (unsigned)v;
  return 0;
}

/* Returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, struct options *o) {
  enum { O_DATASET = 256, O_OUT, O_AS_OF, O_FROM, O_TO, O_JOBS, O_RANGE };
  static const struct option longs[] = {
      {"config", required_argument, NULL, 'c'},   {"dataset", required_argument, NULL, O_DATASET},
      {"out", required_argument, NULL, O_OUT},     {"as-of", required_argument, NULL, O_AS_OF},
      {"from", required_argument, NULL, O_FROM},   {"to", required_argument, NULL, O_TO},
      {"jobs", required_argument, NULL, O_JOBS},   {"range-file", required_argument, NULL, O_RANGE},
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
    case O_JOBS:
      if (parse_jobs(optarg, &o->jobs))
        return usage_error("--jobs '%s': expected a whole number from 1 to 1024", optarg);
      break;
    case 'h': fputs(usage_text, stdout); return ETL_EXIT_OK;
    case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
    default: return usage_error("unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc)
    return usage_error("unexpected argument '%s'", argv[optind]);
  if (!o->config || !o->dataset || !o->out || !o->as_of)
    return usage_error("-c, --dataset, --out and --as-of are required");
  return -1;
}

/* --from/--to: a date alone. */
static int parse_day(const char *opt, const char *s, int32_t *day) {
  struct ts_value v;
  const char *why = "not a date";
  if (ts_parse(s, strlen(s), 0, &v, &why) != 0 || !v.date_only) {
    fprintf(stderr, PROG ": %s '%s': %s (expected YYYY-MM-DD)\nTry '" PROG " --help'.\n", opt, s,
            why);
    return -1;
  }
  *day = v.written_day;
  return 0;
}

/* Config, --as-of, --from, --to. Returns -1 to go on, else the exit code. */
static int load_settings(struct state *st) {
  struct strbuf err = STRBUF_INIT;
  struct ts_value v;
  const char *why = "not a timestamp";
  if (etl_config_load(&st->cfg, st->opt.config, &err) != 0) {
    fprintf(stderr, PROG ": %s\n", strbuf_str(&err));
    strbuf_release(&err);
    return ETL_EXIT_USAGE;
  }
  strbuf_release(&err);
  const char *a = st->opt.as_of;
  if (ts_parse(a, strlen(a), st->cfg.naive_utc_offset, &v, &why) != 0) {
    fprintf(stderr, PROG ": --as-of '%s': %s\nTry '" PROG " --help'.\n", a, why);
    return ETL_EXIT_USAGE;
  }
  st->as_of = v.utc + (v.date_only ? SECS_PER_DAY - 1 : 0);
  st->from = st->to = DS_NO_DAY;
  if ((st->opt.from && parse_day("--from", st->opt.from, &st->from)) ||
      (st->opt.to && parse_day("--to", st->opt.to, &st->to)))
    return ETL_EXIT_USAGE;
  if (st->from != DS_NO_DAY && st->to != DS_NO_DAY && st->from > st->to)
    return usage_error("--from '%s' is after --to '%s'", st->opt.from, st->opt.to);
  return -1;
}

static int load_dataset(struct state *st) {
  struct strbuf err = STRBUF_INIT;
  const char *why;
  if (dataset_read(&st->ds, st->opt.dataset, &err) != 0) {
    fprintf(stderr, PROG ": %s\n", strbuf_str(&err));
    strbuf_release(&err);
    return ETL_EXIT_DATA;
  }
  strbuf_release(&err);
  if (link_check(&st->ds, &why) != 0) {
    fprintf(stderr, PROG ": %s: %s\n", st->opt.dataset, why);
    return ETL_EXIT_DATA;
  }
  return -1;
}

static int make_out_dir(const char *dir) {
  struct stat sb;
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, PROG ": %s: %s\n", dir, strerror(errno));
    return ETL_EXIT_IO;
  }
  if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
    fprintf(stderr, PROG ": %s: not a directory\n", dir);
    return ETL_EXIT_IO;
  }
  return -1;
}

static int write_range_file(const char *path, const struct emit_range *r) {
  char name[32];
  range_name(r, name);
  FILE *f = fopen(path, "w");
  if (!f || fprintf(f, "%s\n", name) < 0 || fclose(f) != 0) {
    fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno ? errno : EIO));
    return ETL_EXIT_IO;
  }
  return -1;
}

static int run(struct state *st) {
  struct period_cfg pc = {st->cfg.period, st->cfg.fiscal_year_start_month};
  struct strbuf err = STRBUF_INIT;
  uint64_t rows = 0;
  int rc;

  if (range_resolve(&st->range, &st->ds, &pc, st->as_of, st->from, st->to) != 0)
    return usage_error("--from '%s' is after the date of --as-of '%s'", st->opt.from,
                       st->opt.as_of);
  if ((rc = make_out_dir(st->opt.out)) >= 0)
    return rc;
  groups_build(&st->groups, &st->ds);
  base_sums_build(&st->base, &st->ds, &st->groups, &st->range);
  st->cover = coverage_build(&st->ds, &st->range);
  linkage_build(&st->lk, &st->ds, st->as_of, st->cfg.lookback_days, st->cfg.account_based,
                st->cover);
  struct tables_input in = {&st->cfg, &st->ds,    &st->lk,      &st->groups,
                            &st->range, &st->base, st->cover, st->opt.jobs};
  if (tables_write(&in, st->opt.out, &rows, &err) != 0) {
    fprintf(stderr, PROG ": %s\n", strbuf_str(&err));
    strbuf_release(&err);
    return ETL_EXIT_IO;
  }
  strbuf_release(&err);
  if (st->opt.range_file && (rc = write_range_file(st->opt.range_file, &st->range)) >= 0)
    return rc;
  fprintf(stderr, PROG ": %zu models, %zu opportunities, %zu touches, %llu credit rows\n",
          st->cfg.nmodels, st->ds.nopps, st->ds.ntouches, (unsigned long long)rows);
  return ETL_EXIT_OK;
}

static void release(struct state *st, bool cfg, bool ds) {
  linkage_release(&st->lk);
  free(st->cover);
  base_sums_release(&st->base);
  groups_release(&st->groups);
  range_release(&st->range);
  if (ds)
    dataset_release(&st->ds);
  if (cfg)
    etl_config_release(&st->cfg);
}

int main(int argc, char **argv) {
  struct state st;
  int rc;
  memset(&st, 0, sizeof(st));
  if ((rc = parse_args(argc, argv, &st.opt)) >= 0)
    return rc;
  if ((rc = load_settings(&st)) >= 0) {
    release(&st, true, false);
    return rc;
  }
  if ((rc = load_dataset(&st)) >= 0) {
    release(&st, true, true);
    return rc;
  }
  rc = run(&st);
  release(&st, true, true);
  return rc;
}
