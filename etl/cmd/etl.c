/* etl: the driver (CONTRACT §6, STAGES.md "etl (driver)"). Parses the
 * command line, loads the config, then chains the stage programs
 * etl-normalize and etl-attribute in hidden folders of out_dir, has
 * etl-report write report.html beside their tables, and publishes them
 * atomically with a manifest; `etl check` hands over to
 * `etl-normalize --check`. With --shards N the attribution runs as N shard
 * tasks and etl-merge, locally (executor_local.h) or as Slurm jobs
 * (executor_slurm.h). The pieces live in the library: run_stage.h
 * (processes and signals), publish.h (lock, folders, atomic rename),
 * manifest.h; this file only puts them in order and decides exit codes
 * (exitcodes.h). */
#include <archive.h>
#include <csv.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "etl/common/stage_log.h"
#include "etl/common/config.h"
#include "etl/driver/dataset_cache.h"
#include "etl/driver/executor_local.h"
#include "etl/driver/executor_plan.h"
#include "etl/driver/executor_slurm.h"
#include "etl/common/exitcodes.h"
#include "etl/driver/manifest.h"
#include "etl/driver/publish.h"
#include "etl/driver/run_stage.h"
#include "etl/attribute/shard.h"
#include "transforms/base/calendar.h"
#include "transforms/base/strbuf.h"
#include "transforms/values.h"
#include "transforms/base/xalloc.h"

#ifndef ATTR_VERSION
#error "ATTR_VERSION must be defined (CMake defines it)"
#endif

#define MAX_JOBS 256
#define MAX_SBATCH_ARGS 16
#define LOCK_POLL_MS 100
#define NORMALIZE "etl-normalize"
#define ATTRIBUTE "etl-attribute"
#define MERGE "etl-merge"
#define REPORT "etl-report"
#define MANIFEST_NAME "manifest.json"

static const char usage_text[] =
    "usage: etl run [-c FILE] [--from DATE] [--to DATE] [--as-of TS] [--jobs N]\n"
    "               [--wait] [--quiet] [--verbose]\n"
    "               [--shards N] [--executor local|slurm] [--work-dir DIR]\n"
    "               [--partition P] [--time-limit T] [--sbatch-arg ARG]...\n"
    "       etl check [-c FILE]\n"
    "       etl --help | --version\n"
    "\n"
    "`etl run` runs etl-normalize, then etl-attribute, and publishes their tables\n"
    "atomically into <out_dir>/<from>_<to>/ with report.html (etl-report) and a\n"
    "manifest.json.\n"
    "`etl check` loads the config and runs `etl-normalize --check`, which opens\n"
    "every input and checks its header.\n"
    "\n"
    "  -c, --config FILE  the config (default ./pipeline.conf)\n"
    "      --from DATE    emit the periods from this day on (YYYY-MM-DD)\n"
    "      --to DATE      emit the periods up to this day (YYYY-MM-DD)\n"
    "      --as-of TS     the time the run is as of (default: now, UTC)\n"
    "      --jobs N       worker threads of etl-attribute (1-256); with --shards,\n"
    "                     the shard tasks run at once (local), or the threads of\n"
    "                     each shard task (slurm)\n"
    "      --wait         wait while another run holds the lock on out_dir\n"
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
    "The stage programs are taken from the directory of etl itself, or from\n"
    "$ETL_STAGE_DIR when it is set.\n"
    "\n" ETL_EXIT_CODES_HELP;

static const char try_help[] = "Try 'etl --help' for more information.\n";

enum executor { EXEC_LOCAL, EXEC_SLURM };

struct run_options {
  const char *config;
  const char *from, *to, *as_of; /* NULL when not given */
  long jobs;                     /* 0 when not given */
  bool wait, quiet, verbose, no_cache;
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
};

/* --- messages ------------------------------------------------------------ */

