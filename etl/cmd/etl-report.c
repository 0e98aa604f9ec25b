/* etl-report: writes report.html, the one page of a run for the people who
 * would rather look than read (contract §5.7), from the published tables
 * of a run folder. The driver runs it on the stage folder before the
 * atomic publish; it also runs alone on any published folder. The
 * library (etl/report/) loads the tables and writes the page; this file
 * parses options, finds the currency and period kind in the config, and
 * writes the file. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etl/common/config.h"
#include "etl/common/program.h"
#include "etl/report/report_data.h"
#include "etl/report/report_file.h"
#include "etl/report/report_page.h"
#include "transforms/base/xalloc.h"

#define PROG "etl-report"

static const char usage_text[] =
    "usage: " PROG " --dir RUN_FOLDER [--out FILE] [-c CONF]\n"
    "       " PROG " --help | --version\n"
    "\n"
    "Writes report.html from the published tables of a run folder\n"
    "(manifest.json, reconciliation.csv, attribution_by_channel.csv,\n"
    "attribution_by_campaign.csv, rejects.csv, and funnel.csv and\n"
    "model_fit.csv when present): one self-contained page with its charts\n"
    "inline, no script and no request to any other file or host.\n"
    "\n"
    "  --dir DIR          the run folder (<out_dir>/<from>_<to>)\n"
    "  --out FILE         where to write the page (default DIR/report.html)\n"
    "  -c, --config CONF  the run's pipeline.conf, for the currency and period\n"
    "                     (default: the config named in manifest.json when it\n"
    "                     still has the digest the manifest records)\n"
    "  -q, --quiet        no summary line\n"
    "  -v, --verbose      the summary line (as by default)\n"
    "  -h, --help         print this help\n"
    "  -V, --version      print the versions of etl-report and its libraries\n"
    "\n" ETL_EXIT_CODES_HELP;

struct options {
  const char *dir, *out, *config;
};

#define usage_error prog_usage_error

/* Returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, struct options *o) {
  enum { O_DIR = 256, O_OUT };
  static const struct option longs[] = {
      {"dir", required_argument, NULL, O_DIR}, {"out", required_argument, NULL, O_OUT},
      {"config", required_argument, NULL, 'c'}, PROG_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
  int c, rc = PROG_CONTINUE;
  memset(o, 0, sizeof *o);
  while ((c = prog_getopt(argc, argv, ":c:" PROG_COMMON_SHORTOPTS, longs, &rc)) > 0) {
    if (c == O_DIR)
      o->dir = optarg;
    else if (c == O_OUT)
      o->out = optarg;
    else
      o->config = optarg; /* -c */
  }
  if (c == PROG_OPTS_EXIT || (rc = prog_no_operands(argc, argv)) != PROG_CONTINUE)
    return rc;
  if (!o->dir || !*o->dir)
    return usage_error("--dir is required");
  if (o->out && !*o->out)
    return usage_error("--out: empty");
  return -1;
}

/* Currency and period kind from the config: -c, else the manifest's config
 * when it is unchanged (same SHA-256); without either the page says
 * "corporate currency". Returns -1 to go on, or the exit code of a config
 * given with -c that does not load. */
static int apply_config(struct report_data *d, const char *given) {
  char *path = xstrdup(given ? given : report_str(d, d->config_path));
  char hex[SHA256_HEX_LEN + 1];
  if (!given &&
      (report_file_sha256(path, hex) < 0 || strcmp(hex, report_str(d, d->config_sha256)) != 0)) {
    free(path);
    return -1;
  }
  struct etl_config cfg;
  struct strbuf err = STRBUF_INIT;
  int rc = -1;
  if (etl_config_load(&cfg, path, &err) == 0)
    report_data_set_config(d, cfg.currency, period_kind_name(cfg.period));
  else if (given) {
    prog_error("%s", strbuf_str(&err));
    rc = ETL_EXIT_USAGE;
  }
  etl_config_release(&cfg);
  strbuf_release(&err);
  free(path);
  return rc;
}

static int run(const struct options *o) {
  double t0 = stage_log_seconds();
  struct report_data d;
  struct strbuf err = STRBUF_INIT, page = STRBUF_INIT;
  char *out = o->out ? xstrdup(o->out) : xasprintf("%s/report.html", o->dir);
  int rc = -1;
  report_data_init(&d);
  if (report_data_load(&d, o->dir, &err) < 0) {
    prog_error("%s", strbuf_str(&err));
    rc = ETL_EXIT_DATA;
  }
  if (rc < 0)
    rc = apply_config(&d, o->config);
  if (rc < 0) {
    report_page_write(&page, &d);
    if (report_write_atomic(out, page.buf, page.len, &err) < 0) {
      prog_error("cannot write %s", strbuf_str(&err));
      rc = ETL_EXIT_IO;
    } else {
      rc = ETL_EXIT_OK;
      prog_info("%s: %zu bytes, %zu models, %zu channels, %zu campaigns, %.2f s",
                o->out ? o->out : "report.html", page.len, d.nmodels, d.nchannels, d.ncampaigns,
                stage_log_seconds() - t0);
    }
  }
  report_data_release(&d);
  strbuf_release(&err);
  strbuf_release(&page);
  free(out);
  return rc;
}

int main(int argc, char **argv) {
  struct options o;
  prog_init(PROG, usage_text);
  int rc = parse_args(argc, argv, &o);
  return rc >= 0 ? rc : prog_exit(run(&o));
}
