/* etl-dump: prints an etl-normalize data set as text, for people reading
 * what the normalize stage produced and for the golden end-to-end test. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "etl/common/dataset_io.h"
#include "etl/common/program.h"

static const char usage[] =
    "usage: etl-dump DATASET\n"
    "       etl-dump --help | --version\n"
    "\n"
    "Prints the data set written by etl-normalize (dataset.bin) as text:\n"
    "campaigns, persons, touches, opportunities, links, costs.\n"
    "\n"
    "  -h, --help      print this help\n"
    "  -V, --version   print the versions of etl-dump and its libraries\n"
    "  -q, --quiet, -v, --verbose   accepted, as by every program of etl\n"
    "\n" ETL_EXIT_CODES_HELP;

static int dump(const char *path) {
  struct dataset ds;
  struct strbuf err = STRBUF_INIT;
  int rc = ETL_EXIT_OK;
  if (dataset_read(&ds, path, &err) != 0) {
    prog_error("%s", strbuf_str(&err));
    rc = ETL_EXIT_DATA;
  } else {
    dataset_dump(&ds, stdout);
  }
  dataset_release(&ds);
  strbuf_release(&err);
  return rc;
}

int main(int argc, char **argv) {
  static const struct option opts[] = {PROG_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
  int rc = PROG_CONTINUE;
  prog_init("etl-dump", usage);
  if (prog_getopt(argc, argv, ":" PROG_COMMON_SHORTOPTS, opts, &rc) == PROG_OPTS_EXIT)
    return rc;
  if (optind == argc)
    return prog_usage_error("missing DATASET");
  if (optind + 1 < argc)
    return prog_usage_error("unexpected argument '%s'", argv[optind + 1]);
  return prog_exit(dump(argv[optind]));
}
