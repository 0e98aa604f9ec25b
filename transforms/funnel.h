/* The funnel: volume and velocity by stage (contract §5.6), as pure
 * functions over plain structs. The caller (etl/funnel_table.c) turns the
 * data set into one struct funnel_opp per opportunity: its stage history
 * already reduced to stage positions (funnel_stages.h) and ordered by
 * (CreatedDate, Id), its cohort period and its group in each dimension
 * as ranks in bytewise order of the printed group_id. This file computes
 * for each opportunity top(O) and the entry/exit times of each stage, and
 * aggregates the rows of funnel.csv, sorted as the table is: counts,
 * reached pipeline and the lower medians of the timings. It also formats
 * the two computed number columns (conversion, days). */
#ifndef ATTR_FUNNEL_H
#define ATTR_FUNNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transforms/funnel_stages.h"

/* The dimensions, in the table's order. */
enum funnel_dim { FUNNEL_DIM_ALL, FUNNEL_DIM_CAMPAIGN, FUNNEL_DIM_LEAD_SOURCE, FUNNEL_DIMS };

#define FUNNEL_NO_VALUE INT64_MIN     /* a timing that does not exist */
#define FUNNEL_NOT_EMITTED UINT32_MAX /* period of an opportunity outside the range */

/* One kept OpportunityHistory row: its CreatedDate (UTC seconds, or
 * FUNNEL_NO_VALUE when the export left it empty) and the position of its
 * StageName (trimmed) or FUNNEL_NO_STAGE. A row without a time counts for
 * top(O) but neither enters nor ends a stint. */
struct funnel_step {
  int64_t time;
  int32_t stage;
};

struct funnel_opp {
  const struct funnel_step *steps; /* H(O), ordered by (CreatedDate, Id); not owned */
  size_t nsteps;
  int64_t created;  /* O.CreatedDate, UTC seconds */
  int64_t pipeline; /* pipeline value, cents */
  int32_t current;  /* position of O.StageName (trimmed), or FUNNEL_NO_STAGE */
  uint32_t period;  /* emitted period index of the cohort, or FUNNEL_NOT_EMITTED */
  uint32_t group[FUNNEL_DIMS]; /* rank of the group in each dimension (0 for all) */
  bool closed, won;
};

/* top(O): the highest position among the stages of H(O) and O.StageName;
 * nstages - 1 when O is won; FUNNEL_NO_STAGE when O reaches no stage.
 * nstages >= 1. */
int32_t funnel_top(const struct funnel_opp *o, size_t nstages);

/* The timings of stage s of O, in seconds, FUNNEL_NO_VALUE where an end is
 * missing: in_stage = x_s - e_s, to_reach = e_s - O.created, with e_s the
 * time of the first step at s and x_s that of the first later step whose
 * stage differs from s (a step of no configured stage differs too); steps
 * without a time are passed over. */
struct funnel_stint {
  int64_t in_stage, to_reach;
};
/* Fills out[0..nstages) for O. */
void funnel_stints(const struct funnel_opp *o, size_t nstages, struct funnel_stint *out);

/* The lower median of v[0..n) (n >= 1): the ceil(n/2)-th smallest value.
 * Sorts v in place. */
int64_t funnel_lower_median(int64_t *v, size_t n);

/* advanced / reached with 4 decimals, rounded half away from zero
 * ("0.6667"); reached > 0, 0 <= advanced <= reached. out >= 32 bytes. */
void funnel_format_conversion(int64_t advanced, int64_t reached, char out[32]);
/* seconds in days with 1 decimal, rounded half away from zero, signed
 * ("-1.5"); a value that rounds to zero prints "0.0". out >= 32 bytes. */
void funnel_format_days(int64_t seconds, char out[32]);

/* One row of funnel.csv before formatting. */
struct funnel_row {
  uint32_t period, dim, group, stage; /* stage: 0-based position */
  int64_t reached, reached_pipeline, advanced, won, lost, open;
  int64_t median_in_stage, median_to_reach; /* seconds, or FUNNEL_NO_VALUE */
};

struct funnel_rows {
  struct funnel_row *rows; /* owned */
  size_t n;
};

/* Every row with reached > 0 over the opportunities whose period is
 * emitted, sorted by (period, dim, group, stage). advanced counts top(O)
 * beyond the stage or won; lost: closed, not won, top(O) at the stage;
 * open: not closed, top(O) at the stage. *out is overwritten
 * (release it with funnel_rows_release). */
void funnel_build(struct funnel_rows *out, const struct funnel_opp *opps, size_t nopps,
                  size_t nstages);
void funnel_rows_release(struct funnel_rows *r);

#endif