static void __attribute__((format(printf, 1, 2))) error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("etl: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

static int __attribute__((format(printf, 1, 2))) usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("etl: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  fputs(try_help, stderr);
  va_end(ap);
  return ETL_EXIT_USAGE;
}

/* "etl: 2026-11-22T16:00:00Z <message>" unless --quiet. */
static void __attribute__((format(printf, 2, 3))) info(const struct driver *d, const char *fmt,
                                                       ...) {
  if (d->opt.quiet)
    return;
  va_list ap;
  va_start(ap, fmt);
  stage_log_vline("etl", fmt, ap);
  va_end(ap);
}

static void print_version(void) {
  char pcre[64] = "";
  pcre2_config(PCRE2_CONFIG_VERSION, pcre);
  printf("etl %s\n", ATTR_VERSION);
  printf("zlib %s\n", zlibVersion());
  printf("%s\n", archive_version_details());
  printf("PCRE2 %s\n", pcre);
  printf("libcsv %d.%d.%d\n", CSV_MAJOR, CSV_MINOR, CSV_RELEASE);
}

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
    {"jobs", required_argument, NULL, OPT_JOBS}, {"wait", no_argument, NULL, OPT_WAIT},
    {"shards", required_argument, NULL, OPT_SHARDS},
    {"executor", required_argument, NULL, OPT_EXECUTOR},
    {"work-dir", required_argument, NULL, OPT_WORK_DIR},
    {"partition", required_argument, NULL, OPT_PARTITION},
    {"time-limit", required_argument, NULL, OPT_TIME_LIMIT},
    {"sbatch-arg", required_argument, NULL, OPT_SBATCH_ARG},
    {"no-cache", no_argument, NULL, OPT_NO_CACHE},
    {"quiet", no_argument, NULL, 'q'},         {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};

static const struct option check_longopts[] = {{"config", required_argument, NULL, 'c'},
                                               {"help", no_argument, NULL, 'h'},
                                               {NULL, 0, NULL, 0}};

/* Reports the option getopt_long just refused (c is ':' or '?'). */
static int option_error(int c, char **argv) {
  char shortopt[3] = {'-', (char)optopt, '\0'};
  if (c == ':')
    return usage_error("option '%s' needs a value", argv[optind - 1]);
  return usage_error("unknown option '%s'",
                     optopt > 0 && optopt < 256 ? shortopt : argv[optind - 1]);
}

/* A whole number 1..max, digits only, overflow-checked. */
static int parse_count(const char *s, long max, long *out) {
  long v = 0;
  if (!*s)
    return -1;
  for (; *s; s++) {
    if (*s < '0' || *s > '9')
      return -1;
    int digit = *s - '0';
    if (v > (LONG_MAX - digit) / 10)
      return -1;
    v = v * 10 + digit;
  }
  if (v < 1 || v > max)
    return -1;
  *out = v;
  return 0;
}

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
  int c;
  memset(o, 0, sizeof *o);
  o->config = "pipeline.conf";
  o->shards = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":c:qvh", run_longopts, NULL)) != -1) {
    switch (c) {
    case 'c': o->config = optarg; break;
    case OPT_FROM: o->from = optarg; break;
    case OPT_TO: o->to = optarg; break;
    case OPT_AS_OF: o->as_of = optarg; break;
    case OPT_JOBS:
      if (parse_count(optarg, MAX_JOBS, &o->jobs) < 0)
        return usage_error("--jobs '%s': expected a whole number from 1 to %d", optarg, MAX_JOBS);
      break;
    case OPT_WAIT: o->wait = true; break;
    case OPT_SHARDS:
      if (parse_count(optarg, SHARD_MAX, &o->shards) < 0)
        return usage_error("--shards '%s': expected a whole number from 1 to %d", optarg,
                           SHARD_MAX);
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
    case 'q': o->quiet = true; o->verbose = false; break;
    case 'v': o->verbose = true; o->quiet = false; break;
    case 'h': fputs(usage_text, stdout); return ETL_EXIT_OK;
    default: return option_error(c, argv);
    }
  }
  if (optind < argc)
    return usage_error("unexpected argument '%s'", argv[optind]);
  /* the stages read their log level from ETL_LOG (etl/common/stage_log.h) */
  if (o->quiet || o->verbose)
    setenv("ETL_LOG", o->quiet ? "quiet" : "verbose", 1);
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

/* ETL_STAGE_DIR, else the directory of this executable. NULL with a message
 * if neither can be found. */
static char *find_stage_dir(void) {
  const char *env = getenv("ETL_STAGE_DIR");
  if (env && *env)
    return xstrdup(env);
  size_t cap = 256;
  for (;;) {
    char *buf = xmalloc(cap);
    ssize_t n = readlink("/proc/self/exe", buf, cap);
    if (n < 0) {
      error("cannot find the directory of etl: /proc/self/exe: %s", strerror(errno));
      free(buf);
      return NULL;
    }
    if ((size_t)n < cap) {
      buf[n] = '\0';
      char *slash = strrchr(buf, '/');
      if (slash)
        *(slash == buf ? slash + 1 : slash) = '\0';
      return buf;
    }
    free(buf);
    cap *= 2;
  }
}

/* Runs one stage; returns 0 when it succeeded, else the exit code of the
 * run (the message printed). */
static int run_one(struct driver *d, const char *name, const char *const *argv) {
  char *path = xasprintf("%s/%s", d->stage_dir, name);
  struct stage_result res;
  if (d->opt.verbose) {
    struct strbuf cmd = STRBUF_INIT;
    stage_format_argv(argv, &cmd);
    info(d, "running %s (%s)", strbuf_str(&cmd), path);
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
    info(d, "%s done in %.2f s", name, res.seconds);
    manifest_add_stage(&d->manifest, name, res.seconds);
    return 0;
  }
  struct strbuf msg = STRBUF_INIT;
  stage_result_describe(name, &res, &msg);
  error("stage %s", strbuf_str(&msg));
  strbuf_release(&msg);
  return stage_result_exit_code(&res);
}

