/* The funnel's pure part (transforms/funnel_stages.h, transforms/funnel.h,
 * contract §5.6 and §7 `[funnel] stages`): the stage list and its errors,
 * top(O) and reach, entry and exit of each stage, the lower median, the
 * two number formats, and the rows with their counts and order. Each
 * boundary is tested on both sides. */
#include <stdlib.h>

#include "tests/unit/check.h"
#include "transforms/funnel.h"
#include "transforms/funnel_stages.h"

#define DAY 86400

/* --- Stage list ------------------------------------------------------------ */

static void parse_ok(struct funnel_stages *st, const char *text) {
  struct strbuf why = STRBUF_INIT;
  CHECK(funnel_stages_parse(st, text, &why) == 0);
  if (why.len)
    fprintf(stderr, "  unexpected error: %s\n", why.buf);
  strbuf_release(&why);
}

static void parse_error(const char *text, const char *want) {
  struct funnel_stages st = {NULL, 0};
  struct strbuf why = STRBUF_INIT;
  CHECK(funnel_stages_parse(&st, text, &why) < 0);
  CHECK_STR(strbuf_str(&why), want);
  CHECK(st.n == 0 && st.names == NULL);
  strbuf_release(&why);
}

static void test_stage_list(void) {
  struct funnel_stages st = {NULL, 0};
  parse_ok(&st, FUNNEL_DEFAULT_STAGES);
  CHECK_I64(st.n, 8);
  CHECK_STR(st.names[0], "Prospecting");
  CHECK_STR(st.names[4], "Id. Decision Makers");
  CHECK_STR(st.names[7], "Negotiation/Review");
  /* replacing a list frees the old one (ASan would see a leak) */
  parse_ok(&st, " \tDiscovery ,Demo,  Trial\r");
  CHECK_I64(st.n, 3);
  CHECK_STR(st.names[0], "Discovery");
  CHECK_STR(st.names[2], "Trial");
  parse_ok(&st, "Solo");
  CHECK_I64(st.n, 1);
  /* inner spaces are part of the name */
  parse_ok(&st, "Needs  Analysis,needs analysis");
  CHECK_I64(st.n, 2); /* case-sensitive: two stages */
  CHECK_STR(st.names[0], "Needs  Analysis");
  funnel_stages_release(&st);
  funnel_stages_release(&st); /* idempotent */

  parse_error("", "empty stage name in ''");
  parse_error("   ", "empty stage name in '   '");
  parse_error("A,,B", "empty stage name in 'A,,B'");
  parse_error("A, ,B", "empty stage name in 'A, ,B'");
  parse_error("A,B,", "empty stage name in 'A,B,'");
  parse_error(",A", "empty stage name in ',A'");
  parse_error("A, B, A", "stage 'A' is listed twice");
  parse_error("Demo,  Demo  ", "stage 'Demo' is listed twice");

  /* a failed parse leaves the previous list alone */
  struct funnel_stages keep = {NULL, 0};
  struct strbuf why = STRBUF_INIT;
  parse_ok(&keep, "X,Y");
  CHECK(funnel_stages_parse(&keep, "X,X", &why) < 0);
  CHECK_I64(keep.n, 2);
  funnel_stages_release(&keep);
  strbuf_release(&why);
}

static void test_stage_position(void) {
  struct funnel_stages st = {NULL, 0};
  parse_ok(&st, FUNNEL_DEFAULT_STAGES);
  CHECK_I64(funnel_stage_position(&st, "Qualification", 13), 1);
  /* a name with surrounding spaces is found once trimmed */
  CHECK_I64(funnel_stage_position(&st, "  Qualification\t", 16), 1);
  CHECK_I64(funnel_stage_position(&st, "\r\nNegotiation/Review \n", 22), 7);
  /* not in the list: other case, other name, a prefix, empty */
  CHECK_I64(funnel_stage_position(&st, "qualification", 13), FUNNEL_NO_STAGE);
  CHECK_I64(funnel_stage_position(&st, "Closed Won", 10), FUNNEL_NO_STAGE);
  CHECK_I64(funnel_stage_position(&st, "Qualificatio", 12), FUNNEL_NO_STAGE);
  CHECK_I64(funnel_stage_position(&st, "Qualification.", 14), FUNNEL_NO_STAGE);
  CHECK_I64(funnel_stage_position(&st, "", 0), FUNNEL_NO_STAGE);
  CHECK_I64(funnel_stage_position(&st, "   ", 3), FUNNEL_NO_STAGE);
  /* only the first n bytes count */
  CHECK_I64(funnel_stage_position(&st, "Prospecting, more", 11), 0);
  size_t n = 6;
  const char *t = funnel_trim("  ab c  ", &n);
  CHECK(n == 4 && memcmp(t, "ab c", 4) == 0);
  funnel_stages_release(&st);
}

