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

#include <stdbool.h>
#include <stdint.h>

#include "etl/common/config.h"
#include "etl/attribute/shard.h"
#include "transforms/aggregate.h"
#include "transforms/dataset.h"

/* The options both programs take (NULL when not given). */
struct attr_args {
  const char *config, *dataset, *as_of, *from, *to;
  bool base_sums; /* build base (etl-attribute unsharded, etl-merge) */
};

struct attr_setup {
  struct etl_config cfg;
  struct dataset ds;
  struct emit_range range;
  struct groups groups;
  struct base_sums base;
  int64_t as_of;
  int32_t from, to; /* DS_NO_DAY when not given */
  unsigned loaded;  /* internal: what release must free */
};

/* Loads and builds everything above into s (zeroed by this call). Release
 * s with attr_setup_release whatever it returns. */
int attr_setup_load(struct attr_setup *s, const struct attr_args *a);
void attr_setup_release(struct attr_setup *s);

/* The header of shard i of n of this run (etl/attribute/shard.h). */
void attr_setup_header(const struct attr_setup *s, unsigned i, unsigned n,
                       struct shard_header *hdr);

/* mkdir dir (an existing directory is fine). -1 or ETL_EXIT_IO. */
int attr_make_dir(const char *dir);

/* Writes the range name and a newline to path. -1 or ETL_EXIT_IO. */
int attr_write_range_file(const char *path, const struct emit_range *r);

#endif
