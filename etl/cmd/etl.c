/* etl: the driver (contract §6, docs/architecture.md). Parses the command
 * line, loads the config, then chains the stage programs etl-normalize and
 * etl-attribute in hidden folders of out_dir, has etl-report write
 * report.html beside their tables, and publishes them atomically with a
 * manifest and the `latest` link; `etl check` checks
 * out_dir and hands over to `etl-normalize --check`. With --shards N the
 * attribution runs as N shard tasks and etl-merge, locally
 * (executor_local.h) or as Slurm jobs (executor_slurm.h). The pieces live
 * in the libraries: program.h (options, printers, exit), executor_plan.h
 * (every stage's command line), run_stage.h (processes and signals),
 * publish.h (lock, folders, atomic rename), failed_runs.h, manifest.h;
 * this file only puts them in order and decides exit codes (exitcodes.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "etl/attribute/shard.h"
#include "etl/common/config.h"
#include "etl/common/program.h"
#include "etl/driver/dataset_cache.h"
#include "etl/driver/executor_local.h"
#include "etl/driver/executor_plan.h"
#include "etl/driver/executor_slurm.h"
#include "etl/driver/failed_runs.h"
#include "etl/driver/manifest.h"
#include "etl/driver/publish.h"
#include "etl/driver/run_stage.h"
#include "etl/driver/stage_dir.h"
#include "etl/input/input_list.h"
#include "transforms/base/calendar.h"
#include "transforms/base/strbuf.h"
#include "transforms/base/xalloc.h"
#include "transforms/values.h"

#define MAX_SBATCH_ARGS 16
#define MAX_WAIT_SECONDS 2592000 /* 30 days */
#define LOCK_POLL_MS 100
#define NORMALIZE PLAN_NORMALIZE
#define ATTRIBUTE PLAN_ATTRIBUTE
#define MERGE PLAN_MERGE
#define PARTITION PLAN_PARTITION
#define SPLIT_TASKS_MAX 1000 /* Slurm's default MaxArraySize is 1001 */
#define REPORT PLAN_REPORT
#define MANIFEST_NAME "manifest.json"

static const char usage_text[] =
    "usage: etl run [-c FILE] [--from DATE] [--to DATE] [--as-of TS] [--jobs N]\n"
    "               [--wait[=SECONDS]] [--quiet] [--verbose]\n"
    "               [--shards N] [--executor local|slurm] [--work-dir DIR]\n"
    "               [--partition P] [--time-limit T] [--sbatch-arg ARG]...\n"
    "       etl check [-c FILE]\n"
    "       etl --help | --version\n"
    "\n"
    "`etl run` runs etl-normalize, then etl-attribute, and publishes their tables\n"
    "atomically into <out_dir>/<from>_<to>/ with report.html (etl-report) and a\n"
    "manifest.json, and points the link <out_dir>/latest at that folder. A run\n"
    "that fails because too many rows were rejected keeps its rejects.csv and\n"
    "manifest.json in <out_dir>/.failed/<start time>/ (the newest 5 are kept)\n"
    "and names it.\n"
    "`etl check` loads the config, checks that out_dir is (or can be made) a\n"
    "writable folder and runs `etl-normalize --check`, which opens every input\n"
    "and checks its header.\n"
    "\n"
    "  -c, --config FILE  the config (default ./pipeline.conf)\n"
    "      --from DATE    emit the periods from this day on (YYYY-MM-DD)\n"
    "      --to DATE      emit the periods up to this day (YYYY-MM-DD), which\n"
    "                     counts up to 23:59:59 of that day\n"
    "      --as-of TS     the time the run is as of (default: now, UTC):\n"
    "                     YYYY-MM-DDTHH:MM:SS[.fff][Z|+HH:MM|-HH:MM] (a blank\n"
    "                     may stand for T; without an offset, the config's\n"
    "                     naive_utc_offset), or a date alone, YYYY-MM-DD,\n"
    "                     which means 23:59:59 of that day\n"
    "      --jobs N       threads (1-256, default 1): etl-normalize reads the\n"
    "                     next N-1 files of an input of several files ahead,\n"
    "                     etl-attribute runs its models on them; with --shards,\n"
    "                     the shard tasks run at once (local), or the threads of\n"
    "                     each shard task (slurm). The tables are the same for\n"
    "                     every N\n"
    "      --wait[=SECONDS]  wait while another run holds the lock on out_dir:\n"
    "                     forever, or at most SECONDS (0-2592000), then exit 4\n"
    "      --shards N     split the attribution into N shards (1-1000) by\n"
    "                     opportunity and merge them with etl-merge; the tables\n"
    "                     are byte-identical for every N (default 1: no merge)\n"
    "      --executor E   local (default): shard tasks run here, up to --jobs at\n"
    "                     once; slurm: every stage is a batch job (sbatch), the\n"
    "                     shards one job array\n"
    "      --work-dir DIR the run's work folder is made inside DIR (default: a\n"
    "                     hidden folder in out_dir); with slurm it must be on a\n"
    "                     file system every node shares\n"
    "      --partition P  slurm: the partition of the jobs\n"
    "      --time-limit T slurm: the time limit of each job (sbatch --time)\n"
    "      --sbatch-arg A slurm: one more sbatch argument (repeatable)\n"
    "      --no-cache     run etl-normalize even when the data-set cache in\n"
    "                     out_dir matches (local executor; ETL_DATASET_CACHE=off\n"
    "                     neither reads nor writes the cache)\n"
    "  -q, --quiet        no progress lines on stderr (errors are printed)\n"
    "  -v, --verbose      also print the command line of each stage\n"
    "  -h, --help         print this help\n"
    "  -V, --version      print the versions of etl and its libraries\n"
    "\n"
    "Every line on stderr starts with `etl: ` (or the stage's name) and the UTC\n"
    "time; a run logs one start line and one end line (status, exit code,\n"
    "seconds). The stage programs are taken from $ETL_STAGE_DIR when it is set,\n"
    "else from ../libexec/etl beside an installed etl, else from etl's folder.\n"
    "\n" ETL_EXIT_CODES_HELP;

