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

enum loaded { L_CFG = 1, L_DS = 2, L_RANGE = 4, L_GROUPS = 8, L_BASE = 16, L_PART = 32 };

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

static int load_dataset(struct attr_setup *s, const char *path) {
  struct strbuf err = STRBUF_INIT;
  const char *why;
  if (dataset_read(&s->ds, path, &err) != 0) {
    prog_error("%s", strbuf_str(&err));
    strbuf_release(&err);
    return ETL_EXIT_DATA;
  }
  s->loaded |= L_DS;
  strbuf_release(&err);
  if (link_check(&s->ds, &why) != 0) {
    prog_error("%s: %s", path, why);
    return ETL_EXIT_DATA;
  }
  return -1;
}

/* True when part meta m was cut from this run's data set for this shard. */
static bool part_matches(const struct attr_setup *s, const struct attr_args *a,
                         const struct part_meta *m) {
  return m->shard == a->shard && m->nshards == a->nshards && m->as_of == s->as_of &&
         m->config_tag == shard_config_tag(&s->cfg) && m->part_nopps == s->ds.nopps &&
         m->part_ntouches == s->ds.ntouches && m->ncampaigns == s->ds.ncampaigns &&
         m->first_day <= m->last_day;
}

/* With --parts: the part's data set and what it records of the whole. */
static int load_part(struct attr_setup *s, const struct attr_args *a) {
  struct strbuf err = STRBUF_INIT;
  char *ds_path = part_path(a->parts, a->shard, PART_DATASET);
  char *meta_path = part_path(a->parts, a->shard, PART_META);
  int rc = load_dataset(s, ds_path);
  if (rc < 0) {
    s->loaded |= L_PART;
    if (part_meta_read(meta_path, &s->part, &err) != 0) {
      prog_error("%s", strbuf_str(&err));
      rc = ETL_EXIT_DATA;
    } else if (!part_matches(s, a, &s->part)) {
      prog_error("%s: cut for another run or shard (shard %u/%u)", meta_path, s->part.shard,
                 s->part.nshards);
      rc = ETL_EXIT_DATA;
    }
  }
  strbuf_release(&err);
  free(ds_path);
  free(meta_path);
  return rc;
}

/* The range and groups of the whole data set, as the part records them. */
static int part_range_groups(struct attr_setup *s, const struct attr_args *a) {
  struct period_cfg pc = {s->cfg.period, s->cfg.fiscal_year_start_month};
  range_build(&s->range, &pc, s->part.first_day, s->part.last_day);
  s->loaded |= L_RANGE | L_GROUPS;
  if (groups_build_named(&s->groups, &s->ds, s->part.names, s->part.nchan) != 0) {
    prog_error("%s/%u: the part's channels are not those it records", a->parts, a->shard);
    return ETL_EXIT_DATA;
  }
  return -1;
}

int attr_setup_load(struct attr_setup *s, const struct attr_args *a) {
  int rc;
  memset(s, 0, sizeof(*s));
  if ((rc = load_settings(s, a)) >= 0)
    return rc;
  if (a->parts)
    return (rc = load_part(s, a)) >= 0 ? rc : part_range_groups(s, a);
  if ((rc = load_dataset(s, a->dataset)) >= 0)
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
  if (s->loaded & L_PART)
    part_meta_release(&s->part);
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
  if (s->loaded & L_PART) {
    hdr->nopps = s->part.nopps;
    hdr->ntouches = s->part.ntouches;
    hdr->ncampaigns = s->part.ncampaigns;
    hdr->npersons = s->part.npersons;
  }
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
  struct attr_args a = {o->config, o->dataset, o->as_of, o->from, o->to, base_sums, NULL, 0, 0};
  return a;
}
