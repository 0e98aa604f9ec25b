/* etl-normalize: the first stage. Reads pipeline.conf and every export,
 * normalizes and checks every row, and writes the data set, rejects.csv and
 * the per-input counts into a work directory for etl-attribute and the
 * driver (see README "Stages"). With --check it only opens every input and
 * checks its header (etl check). */
#include <ftw.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "etl/common/config.h"
#include "etl/common/dataset_io.h"
#include "etl/common/program.h"
#include "etl/normalize/normalize.h"
#include "etl/common/stage_log.h"
#include "etl/input/input_set.h"

static const char usage[] =
    "usage: etl-normalize -c FILE --work DIR [--jobs N] [--from-split SPLIT]\n"
    "                     [--quiet | --verbose]\n"
    "       etl-normalize -c FILE --check\n"
    "       etl-normalize --help | --version\n"
    "\n"
    "Reads every input of pipeline.conf, normalizes and checks each row and writes\n"
    "  DIR/dataset.bin   the normalized data set (etl-dump prints it)\n"
    "  DIR/rejects.csv   rejected rows and warnings\n"
    "  DIR/inputs.tsv    name, bytes, rows read, kept, rejected per input\n"
    "--check only opens every input and checks its header; it lists the files\n"
    "each input matched and the currencies of opportunities with no fx rate.\n"
    "When the rejected rows pass max_reject_ratio, the data set is not\n"
    "written but rejects.csv and inputs.tsv are (exit 1).\n"
    "\n"
    "Logs one summary line on stderr (rows read, kept, rejected, seconds; UTC\n"
    "time stamps); --quiet (or ETL_LOG=quiet) drops it, --verbose (or\n"
    "ETL_LOG=verbose) adds one line per input. When stderr is a terminal a\n"
    "progress line shows the bytes read. Errors are printed at every level.\n"
    "\n"
    "  -c, --config FILE  the config (default ./pipeline.conf)\n"
    "      --work DIR     where the outputs go (an existing folder)\n"
    "      --check        only open every input and check its header\n"
    "      --jobs N       files read at once (1-256, default 1): the next N-1\n"
    "                     files of an input of several files are opened, inflated\n"
    "                     and split on their own threads while one is read; the\n"
    "                     outputs are the same for every N\n"
    "      --from-split SPLIT  read each input file from its pre-split file\n"
    "                     SPLIT/I.rec, written by etl-split (a Slurm run's job\n"
    "                     array) instead of from the file itself; the outputs\n"
    "                     and every fault are those of a plain run\n"
    "  -q, --quiet        errors and warnings only\n"
    "  -v, --verbose      one more line per input\n"
    "  -h, --help         print this help\n"
    "  -V, --version      print the versions of etl-normalize and its libraries\n"
    "\n" ETL_EXIT_CODES_HELP;

/* --- progress total: the inputs' sizes on disk ---------------------------- */

static uint64_t tree_bytes; /* nftw has no user pointer */

static int add_file_size(const char *path, const struct stat *sb, int type, struct FTW *ftw) {
  (void)path;
  (void)ftw;
  if (type == FTW_F && S_ISREG(sb->st_mode))
    tree_bytes += (uint64_t)sb->st_size;
  return 0;
}

static uint64_t path_bytes(const char *path) {
  struct stat st;
  if (!path || stat(path, &st) != 0)
    return 0;
  if (!S_ISDIR(st.st_mode))
    return (uint64_t)st.st_size;
  tree_bytes = 0;
  nftw(path, add_file_size, 16, FTW_PHYS);
  return tree_bytes;
}

/* The bytes on disk of everything an input names (a file, a directory, a
 * pattern's matches); 0 for what cannot be resolved (the stage reports it). */
static uint64_t set_bytes(const char *key, const char *path, bool crm) {
  if (!path)
    return 0;
  struct input_set set;
  struct strbuf err = STRBUF_INIT;
  uint64_t total = 0;
  if (input_set_resolve(&set, key, path, crm, &err) == 0)
    for (size_t i = 0; i < set.n; i++)
      total += path_bytes(set.paths[i]);
  input_set_release(&set);
  strbuf_release(&err);
  return total;
}

static uint64_t input_bytes(const struct etl_config *c) {
  return set_bytes("crm", c->crm, true) + set_bytes("ma_activities", c->ma_activities, false) +
         set_bytes("ma_leads", c->ma_leads, false) + set_bytes("fx_rates", c->fx_rates, false) +
         set_bytes("costs", c->costs, false);
}

/* "etl-normalize: TS 10 inputs, 844 rows read, 811 kept, 30 rejected, 12 warnings, 0.03 s" */
static void log_summary(const struct norm_state *st, double seconds) {
  uint64_t read = 0, kept = 0, rejected = 0, warnings = 0;
  for (size_t i = 0; i < st->log.ninputs; i++) {
    read += st->log.inputs[i].read;
    kept += st->log.inputs[i].kept;
    rejected += st->log.inputs[i].rejected;
  }
  for (size_t i = 0; i < st->log.n; i++)
    warnings += st->log.items[i].severity == SEV_WARNING;
  stage_log_line("etl-normalize",
                 "%zu inputs, %" PRIu64 " rows read, %" PRIu64 " kept, %" PRIu64
                 " rejected, %" PRIu64 " warnings, %.2f s",
                 st->log.ninputs, read, kept, rejected, warnings, seconds);
}

/* rejects.csv and inputs.tsv: also written when the reject ratio failed
 * the run, so that the driver can keep them for the operator. */
