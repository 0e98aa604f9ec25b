/* opportunities.csv rows (contract §5.4): the header in the contract's
 * order, every cell of a row (dates and their period labels by day, ISO
 * week, month and fiscal quarter; amount in the deal's currency, pipeline
 * and revenue in the corporate one, revenue 0.00 unless won; the primary
 * campaign when known), the number/text split that decides the formula
 * guard, and which opportunities get a row (the outputs' coverage). */
#include <stdlib.h>

#include "tests/unit/check.h"
#include "transforms/aggregate.h"
#include "transforms/base/calendar.h"
#include "transforms/base/xalloc.h"
#include "transforms/opportunity_row.h"

#define DAY 86400

static struct dataset ds;

static str_id S(const char *s) { return strpool_interns(&ds.strings, s); }

static int32_t day(int y, int m, int d) { return (int32_t)cal_days_from_civil(y, m, d); }

static int64_t ts(int y, int m, int d, int hh, int mm) {
  return (int64_t)day(y, m, d) * DAY + hh * 3600 + mm * 60;
}

static void add_campaign(const char *id) {
  ds.campaigns = xreallocarray(ds.campaigns, ds.ncampaigns + 1, sizeof(*ds.campaigns));
  struct ds_campaign *c = &ds.campaigns[ds.ncampaigns++];
  memset(c, 0, sizeof(*c));
  c->id = S(id);
  c->name = c->type = c->channel = S("");
  c->cost_start = c->cost_end = DS_NO_DAY;
}

/* An opportunity in EUR, Amount 1000.00, pipeline 1081.20, revenue
 * 1094.50 (set even when not won, to show the row prints 0.00 then). */
static struct ds_opportunity *add_opp(const char *id, int64_t created, int32_t close_day,
                                      uint32_t flags) {
  ds.opps = xreallocarray(ds.opps, ds.nopps + 1, sizeof(*ds.opps));
  struct ds_opportunity *o = &ds.opps[ds.nopps++];
  memset(o, 0, sizeof(*o));
  o->id = S(id);
  o->account = S("0015g0hLk9h6pSdAEI");
  o->name = S("Contoso, Inc. \xe2\x80\x93 Expansion\nPhase 2");
  o->stage = S("Closed Won");
  o->lead_source = S("=Web");
  o->currency = S("EUR");
  o->campaign = DS_NONE;
  o->flags = flags;
  o->created = created;
  o->close_day = close_day;
  o->close_end = (int64_t)close_day * DAY + DAY - 1;
  o->amount_cents = 100000;
  o->pipeline_cents = 108120;
  o->revenue_cents = 109450;
  return o;
}

static void test_header(void) {
  char joined[512] = "";
  size_t len = 0;
  for (int c = 0; c < OPP_NCOLS; c++)
    len += (size_t)snprintf(joined + len, sizeof(joined) - len, "%s%s", c ? "," : "",
                            opp_col_names[c]);
  CHECK_STR(joined, "opportunity_id,opportunity_name,account_id,stage,created_date,close_date,"
                    "is_closed,is_won,currency,amount,pipeline,revenue,created_period,"
                    "close_period,primary_campaign_id,lead_source,linked_people,"
                    "eligible_touches");
  int numbers = 0;
  for (int c = 0; c < OPP_NCOLS; c++)
    numbers += opp_col_is_number((enum opp_col)c);
  CHECK_I64(numbers, 5);
  CHECK(opp_col_is_number(OPP_AMOUNT) && opp_col_is_number(OPP_PIPELINE) &&
        opp_col_is_number(OPP_REVENUE) && opp_col_is_number(OPP_LINKED_PEOPLE) &&
        opp_col_is_number(OPP_ELIGIBLE_TOUCHES));
  /* Text columns get the formula guard: an id, a name, a date, a label. */
  CHECK(!opp_col_is_number(OPP_NAME) && !opp_col_is_number(OPP_CREATED_DATE) &&
        !opp_col_is_number(OPP_LEAD_SOURCE) && !opp_col_is_number(OPP_CLOSE_PERIOD));
}