enum executor { EXEC_LOCAL, EXEC_SLURM };

struct run_options {
  const char *config;
  const char *from, *to, *as_of; /* NULL when not given */
  long jobs;                     /* 0 when not given */
  bool wait, no_cache;
  long wait_seconds;             /* -1: wait forever (plain --wait) */
  long shards;                   /* 1 unless given */
  enum executor executor;
  const char *work_dir, *partition, *time_limit; /* NULL when not given */
  const char *sbatch_args[MAX_SBATCH_ARGS];
  size_t nsbatch_args;
};

/* The state of one `etl run`. */
struct driver {
  struct run_options opt;
  struct etl_config config;
  const char *as_of; /* --as-of, or `now` */
  char now[32];
  char *stage_dir;
  struct stage_signals sig;
  struct publish pub;
  struct manifest manifest;
  char *range;
  struct strbuf err;
  char *run_dir;      /* the stages' work folder: pub.work_path or in --work-dir */
  bool own_run_dir;   /* run_dir is ours to remove (made in --work-dir) */
  bool keep_run_dir;  /* a failed Slurm run keeps its logs */
  time_t started;     /* wall clock at the start (names a kept failed run) */
  double t0;          /* stage_log_seconds() at the start */
};

/* --- messages: the program's printers (program.h) ------------------------ */

#define error prog_error
#define info prog_info
#define usage_error prog_usage_error

/* --- options ------------------------------------------------------------- */

enum {
  OPT_FROM = 256,
  OPT_TO,
  OPT_AS_OF,
  OPT_JOBS,
  OPT_WAIT,
  OPT_SHARDS,
  OPT_EXECUTOR,
  OPT_WORK_DIR,
  OPT_PARTITION,
  OPT_TIME_LIMIT,
  OPT_SBATCH_ARG,
  OPT_NO_CACHE
};

static const struct option run_longopts[] = {
    {"config", required_argument, NULL, 'c'}, {"from", required_argument, NULL, OPT_FROM},
    {"to", required_argument, NULL, OPT_TO},   {"as-of", required_argument, NULL, OPT_AS_OF},
    {"jobs", required_argument, NULL, OPT_JOBS}, {"wait", optional_argument, NULL, OPT_WAIT},
    {"shards", required_argument, NULL, OPT_SHARDS},
    {"executor", required_argument, NULL, OPT_EXECUTOR},
    {"work-dir", required_argument, NULL, OPT_WORK_DIR},
    {"partition", required_argument, NULL, OPT_PARTITION},
    {"time-limit", required_argument, NULL, OPT_TIME_LIMIT},
    {"sbatch-arg", required_argument, NULL, OPT_SBATCH_ARG},
    {"no-cache", no_argument, NULL, OPT_NO_CACHE},
    PROG_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};

static const struct option check_longopts[] = {
    {"config", required_argument, NULL, 'c'}, PROG_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};

/* A calendar date written YYYY-MM-DD; 0 or the usage exit code. */
static int check_date(const char *opt, const char *s) {
  struct ts_value v;
  const char *why = NULL;
  if (ts_parse(s, strlen(s), 0, &v, &why) != 0)
    return usage_error("%s '%s': %s (expected YYYY-MM-DD)", opt, s, why ? why : "not a date");
  if (!v.date_only)
    return usage_error("%s '%s': not a date (expected YYYY-MM-DD)", opt, s);
  return 0;
}