static int write_reject_outputs(struct norm_state *st, const char *work, struct strbuf *err) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/rejects.csv", work);
  if (reject_log_write(&st->log, path, st->conf->excel_bom, err) != 0)
    return -1;
  snprintf(path, sizeof(path), "%s/inputs.tsv", work);
  return reject_log_write_inputs(&st->log, path, err);
}

static int write_outputs(struct norm_state *st, const char *work, struct strbuf *err) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/dataset.bin", work);
  if (dataset_write(st->ds, path, err) != 0)
    return -1;
  return write_reject_outputs(st, work, err);
}

/* Returns PROG_CONTINUE to go on, else the exit code. */
static int parse_args(int argc, char **argv, const char **conf_path, const char **work,
                      bool *check, unsigned *jobs, const char **split) {
  static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                       {"work", required_argument, NULL, 'w'},
                                       {"check", no_argument, NULL, 'k'},
                                       {"jobs", required_argument, NULL, 'j'},
                                       {"from-split", required_argument, NULL, 's'},
                                       PROG_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
  int c, rc = PROG_CONTINUE;
  while ((c = prog_getopt(argc, argv, ":c:" PROG_COMMON_SHORTOPTS, opts, &rc)) > 0) {
    switch (c) {
    case 'c': *conf_path = optarg; break;
    case 'w': *work = optarg; break;
    case 'k': *check = true; break;
    case 's': *split = optarg; break;
    case 'j': {
      long n;
      if ((rc = prog_count_option("--jobs", optarg, 1, PROG_MAX_JOBS, &n)) != PROG_CONTINUE)
        return rc;
      *jobs = (unsigned)n;
      break;
    }
    }
  }
  if (c == PROG_OPTS_EXIT || (rc = prog_no_operands(argc, argv)) != PROG_CONTINUE)
    return rc;
  if (!*work && !*check)
    return prog_usage_error("--work DIR or --check is required");
  if (*split && *check)
    return prog_usage_error("--from-split and --check cannot be combined");
  return PROG_CONTINUE;
}

/* The stage's result as an exit code; the outputs written when wanted
 * (after a reject-ratio failure: rejects.csv and inputs.tsv only). */
static int finish(struct norm_state *st, enum norm_result r, const char *work,
                  struct strbuf *err) {
  if (r == NORM_REJECT_RATIO && !st->check_only) {
    struct strbuf werr = STRBUF_INIT;
    if (write_reject_outputs(st, work, &werr) != 0)
      prog_error("%s", strbuf_str(&werr));
    strbuf_release(&werr);
  }
  if (r != NORM_OK) {
    prog_error("%s", strbuf_str(err));
    return ETL_EXIT_DATA;
  }
  if (!st->check_only && write_outputs(st, work, err) != 0) {
    prog_error("%s", strbuf_str(err));
    return ETL_EXIT_IO;
  }
  if (st->rule_limit_hits)
    prog_error("warning: %u channel rule matches hit the PCRE2 match limit and counted as "
               "not matching", st->rule_limit_hits);
  return ETL_EXIT_OK;
}

static int run(const char *conf_path, const char *work, bool check, unsigned jobs,
               const char *split) {
  double start = stage_log_seconds();
  enum stage_log_level level = prog_level();
  struct strbuf err = STRBUF_INIT;
  struct etl_config conf;
  if (etl_config_load(&conf, conf_path, &err) != 0) {
    prog_error("%s", strbuf_str(&err));
    etl_config_release(&conf);
    strbuf_release(&err);
    return ETL_EXIT_USAGE;
  }
  struct presplit_index *presplit = NULL;
  if (split && presplit_index_open(&presplit, split, &err) != 0) {
    prog_error("%s", strbuf_str(&err));
    etl_config_release(&conf);
    strbuf_release(&err);
    return ETL_EXIT_DATA;
  }
  struct dataset ds;
  dataset_init(&ds);
  struct norm_state st;
  norm_state_init(&st, &conf, &ds);
  st.check_only = check;
  st.jobs = jobs;
  st.presplit = presplit;
  st.log_level = level;
  stage_progress_init(&st.progress, "etl-normalize", input_bytes(&conf),
                      !check && level >= STAGE_LOG_INFO && isatty(STDERR_FILENO));
  enum norm_result r = normalize_run(&st, &err);
  stage_progress_clear(&st.progress);
  int rc = finish(&st, r, work, &err);
  if (rc == ETL_EXIT_OK && !check && level >= STAGE_LOG_INFO)
    log_summary(&st, stage_log_seconds() - start);
  if (check) /* what each input matched, and warnings, even before a fault */
    fputs(strbuf_str(&st.report), stdout);
  if (check && rc == ETL_EXIT_OK)
    printf("etl-normalize: %s: configuration and inputs look fine\n", conf_path);
  norm_state_release(&st);
  presplit_index_free(presplit);
  dataset_release(&ds);
  etl_config_release(&conf);
  strbuf_release(&err);
  return rc;
}

int main(int argc, char **argv) {
  const char *conf_path = "pipeline.conf", *work = NULL, *split = NULL;
  bool check = false;
  unsigned jobs = 1;
  prog_init("etl-normalize", usage);
  int rc = parse_args(argc, argv, &conf_path, &work, &check, &jobs, &split);
  if (rc != PROG_CONTINUE)
    return rc;
  return prog_exit(run(conf_path, work, check, jobs, split));
}
