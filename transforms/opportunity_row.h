/* One row of opportunities.csv (contract §5.4): the cells that let finance
 * tie every figure of the tables to a deal of the CRM. Pure formatting of one
 * opportunity of the data set: ids and the CRM's own text as kept by the
 * normalize stage, the two dates (UTC date of CreatedDate, written date of
 * CloseDate) and their period labels, the amount in the deal's currency and
 * the pipeline and revenue in the corporate currency (revenue 0.00 unless
 * won), and the two counts of the linking rules (transforms/link.h).
 *
 * Which opportunities get a row is the outputs' coverage (aggregate.h
 * coverage_build): created within the emitted periods, or won and closed
 * within them; the caller writes them in data-set order, which is
 * opportunity_id order. */
#ifndef ATTR_OPPORTUNITY_ROW_H
#define ATTR_OPPORTUNITY_ROW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transforms/dataset.h"
#include "transforms/period.h"

enum opp_col {
  OPP_ID, OPP_NAME, OPP_ACCOUNT, OPP_STAGE, OPP_CREATED_DATE, OPP_CLOSE_DATE, OPP_IS_CLOSED,
  OPP_IS_WON, OPP_CURRENCY, OPP_AMOUNT, OPP_PIPELINE, OPP_REVENUE, OPP_CREATED_PERIOD,
  OPP_CLOSE_PERIOD, OPP_PRIMARY_CAMPAIGN, OPP_LEAD_SOURCE, OPP_LINKED_PEOPLE,
  OPP_ELIGIBLE_TOUCHES, OPP_NCOLS
};

/* The header names, in column order. */
extern const char *const opp_col_names[OPP_NCOLS];
/* True for the number columns (written without the formula guard). */
bool opp_col_is_number(enum opp_col c);

/* The cells of one row. cell[c] points either into the data set's string
 * pool (valid while the data set lives) or into this struct's own buffers
 * (valid while the struct lives and is not rebuilt). */
struct opp_row {
  const char *cell[OPP_NCOLS];
  char created_date[16], close_date[16], created_period[16], close_period[16];
  char amount[32], pipeline[32], revenue[32], people[16], touches[16];
};

/* Fills row for opportunity o of ds; pc gives the period labels, people
 * and touches the counts (link_counts_build). */
void opp_row_build(struct opp_row *row, const struct dataset *ds, size_t o,
                   const struct period_cfg *pc, uint32_t people, uint32_t touches);

#endif
