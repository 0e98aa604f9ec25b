/* The tables of etl-attribute (contract §5.4, §5.5, §9 "Tables"):
 * attribution_by_campaign.csv, attribution_by_channel.csv,
 * touch_credits.csv.gz and reconciliation.csv, written with csvout into an
 * output folder, funnel.csv (etl/attribute/funnel_table.h), and
 * model_fit.csv (etl/model_fit.h) when the models hold a data-driven one.
 * Runs every model of the config: the per-model group sums
 * on worker threads (--jobs) while the calling thread streams the
 * touch_credits rows; the result is byte-identical for any number of jobs.
 * A sharded run writes partial results per shard instead and merges them
 * with the same row writers, so its tables are byte-identical too.
 * (opportunities.csv, per opportunity and model-free, is written beside
 * them by etl/attribute/opportunities_table.h.) */
#ifndef ATTR_TABLES_H
#define ATTR_TABLES_H

#include <stdint.h>

#include "etl/common/config.h"
#include "etl/attribute/shard.h"
#include "transforms/aggregate.h"
#include "transforms/dataset.h"
#include "transforms/link.h"
#include "transforms/base/strbuf.h"

/* Everything the tables are computed from; all read-only, owned by the
 * caller. */
struct tables_input {
  const struct etl_config *cfg;
  const struct dataset *ds;
  const struct linkage *lk; /* linked for the covered opportunities */
  const struct groups *g;
  const struct emit_range *r;
  const struct base_sums *base;
  const uint8_t *cover; /* coverage_build */
  unsigned jobs;        /* >= 1 */
  const struct dd_fit *fit; /* the run's fit (slots = g's channel ranks) when
                               the models hold markov or shapley, else NULL */
  /* A shard reading its part of the data set (part_file.h): per part
   * opportunity / touch, its whole index, which the partial's credit
   * records name; NULL when ds is the whole data set. */
  const uint32_t *opp_whole, *touch_whole;
};

#define TABLE_BY_CAMPAIGN "attribution_by_campaign.csv"
#define TABLE_BY_CHANNEL "attribution_by_channel.csv"
#define TABLE_TOUCH_CREDITS "touch_credits.csv.gz"
#define TABLE_RECONCILIATION "reconciliation.csv"

/* Runs the models and writes the tables into dir (which must exist),
 * funnel.csv included, and model_fit.csv when in->fit is set.
 * *credit_rows gets the number of touch_credits data rows. Returns 0, or -1
 * with err ("out/touch_credits.csv.gz: No space left on device"). */
int tables_write(const struct tables_input *in, const char *dir, uint64_t *credit_rows,
                 struct strbuf *err);

/* One shard (etl/attribute/shard.h): runs the models over the opportunities in->cover
 * selects (the caller clears the bytes of the other shards' opportunities
 * and links only the shard's) and writes the shard's partial results into
 * dir (which must exist): credit records per model, fit.bin when in->fit
 * is set, then sums.bin with hdr.
 * in->base is not used. *credit_rows as for tables_write. 0 or -1 with err. */
int tables_write_partial(const struct tables_input *in, const struct shard_header *hdr,
                         const char *dir, uint64_t *credit_rows, struct strbuf *err);

/* etl-merge: reads the partials partials/0 .. partials/<n-1> of
 * hdr->nshards shards (each checked against hdr with its own index) and
 * writes the tables into dir exactly as tables_write would have for
 * the whole data set (funnel.csv computed whole, from the data set), and
 * model_fit.csv from the shards' fit.bin when the models hold a
 * data-driven one (the shards must agree on it). Uses in->cfg, ds, g, r
 * and base (lk, cover, jobs and fit are not used). 0 or -1 with err. */
int tables_merge(const struct tables_input *in, const struct shard_header *hdr,
                 const char *partials, const char *dir, uint64_t *credit_rows,
                 struct strbuf *err);

#endif