/* --- top(O) and reach -------------------------------------------------------- */

/* Stages 0..7 as in the default list. */
#define NST 8

static struct funnel_opp opp_with(const struct funnel_step *steps, size_t n, int32_t current,
                                  bool closed, bool won) {
  struct funnel_opp o;
  memset(&o, 0, sizeof(o));
  o.steps = steps;
  o.nsteps = n;
  o.created = 1000 * DAY;
  o.current = current;
  o.closed = closed;
  o.won = won;
  return o;
}

static void test_top(void) {
  struct funnel_step h[] = {{1000 * DAY, 0}, {1001 * DAY, 2}, {1002 * DAY, 1}};
  struct funnel_opp o;

  /* from StageName alone (no history) */
  o = opp_with(NULL, 0, 3, false, false);
  CHECK_I64(funnel_top(&o, NST), 3);
  o = opp_with(NULL, 0, FUNNEL_NO_STAGE, true, false); /* "Closed Lost", no history */
  CHECK_I64(funnel_top(&o, NST), FUNNEL_NO_STAGE);
  /* the history goes higher than the current stage (a return to an earlier stage) */
  o = opp_with(h, 3, 1, false, false);
  CHECK_I64(funnel_top(&o, NST), 2);
  /* the current stage is higher than the history */
  o = opp_with(h, 3, 5, false, false);
  CHECK_I64(funnel_top(&o, NST), 5);
  /* lost with a StageName of no configured stage: the history decides */
  o = opp_with(h, 2, FUNNEL_NO_STAGE, true, false);
  CHECK_I64(funnel_top(&o, NST), 2);
  /* only unknown stages in the history */
  struct funnel_step unknown[] = {{1000 * DAY, FUNNEL_NO_STAGE}, {1001 * DAY, FUNNEL_NO_STAGE}};
  o = opp_with(unknown, 2, FUNNEL_NO_STAGE, false, false);
  CHECK_I64(funnel_top(&o, NST), FUNNEL_NO_STAGE);
  /* won without the last stage: the last position, with or without history */
  o = opp_with(h, 3, FUNNEL_NO_STAGE, true, true);
  CHECK_I64(funnel_top(&o, NST), NST - 1);
  o = opp_with(NULL, 0, FUNNEL_NO_STAGE, true, true);
  CHECK_I64(funnel_top(&o, NST), NST - 1);
  /* a custom shorter list: the last position is 2 */
  o = opp_with(NULL, 0, FUNNEL_NO_STAGE, true, true);
  CHECK_I64(funnel_top(&o, 3), 2);
  /* the first stage only */
  o = opp_with(NULL, 0, 0, false, false);
  CHECK_I64(funnel_top(&o, NST), 0);
}

/* --- Entry and exit ---------------------------------------------------------- */

