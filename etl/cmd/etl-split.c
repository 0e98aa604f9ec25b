/* etl-split: one task of a split normalize (docs/scale-out.md). Task I
 * takes the I-th file of the run's inputs (etl/input/input_list.h), reads
 * it exactly as etl-normalize would (inflating, splitting the CSV records,
 * the file-level checks, its SHA-256 and byte counts) and writes what it
 * read to WORK/split/I.rec (etl/input/presplit.h), which
 * `etl-normalize --from-split WORK/split` replays. A fault of the input is
 * recorded there, for etl-normalize to report as a plain run would; this
 * program fails only when it cannot do its own work. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "etl/common/config.h"
#include "etl/common/program.h"
#include "etl/common/stage_log.h"
#include "etl/input/input_list.h"
#include "etl/input/presplit.h"
#include "etl/normalize/normalize.h"
#include "transforms/base/xalloc.h"

static const char usage[] =
    "usage: etl-split -c FILE --work DIR --task I [--quiet | --verbose]\n"
    "       etl-split -c FILE --count\n"
    "       etl-split --help | --version\n"
    "\n"
    "Reads the I-th file of the inputs of pipeline.conf (0-based: every file each\n"
    "[input] key and the CRM export resolve to, in the order etl-normalize reads\n"
    "them; a CRM archive or directory is one file) as etl-normalize would, and\n"
    "writes its records, checksum, counts and any file-level fault to\n"
    "  DIR/split/I.rec   for etl-normalize --from-split DIR/split\n"
    "A fault of the input is recorded there, not reported: etl-normalize reports\n"
    "it. --count prints the number of files (the tasks of a split run).\n"
    "\n"
    "Logs one summary line on stderr (the file, records, bytes, seconds);\n"
    "--quiet (or ETL_LOG=quiet) drops it.\n"
    "\n"
    "  -c, --config FILE  the config (default ./pipeline.conf)\n"
    "      --work DIR     the run's work folder (an existing folder)\n"
    "      --task I       the file to split (0 to the count - 1)\n"
    "      --count        print the number of input files and exit\n"
    "  -q, --quiet        errors only\n"
    "  -v, --verbose      the same (no more lines)\n"
    "  -h, --help         print this help\n"
    "  -V, --version      print the versions of etl-split and its libraries\n"
    "\n" ETL_EXIT_CODES_HELP;

struct args {
  const char *conf, *work;
  long task;
  bool count;
};

static int parse_args(int argc, char **argv, struct args *a) {
  static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                       {"work", required_argument, NULL, 'w'},
                                       {"task", required_argument, NULL, 't'},
                                       {"count", no_argument, NULL, 'n'},
                                       PROG_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
  int c, rc = PROG_CONTINUE;
  while ((c = prog_getopt(argc, argv, ":c:" PROG_COMMON_SHORTOPTS, opts, &rc)) > 0) {
    switch (c) {
    case 'c': a->conf = optarg; break;
    case 'w': a->work = optarg; break;
    case 'n': a->count = true; break;
    case 't':
      if ((rc = prog_count_option("--task", optarg, 0, 100000000, &a->task)) != PROG_CONTINUE)
        return rc;
      break;
    }
  }
  if (c == PROG_OPTS_EXIT || (rc = prog_no_operands(argc, argv)) != PROG_CONTINUE)
    return rc;
  if (!a->count && (!a->work || a->task < 0))
    return prog_usage_error("--work DIR and --task I are required (or --count)");
  return PROG_CONTINUE;
}

/* WORK/split, created if missing (tasks race to create it). */
static char *split_dir(const char *work, struct strbuf *err) {
  char *dir = xasprintf("%s/split", work);
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
    strbuf_addf(err, "cannot create '%s': %s", dir, strerror(errno));
    free(dir);
    return NULL;
  }
  return dir;
}

static int split_task(const struct etl_config *conf, const struct input_list *l, size_t task,
                      const char *work) {
  struct strbuf err = STRBUF_INIT;
  double start = stage_log_seconds();
  const struct input_list_file *in = &l->files[task];
  struct presplit_head head = {in->key, in->path, in->crm, conf->max_input_bytes,
                               conf->max_expand_ratio};
  /* the options etl-normalize opens its inputs with (normalize_util.c) */
  struct etl_input_opts o;
  memset(&o, 0, sizeof(o));
  o.max_input_bytes = conf->max_input_bytes;
  o.max_expand_ratio = conf->max_expand_ratio;
  struct presplit_counts n;
  char *dir = split_dir(work, &err);
  char *out = dir ? presplit_path(dir, task) : NULL;
  int rc = ETL_EXIT_OK;
  if (!out || presplit_input(&head, normalize_crm_entity_names(), &o, out, &n, &err) != 0) {
    prog_error("%s", strbuf_str(&err));
    rc = ETL_EXIT_IO;
  } else if (prog_level() >= STAGE_LOG_INFO) {
    stage_log_line("etl-split",
                   "task %zu/%zu: %s %s: %" PRIu64 " record%s in %" PRIu64 " stream%s, %" PRIu64
                   " fault%s recorded, %" PRIu64 " bytes read, %" PRIu64 " split, %" PRIu64
                   " written, %.2f s",
                   task, l->n, in->key, in->path, n.records, n.records == 1 ? "" : "s",
                   n.streams, n.streams == 1 ? "" : "s", n.faults, n.faults == 1 ? "" : "s",
                   n.bytes_in, n.bytes_out, n.written,
                   stage_log_seconds() - start);
  }
  free(out);
  free(dir);
  strbuf_release(&err);
  return rc;
}

static int run(const struct args *a) {
  struct strbuf err = STRBUF_INIT;
  struct etl_config conf;
  struct input_list l;
  int rc = ETL_EXIT_OK;
  memset(&l, 0, sizeof(l));
  if (etl_config_load(&conf, a->conf, &err) != 0) {
    rc = ETL_EXIT_USAGE;
  } else if (input_list_resolve(&l, &conf, &err) != 0) {
    rc = ETL_EXIT_DATA;
  } else if (a->count) {
    printf("%zu\n", l.n);
  } else if ((size_t)a->task >= l.n) {
    strbuf_addf(&err, "--task %ld: the inputs are %zu files (tasks 0 to %zu)", a->task, l.n,
                l.n - 1);
    rc = ETL_EXIT_USAGE;
  } else {
    rc = split_task(&conf, &l, (size_t)a->task, a->work);
  }
  if (rc != ETL_EXIT_OK && err.len)
    prog_error("%s", strbuf_str(&err));
  input_list_release(&l);
  etl_config_release(&conf);
  strbuf_release(&err);
  return rc;
}

int main(int argc, char **argv) {
  struct args a = {"pipeline.conf", NULL, -1, false};
  prog_init("etl-split", usage);
  int rc = parse_args(argc, argv, &a);
  if (rc != PROG_CONTINUE)
    return rc;
  return prog_exit(run(&a));
}
