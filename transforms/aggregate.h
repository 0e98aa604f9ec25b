/* Group sums of the attribution tables (contract §5.2-§5.4, §9 "Money
 * and costs", "Periods and range", "Tables"): the emitted range of periods,
 * the groups of each table (campaigns with "(none)" and "(unattributed)";
 * channels with "(unattributed)"), sparse sums per (period, group), and the
 * per-model reconciliation.
 *
 * Sums are kept per table in an agg_map keyed by (emitted period index,
 * group rank), the rank being the group's place in bytewise order of its
 * key, so that sorting the keys gives the output order within a model.
 * Model-independent quantities (touches, cost) live in the "base" maps,
 * model quantities (opportunities, pipeline, won, revenue) in one map pair
 * per model. Only emitted periods are summed. */
#ifndef ATTR_AGGREGATE_H
#define ATTR_AGGREGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transforms/model.h"
#include "transforms/attribution.h"
#include "transforms/dataset.h"
#include "transforms/period.h"

/* --- Range ------------------------------------------------------------- */

/* The emitted periods: every period overlapping [from, to], in order. */
struct emit_range {
  struct period_cfg pc;
  int32_t *starts; /* n period start days, ascending */
  size_t n;        /* >= 1 */
  int32_t first_day, last_day; /* starts[0] and the last period's end */
};

/* The earliest day with data (§9 "Periods and range"): UTC dates of the
 * touches and of opportunity CreatedDates, won CloseDates, and for cost the
 * first day of each period receiving a non-zero share (campaign spreads and
 * cost rows). DS_NO_DAY when the data set has none of them. */
int32_t range_data_start(const struct dataset *ds, const struct period_cfg *pc);

/* Resolves --from/--to (DS_NO_DAY = not given) into the emitted range:
 * to defaults to the UTC date of as_of; from to range_data_start, or to
 * `to` when there is no data or the data starts after `to`. Returns 0, or
 * -1 when a given --from is after the effective `to` (a usage error). */
int range_resolve(struct emit_range *r, const struct dataset *ds, const struct period_cfg *pc,
                  int64_t as_of, int32_t from, int32_t to);
/* Builds the periods overlapping [from, to] (from <= to). */
void range_build(struct emit_range *r, const struct period_cfg *pc, int32_t from, int32_t to);
void range_release(struct emit_range *r);
/* Index of the emitted period containing day, or -1. */
long range_index(const struct emit_range *r, int32_t day);
/* "2024-01-01_2025-06-30" (out >= 32 bytes). */
void range_name(const struct emit_range *r, char out[32]);

/* --- Groups ------------------------------------------------------------ */

#define GROUP_NONE "(none)"
#define GROUP_UNATTRIBUTED "(unattributed)"

/* Group names in bytewise order, as every table ranks its groups: sorts
 * names[0..n) and drops repeats, returning how many are left; then the
 * rank of a name among them (its lower bound: the caller knows it is
 * there, or compares). */
size_t names_sort_unique(const char **names, size_t n);
uint32_t names_rank(const char *const *sorted, size_t n, const char *name);

struct groups {
  /* Campaign table: group g = campaign index, ncampaigns = (none),
   * ncampaigns + 1 = (unattributed); camp_rank[g] its bytewise rank and
   * camp_group[rank] the inverse. */
  size_t ncamp_groups;
  uint32_t camp_none, camp_unattributed;
  uint32_t *camp_rank, *camp_group;
  /* Channel table: the distinct channel names in bytewise order (rank =
   * group), pointing into the data set's pool or static text. */
  size_t nchannels;
  const char **chan_names;
  uint32_t chan_unattributed;
  uint32_t *touch_chan; /* per touch */
  uint32_t *camp_chan;  /* per campaign */
  uint32_t *cost_chan;  /* per cost row (campaign rows: the campaign's) */
};
void groups_build(struct groups *g, const struct dataset *ds);
/* As groups_build, but with the channel groups names[0..n) (bytewise
 * sorted, unique, "(unattributed)" among them; borrowed: they must outlive
 * g) instead of ds's own: a shard reading its part of the data set
 * (partition.h) gets the ranks of the whole. Returns 0, or -1 when names
 * are not sorted or lack a channel of ds (g must still be released). */
int groups_build_named(struct groups *g, const struct dataset *ds, const char *const *names,
                       size_t n);
void groups_release(struct groups *g);

/* --- Sparse sums ------------------------------------------------------- */

struct agg_cell {
  __int128 opps, won;   /* FIX18 sums of weights */
  uint64_t key;         /* period index << 32 | group rank */
  int64_t touches, pipeline, revenue, cost;
};

struct agg_map {
  struct agg_cell *cells; /* in insertion order */
  size_t ncells, cap;
  uint32_t *slots; /* open addressing: cell index + 1, 0 = free */
  size_t nslots;
};
void agg_map_init(struct agg_map *m);
void agg_map_release(struct agg_map *m);
/* The cell of (period, rank), created zero if absent. The pointer is valid
 * until the next insertion. */
struct agg_cell *agg_map_get(struct agg_map *m, uint32_t period, uint32_t rank);
/* The cell of (period, rank) or NULL. */
const struct agg_cell *agg_map_find(const struct agg_map *m, uint32_t period, uint32_t rank);
static inline uint64_t agg_key(uint32_t period, uint32_t rank) {
  return (uint64_t)period << 32 | rank;
}

/* Model-independent sums: touches (every de-duplicated touch, by its time's
 * UTC date) and cost (campaign spreads and cost rows). */
struct base_sums {
  struct agg_map campaign, channel;
};
void base_sums_build(struct base_sums *b, const struct dataset *ds, const struct groups *g,
                     const struct emit_range *r);
void base_sums_release(struct base_sums *b);

/* Which opportunities the outputs cover: created within the emitted
 * periods, or won and closed within them. Returns a fresh array (one byte
 * per opportunity; bit 1 = created in range, bit 2 = won and closed in
 * range); caller frees. */
#define COVER_CREATED 1u
#define COVER_WON 2u
uint8_t *coverage_build(const struct dataset *ds, const struct emit_range *r);

/* reconciliation.csv for one model. */
struct recon {
  int64_t opps, won; /* counts */
  int64_t pipeline_attributed, pipeline_unattributed;
  int64_t revenue_attributed, revenue_unattributed;
};

/* One model's sums over the covered opportunities. */
struct model_sums {
  struct agg_map campaign, channel;
  struct recon recon;
};
/* Runs model m over every covered opportunity (cover from coverage_build)
 * and sums its credits: opportunities and pipeline in the period of the
 * CreatedDate's UTC date, won opportunities and revenue in the period of the
 * CloseDate (won only); an unattributed opportunity counts whole under
 * "(unattributed)". Uses its own scratch space (thread-safe over shared
 * read-only inputs). */
void model_sums_build(struct model_sums *ms, const struct attr_ctx *c, const struct model_def *m,
                      const struct groups *g, const struct emit_range *r, const uint8_t *cover);
void model_sums_release(struct model_sums *ms);

#endif