static void test_stints(void) {
  struct funnel_stint st[NST];
  struct funnel_opp o;
  const int64_t c = 1000 * DAY;

  /* entered at the opportunity's creation (0) and one second after (1);
   * a stint that never ends has no days_in_stage */
  struct funnel_step at_creation[] = {{c, 0}};
  o = opp_with(at_creation, 1, 0, false, false);
  funnel_stints(&o, NST, st);
  CHECK_I64(st[0].to_reach, 0);
  CHECK_I64(st[0].in_stage, FUNNEL_NO_VALUE);
  struct funnel_step after[] = {{c + 1, 0}, {c + 1 + 3 * DAY, 1}};
  o = opp_with(after, 2, 1, false, false);
  funnel_stints(&o, NST, st);
  CHECK_I64(st[0].to_reach, 1);
  CHECK_I64(st[0].in_stage, 3 * DAY); /* ends: has a value */
  CHECK_I64(st[1].to_reach, 1 + 3 * DAY);
  CHECK_I64(st[1].in_stage, FUNNEL_NO_VALUE); /* never ends */
  /* rows changing only the amount (same stage) do not end the stint */
  struct funnel_step amounts[] = {{c, 0}, {c + DAY, 0}, {c + 2 * DAY, 0}, {c + 5 * DAY, 1}};
  o = opp_with(amounts, 4, 1, false, false);
  funnel_stints(&o, NST, st);
  CHECK_I64(st[0].in_stage, 5 * DAY);
  /* a skipped stage: reached (top 3) but no timing for 1 and 2 */
  struct funnel_step skip[] = {{c, 0}, {c + 2 * DAY, 3}, {c + 9 * DAY, 3}};
  o = opp_with(skip, 3, 3, false, false);
  CHECK_I64(funnel_top(&o, NST), 3);
  funnel_stints(&o, NST, st);
  CHECK_I64(st[0].in_stage, 2 * DAY);
  CHECK_I64(st[1].to_reach, FUNNEL_NO_VALUE);
  CHECK_I64(st[2].in_stage, FUNNEL_NO_VALUE);
  CHECK_I64(st[3].to_reach, 2 * DAY);
  CHECK_I64(st[3].in_stage, FUNNEL_NO_VALUE);
  /* a return to an earlier stage: entry = the first row, exit = the
   * first later row that differs; the second visit changes nothing */
  struct funnel_step back[] = {{c, 0}, {c + DAY, 1}, {c + 4 * DAY, 0}, {c + 10 * DAY, 1},
                               {c + 12 * DAY, 2}};
  o = opp_with(back, 5, 2, false, false);
  funnel_stints(&o, NST, st);
  CHECK_I64(st[0].to_reach, 0);
  CHECK_I64(st[0].in_stage, DAY);
  CHECK_I64(st[1].to_reach, DAY);
  CHECK_I64(st[1].in_stage, 3 * DAY);
  CHECK_I64(st[2].to_reach, 12 * DAY);
  CHECK_I64(st[2].in_stage, FUNNEL_NO_VALUE);
  /* a row of no configured stage ends the stint too ("Closed Lost") */
  struct funnel_step lost[] = {{c, 1}, {c + 7 * DAY, FUNNEL_NO_STAGE}};
  o = opp_with(lost, 2, FUNNEL_NO_STAGE, true, false);
  funnel_stints(&o, NST, st);
  CHECK_I64(st[1].in_stage, 7 * DAY);
  CHECK_I64(st[0].to_reach, FUNNEL_NO_VALUE);
  /* an unknown first row, then a stage */
  struct funnel_step unknown_first[] = {{c, FUNNEL_NO_STAGE}, {c + DAY, 0}, {c + DAY, 1}};
  o = opp_with(unknown_first, 3, 1, false, false);
  funnel_stints(&o, NST, st);
  CHECK_I64(st[0].to_reach, DAY);
  CHECK_I64(st[0].in_stage, 0); /* two rows at the same second */
  /* history before the opportunity's CreatedDate: negative days to reach */
  struct funnel_step early[] = {{c - 2 * DAY, 0}};
  o = opp_with(early, 1, 0, false, false);
  funnel_stints(&o, NST, st);
  CHECK_I64(st[0].to_reach, -2 * DAY);
  /* a row without a time (an empty CreatedDate) counts for top(O) but
   * neither enters nor ends a stint */
  struct funnel_step undated[] = {{FUNNEL_NO_VALUE, 3}, {c, 0}, {c + 2 * DAY, 1}};
  o = opp_with(undated, 3, FUNNEL_NO_STAGE, false, false);
  CHECK_I64(funnel_top(&o, NST), 3);
  funnel_stints(&o, NST, st);
  CHECK_I64(st[3].to_reach, FUNNEL_NO_VALUE);
  CHECK_I64(st[0].in_stage, 2 * DAY);
  struct funnel_step undated_mid[] = {{c, 0}, {FUNNEL_NO_VALUE, 1}, {c + 5 * DAY, 0},
                                      {c + 6 * DAY, 2}};
  o = opp_with(undated_mid, 4, 2, false, false);
  funnel_stints(&o, NST, st);
  CHECK_I64(st[0].in_stage, 6 * DAY); /* the undated row did not end it */
  CHECK_I64(st[1].to_reach, FUNNEL_NO_VALUE);
  CHECK_I64(st[2].to_reach, 6 * DAY);
  /* a shorter list: positions past its end never occur, nothing breaks */
  struct funnel_step two[] = {{c, 0}, {c + DAY, 1}};
  o = opp_with(two, 2, 1, false, false);
  struct funnel_stint st2[2];
  funnel_stints(&o, 2, st2);
  CHECK_I64(st2[0].in_stage, DAY);
  CHECK_I64(st2[1].to_reach, DAY);
}