static int run_normalize(struct driver *d) {
  const char *argv[] = {NORMALIZE, "-c", d->opt.config, "--work", d->run_dir, NULL};
  return run_one(d, NORMALIZE, argv);
}

/* etl-normalize, or its files from the data-set cache of an earlier run
 * (etl/driver/dataset_cache.h); hit or miss goes to the log and manifest. */
static int run_normalize_cached(struct driver *d) {
  const char *env = getenv("ETL_DATASET_CACHE");
  if (env && strcmp(env, "off") == 0)
    return run_normalize(d);
  char *prog = xasprintf("%s/%s", d->stage_dir, NORMALIZE);
  struct dataset_cache *dc = dataset_cache_new(d->pub.dir_fd, &d->config, d->opt.config, prog);
  free(prog);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  struct strbuf why = STRBUF_INIT;
  strbuf_reset(&d->err);
  int hit = d->opt.no_cache ? 0 : dataset_cache_fetch(dc, d->run_dir, &why, &d->err);
  if (hit < 0)
    error("warning: %s; running %s", strbuf_str(&d->err), NORMALIZE);
  int rc = 0;
  if (hit > 0) {
    clock_gettime(CLOCK_MONOTONIC, &t1);
    info(d, "data-set cache hit: %s skipped, the data set of an earlier run reused", NORMALIZE);
    manifest_add_stage(&d->manifest, NORMALIZE,
                       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
  } else {
    info(d, "data-set cache miss (%s)", d->opt.no_cache ? "--no-cache" : strbuf_str(&why));
    strbuf_reset(&d->err);
    if (!(rc = run_normalize(d)) && dataset_cache_store(dc, d->run_dir, &d->err) < 0)
      error("warning: %s (the next run normalizes again)", strbuf_str(&d->err));
  }
  if (!rc)
    manifest_set_stage_cache(&d->manifest, NORMALIZE, hit > 0 ? "hit" : "miss");
  strbuf_release(&why);
  dataset_cache_free(dc);
  return rc;
}

static int run_attribute(struct driver *d) {
  char *dataset = xasprintf("%s/dataset.bin", d->run_dir);
  char *range_file = xasprintf("%s/range", d->run_dir);
  char jobs[24];
  const char *argv[20];
  int n = 0;
  argv[n++] = ATTRIBUTE;
  argv[n++] = "-c";
  argv[n++] = d->opt.config;
  argv[n++] = "--dataset";
  argv[n++] = dataset;
  argv[n++] = "--out";
  argv[n++] = d->pub.stage_path;
  argv[n++] = "--as-of";
  argv[n++] = d->as_of;
  if (d->opt.from) {
    argv[n++] = "--from";
    argv[n++] = d->opt.from;
  }
  if (d->opt.to) {
    argv[n++] = "--to";
    argv[n++] = d->opt.to;
  }
  if (d->opt.jobs) {
    snprintf(jobs, sizeof jobs, "%ld", d->opt.jobs);
    argv[n++] = "--jobs";
    argv[n++] = jobs;
  }
  argv[n++] = "--range-file";
  argv[n++] = range_file;
  argv[n] = NULL;
  int rc = run_one(d, ATTRIBUTE, argv);
  free(dataset);
  free(range_file);
  return rc;
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
  p->quiet = d->opt.quiet;
  p->verbose = d->opt.verbose;
}

/* Local executor: the shard tasks (up to --jobs at once), then etl-merge
 * into the stage folder. */
static int run_local_shards(struct driver *d) {
  struct exec_plan p;
  struct plan_argv a;
  double seconds;
  make_plan(d, &p, d->stage_dir, d->opt.config, d->run_dir, d->pub.stage_path);
  strbuf_reset(&d->err);
  if (plan_make_dirs(&p, false, &d->err) < 0) {
    error("%s", strbuf_str(&d->err));
    return ETL_EXIT_IO;
  }
  int rc = local_run_shards(&p, d->opt.jobs ? (unsigned)d->opt.jobs : 1, &d->sig, &seconds);
  if (d->sig.caught)
    return ETL_EXIT_SIGNAL_BASE + d->sig.caught;
  if (rc)
    return rc;
  info(d, "%s done in %.2f s (%ld shards)", ATTRIBUTE, seconds, d->opt.shards);
  manifest_add_stage(&d->manifest, ATTRIBUTE, seconds);
  if ((rc = interrupted(d)))
    return rc;
  plan_argv_merge(&p, &a);
  rc = run_one(d, MERGE, a.argv);
  plan_argv_release(&a);
  return rc;
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

/* Slurm executor: all three stages as batch jobs over the run folder,
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
    manifest_add_stage(&d->manifest, NORMALIZE, t.normalize);
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

/* Step 5 of STAGES.md, whichever way the stages run. */
static int run_stages(struct driver *d) {
  int rc;
  if (d->opt.executor == EXEC_SLURM)
    return run_slurm(d);
  if ((rc = run_normalize_cached(d)) || (rc = interrupted(d)))
    return rc;
  return d->opt.shards > 1 ? run_local_shards(d) : run_attribute(d);
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
static int run_report(struct driver *d) {
  const char *argv[] = {REPORT, "--dir", d->pub.stage_path, "-c", d->opt.config, NULL};
  return run_one(d, REPORT, argv);
}

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

/* Takes the lock on out_dir, polling for signals while --wait waits. */
static int take_lock(struct driver *d) {
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
    if (!told) {
      info(d, "waiting for another run to release the lock on %s", d->pub.out_dir);
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

/* Steps 2-4 of STAGES.md: out_dir, lock, leftovers, run folders. */
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
    info(d, "removed %d leftover folder%s of killed runs in %s", removed, removed == 1 ? "" : "s",
         d->pub.out_dir);
  strbuf_reset(&d->err);
  if (publish_begin(&d->pub, &d->err) < 0) {
    error("%s", strbuf_str(&d->err));
    return ETL_EXIT_IO;
  }
  return make_run_dir(d);
}

/* Steps 5-7 of STAGES.md; returns 0 once published. */
static int run_and_publish(struct driver *d) {
  int rc;
  if ((rc = interrupted(d)) || (rc = run_stages(d)) || (rc = read_range(d)) ||
      (rc = stage_outputs(d)) || (rc = interrupted(d)))
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
  info(d, "%s %s/%s", replaced ? "replaced" : "created", d->pub.out_dir, d->range);
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
    cal_format_ts((int64_t)time(NULL), d->now);
    d->as_of = d->now;
    return 0;
  }
  struct ts_value v;
  const char *why = "not a timestamp";
  const char *s = d->opt.as_of;
  if (ts_parse(s, strlen(s), d->config.naive_utc_offset, &v, &why) != 0)
    return usage_error("--as-of '%s': %s", s, why);
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

/* Step 1 of STAGES.md: config, as_of, where the stages are. */
static int start_run(struct driver *d) {
  int rc = load_config(&d->config, d->opt.config);
  if (!rc)
    rc = set_as_of(d);
  if (!rc && !(d->stage_dir = find_stage_dir()))
    rc = ETL_EXIT_USAGE;
  if (!rc && d->opt.verbose)
    info(d, "as_of %s, out_dir %s, stages in %s", d->as_of, d->config.out_dir, d->stage_dir);
  return rc;
}

static int cmd_run(int argc, char **argv) {
  struct driver d;
  memset(&d, 0, sizeof d);
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
  driver_release(&d);
  stage_signals_release(&d.sig);
  return rc;
}

/* --- check --------------------------------------------------------------- */

static int cmd_check(int argc, char **argv) {
  const char *config = "pipeline.conf";
  int c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":c:h", check_longopts, NULL)) != -1) {
    switch (c) {
    case 'c': config = optarg; break;
    case 'h': fputs(usage_text, stdout); return ETL_EXIT_OK;
    default: return option_error(c, argv);
    }
  }
  if (optind < argc)
    return usage_error("unexpected argument '%s'", argv[optind]);
  struct etl_config conf;
  int rc = load_config(&conf, config);
  etl_config_release(&conf);
  if (rc)
    return rc;
  char *dir = find_stage_dir();
  if (!dir)
    return ETL_EXIT_USAGE;
  char *path = xasprintf("%s/%s", dir, NORMALIZE);
  const char *stage_argv[] = {NORMALIZE, "-c", config, "--check", NULL};
  free(dir);
  fflush(stdout);
  fflush(stderr);
  execv(path, (char *const *)stage_argv);
  error("cannot run %s: %s", path, strerror(errno));
  free(path);
  return ETL_EXIT_USAGE;
}

int main(int argc, char **argv) {
  if (argc < 2)
    return usage_error("missing command (run or check)");
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
    fputs(usage_text, stdout);
    return ETL_EXIT_OK;
  }
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
    print_version();
    return ETL_EXIT_OK;
  }
  if (!strcmp(cmd, "run"))
    return cmd_run(argc - 1, argv + 1);
  if (!strcmp(cmd, "check"))
    return cmd_check(argc - 1, argv + 1);
  if (cmd[0] == '-')
    return usage_error("unknown option '%s'", cmd);
  return usage_error("unknown command '%s'", cmd);
}
