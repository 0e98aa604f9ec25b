/* etl-report: writes report.html, the one page of a run for the people who
 * would rather look than read (contract §5.7), from the published tables
 * of a run folder. The driver runs it on the stage folder before the
 * atomic publish; it also runs alone on any published folder. The
 * library (etl/report/) loads the tables and writes the page; this file
 * parses options, finds the currency and period kind in the config, and
 * writes the file. */
#include <archive.h>
#include <csv.h>
#include <getopt.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "etl/common/config.h"
#include "etl/common/exitcodes.h"
#include "etl/common/stage_log.h"
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
    "  -h, --help         print this help\n"
    "  -V, --version      print the versions of etl-report and its libraries\n"
    "\n" ETL_EXIT_CODES_HELP;

struct options {
  const char *dir, *out, *config;
};

/* "etl-report: message" and the pointer to --help on stderr. */
static int __attribute__((format(printf, 1, 2))) usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs(PROG ": ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  fputs("Try '" PROG " --help' for more information.\n", stderr);
  return ETL_EXIT_USAGE;
}

static void print_version(void) {
  char pcre[64] = "";
  pcre2_config(PCRE2_CONFIG_VERSION, pcre);
  printf("%s %s\n", PROG, ATTR_VERSION);
  printf("zlib %s\n", zlibVersion());
  printf("%s\n", archive_version_details());
  printf("PCRE2 %s\n", pcre);
  printf("libcsv %d.%d.%d\n", CSV_MAJOR, CSV_MINOR, CSV_RELEASE);
}

/* Returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, struct options *o) {
  enum { O_DIR = 256, O_OUT };
  static const struct option longs[] = {
      {"dir", required_argument, NULL, O_DIR}, {"out", required_argument, NULL, O_OUT},
      {"config", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},      {NULL, 0, NULL, 0}};
  int c;
  memset(o, 0, sizeof *o);
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":c:hV", longs, NULL)) != -1) {
    switch (c) {
    case O_DIR: o->dir = optarg; break;
    case O_OUT: o->out = optarg; break;
    case 'c': o->config = optarg; break;
    case 'h': fputs(usage_text, stdout); return ETL_EXIT_OK;
    case 'V': print_version(); return ETL_EXIT_OK;
    case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
    default: return usage_error("unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc)
    return usage_error("unexpected argument '%s'", argv[optind]);
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
    fprintf(stderr, PROG ": %s\n", strbuf_str(&err));
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
    fprintf(stderr, PROG ": %s\n", strbuf_str(&err));
    rc = ETL_EXIT_DATA;
  }
  if (rc < 0)
    rc = apply_config(&d, o->config);
  if (rc < 0) {
    report_page_write(&page, &d);
    if (report_write_atomic(out, page.buf, page.len, &err) < 0) {
      fprintf(stderr, PROG ": cannot write %s\n", strbuf_str(&err));
      rc = ETL_EXIT_IO;
    } else {
      rc = ETL_EXIT_OK;
      if (stage_log_level_from_env() >= STAGE_LOG_INFO)
        stage_log_line(PROG, "%s: %zu bytes, %zu models, %zu channels, %zu campaigns, %.2f s",
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
  int rc = parse_args(argc, argv, &o);
  return rc >= 0 ? rc : run(&o);
}