/* --- Median and formats ----------------------------------------------------- */

static void test_median(void) {
  int64_t one[] = {7};
  CHECK_I64(funnel_lower_median(one, 1), 7);
  int64_t two[] = {9, 3};
  CHECK_I64(funnel_lower_median(two, 2), 3); /* lower of two, not the mean 6 */
  int64_t three[] = {9, 3, 5};
  CHECK_I64(funnel_lower_median(three, 3), 5);
  int64_t four[] = {40, 10, 30, 20};
  CHECK_I64(funnel_lower_median(four, 4), 20);
  int64_t five[] = {50, -10, 30, 20, 40};
  CHECK_I64(funnel_lower_median(five, 5), 30);
  int64_t ties[] = {2, 2, 1, 2};
  CHECK_I64(funnel_lower_median(ties, 4), 2);
  int64_t neg[] = {-5, -1};
  CHECK_I64(funnel_lower_median(neg, 2), -5);
}

static void test_formats(void) {
  char b[32];
  funnel_format_conversion(2, 3, b);
  CHECK_STR(b, "0.6667");
  funnel_format_conversion(1, 3, b);
  CHECK_STR(b, "0.3333");
  funnel_format_conversion(0, 5, b);
  CHECK_STR(b, "0.0000");
  funnel_format_conversion(5, 5, b);
  CHECK_STR(b, "1.0000");
  funnel_format_conversion(1, 32, b); /* 0.03125: half away from zero */
  CHECK_STR(b, "0.0313");
  funnel_format_conversion(1, 20000, b); /* 0.00005 exactly: up */
  CHECK_STR(b, "0.0001");
  funnel_format_conversion(1, 20001, b); /* just below: down */
  CHECK_STR(b, "0.0000");
  funnel_format_conversion(19999, 20000, b); /* 0.99995: up to 1 */
  CHECK_STR(b, "1.0000");
  funnel_format_conversion(19998, 20000, b); /* 0.9999 */
  CHECK_STR(b, "0.9999");

  funnel_format_days(0, b);
  CHECK_STR(b, "0.0");
  funnel_format_days(DAY, b);
  CHECK_STR(b, "1.0");
  funnel_format_days(DAY + DAY / 2, b);
  CHECK_STR(b, "1.5");
  funnel_format_days(4320, b); /* 0.05 day: half away from zero */
  CHECK_STR(b, "0.1");
  funnel_format_days(4319, b);
  CHECK_STR(b, "0.0");
  funnel_format_days(-4320, b);
  CHECK_STR(b, "-0.1");
  funnel_format_days(-4319, b); /* rounds to zero: no "-0.0" */
  CHECK_STR(b, "0.0");
  funnel_format_days(-(DAY + DAY / 2), b);
  CHECK_STR(b, "-1.5");
  funnel_format_days(12 * DAY + 8639, b); /* 12.0999.. */
  CHECK_STR(b, "12.1");
  funnel_format_days(365LL * 100 * DAY, b);
  CHECK_STR(b, "36500.0");
}

/* --- Rows ---------------------------------------------------------------------- */

