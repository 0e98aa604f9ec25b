/* The common start of etl-attribute and etl-merge (see attr_setup.h). */
#include "etl/attribute/attr_setup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "etl/common/dataset_io.h"
#include "etl/common/program.h"
#include "transforms/base/calendar.h"
#include "transforms/link.h"
#include "transforms/values.h"

enum loaded { L_CFG = 1, L_DS = 2, L_RANGE = 4, L_GROUPS = 8, L_BASE = 16 };

/* --from/--to: a date alone. */
static int parse_day(const char *opt, const char *s, int32_t *day) {
  struct ts_value v;
  const char *why = "not a date";
  if (ts_parse(s, strlen(s), 0, &v, &why) != 0 || !v.date_only)
    return prog_usage_error("%s '%s': %s (expected YYYY-MM-DD)", opt, s, why);
  *day = v.written_day;
  return -1;
}

/* Config, --as-of, --from, --to. */
static int load_settings(struct attr_setup *s, const struct attr_args *a) {
  struct strbuf err = STRBUF_INIT;
  struct ts_value v;
  const char *why = "not a timestamp";
  int rc;
  if (etl_config_load(&s->cfg, a->config, &err) != 0) {
    prog_error("%s", strbuf_str(&err));
    strbuf_release(&err);
    return ETL_EXIT_USAGE;
  }
  s->loaded |= L_CFG;
  strbuf_release(&err);
  if (ts_parse(a->as_of, strlen(a->as_of), s->cfg.naive_utc_offset, &v, &why) != 0)
    return prog_usage_error("--as-of '%s': %s (expected %s)", a->as_of, why, PROG_AS_OF_FORMATS);
  s->as_of = v.utc + (v.date_only ? SECS_PER_DAY - 1 : 0);
  s->from = s->to = DS_NO_DAY;
  if ((a->from && (rc = parse_day("--from", a->from, &s->from)) >= 0) ||
      (a->to && (rc = parse_day("--to", a->to, &s->to)) >= 0))
    return rc;
  if (s->from != DS_NO_DAY && s->to != DS_NO_DAY && s->from > s->to)
    return prog_usage_error("--from '%s' is after --to '%s'", a->from, a->to);
  return -1;
}

static int load_dataset(struct attr_setup *s, const struct attr_args *a) {
  struct strbuf err = STRBUF_INIT;
  const char *why;
  if (dataset_read(&s->ds, a->dataset, &err) != 0) {
    prog_error("%s", strbuf_str(&err));
    strbuf_release(&err);
    return ETL_EXIT_DATA;
  }
  s->loaded |= L_DS;
  strbuf_release(&err);
  if (link_check(&s->ds, &why) != 0) {
    prog_error("%s: %s", a->dataset, why);
    return ETL_EXIT_DATA;
  }
  return -1;
}

int attr_setup_load(struct attr_setup *s, const struct attr_args *a) {
  int rc;
  memset(s, 0, sizeof(*s));
  if ((rc = load_settings(s, a)) >= 0 || (rc = load_dataset(s, a)) >= 0)
    return rc;
  struct period_cfg pc = {s->cfg.period, s->cfg.fiscal_year_start_month};
  if (range_resolve(&s->range, &s->ds, &pc, s->as_of, s->from, s->to) != 0)
    return prog_usage_error("--from '%s' is after the date of --as-of '%s'", a->from, a->as_of);
  s->loaded |= L_RANGE;
  groups_build(&s->groups, &s->ds);
  s->loaded |= L_GROUPS;
  if (a->base_sums) {
    base_sums_build(&s->base, &s->ds, &s->groups, &s->range);
    s->loaded |= L_BASE;
  }
  return -1;
}

void attr_setup_release(struct attr_setup *s) {
  if (s->loaded & L_BASE)
    base_sums_release(&s->base);
  if (s->loaded & L_GROUPS)
    groups_release(&s->groups);
  if (s->loaded & L_RANGE)
    range_release(&s->range);
  if (s->loaded & L_DS)
    dataset_release(&s->ds);
  if (s->loaded & L_CFG)
    etl_config_release(&s->cfg);
  s->loaded = 0;
}

void attr_setup_header(const struct attr_setup *s, unsigned i, unsigned n,
                       struct shard_header *hdr) {
  memset(hdr, 0, sizeof(*hdr));
  hdr->shard = i;
  hdr->nshards = n;
  hdr->nmodels = (uint32_t)s->cfg.nmodels;
  hdr->nopps = s->ds.nopps;
  hdr->ntouches = s->ds.ntouches;
  hdr->ncampaigns = s->ds.ncampaigns;
  hdr->npersons = s->ds.npersons;
  hdr->config_tag = shard_config_tag(&s->cfg);
  hdr->as_of = s->as_of;
  range_name(&s->range, hdr->range);
}

int attr_make_dir(const char *dir) {
  struct stat sb;
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
    prog_error("%s: %s", dir, strerror(errno));
    return ETL_EXIT_IO;
  }
  if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
    prog_error("%s: not a directory", dir);
    return ETL_EXIT_IO;
  }
  return -1;
}

int attr_write_range_file(const char *path, const struct emit_range *r) {
  char name[32];
  range_name(r, name);
  errno = 0;
  FILE *f = fopen(path, "we");
  bool ok = f && fprintf(f, "%s\n", name) >= 0;
  if (f && fclose(f) != 0)
    ok = false;
  if (!ok) {
    prog_error("%s: %s", path, strerror(errno ? errno : EIO));
    return ETL_EXIT_IO;
  }
  return -1;
}

static bool shared_option(int c, const char *arg, struct attr_cli *o) {
  switch (c) {
  case 'c': o->config = arg; return true;
  case ATTR_OPT_DATASET: o->dataset = arg; return true;
  case ATTR_OPT_OUT: o->out = arg; return true;
  case ATTR_OPT_AS_OF: o->as_of = arg; return true;
  case ATTR_OPT_FROM: o->from = arg; return true;
  case ATTR_OPT_TO: o->to = arg; return true;
  case ATTR_OPT_RANGE_FILE: o->range_file = arg; return true;
  default: return false;
  }
}

int attr_parse_options(int argc, char **argv, const struct option *longopts,
                       struct attr_cli *cli, int (*own)(int c, const char *arg, void *ctx),
                       void *ctx) {
  const char *shortopts = ":" ATTR_SHARED_SHORTOPTS PROG_COMMON_SHORTOPTS;
  int c, rc = PROG_CONTINUE;
  while (rc == PROG_CONTINUE && (c = prog_getopt(argc, argv, shortopts, longopts, &rc)) > 0)
    if (!shared_option(c, optarg, cli))
      rc = own(c, optarg, ctx);
  return rc == PROG_CONTINUE ? prog_no_operands(argc, argv) : rc;
}

struct attr_args attr_cli_args(const struct attr_cli *o, bool base_sums) {
  struct attr_args a = {o->config, o->dataset, o->as_of, o->from, o->to, base_sums};
  return a;
}
