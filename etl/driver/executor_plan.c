/* Command lines and folders of a run (see executor_plan.h). */
#include "etl/driver/executor_plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "etl/common/program.h"
#include "transforms/base/xalloc.h"

void plan_argv_add(struct plan_argv *a, const char *arg, bool own) {
  if (a->n >= PLAN_ARGV_MAX || (own && a->nowned >= sizeof a->owned / sizeof a->owned[0])) {
    prog_error("internal error: command line too long"); /* a bug, not an input */
    abort();
  }
  if (own) {
    char *copy = xstrdup(arg);
    a->owned[a->nowned++] = copy;
    arg = copy;
  }
  a->argv[a->n++] = arg;
  a->argv[a->n] = NULL;
}

void plan_argv_release(struct plan_argv *a) {
  for (size_t i = 0; i < a->nowned; i++)
    free(a->owned[i]);
  memset(a, 0, sizeof(*a));
}

static void add_owned(struct plan_argv *a, char *s) {
  plan_argv_add(a, s, true);
  free(s);
}

static void add_range(const struct exec_plan *p, struct plan_argv *a) {
  plan_argv_add(a, "--as-of", false);
  plan_argv_add(a, p->as_of, false);
  if (p->from) {
    plan_argv_add(a, "--from", false);
    plan_argv_add(a, p->from, false);
  }
  if (p->to) {
    plan_argv_add(a, "--to", false);
    plan_argv_add(a, p->to, false);
  }
}

void plan_argv_split(const struct exec_plan *p, struct plan_argv *a) {
  memset(a, 0, sizeof(*a));
  plan_argv_add(a, PLAN_SPLIT, false);
  plan_argv_add(a, "-c", false);
  plan_argv_add(a, p->config, false);
  plan_argv_add(a, "--work", false);
  plan_argv_add(a, p->work, false);
}

void plan_argv_normalize(const struct exec_plan *p, struct plan_argv *a) {
  memset(a, 0, sizeof(*a));
  plan_argv_add(a, PLAN_NORMALIZE, false);
  plan_argv_add(a, "-c", false);
  plan_argv_add(a, p->config, false);
  plan_argv_add(a, "--work", false);
  plan_argv_add(a, p->work, false);
  if (p->threads > 1) { /* the next files of a multi-file input, read ahead */
    plan_argv_add(a, "--jobs", false);
    add_owned(a, xasprintf("%u", p->threads));
  }
  if (p->nsplit > 0) {
    plan_argv_add(a, "--from-split", false);
    add_owned(a, plan_work_path(p, "split"));
  }
}

bool plan_partitioned(const struct exec_plan *p) { return p->nshards > 1; }

void plan_argv_partition(const struct exec_plan *p, struct plan_argv *a) {
  memset(a, 0, sizeof(*a));
  plan_argv_add(a, PLAN_PARTITION, false);
  plan_argv_add(a, "-c", false);
  plan_argv_add(a, p->config, false);
  plan_argv_add(a, "--dataset", false);
  add_owned(a, plan_work_path(p, "dataset.bin"));
  plan_argv_add(a, "--shards", false);
  add_owned(a, xasprintf("%u", p->nshards));
  plan_argv_add(a, "--out", false);
  add_owned(a, plan_work_path(p, "parts"));
  add_range(p, a);
}

void plan_argv_attribute(const struct exec_plan *p, struct plan_argv *a) {
  memset(a, 0, sizeof(*a));
  plan_argv_add(a, PLAN_ATTRIBUTE, false);
  plan_argv_add(a, "-c", false);
  plan_argv_add(a, p->config, false);
  if (plan_partitioned(p)) {
    plan_argv_add(a, "--parts", false);
    add_owned(a, plan_work_path(p, "parts"));
  } else {
    plan_argv_add(a, "--dataset", false);
    add_owned(a, plan_work_path(p, "dataset.bin"));
  }
  add_range(p, a);
  if (p->threads) {
    plan_argv_add(a, "--jobs", false);
    add_owned(a, xasprintf("%u", p->threads));
  }
}

void plan_argv_attribute_tables(const struct exec_plan *p, struct plan_argv *a) {
  plan_argv_attribute(p, a);
  plan_argv_add(a, "--out", false);
  plan_argv_add(a, p->tables, false);
  plan_argv_add(a, "--range-file", false);
  add_owned(a, plan_work_path(p, "range"));
}

void plan_argv_attribute_shard(const struct exec_plan *p, unsigned i, struct plan_argv *a) {
  plan_argv_attribute(p, a);
  plan_argv_add(a, "--shard", false);
  add_owned(a, xasprintf("%u/%u", i, p->nshards));
  plan_argv_add(a, "--partial", false);
  add_owned(a, xasprintf("%s/shards/%u", p->work, i));
}

void plan_argv_merge(const struct exec_plan *p, struct plan_argv *a) {
  memset(a, 0, sizeof(*a));
  plan_argv_add(a, PLAN_MERGE, false);
  plan_argv_add(a, "-c", false);
  plan_argv_add(a, p->config, false);
  plan_argv_add(a, "--dataset", false);
  add_owned(a, plan_work_path(p, "dataset.bin"));
  plan_argv_add(a, "--partials", false);
  add_owned(a, plan_work_path(p, "shards"));
  plan_argv_add(a, "--shards", false);
  add_owned(a, xasprintf("%u", p->nshards));
  plan_argv_add(a, "--out", false);
  plan_argv_add(a, p->tables, false);
  add_range(p, a);
  plan_argv_add(a, "--range-file", false);
  add_owned(a, plan_work_path(p, "range"));
}

void plan_argv_report(const struct exec_plan *p, struct plan_argv *a) {
  memset(a, 0, sizeof(*a));
  plan_argv_add(a, PLAN_REPORT, false);
  plan_argv_add(a, "--dir", false);
  plan_argv_add(a, p->tables, false);
  plan_argv_add(a, "-c", false);
  plan_argv_add(a, p->config, false);
}

char *plan_stage_path(const struct exec_plan *p, const char *name) {
  return xasprintf("%s/%s", p->stage_dir, name);
}

char *plan_work_path(const struct exec_plan *p, const char *rel) {
  return xasprintf("%s/%s", p->work, rel);
}

static int make_dir(const struct exec_plan *p, const char *rel, struct strbuf *err) {
  char *path = plan_work_path(p, rel);
  int rc = 0;
  if (mkdir(path, 0777) != 0 && errno != EEXIST) {
    strbuf_addf(err, "cannot create '%s': %s", path, strerror(errno));
    rc = -1;
  }
  free(path);
  return rc;
}

int plan_make_dirs(const struct exec_plan *p, bool slurm, struct strbuf *err) {
  if (make_dir(p, "shards", err) < 0)
    return -1;
  if (!slurm)
    return 0;
  if (make_dir(p, "logs", err) < 0 || make_dir(p, "status", err) < 0 ||
      make_dir(p, "slurm", err) < 0 || (p->nsplit > 0 && make_dir(p, "split", err) < 0))
    return -1;
  return 0;
}