static const struct funnel_row *find_row(const struct funnel_rows *r, uint32_t period,
                                         uint32_t dim, uint32_t group, uint32_t stage) {
  for (size_t i = 0; i < r->n; i++) {
    const struct funnel_row *x = &r->rows[i];
    if (x->period == period && x->dim == dim && x->group == group && x->stage == stage)
      return x;
  }
  return NULL;
}

static struct funnel_opp cohort_opp(uint32_t period, uint32_t campaign, uint32_t source,
                                    int32_t current, bool closed, bool won, int64_t pipeline,
                                    const struct funnel_step *steps, size_t n) {
  struct funnel_opp o = opp_with(steps, n, current, closed, won);
  o.period = period;
  o.group[FUNNEL_DIM_ALL] = 0;
  o.group[FUNNEL_DIM_CAMPAIGN] = campaign;
  o.group[FUNNEL_DIM_LEAD_SOURCE] = source;
  o.pipeline = pipeline;
  return o;
}

static void test_rows(void) {
  const int64_t c = 1000 * DAY;
  /* four stages; period 0 has A (won early), B (lost at 1), C (open at 2,
   * skipped 1), D (no stage: never counted); period 1 has E (open at 0);
   * F is outside the range */
  struct funnel_step a[] = {{c, 0}, {c + 2 * DAY, 1}};
  struct funnel_step b[] = {{c + DAY, 0}, {c + 5 * DAY, 1}, {c + 9 * DAY, FUNNEL_NO_STAGE}};
  struct funnel_step cc[] = {{c, 0}, {c + 4 * DAY, 2}};
  struct funnel_opp opps[] = {
      cohort_opp(0, 1, 0, FUNNEL_NO_STAGE, true, true, 1000, a, 2),
      cohort_opp(0, 1, 1, FUNNEL_NO_STAGE, true, false, 200, b, 3),
      cohort_opp(0, 0, 1, 2, false, false, 30, cc, 2),
      cohort_opp(0, 0, 0, FUNNEL_NO_STAGE, true, false, 4, NULL, 0),
      cohort_opp(1, 0, 0, 0, false, false, 5, NULL, 0),
      cohort_opp(FUNNEL_NOT_EMITTED, 0, 0, 3, false, false, 6, NULL, 0),
  };
  struct funnel_rows r;
  funnel_build(&r, opps, 6, 4);

  /* period 0, all: stage 0 reached by A, B, C */
  const struct funnel_row *x = find_row(&r, 0, FUNNEL_DIM_ALL, 0, 0);
  CHECK(x != NULL);
  if (x) {
    CHECK_I64(x->reached, 3);
    CHECK_I64(x->reached_pipeline, 1230);
    CHECK_I64(x->advanced, 3);
    CHECK_I64(x->won, 1);
    CHECK_I64(x->lost, 0);
    CHECK_I64(x->open, 0);
    /* in_stage: A 2d, B 4d, C 4d -> lower median 4d; to_reach 0, 1d, 0 -> 0 */
    CHECK_I64(x->median_in_stage, 4 * DAY);
    CHECK_I64(x->median_to_reach, 0);
  }
  /* stage 1: A (won), B (lost here), C (skipped it) */
  x = find_row(&r, 0, FUNNEL_DIM_ALL, 0, 1);
  CHECK(x != NULL);
  if (x) {
    CHECK_I64(x->reached, 3);
    CHECK_I64(x->advanced, 2); /* A won, C beyond */
    CHECK_I64(x->lost, 1);
    CHECK_I64(x->open, 0);
    /* in_stage: A never ends, B 4d -> 4d; to_reach A 2d, B 5d: even n -> 2d */
    CHECK_I64(x->median_in_stage, 4 * DAY);
    CHECK_I64(x->median_to_reach, 2 * DAY);
  }
  /* stage 2: A (won, passed every stage), C (open here) */
  x = find_row(&r, 0, FUNNEL_DIM_ALL, 0, 2);
  CHECK(x != NULL);
  if (x) {
    CHECK_I64(x->reached, 2);
    CHECK_I64(x->advanced, 1);
    CHECK_I64(x->open, 1);
    CHECK_I64(x->median_in_stage, FUNNEL_NO_VALUE);
    CHECK_I64(x->median_to_reach, 4 * DAY);
  }
  /* stage 3 (last): only the won one; advanced = won */
  x = find_row(&r, 0, FUNNEL_DIM_ALL, 0, 3);
  CHECK(x != NULL);
  if (x) {
    CHECK_I64(x->reached, 1);
    CHECK_I64(x->advanced, 1);
    CHECK_I64(x->won, 1);
    CHECK_I64(x->median_to_reach, FUNNEL_NO_VALUE);
  }
  /* campaign group 0 of period 0 holds C only (D reaches no stage) */
  x = find_row(&r, 0, FUNNEL_DIM_CAMPAIGN, 0, 0);
  CHECK(x && x->reached == 1 && x->reached_pipeline == 30);
  CHECK(find_row(&r, 0, FUNNEL_DIM_CAMPAIGN, 0, 3) == NULL); /* reached 0: no row */
  x = find_row(&r, 0, FUNNEL_DIM_LEAD_SOURCE, 1, 1);
  CHECK(x && x->reached == 2 && x->lost == 1 && x->advanced == 1);
  /* period 1: E open at stage 0, no timing */
  x = find_row(&r, 1, FUNNEL_DIM_ALL, 0, 0);
  CHECK(x && x->reached == 1 && x->open == 1 && x->median_in_stage == FUNNEL_NO_VALUE);
  CHECK(find_row(&r, 1, FUNNEL_DIM_ALL, 0, 1) == NULL);
  /* F (not emitted) is nowhere: only 2 periods */
  for (size_t i = 0; i < r.n; i++)
    CHECK(r.rows[i].period <= 1);

  /* order: period, dim, group, stage; and the row count */
  for (size_t i = 1; i < r.n; i++) {
    const struct funnel_row *p = &r.rows[i - 1], *q = &r.rows[i];
    uint64_t kp = (uint64_t)p->period << 48 | (uint64_t)p->dim << 40 | (uint64_t)p->group << 16 |
                  p->stage;
    uint64_t kq = (uint64_t)q->period << 48 | (uint64_t)q->dim << 40 | (uint64_t)q->group << 16 |
                  q->stage;
    CHECK(kp < kq);
  }
  /* period 0: all 4 stages; campaign 0 (C: 3), campaign 1 (A: 4); lead
   * source 0 (A: 4), lead source 1 (B, C: 3); period 1: 1 + 1 + 1 */
  CHECK_I64(r.n, 4 + 3 + 4 + 4 + 3 + 3);
  funnel_rows_release(&r);

  /* won but not closed (Salesforce never writes it): won and advanced at
   * every stage, and open at its furthest (the last) stage, as defined */
  struct funnel_opp odd[] = {cohort_opp(0, 0, 0, 0, false, true, 9, NULL, 0),
                             cohort_opp(0, 0, 0, 1, false, false, 1, NULL, 0)};
  funnel_build(&r, odd, 2, 3);
  CHECK_I64(r.n, 3 * 3);
  x = find_row(&r, 0, FUNNEL_DIM_ALL, 0, 1);
  CHECK(x && x->reached == 2 && x->advanced == 1 && x->open == 1 && x->won == 1);
  x = find_row(&r, 0, FUNNEL_DIM_ALL, 0, 2);
  CHECK(x && x->reached == 1 && x->advanced == 1 && x->open == 1 && x->won == 1 && x->lost == 0);
  funnel_rows_release(&r);

  /* no stage reached anywhere: no rows */
  struct funnel_opp none[] = {cohort_opp(0, 0, 0, FUNNEL_NO_STAGE, true, false, 1, NULL, 0)};
  funnel_build(&r, none, 1, 4);
  CHECK_I64(r.n, 0);
  funnel_rows_release(&r);
  funnel_build(&r, NULL, 0, 4);
  CHECK_I64(r.n, 0);
  funnel_rows_release(&r);
}

int main(void) {
  test_stage_list();
  test_stage_position();
  test_top();
  test_stints();
  test_median();
  test_formats();
  test_rows();
  return check_exit();
}