static void test_won_row(void) {
  struct period_cfg month = {PERIOD_MONTH, 1};
  struct opp_row row;
  dataset_init(&ds);
  add_campaign("7015g07n9Yy8pG6AQI");
  /* Created 23:30 at UTC on 31 Aug: the created date is the UTC date. */
  struct ds_opportunity *o =
      add_opp("0065g0eptY0VcppAQC", ts(2024, 8, 31, 23, 30), day(2024, 12, 5),
              DS_OPP_CLOSED | DS_OPP_WON);
  o->campaign = 0;
  opp_row_build(&row, &ds, 0, &month, 2, 5);
  CHECK_STR(row.cell[OPP_ID], "0065g0eptY0VcppAQC");
  CHECK_STR(row.cell[OPP_NAME], "Contoso, Inc. \xe2\x80\x93 Expansion\nPhase 2");
  CHECK_STR(row.cell[OPP_ACCOUNT], "0015g0hLk9h6pSdAEI");
  CHECK_STR(row.cell[OPP_STAGE], "Closed Won");
  CHECK_STR(row.cell[OPP_CREATED_DATE], "2024-08-31");
  CHECK_STR(row.cell[OPP_CLOSE_DATE], "2024-12-05");
  CHECK_STR(row.cell[OPP_IS_CLOSED], "true");
  CHECK_STR(row.cell[OPP_IS_WON], "true");
  CHECK_STR(row.cell[OPP_CURRENCY], "EUR");
  CHECK_STR(row.cell[OPP_AMOUNT], "1000.00");
  CHECK_STR(row.cell[OPP_PIPELINE], "1081.20");
  CHECK_STR(row.cell[OPP_REVENUE], "1094.50");
  CHECK_STR(row.cell[OPP_CREATED_PERIOD], "2024-08");
  CHECK_STR(row.cell[OPP_CLOSE_PERIOD], "2024-12");
  CHECK_STR(row.cell[OPP_PRIMARY_CAMPAIGN], "7015g07n9Yy8pG6AQI");
  CHECK_STR(row.cell[OPP_LEAD_SOURCE], "=Web");
  CHECK_STR(row.cell[OPP_LINKED_PEOPLE], "2");
  CHECK_STR(row.cell[OPP_ELIGIBLE_TOUCHES], "5");
  for (int c = 0; c < OPP_NCOLS; c++)
    CHECK(row.cell[c] != NULL);
  dataset_release(&ds);
}

static void test_open_and_lost(void) {
  struct period_cfg month = {PERIOD_MONTH, 1};
  struct opp_row row;
  dataset_init(&ds);
  struct ds_opportunity *open = add_opp("006A", ts(2025, 1, 2, 8, 0), day(2025, 7, 31), 0);
  open->amount_cents = -1250; /* a credit note: negative amounts print signed */
  open->pipeline_cents = -1250;
  open->currency = S("USD");
  add_opp("006B", ts(2025, 1, 2, 8, 0), day(2025, 3, 1), DS_OPP_CLOSED);
  opp_row_build(&row, &ds, 0, &month, 0, 0);
  CHECK_STR(row.cell[OPP_IS_CLOSED], "false");
  CHECK_STR(row.cell[OPP_IS_WON], "false");
  CHECK_STR(row.cell[OPP_AMOUNT], "-12.50");
  CHECK_STR(row.cell[OPP_PIPELINE], "-12.50");
  CHECK_STR(row.cell[OPP_REVENUE], "0.00");
  CHECK_STR(row.cell[OPP_CLOSE_DATE], "2025-07-31");
  CHECK_STR(row.cell[OPP_CLOSE_PERIOD], "2025-07");
  CHECK_STR(row.cell[OPP_PRIMARY_CAMPAIGN], "");
  CHECK_STR(row.cell[OPP_LINKED_PEOPLE], "0");
  CHECK_STR(row.cell[OPP_ELIGIBLE_TOUCHES], "0");
  /* Closed lost: revenue 0.00 whatever the data set holds. */
  opp_row_build(&row, &ds, 1, &month, 1, 4294967295u);
  CHECK_STR(row.cell[OPP_IS_CLOSED], "true");
  CHECK_STR(row.cell[OPP_IS_WON], "false");
  CHECK_STR(row.cell[OPP_REVENUE], "0.00");
  CHECK_STR(row.cell[OPP_ELIGIBLE_TOUCHES], "4294967295");
  dataset_release(&ds);
}

