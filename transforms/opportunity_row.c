/* Formatting one row of opportunities.csv (see opportunity_row.h). */
#include "transforms/opportunity_row.h"

#include <stdio.h>

#include "transforms/base/calendar.h"
#include "transforms/credit.h"

const char *const opp_col_names[OPP_NCOLS] = {
    "opportunity_id", "opportunity_name", "account_id",     "stage",
    "created_date",   "close_date",       "is_closed",      "is_won",
    "currency",       "amount",           "pipeline",       "revenue",
    "created_period", "close_period",     "primary_campaign_id", "lead_source",
    "linked_people",  "eligible_touches"};

bool opp_col_is_number(enum opp_col c) {
  switch (c) {
  case OPP_AMOUNT:
  case OPP_PIPELINE:
  case OPP_REVENUE:
  case OPP_LINKED_PEOPLE:
  case OPP_ELIGIBLE_TOUCHES:
    return true;
  default:
    return false;
  }
}

/* A day's date and the label of its period. */
static void day_cells(int32_t day, const struct period_cfg *pc, char date[16], char label[16]) {
  cal_format_date(day, date);
  period_label(pc, day, label);
}

void opp_row_build(struct opp_row *row, const struct dataset *ds, size_t o,
                   const struct period_cfg *pc, uint32_t people, uint32_t touches) {
  const struct ds_opportunity *op = &ds->opps[o];
  bool won = (op->flags & DS_OPP_WON) != 0;

  day_cells((int32_t)cal_day_of(op->created), pc, row->created_date, row->created_period);
  day_cells(op->close_day, pc, row->close_date, row->close_period);
  fmt_cents(op->amount_cents, row->amount);
  fmt_cents(op->pipeline_cents, row->pipeline);
  fmt_cents(won ? op->revenue_cents : 0, row->revenue);
  snprintf(row->people, sizeof(row->people), "%u", (unsigned)people);
  snprintf(row->touches, sizeof(row->touches), "%u", (unsigned)touches);

  row->cell[OPP_ID] = ds_str(ds, op->id);
  row->cell[OPP_NAME] = ds_str(ds, op->name);
  row->cell[OPP_ACCOUNT] = ds_str(ds, op->account);
  row->cell[OPP_STAGE] = ds_str(ds, op->stage);
  row->cell[OPP_CREATED_DATE] = row->created_date;
  row->cell[OPP_CLOSE_DATE] = row->close_date;
  row->cell[OPP_IS_CLOSED] = (op->flags & DS_OPP_CLOSED) ? "true" : "false";
  row->cell[OPP_IS_WON] = won ? "true" : "false";
  row->cell[OPP_CURRENCY] = ds_str(ds, op->currency);
  row->cell[OPP_AMOUNT] = row->amount;
  row->cell[OPP_PIPELINE] = row->pipeline;
  row->cell[OPP_REVENUE] = row->revenue;
  row->cell[OPP_CREATED_PERIOD] = row->created_period;
  row->cell[OPP_CLOSE_PERIOD] = row->close_period;
  row->cell[OPP_PRIMARY_CAMPAIGN] =
      op->campaign == DS_NONE ? "" : ds_str(ds, ds->campaigns[op->campaign].id);
  row->cell[OPP_LEAD_SOURCE] = ds_str(ds, op->lead_source);
  row->cell[OPP_LINKED_PEOPLE] = row->people;
  row->cell[OPP_ELIGIBLE_TOUCHES] = row->touches;
}
