/* etl-normalize: the first stage. Reads pipeline.conf and every export,
 * normalizes and checks every row, and writes the data set, rejects.csv and
 * the per-input counts into a work directory for etl-attribute and the
 * driver (see README "Stages"). With --check it only opens every input and
 * checks its header (etl check). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etl/config.h"
#include "etl/dataset_io.h"
#include "etl/normalize.h"

static const char usage[] =
    "usage: etl-normalize -c FILE --work DIR\n"
    "       etl-normalize -c FILE --check\n"
    "\n"
    "Reads every input of pipeline.conf, normalizes and checks each row and writes\n"
    "  DIR/dataset.bin   the normalized data set (etl-dump prints it)\n"
    "  DIR/rejects.csv   rejected rows and warnings\n"
    "  DIR/inputs.tsv    name, bytes, rows read, kept, rejected per input\n"
    "--check only opens every input and checks its header.\n"
    "Exit: 0 ok, 1 data fault or too many rejects, 2 usage/config, 3 write error.\n";

static int write_outputs(struct norm_state *st, const char *work, struct strbuf *err) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/dataset.bin", work);
  if (dataset_write(st->ds, path, err) != 0)
    return -1;
  snprintf(path, sizeof(path), "%s/rejects.csv", work);
  if (reject_log_write(&st->log, path, st->conf->excel_bom, err) != 0)
    return -1;
  snprintf(path, sizeof(path), "%s/inputs.tsv", work);
  return reject_log_write_inputs(&st->log, path, err);
}

int main(int argc, char **argv) {
  static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                       {"work", required_argument, NULL, 'w'},
                                       {"check", no_argument, NULL, 'k'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *conf_path = "pipeline.conf", *work = NULL;
  bool check = false;
  int c;
  while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
    switch (c) {
    case 'c': conf_path = optarg; break;
    case 'w': work = optarg; break;
    case 'k': check = true; break;
    case 'h': fputs(usage, stdout); return 0;
    default: fputs(usage, stderr); return 2;
    }
  }
  if (optind != argc || (!work && !check)) {
    fputs(usage, stderr);
    return 2;
  }
  signal(SIGXFSZ, SIG_IGN); /* a file size limit is a write error, not a crash */
  signal(SIGPIPE, SIG_IGN);
  struct strbuf err = STRBUF_INIT;
  struct etl_config conf;
  if (etl_config_load(&conf, conf_path, &err) != 0) {
    fprintf(stderr, "etl-normalize: %s\n", strbuf_str(&err));
    etl_config_release(&conf);
    strbuf_release(&err);
    return 2;
  }
  struct dataset ds;
  dataset_init(&ds);
  struct norm_state st;
  norm_state_init(&st, &conf, &ds);
  st.check_only = check;
  int rc = 0;
  enum norm_result r = normalize_run(&st, &err);
  if (r != NORM_OK) {
    fprintf(stderr, "etl-normalize: %s\n", strbuf_str(&err));
    rc = 1;
  } else if (!check && write_outputs(&st, work, &err) != 0) {
    fprintf(stderr, "etl-normalize: %s\n", strbuf_str(&err));
    rc = 3;
  } else if (st.rule_limit_hits) {
    fprintf(stderr, "etl-normalize: warning: %u channel rule matches hit the PCRE2 match limit "
                    "and counted as not matching\n", st.rule_limit_hits);
  }
  if (check && rc == 0)
    printf("etl-normalize: %s: configuration and inputs look fine\n", conf_path);
  norm_state_release(&st);
  dataset_release(&ds);
  etl_config_release(&conf);
  strbuf_release(&err);
  return rc;
}
