/* What the attribution stage and the merge stage (etl-attribute,
 * etl-merge) both build before any model runs: the config, --as-of,
 * --from/--to, the data set (checked for linking), the emitted range, the
 * groups of the tables and, when wanted, the model-independent sums. Both
 * programs must derive these identically for a sharded run to equal an
 * unsharded one, so they share this one piece of code.
 *
 * Functions follow the programs' convention: they return -1 to go on, or
 * the exit code (etl/common/exitcodes.h) with the message already printed
 * by the program's printer (etl/common/program.h). */
#ifndef ATTR_ATTR_SETUP_H
#define ATTR_ATTR_SETUP_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "etl/common/config.h"
#include "etl/common/exitcodes.h"
#include "etl/attribute/part_file.h"
#include "etl/attribute/shard.h"
#include "transforms/aggregate.h"
#include "transforms/dataset.h"

/* The options both programs take (NULL when not given). */
struct attr_args {
  const char *config, *dataset, *as_of, *from, *to;
  bool base_sums; /* build base (etl-attribute unsharded, etl-merge) */
  /* etl-attribute --parts: read part `shard` of `nshards` under parts
   * (etl/attribute/part_file.h) instead of dataset; NULL otherwise. */
  const char *parts;
  unsigned shard, nshards;
};

/* The options both programs take, parsed in one place. */
struct attr_cli {
  const char *config, *dataset, *out, *as_of, *from, *to, *range_file; /* NULL: not given */
};
enum attr_option {
  ATTR_OPT_DATASET = 256,
  ATTR_OPT_OUT,
  ATTR_OPT_AS_OF,
  ATTR_OPT_FROM,
  ATTR_OPT_TO,
  ATTR_OPT_RANGE_FILE,
  ATTR_OPT_OWN /* the first value free for a program's own options */
};
#define ATTR_SHARED_LONGOPTS                                                         \
  {"config", required_argument, NULL, 'c'}, {"dataset", required_argument, NULL, ATTR_OPT_DATASET}, \
      {"out", required_argument, NULL, ATTR_OPT_OUT},                                \
      {"as-of", required_argument, NULL, ATTR_OPT_AS_OF},                            \
      {"from", required_argument, NULL, ATTR_OPT_FROM},                              \
      {"to", required_argument, NULL, ATTR_OPT_TO},                                  \
      {"range-file", required_argument, NULL, ATTR_OPT_RANGE_FILE}
#define ATTR_SHARED_SHORTOPTS "c:"

/* The --help lines of the shared options, and of the common ones. */
#define ATTR_SHARED_HELP                                                      \
  "  -c, --config CONF    pipeline.conf\n"                                    \
  "  --dataset FILE       dataset.bin written by etl-normalize\n"             \
  "  --out DIR            output folder (created if missing)\n"               \
  "  --as-of TS           timestamp or date (a date means 23:59:59 that day)\n" \
  "  --from DATE          first day of the range (YYYY-MM-DD)\n"              \
  "  --to DATE            last day of the range (YYYY-MM-DD, up to 23:59:59)\n" \
  "  --range-file FILE    write the range name (FROM_TO) to FILE\n"
#define ATTR_COMMON_HELP(prog)                                                \
  "  -q, --quiet          no summary line\n"                                  \
  "  -v, --verbose        the summary line (as by default)\n"                 \
  "  -h, --help           this text\n"                                        \
  "  -V, --version        the versions of " prog " and its libraries\n"       \
  "\n" ETL_EXIT_CODES_HELP

/* Parses the command line of etl-attribute or etl-merge: longopts holds
 * ATTR_SHARED_LONGOPTS (stored into cli), the program's own options (each
 * handed to own(c, optarg, ctx), which returns PROG_CONTINUE or an exit
 * code) and PROG_COMMON_LONGOPTS (program.h). Returns PROG_CONTINUE, or the
 * exit code (help or version answered, a usage error printed). */
int attr_parse_options(int argc, char **argv, const struct option *longopts,
                       struct attr_cli *cli, int (*own)(int c, const char *arg, void *ctx),
                       void *ctx);

/* The attr_args of the shared options. */
struct attr_args attr_cli_args(const struct attr_cli *o, bool base_sums);

struct attr_setup {
  struct etl_config cfg;
  struct dataset ds;
  struct emit_range range;
  struct groups groups;
  struct base_sums base;
  int64_t as_of;
  int32_t from, to; /* DS_NO_DAY when not given */
  struct part_meta part; /* with attr_args.parts: what the part says of the whole */
  unsigned loaded;  /* internal: what release must free */
};

/* Loads and builds everything above into s (zeroed by this call). With
 * a->parts, ds is the part, and range and groups are those of the whole
 * data set as the part records them (a part cut for another shard, as_of
 * or models is refused). Release
 * s with attr_setup_release whatever it returns. */
int attr_setup_load(struct attr_setup *s, const struct attr_args *a);
void attr_setup_release(struct attr_setup *s);

/* The header of shard i of n of this run (etl/attribute/shard.h); with a
 * part, the counts are the whole data set's. */
void attr_setup_header(const struct attr_setup *s, unsigned i, unsigned n,
                       struct shard_header *hdr);

/* mkdir dir (an existing directory is fine). -1 or ETL_EXIT_IO. */
int attr_make_dir(const char *dir);

/* Writes the range name and a newline to path. -1 or ETL_EXIT_IO. */
int attr_write_range_file(const char *path, const struct emit_range *r);

#endif