/* Parses `etl run` options into o; returns -1 to go on, or an exit code. */
static int parse_run_options(int argc, char **argv, struct run_options *o) {
  int c, rc = PROG_CONTINUE;
  memset(o, 0, sizeof *o);
  o->config = "pipeline.conf";
  o->shards = 1;
  o->wait_seconds = -1;
  while ((c = prog_getopt(argc, argv, ":c:" PROG_COMMON_SHORTOPTS, run_longopts, &rc)) > 0) {
    switch (c) {
    case 'c': o->config = optarg; break;
    case OPT_FROM: o->from = optarg; break;
    case OPT_TO: o->to = optarg; break;
    case OPT_AS_OF: o->as_of = optarg; break;
    case OPT_JOBS:
      if ((rc = prog_count_option("--jobs", optarg, 1, PROG_MAX_JOBS, &o->jobs)) >= 0)
        return rc;
      break;
    case OPT_WAIT:
      o->wait = true;
      if (optarg && prog_parse_count(optarg, 0, MAX_WAIT_SECONDS, &o->wait_seconds) < 0)
        return usage_error("--wait='%s': expected seconds, a whole number from 0 to %d", optarg,
                           MAX_WAIT_SECONDS);
      break;
    case OPT_SHARDS:
      if ((rc = prog_count_option("--shards", optarg, 1, SHARD_MAX, &o->shards)) >= 0)
        return rc;
      break;
    case OPT_EXECUTOR:
      if (!strcmp(optarg, "local"))
        o->executor = EXEC_LOCAL;
      else if (!strcmp(optarg, "slurm"))
        o->executor = EXEC_SLURM;
      else
        return usage_error("--executor '%s': expected local or slurm", optarg);
      break;
    case OPT_WORK_DIR: o->work_dir = optarg; break;
    case OPT_NO_CACHE: o->no_cache = true; break;
    case OPT_PARTITION: o->partition = optarg; break;
    case OPT_TIME_LIMIT: o->time_limit = optarg; break;
    case OPT_SBATCH_ARG:
      if (o->nsbatch_args == MAX_SBATCH_ARGS)
        return usage_error("--sbatch-arg: at most %d", MAX_SBATCH_ARGS);
      o->sbatch_args[o->nsbatch_args++] = optarg;
      break;
    }
  }
  if (c == PROG_OPTS_EXIT || (rc = prog_no_operands(argc, argv)) != PROG_CONTINUE)
    return rc;
  if ((o->from && check_date("--from", o->from)) || (o->to && check_date("--to", o->to)))
    return ETL_EXIT_USAGE;
  if (o->from && o->to && strcmp(o->from, o->to) > 0)
    return usage_error("--from %s is after --to %s", o->from, o->to);
  if (o->executor != EXEC_SLURM && (o->partition || o->time_limit || o->nsbatch_args))
    return usage_error("--partition, --time-limit and --sbatch-arg need --executor slurm");
  if (o->work_dir && !*o->work_dir)
    return usage_error("--work-dir: empty");
  return -1;
}

/* --- stages -------------------------------------------------------------- */

/* Runs one stage; returns 0 when it succeeded, else the exit code of the
 * run (the message printed). */
static int run_one(struct driver *d, const char *name, const char *const *argv) {
  char *path = xasprintf("%s/%s", d->stage_dir, name);
  struct stage_result res;
  if (prog_level() >= STAGE_LOG_VERBOSE) {
    struct strbuf cmd = STRBUF_INIT;
    stage_format_argv(argv, &cmd);
    prog_verbose("running %s (%s)", strbuf_str(&cmd), path);
    strbuf_release(&cmd);
  }
  strbuf_reset(&d->err);
  if (run_stage(path, argv, &d->sig, &res, &d->err) < 0) {
    error("%s", strbuf_str(&d->err));
    free(path);
    return ETL_EXIT_USAGE;
  }
  free(path);
  if (d->sig.caught)
    return ETL_EXIT_SIGNAL_BASE + d->sig.caught; /* reported by the caller */
  if (res.how == STAGE_EXITED && res.code == 0) {
    info("%s done in %.2f s", name, res.seconds);
    manifest_add_stage(&d->manifest, name, res.seconds);
    return 0;
  }
  struct strbuf msg = STRBUF_INIT;
  stage_result_describe(name, &res, &msg);
  error("stage %s", strbuf_str(&msg));
  strbuf_release(&msg);
  return stage_result_exit_code(&res);
}

static int interrupted(struct driver *d) {
  return stage_signals_poll(&d->sig) ? ETL_EXIT_SIGNAL_BASE + d->sig.caught : 0;
}

/* True when the attribution runs as shard tasks and etl-merge. */
static bool sharded(const struct driver *d) {
  return d->opt.shards > 1 || d->opt.executor == EXEC_SLURM;
}

static void make_plan(const struct driver *d, struct exec_plan *p, const char *stage_dir,
                      const char *config, const char *work, const char *tables) {
  memset(p, 0, sizeof *p);
  p->stage_dir = stage_dir;
  p->config = config;
  p->as_of = d->as_of;
  p->from = d->opt.from;
  p->to = d->opt.to;
  p->work = work;
  p->tables = tables;
  p->nshards = (unsigned)d->opt.shards;
}

/* Runs the stage whose command line build() makes from the run's plan. */
static int run_planned(struct driver *d, const char *name,
                       void (*build)(const struct exec_plan *, struct plan_argv *)) {
  struct exec_plan p;
  struct plan_argv a;
  make_plan(d, &p, d->stage_dir, d->opt.config, d->run_dir, d->pub.stage_path);
  p.threads = (unsigned)d->opt.jobs;
  build(&p, &a);
  int rc = run_one(d, name, a.argv);
  plan_argv_release(&a);
  return rc;
}

