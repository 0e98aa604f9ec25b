/* opportunities.csv (contract §5.4, §5.5): one row per opportunity the
 * outputs cover, so that finance can tie every figure of the attribution
 * tables to a deal of the CRM. Every cell depends on one opportunity alone
 * and is computed from the data set, so the final stage of a run writes it
 * once (etl-attribute unsharded, etl-merge after shards) and it is
 * byte-identical for any number of jobs or shards. */
#ifndef ATTR_OPPORTUNITIES_TABLE_H
#define ATTR_OPPORTUNITIES_TABLE_H

#include <stdint.h>

#include "etl/common/config.h"
#include "transforms/aggregate.h"
#include "transforms/dataset.h"
#include "transforms/base/strbuf.h"

#define TABLE_OPPORTUNITIES "opportunities.csv"

/* Writes opportunities.csv into dir (which must exist): the opportunities of
 * ds created within r's periods or won and closed within them, in data-set
 * (opportunity_id) order, with the counts of cfg's linking rules at as_of.
 * All arguments are read-only and owned by the caller. *rows gets the number
 * of data rows. Returns 0, or -1 with err ("out/opportunities.csv: No space
 * left on device"). */
int opportunities_table_write(const struct etl_config *cfg, const struct dataset *ds,
                              const struct emit_range *r, int64_t as_of, const char *dir,
                              uint64_t *rows, struct strbuf *err);

#endif