/* The period labels follow `period` and the fiscal year. */
static void test_period_labels(void) {
  struct opp_row row;
  dataset_init(&ds);
  /* Created Monday 2024-12-30 (ISO 2025-W01), closed Sunday 2024-12-29
   * (2024-W52) and ... */
  add_opp("006A", ts(2024, 12, 30, 0, 0), day(2024, 12, 29), DS_OPP_CLOSED | DS_OPP_WON);
  struct period_cfg week = {PERIOD_WEEK, 1}, dayp = {PERIOD_DAY, 1};
  struct period_cfg fq = {PERIOD_QUARTER, 2}, fy = {PERIOD_YEAR, 4}, q = {PERIOD_QUARTER, 1};
  opp_row_build(&row, &ds, 0, &week, 1, 1);
  CHECK_STR(row.cell[OPP_CREATED_PERIOD], "2025-W01");
  CHECK_STR(row.cell[OPP_CLOSE_PERIOD], "2024-W52");
  opp_row_build(&row, &ds, 0, &dayp, 1, 1);
  CHECK_STR(row.cell[OPP_CREATED_PERIOD], "2024-12-30");
  CHECK_STR(row.cell[OPP_CLOSE_PERIOD], "2024-12-29");
  /* Fiscal year from February: December is Q4 of FY2025. */
  opp_row_build(&row, &ds, 0, &fq, 1, 1);
  CHECK_STR(row.cell[OPP_CREATED_PERIOD], "FY2025-Q4");
  opp_row_build(&row, &ds, 0, &fy, 1, 1);
  CHECK_STR(row.cell[OPP_CREATED_PERIOD], "FY2025");
  opp_row_build(&row, &ds, 0, &q, 1, 1);
  CHECK_STR(row.cell[OPP_CREATED_PERIOD], "2024-Q4");
  dataset_release(&ds);
}

/* Rows: created within the emitted periods, or won and closed within them. */
static void test_coverage(void) {
  struct period_cfg month = {PERIOD_MONTH, 1};
  struct emit_range r;
  dataset_init(&ds);
  const uint32_t won = DS_OPP_CLOSED | DS_OPP_WON;
  add_opp("006a-created-in", ts(2024, 3, 1, 0, 0), day(2024, 9, 1), won);       /* won after */
  add_opp("006b-won-in", ts(2023, 12, 31, 23, 59), day(2024, 3, 31), won);      /* created before */
  add_opp("006c-lost-in", ts(2023, 12, 31, 23, 59), day(2024, 3, 15), DS_OPP_CLOSED);
  add_opp("006d-open-before", ts(2023, 11, 1, 0, 0), day(2024, 3, 15), 0);
  add_opp("006e-after", ts(2024, 5, 1, 0, 0), day(2024, 5, 2), won);
  add_opp("006f-last-second", ts(2024, 4, 30, 23, 59) + 59, day(2024, 6, 1), 0);
  /* --from 2024-02-10 --to 2024-04-03: the periods 2024-02 .. 2024-04. */
  range_build(&r, &month, day(2024, 2, 10), day(2024, 4, 3));
  uint8_t *cover = coverage_build(&ds, &r);
  CHECK_I64(cover[0], COVER_CREATED);
  CHECK_I64(cover[1], COVER_WON);
  CHECK_I64(cover[2], 0);
  CHECK_I64(cover[3], 0);
  CHECK_I64(cover[4], 0);
  CHECK_I64(cover[5], COVER_CREATED);
  free(cover);
  range_release(&r);
  dataset_release(&ds);
}

int main(void) {
  test_header();
  test_won_row();
  test_open_and_lost();
  test_period_labels();
  test_coverage();
  return check_exit();
}