/* Local executor: etl-partition, the shard tasks (up to --jobs at once),
 * then etl-merge into the stage folder. */
static int run_local_shards(struct driver *d) {
  struct exec_plan p;
  double seconds;
  make_plan(d, &p, d->stage_dir, d->opt.config, d->run_dir, d->pub.stage_path);
  strbuf_reset(&d->err);
  if (plan_make_dirs(&p, false, &d->err) < 0) {
    error("%s", strbuf_str(&d->err));
    return ETL_EXIT_IO;
  }
  int rc = run_planned(d, PARTITION, plan_argv_partition);
  if (rc || (rc = interrupted(d)))
    return rc;
  rc = local_run_shards(&p, d->opt.jobs ? (unsigned)d->opt.jobs : 1, &d->sig, &seconds);
  if (d->sig.caught)
    return ETL_EXIT_SIGNAL_BASE + d->sig.caught;
  if (rc)
    return rc;
  info("%s done in %.2f s (%ld shards)", ATTRIBUTE, seconds, d->opt.shards);
  manifest_add_stage(&d->manifest, ATTRIBUTE, seconds);
  if ((rc = interrupted(d)))
    return rc;
  return run_planned(d, MERGE, plan_argv_merge);
}

/* Copies every regular file of dir into the stage folder. */
static int copy_tables(struct driver *d, const char *dir) {
  DIR *dh = opendir(dir);
  struct dirent *e;
  int rc = 0;
  if (!dh) {
    error("cannot read the tables of %s in '%s': %s", MERGE, dir, strerror(errno));
    return ETL_EXIT_IO;
  }
  while (rc == 0 && (e = readdir(dh)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    char *src = xasprintf("%s/%s", dir, e->d_name);
    struct stat sb;
    strbuf_reset(&d->err);
    if (stat(src, &sb) == 0 && S_ISREG(sb.st_mode) &&
        publish_copy_to_stage(&d->pub, src, e->d_name, &d->err) < 0) {
      error("%s", strbuf_str(&d->err));
      rc = ETL_EXIT_IO;
    }
    free(src);
  }
  closedir(dh);
  return rc;
}

/* realpath() or a message. */
static char *absolute(const char *what, const char *path) {
  char *abs = realpath(path, NULL);
  if (!abs)
    error("%s '%s': %s", what, path, strerror(errno));
  return abs;
}

/* The etl-split tasks of a Slurm run: one per input file (docs/scale-out.md),
 * listed as etl-split lists them. None when the inputs cannot be listed
 * (etl-normalize then reads them and reports why, as in a local run) or are
 * more files than one job array may hold. */
static unsigned split_tasks(struct driver *d) {
  struct input_list l;
  struct strbuf err = STRBUF_INIT;
  unsigned n = 0;
  if (input_list_resolve(&l, &d->config, &err) != 0)
    info("the inputs cannot be listed (%s): %s reads them in one job", strbuf_str(&err),
         NORMALIZE);
  else if (l.n > SPLIT_TASKS_MAX)
    info("%zu input files, more than %d split tasks: %s reads them in one job", l.n,
         SPLIT_TASKS_MAX, NORMALIZE);
  else
    n = (unsigned)l.n;
  input_list_release(&l);
  strbuf_release(&err);
  return n;
}

/* Slurm executor: all the stages as batch jobs over the run folder,
 * then the tables copied into the stage folder. A failed run keeps the
 * run folder for its logs. */
static int run_slurm(struct driver *d) {
  char *config = absolute("config", d->opt.config);
  char *stages = config ? absolute("stage folder", d->stage_dir) : NULL;
  char *work = stages ? absolute("work folder", d->run_dir) : NULL;
  if (!work) {
    free(config);
    free(stages);
    return ETL_EXIT_USAGE;
  }
  char *tables = xasprintf("%s/tables", work);
  struct exec_plan p;
  struct slurm_times t;
  struct slurm_opts o = {d->opt.partition, d->opt.time_limit, d->opt.sbatch_args,
                         d->opt.nsbatch_args};
  int rc = 0;
  make_plan(d, &p, stages, config, work, tables);
  p.threads = d->opt.jobs ? (unsigned)d->opt.jobs : 0;
  p.nsplit = split_tasks(d);
  strbuf_reset(&d->err);
  if (plan_make_dirs(&p, true, &d->err) < 0) {
    error("%s", strbuf_str(&d->err));
    rc = ETL_EXIT_IO;
  }
  if (rc == 0) {
    d->keep_run_dir = true;
    rc = slurm_run(&p, &o, &d->sig, &t);
  }
  if (rc == 0) {
    if (p.nsplit > 0)
      manifest_add_stage(&d->manifest, PLAN_SPLIT, t.split);
    manifest_add_stage(&d->manifest, NORMALIZE, t.normalize);
    if (plan_partitioned(&p))
      manifest_add_stage(&d->manifest, PARTITION, t.partition);
    manifest_add_stage(&d->manifest, ATTRIBUTE, t.attribute);
    manifest_add_stage(&d->manifest, MERGE, t.merge);
    rc = copy_tables(d, tables);
  }
  if (rc == 0)
    d->keep_run_dir = false;
  free(config);
  free(stages);
  free(work);
  free(tables);
  return rc;
}

/* etl-normalize, or its files from the data-set cache of an earlier run
 * (etl/driver/dataset_cache.h); hit or miss goes to the log and manifest. */
static int run_normalize_cached(struct driver *d) {
  const char *env = getenv("ETL_DATASET_CACHE");
  if (env && strcmp(env, "off") == 0)
    return run_planned(d, NORMALIZE, plan_argv_normalize);
  char *prog = xasprintf("%s/%s", d->stage_dir, NORMALIZE);
  struct dataset_cache *dc = dataset_cache_new(d->pub.dir_fd, &d->config, d->opt.config, prog);
  free(prog);
  double t0 = stage_log_seconds();
  struct strbuf why = STRBUF_INIT;
  strbuf_reset(&d->err);
  int hit = d->opt.no_cache ? 0 : dataset_cache_fetch(dc, d->run_dir, &why, &d->err);
  if (hit < 0)
    error("warning: %s; running %s", strbuf_str(&d->err), NORMALIZE);
  int rc = 0;
  if (hit > 0) {
    info("data-set cache hit: %s skipped, the data set of an earlier run reused", NORMALIZE);
    manifest_add_stage(&d->manifest, NORMALIZE, stage_log_seconds() - t0);
  } else {
    info("data-set cache miss (%s)", d->opt.no_cache ? "--no-cache" : strbuf_str(&why));
    strbuf_reset(&d->err);
    if (!(rc = run_planned(d, NORMALIZE, plan_argv_normalize)) && dataset_cache_store(dc, d->run_dir, &d->err) < 0)
      error("warning: %s (the next run normalizes again)", strbuf_str(&d->err));
  }
  if (!rc)
    manifest_set_stage_cache(&d->manifest, NORMALIZE, hit > 0 ? "hit" : "miss");
  strbuf_release(&why);
  dataset_cache_free(dc);
  return rc;
}

/* The stages, whichever way they run (docs/architecture.md). */
static int run_stages(struct driver *d) {
  int rc;
  if (d->opt.executor == EXEC_SLURM)
    return run_slurm(d);
  if ((rc = run_normalize_cached(d)) || (rc = interrupted(d)))
    return rc;
  if (d->opt.shards > 1)
    return run_local_shards(d);
  return run_planned(d, ATTRIBUTE, plan_argv_attribute_tables);
}

/* --- staging and publishing ---------------------------------------------- */

/* Reads the range name etl-attribute wrote ("2024-01-01_2025-06-30\n"). */
static int read_range(struct driver *d) {
  char *path = xasprintf("%s/range", d->run_dir);
  FILE *f = fopen(path, "re");
  char line[64] = "";
  int rc = ETL_EXIT_IO;
  if (!f)
    error("%s did not write its range file '%s': %s", sharded(d) ? MERGE : ATTRIBUTE, path,
          strerror(errno));
  else if (!fgets(line, sizeof line, f))
    error("range file '%s' is empty", path);
  else {
    line[strcspn(line, "\r\n")] = '\0';
    strbuf_reset(&d->err);
    if (manifest_set_range(&d->manifest, line, &d->err) < 0)
      error("range file '%s': %s", path, strbuf_str(&d->err));
    else {
      d->range = xstrdup(line);
      rc = 0;
    }
  }
  if (f)
    fclose(f);
  free(path);
  return rc;
}

/* (Re)writes the stage folder's manifest.json listing every other file of
 * the folder as an output. */
static int write_manifest(struct driver *d) {
  char *path = xasprintf("%s/%s", d->pub.stage_path, MANIFEST_NAME);
  int rc = 0;
  strbuf_reset(&d->err);
  if (unlink(path) < 0 && errno != ENOENT) {
    strbuf_addf(&d->err, "cannot replace '%s': %s", path, strerror(errno));
    rc = -1;
  }
  manifest_clear_outputs(&d->manifest);
  if (rc < 0 || manifest_scan_outputs(&d->manifest, d->pub.stage_path, MANIFEST_NAME, &d->err) < 0 ||
      manifest_write(&d->manifest, path, &d->err) < 0) {
    error("%s", strbuf_str(&d->err));
    rc = ETL_EXIT_IO;
  }
  free(path);
  return rc;
}

/* etl-report writes report.html into the stage folder from the tables and
 * the first manifest (for the run's inputs, as_of, range and digest). */
static int run_report(struct driver *d) { return run_planned(d, REPORT, plan_argv_report); }

/* Copies rejects.csv beside the tables, writes the manifest, runs
 * etl-report, then writes the manifest again with report.html among the
 * outputs, so the page is published, and checksummed, like every table. */
static int stage_outputs(struct driver *d) {
  char *rejects = xasprintf("%s/rejects.csv", d->run_dir);
  char *inputs = xasprintf("%s/inputs.tsv", d->run_dir);
  int rc = ETL_EXIT_IO;
  strbuf_reset(&d->err);
  manifest_set_currency(&d->manifest, d->config.currency);
  if (publish_copy_to_stage(&d->pub, rejects, "rejects.csv", &d->err) < 0 ||
      manifest_read_inputs(&d->manifest, inputs, &d->err) < 0)
    error("%s", strbuf_str(&d->err));
  else if (manifest_set_run(&d->manifest, ATTR_VERSION, d->opt.config, d->as_of, &d->err) < 0) {
    error("%s", strbuf_str(&d->err));
    rc = ETL_EXIT_USAGE; /* the config went away during the run */
  } else if (!(rc = write_manifest(d)) && !(rc = interrupted(d)) && !(rc = run_report(d)))
    rc = write_manifest(d);
  free(rejects);
  free(inputs);
  return rc;
}

/* Takes the lock on out_dir, polling for signals while --wait waits
 * (at most --wait=SECONDS). */
static int take_lock(struct driver *d) {
  double deadline = stage_log_seconds() + (double)d->opt.wait_seconds;
  bool told = false;
  for (;;) {
    strbuf_reset(&d->err);
    int rc = publish_lock(&d->pub, false, &d->err);
    if (rc == PUBLISH_OK)
      return 0;
    if (rc == PUBLISH_ERROR) {
      error("%s", strbuf_str(&d->err));
      return ETL_EXIT_IO;
    }
    if (!d->opt.wait) {
      error("another run holds the lock on %s", d->pub.out_dir);
      return ETL_EXIT_LOCKED;
    }
    if (d->opt.wait_seconds >= 0 && stage_log_seconds() >= deadline) {
      error("gave up after waiting %ld s: another run still holds the lock on %s",
            d->opt.wait_seconds, d->pub.out_dir);
      return ETL_EXIT_LOCKED;
    }
    if (!told) {
      info("waiting for another run to release the lock on %s", d->pub.out_dir);
      told = true;
    }
    if (stage_signals_wait(&d->sig, LOCK_POLL_MS))
      return ETL_EXIT_SIGNAL_BASE + d->sig.caught;
  }
}

/* The stages' work folder: the hidden one in out_dir, or a fresh
 * DIR/etl-<pid>-XXXXXX with --work-dir DIR (DIR created if missing). */
static int make_run_dir(struct driver *d) {
  if (!d->opt.work_dir) {
    d->run_dir = xstrdup(d->pub.work_path);
    return 0;
  }
  if (mkdir(d->opt.work_dir, 0777) != 0 && errno != EEXIST) {
    error("cannot create --work-dir '%s': %s", d->opt.work_dir, strerror(errno));
    return ETL_EXIT_IO;
  }
  char *tmpl = xasprintf("%s/etl-%ld-XXXXXX", d->opt.work_dir, (long)getpid());
  if (!mkdtemp(tmpl)) {
    error("cannot create a work folder in '%s': %s", d->opt.work_dir, strerror(errno));
    free(tmpl);
    return ETL_EXIT_IO;
  }
  d->run_dir = tmpl;
  d->own_run_dir = true;
  return 0;
}

/* out_dir, lock, leftovers, run folders (docs/operations.md). */
static int prepare_out_dir(struct driver *d) {
  strbuf_reset(&d->err);
  if (publish_open(&d->pub, d->config.out_dir, &d->err) < 0) {
    error("%s", strbuf_str(&d->err));
    return ETL_EXIT_IO;
  }
  int rc = take_lock(d);
  if (rc)
    return rc;
  strbuf_reset(&d->err);
  int removed = publish_clean_leftovers(&d->pub, &d->err);
  if (removed < 0) {
    error("%s", strbuf_str(&d->err));
    return ETL_EXIT_IO;
  }
  if (removed)
    info("removed %d leftover folder%s of killed runs in %s", removed, removed == 1 ? "" : "s",
         d->pub.out_dir);
  strbuf_reset(&d->err);
  if (publish_begin(&d->pub, &d->err) < 0) {
    error("%s", strbuf_str(&d->err));
    return ETL_EXIT_IO;
  }
  return make_run_dir(d);
}

/* True when etl-normalize failed over the reject ratio: it then writes
 * rejects.csv but no data set (etl-normalize --help). */
static bool rejects_of_failed_run(const struct driver *d, char **rejects) {
  char *dataset = xasprintf("%s/dataset.bin", d->run_dir);
  *rejects = xasprintf("%s/rejects.csv", d->run_dir);
  bool yes = access(*rejects, F_OK) == 0 && access(dataset, F_OK) != 0;
  free(dataset);
  return yes;
}

/* A run that failed over the reject ratio keeps its rejects.csv and a
 * manifest in out_dir/.failed/ (failed_runs.h) and says where. */
static void keep_failed_run(struct driver *d) {
  char *rejects, *inputs = xasprintf("%s/inputs.tsv", d->run_dir), *kept = NULL;
  char stamp[17];
  if (rejects_of_failed_run(d, &rejects)) {
    failed_runs_stamp((long long)d->started, stamp);
    strbuf_reset(&d->err);
    manifest_set_failure(&d->manifest, "etl-normalize rejected more rows than max_reject_ratio "
                                       "allows; nothing was published");
    if ((access(inputs, F_OK) == 0 && manifest_read_inputs(&d->manifest, inputs, &d->err) < 0) ||
        manifest_set_run(&d->manifest, ATTR_VERSION, d->opt.config, d->as_of, &d->err) < 0 ||
        failed_runs_keep(&d->pub, d->run_dir, stamp, &d->manifest, &kept, &d->err) < 0)
      error("cannot keep the rejects of this failed run: %s", strbuf_str(&d->err));
    else
      error("nothing published; the rejects of this run are kept in %s/rejects.csv "
            "(with its manifest.json; the newest %d failed runs are kept in %s/%s)",
            kept, FAILED_RUNS_KEEP, d->pub.out_dir, FAILED_RUNS_DIR);
  }
  free(rejects);
  free(inputs);
  free(kept);
}

/* Runs the stages and publishes; returns 0 once published. */
static int run_and_publish(struct driver *d) {
  int rc;
  if ((rc = interrupted(d)))
    return rc;
  if ((rc = run_stages(d))) {
    if (rc == ETL_EXIT_DATA)
      keep_failed_run(d);
    return rc;
  }
  if ((rc = read_range(d)) || (rc = stage_outputs(d)) || (rc = interrupted(d)))
    return rc;
  strbuf_reset(&d->err);
  bool replaced;
  if (publish_commit(&d->pub, d->range, &replaced, &d->err) < 0) {
    error("%s", strbuf_str(&d->err));
    return ETL_EXIT_IO;
  }
  if (d->pub.stage_name) /* the previous tree could not be removed */
    error("warning: %s", strbuf_str(&d->err));
  printf("etl: published %zu tables to %s/%s\n", d->manifest.noutputs, d->pub.out_dir, d->range);
  fflush(stdout);
  info("%s %s/%s", replaced ? "replaced" : "created", d->pub.out_dir, d->range);
  strbuf_reset(&d->err);
  if (publish_point_latest(&d->pub, d->range, &d->err) < 0) {
    error("published %s/%s, but %s", d->pub.out_dir, d->range, strbuf_str(&d->err));
    return ETL_EXIT_IO;
  }
  return 0;
}

static void cleanup_run(struct driver *d) {
  if (d->keep_run_dir && d->run_dir) {
    error("the work folder is kept for its logs: %s%s", d->run_dir,
          d->own_run_dir ? "" : " (the next run removes it)");
    if (!d->own_run_dir) { /* it is the publish work folder: keep it from publish_cleanup */
      free(d->pub.work_name);
      free(d->pub.work_path);
      d->pub.work_name = d->pub.work_path = NULL;
    }
  } else if (d->own_run_dir && d->run_dir) {
    strbuf_reset(&d->err);
    if (remove_tree_at(AT_FDCWD, d->run_dir, &d->err) < 0)
      error("warning: cannot remove the work folder %s: %s", d->run_dir, strbuf_str(&d->err));
  }
  strbuf_reset(&d->err);
  if (publish_cleanup(&d->pub, &d->err) < 0)
    error("warning: cannot remove the run's folders in %s: %s (the next run will)",
          d->pub.out_dir ? d->pub.out_dir : "out_dir", strbuf_str(&d->err));
}

/* Loads the config (exit 2 on error). */
static int load_config(struct etl_config *c, const char *path) {
  struct strbuf err = STRBUF_INIT;
  int rc = 0;
  if (etl_config_load(c, path, &err) != 0) {
    error("%s", strbuf_str(&err));
    rc = ETL_EXIT_USAGE;
  }
  strbuf_release(&err);
  return rc;
}

/* The as_of handed to etl-attribute: --as-of as given (checked with
 * ts_parse), else now in UTC, whole seconds. */
static int set_as_of(struct driver *d) {
  if (!d->opt.as_of) {
    cal_format_ts((int64_t)d->started, d->now);
    d->as_of = d->now;
    return 0;
  }
  struct ts_value v;
  const char *why = "not a timestamp";
  const char *s = d->opt.as_of;
  if (ts_parse(s, strlen(s), d->config.naive_utc_offset, &v, &why) != 0)
    return usage_error("--as-of '%s': %s (expected %s)", s, why, PROG_AS_OF_FORMATS);
  d->as_of = s;
  return 0;
}

static void driver_release(struct driver *d) {
  etl_config_release(&d->config);
  publish_release(&d->pub);
  manifest_release(&d->manifest);
  strbuf_release(&d->err);
  free(d->stage_dir);
  free(d->range);
  free(d->run_dir);
}

/* "key=path" for each configured input, for the start line. */
static void describe_inputs(const struct etl_config *c, struct strbuf *out) {
  const char *keys[] = {"crm", "ma_activities", "ma_leads", "fx_rates", "costs"};
  const char *vals[] = {c->crm, c->ma_activities, c->ma_leads, c->fx_rates, c->costs};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    if (vals[i])
      strbuf_addf(out, "%s%s=%s", out->len ? " " : "", keys[i], vals[i]);
}

/* The start line of a run: what it runs with. */
static void log_start(const struct driver *d) {
  struct strbuf in = STRBUF_INIT;
  describe_inputs(&d->config, &in);
  info("start: etl %s, config %s, as_of %s, range %s..%s, out_dir %s, inputs %s", ATTR_VERSION,
       d->opt.config, d->as_of, d->opt.from ? d->opt.from : "*", d->opt.to ? d->opt.to : "*",
       d->config.out_dir, strbuf_str(&in));
  strbuf_release(&in);
}

/* The end line of a run, whatever happened. */
static void log_end(const struct driver *d, int rc) {
  const char *status = rc == 0 ? "ok" : rc > ETL_EXIT_SIGNAL_BASE ? "interrupted" : "failed";
  info("end: status %s, exit code %d, %.2f s", status, rc, stage_log_seconds() - d->t0);
}

/* The start of a run: config, as_of, where the stages are. */
static int start_run(struct driver *d) {
  int rc = load_config(&d->config, d->opt.config);
  if (!rc)
    rc = set_as_of(d);
  if (!rc) {
    strbuf_reset(&d->err);
    if (!(d->stage_dir = stage_dir_find(&d->err))) {
      error("%s", strbuf_str(&d->err));
      rc = ETL_EXIT_USAGE;
    }
  }
  if (!rc)
    log_start(d);
  if (!rc)
    prog_verbose("stages in %s", d->stage_dir);
  return rc;
}

static int cmd_run(int argc, char **argv) {
  struct driver d;
  memset(&d, 0, sizeof d);
  d.started = time(NULL);
  d.t0 = stage_log_seconds();
  int rc = parse_run_options(argc, argv, &d.opt);
  if (rc >= 0)
    return rc;
  publish_init(&d.pub);
  manifest_init(&d.manifest);
  strbuf_init(&d.err);
  stage_signals_init(&d.sig); /* from here on, signals wait for a safe point */
  if (!(rc = start_run(&d)) && !(rc = interrupted(&d)) && !(rc = prepare_out_dir(&d)))
    rc = run_and_publish(&d);
  cleanup_run(&d);
  if (interrupted(&d)) {
    error("interrupted by signal %d (%s)%s", d.sig.caught, strsignal(d.sig.caught),
          rc == 0 ? " after publishing" : "; nothing published");
    rc = ETL_EXIT_SIGNAL_BASE + d.sig.caught;
  }
  rc = prog_exit(rc);
  log_end(&d, rc);
  driver_release(&d);
  stage_signals_release(&d.sig);
  return rc;
}

/* --- check --------------------------------------------------------------- */

/* The config and out_dir; 0 or the exit code (printed). */
static int check_config(const char *config) {
  struct etl_config conf;
  struct strbuf err = STRBUF_INIT;
  int rc = load_config(&conf, config);
  if (rc == 0 && publish_check_out_dir(conf.out_dir, &err) < 0) {
    error("%s", strbuf_str(&err));
    rc = ETL_EXIT_IO;
  }
  etl_config_release(&conf);
  strbuf_release(&err);
  return rc;
}

static int cmd_check(int argc, char **argv) {
  const char *config = "pipeline.conf";
  int c, rc = PROG_CONTINUE;
  while ((c = prog_getopt(argc, argv, ":c:" PROG_COMMON_SHORTOPTS, check_longopts, &rc)) > 0)
    config = optarg; /* -c, the only option of its own */
  if (c == PROG_OPTS_EXIT || (rc = prog_no_operands(argc, argv)) != PROG_CONTINUE)
    return rc;
  if ((rc = check_config(config)))
    return rc;
  struct strbuf err = STRBUF_INIT;
  char *dir = stage_dir_find(&err);
  if (!dir) {
    error("%s", strbuf_str(&err));
    strbuf_release(&err);
    return ETL_EXIT_USAGE;
  }
  strbuf_release(&err);
  char *path = xasprintf("%s/%s", dir, NORMALIZE);
  const char *stage_argv[] = {NORMALIZE, "-c", config, "--check", NULL};
  free(dir);
  if ((rc = prog_exit(ETL_EXIT_OK)))
    return rc;
  fflush(stderr);
  execv(path, (char *const *)stage_argv);
  error("cannot run %s: %s", path, strerror(errno));
  free(path);
  return ETL_EXIT_USAGE;
}

int main(int argc, char **argv) {
  prog_init("etl", usage_text);
  if (argc < 2)
    return usage_error("missing command (run or check)");
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h"))
    return prog_option('h', argv);
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V"))
    return prog_option('V', argv);
  if (!strcmp(cmd, "run"))
    return cmd_run(argc - 1, argv + 1);
  if (!strcmp(cmd, "check"))
    return cmd_check(argc - 1, argv + 1);
  if (cmd[0] == '-')
    return usage_error("unknown option '%s'", cmd);
  return usage_error("unknown command '%s'", cmd);
}
