/* funnel.csv (contract §5.6): volume and velocity by stage for cohorts of
 * opportunities by the period of their CreatedDate, in the dimensions all,
 * campaign (Primary Campaign Source) and lead_source. This file turns the
 * data set into the plain structs of transforms/funnel.h (stage names to
 * positions, groups to ranks in bytewise order, cohorts to emitted
 * periods) and writes the rows with csvout.
 *
 * The table depends on every opportunity of a cohort at once (medians), so
 * it is computed whole from the data set: by etl-attribute in an unsharded
 * run and by etl-merge in a sharded one (which reads the same data set),
 * never by a shard. That makes it byte-identical for any shard count. */
#ifndef ATTR_FUNNEL_TABLE_H
#define ATTR_FUNNEL_TABLE_H

#include "etl/common/config.h"
#include "transforms/aggregate.h"
#include "transforms/dataset.h"
#include "transforms/base/strbuf.h"

#define TABLE_FUNNEL "funnel.csv"

/* Writes dir/funnel.csv (dir must exist) for the stages of cfg over the
 * emitted range r; g gives the campaign groups' order. Everything is
 * read-only and owned by the caller. Returns 0, or -1 with err
 * ("out/funnel.csv: No space left on device"). */
int funnel_table_write(const struct etl_config *cfg, const struct dataset *ds,
                       const struct groups *g, const struct emit_range *r, const char *dir,
                       struct strbuf *err);

#endif
