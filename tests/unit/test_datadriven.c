/* The data-driven models end to end over a small data set built in memory
 * (contract §4.1): which journeys the data makes (closed opportunities,
 * converting when won; people linked to no opportunity, touches up to
 * as_of; open opportunities and their people left out; account_based
 * linking), the fit worked by hand, the touch weights (shares per channel,
 * shared by its touches, 1/k when every value is 0) and the money split
 * through attribute_opp, weights summing to 1 within 1e-9, and the worked
 * example of docs/data-driven-models.md. */
#include "transforms/datadriven.h"

#include <math.h>
#include <stdlib.h>

#include "tests/unit/check.h"
#include "transforms/attribution.h"
#include "transforms/credit.h"
#include "transforms/base/xalloc.h"

#define DAY 86400
#define NEAR(got, want) CHECK(fabs((got) - (want)) <= 1e-15)

/* Channel slots, in bytewise order as the tables number them. */
static const char *const CHANNELS[] = {"Display", "Email", "Events", "Paid Search", "Unused", "Web"};
enum { DISPLAY, EMAIL, EVENTS, PAID, UNUSED, WEB, NSLOTS };

static struct dataset ds;
static uint32_t *touch_chan;

static str_id S(const char *s) { return strpool_interns(&ds.strings, s); }

/* Persons in key order. */
static uint32_t person(const char *key, const char *account) {
  ds.persons = xreallocarray(ds.persons, ds.npersons + 1, sizeof(*ds.persons));
  struct ds_person *p = &ds.persons[ds.npersons];
  memset(p, 0, sizeof(*p));
  p->key = S(key);
  p->account = S(account);
  return (uint32_t)ds.npersons++;
}

/* Touches in (person, time, touch_id) order. */
static void touch(const char *id, uint32_t p, int day, int slot) {
  ds.touches = xreallocarray(ds.touches, ds.ntouches + 1, sizeof(*ds.touches));
  touch_chan = xreallocarray(touch_chan, ds.ntouches + 1, sizeof(*touch_chan));
  struct ds_touch *t = &ds.touches[ds.ntouches];
  memset(t, 0, sizeof(*t));
  t->touch_id = S(id);
  t->channel = S(CHANNELS[slot]);
  t->person = p;
  t->campaign = DS_NONE;
  t->time = (int64_t)day * DAY;
  touch_chan[ds.ntouches++] = (uint32_t)slot;
}

/* Opportunities in id order; flags DS_OPP_CLOSED | DS_OPP_WON. */
static uint32_t opp(const char *id, const char *account, int created, int closed, unsigned flags,
                    int64_t cents) {
  ds.opps = xreallocarray(ds.opps, ds.nopps + 1, sizeof(*ds.opps));
  struct ds_opportunity *o = &ds.opps[ds.nopps];
  memset(o, 0, sizeof(*o));
  o->id = S(id);
  o->account = S(account);
  o->campaign = DS_NONE;
  o->created = (int64_t)created * DAY;
  o->close_end = (int64_t)closed * DAY + DAY - 1;
  o->close_day = closed;
  o->flags = flags;
  o->pipeline_cents = cents;
  o->revenue_cents = (flags & DS_OPP_WON) ? cents : 0;
  return (uint32_t)ds.nopps++;
}

/* Links in (opp, person) order. */
static void link_to(uint32_t o, uint32_t p) {
  ds.links = xreallocarray(ds.links, ds.nlinks + 1, sizeof(*ds.links));
  ds.links[ds.nlinks].opp = o;
  ds.links[ds.nlinks++].person = p;
}

#define AS_OF ((int64_t)100 * DAY)

/* P1 -> O1 (won):  Paid Search d10, Paid Search d11, Email d12
 * P2 -> O2 (lost): Events d5
 * P3 -> O3 (open): Email d40                         (no journey)
 * P4 unlinked:     Events d1, Paid Search d2, Paid Search d150 (after as_of)
 * P5 unlinked, account ACC1 (O1's account): Web d3
 * P6 unlinked:     Email d200 only (after as_of: no journey)
 * P7 -> O4 (won, no touch: no journey)
 * P8 -> O5 (open): Web d50, Display d51, Display d52 (no journey) */
static void build(void) {
  dataset_init(&ds);
  uint32_t p1 = person("P1", "ACC1"), p2 = person("P2", ""), p3 = person("P3", "");
  uint32_t p4 = person("P4", ""), p5 = person("P5", "ACC1"), p6 = person("P6", "");
  uint32_t p7 = person("P7", ""), p8 = person("P8", "");
  touch("cm:1", p1, 10, PAID);
  touch("cm:2", p1, 11, PAID);
  touch("ma:3", p1, 12, EMAIL);
  touch("cm:4", p2, 5, EVENTS);
  touch("ma:5", p3, 40, EMAIL);
  touch("cm:6", p4, 1, EVENTS);
  touch("ma:7", p4, 2, PAID);
  touch("ma:8", p4, 150, PAID);
  touch("ma:9", p5, 3, WEB);
  touch("ma:10", p6, 200, EMAIL);
  touch("ma:11", p8, 50, WEB);
  touch("ma:12", p8, 51, DISPLAY);
  touch("ma:13", p8, 52, DISPLAY);
  uint32_t o1 = opp("O1", "ACC1", 20, 30, DS_OPP_CLOSED | DS_OPP_WON, 1001);
  uint32_t o2 = opp("O2", "", 20, 30, DS_OPP_CLOSED, 500);
  uint32_t o3 = opp("O3", "", 45, 90, 0, 700);
  uint32_t o4 = opp("O4", "", 20, 30, DS_OPP_CLOSED | DS_OPP_WON, 900);
  uint32_t o5 = opp("O5", "", 55, 90, 0, 100);
  link_to(o1, p1);
  link_to(o2, p2);
  link_to(o3, p3);
  link_to(o4, p7);
  link_to(o5, p8);
}

/* Journeys without account_based:
 *   O1: Paid Search, Email -> CONV (the two Paid Search touches merged)
 *   O2: Events -> NULL;  P4: Events, Paid Search -> NULL;  P5: Web -> NULL
 * START->Paid Search 1, START->Events 2, START->Web 1; Paid Search->Email 1,
 * Paid Search->NULL 1; Email->CONV 1; Events->NULL 1, Events->Paid Search 1;
 * Web->NULL 1. h_Email = 1, h_PaidSearch = 1/2, h_Events = 1/4, h_Web = 0;
 * p = 1/4 * 1/2 + 2/4 * 1/4 = 1/4. Removing Email or Paid Search leaves
 * no way to CONV: RE 1. Removing Events leaves START->Paid Search:
 * p_-Events = 1/8, RE 1/2. Web leads only to NULL: RE 0.
 * Shapley: one converting journey {Paid Search, Email}: 1/2 each. */
static void fit_by_hand(const struct linkage *lk, struct dd_fit *f) {
  dd_fit_build(f, &ds, lk, touch_chan, NSLOTS, AS_OF, false);
  CHECK_I64(f->njourneys, 4);
  CHECK_I64(f->nconv, 1);
  CHECK_I64(f->journeys[PAID], 2);
  CHECK_I64(f->journeys[EVENTS], 2);
  CHECK_I64(f->journeys[EMAIL], 1);
  CHECK_I64(f->journeys[WEB], 1);
  CHECK_I64(f->journeys[DISPLAY], 0);
  CHECK_I64(f->journeys[UNUSED], 0);
  CHECK_I64(f->conversions[PAID], 1);
  CHECK_I64(f->conversions[EMAIL], 1);
  CHECK_I64(f->conversions[EVENTS], 0);
  NEAR(f->p, 0.25);
  NEAR(f->re[EMAIL], 1.0);
  NEAR(f->re[PAID], 1.0);
  NEAR(f->re[EVENTS], 0.5);
  CHECK(f->re[WEB] == 0.0 && f->re[DISPLAY] == 0.0 && f->re[UNUSED] == 0.0);
  NEAR(f->phi[PAID], 0.5);
  NEAR(f->phi[EMAIL], 0.5);
  CHECK(f->phi[EVENTS] == 0.0 && f->phi[WEB] == 0.0);
}

/* With account_based, P5 shares O1's account: linked to O1, so no journey
 * of its own, and its Web touch (day 3) is eligible for O1, whose journey
 * becomes Web, Paid Search, Email -> CONV. */
static void account_based(const struct linkage *lk) {
  struct dd_fit f;
  dd_fit_build(&f, &ds, lk, touch_chan, NSLOTS, AS_OF, true);
  CHECK_I64(f.njourneys, 3);
  CHECK_I64(f.journeys[WEB], 1);
  CHECK_I64(f.conversions[WEB], 1);
  dd_fit_release(&f);
}

/* as_of earlier: O1's touches are still eligible up to as_of (its window
 * is cut), P4's Paid Search on day 2 falls out with as_of = day 1. */
static void earlier_as_of(void) {
  struct linkage lk;
  struct dd_fit f;
  linkage_build(&lk, &ds, 1 * DAY, 365, false, NULL);
  dd_fit_build(&f, &ds, &lk, touch_chan, NSLOTS, 1 * DAY, false);
  /* Only P4's Events (day 1 at 00:00) is at or before as_of. */
  CHECK_I64(f.njourneys, 1);
  CHECK_I64(f.journeys[EVENTS], 1);
  CHECK_I64(f.journeys[PAID], 0);
  dd_fit_release(&f);
  linkage_release(&lk);
}

static void credits(const struct linkage *lk, const struct dd_fit *f) {
  struct attr_ctx ctx = {&ds, lk, 7.0, f, touch_chan};
  struct model_def markov = {.kind = MODEL_MARKOV};
  struct model_def shapley = {.kind = MODEL_SHAPLEY};
  struct attr_scratch s;
  struct opp_credits oc;
  char buf[64];
  attr_scratch_init(&s);

  /* O1 under markov: Paid Search 1 and Email 1 -> 1/2 each channel, Paid
   * Search's half shared by its two touches: 1/4, 1/4, 1/2. 1001 cents:
   * floors 250, 250, 500, the missing cent to the largest remainder (.5). */
  attribute_opp(&ctx, &markov, 0, &s, &oc);
  CHECK(oc.attributed && oc.k == 3 && !oc.rational);
  credit_weight_format(&oc, 0, buf);
  CHECK_STR(buf, "0.250000");
  credit_weight_format(&oc, 2, buf);
  CHECK_STR(buf, "0.500000");
  CHECK_I64(oc.pip[0], 250);
  CHECK_I64(oc.pip[1], 250);
  CHECK_I64(oc.pip[2], 501);
  CHECK_I64(oc.rev[2], 501);
  attribute_opp(&ctx, &shapley, 0, &s, &oc);
  CHECK(oc.attributed && oc.k == 3);
  CHECK_I64(oc.pip[2], 501);

  /* O3 (open, made no journey) is attributed all the same: its one touch. */
  attribute_opp(&ctx, &markov, 2, &s, &oc);
  CHECK(oc.attributed && oc.k == 1);
  CHECK_I64(oc.pip[0], 700);
  CHECK_I64(oc.rev[0], 0);

  /* O4 has no eligible touch: unattributed. */
  attribute_opp(&ctx, &markov, 3, &s, &oc);
  CHECK(!oc.attributed);

  /* O5: Web (RE 0) and Display (in no journey, 0): every value is 0, so
   * 1/3 each, not 1/2 to Web and 1/4 to each Display touch. */
  attribute_opp(&ctx, &markov, 4, &s, &oc);
  CHECK(oc.attributed && oc.k == 3);
  for (size_t i = 0; i < 3; i++) {
    credit_weight_format(&oc, i, buf);
    CHECK_STR(buf, "0.333333");
  }
  CHECK_I64(oc.pip[0] + oc.pip[1] + oc.pip[2], 100);
  CHECK_I64(oc.pip[0], 34); /* 33.33.. each, the cent to the earliest */

  /* Without a fit: 1/k. */
  ctx.fit = NULL;
  attribute_opp(&ctx, &markov, 0, &s, &oc);
  credit_weight_format(&oc, 2, buf);
  CHECK_STR(buf, "0.333333");
  attr_scratch_release(&s);
}

/* Random values and channels: the weights are >= 0 and sum to 1 within
 * 1e-9, each channel's touches share its part equally, count comes back
 * zeroed. */
static void weights_sum_to_one(void) {
  uint64_t st = 99;
  double v[16], w[200];
  uint32_t ch[200], count[16] = {0};
  for (int r = 0; r < 2000; r++) {
    st = st * 6364136223846793005ULL + 1442695040888963407ULL;
    size_t k = 1 + (st >> 33) % 200, nch = 1 + (st >> 20) % 16;
    for (size_t c = 0; c < 16; c++) {
      st = st * 6364136223846793005ULL + 1442695040888963407ULL;
      v[c] = (st >> 40) % 4 == 0 ? 0.0 : (double)(st >> 11) / 9007199254740992.0;
    }
    for (size_t i = 0; i < k; i++) {
      st = st * 6364136223846793005ULL + 1442695040888963407ULL;
      ch[i] = (uint32_t)((st >> 33) % nch);
    }
    dd_touch_weights(v, ch, k, count, w);
    double sum = 0;
    for (size_t i = 0; i < k; i++) {
      CHECK(w[i] >= 0.0);
      sum += w[i];
      size_t j = 0;
      while (j < i && ch[j] != ch[i])
        j++;
      CHECK(j == i || w[j] == w[i]); /* equal to the channel's first touch */
    }
    CHECK(fabs(sum - 1.0) <= 1e-9);
    for (size_t c = 0; c < 16; c++)
      CHECK(count[c] == 0);
  }
}

/* docs/data-driven-models.md: journeys Email, Paid Search, Email -> won;
 * Paid Search, Email, Paid Search -> lost; Events, Email -> won. Markov:
 * p = 2/3, RE Email 1, Events 3/8, Paid Search 1/2 (shares 8/15, 3/15,
 * 4/15); Shapley: Email 1, Events 1/2, Paid Search 1/2. A deal of 1,200.00
 * with touches Events, Paid Search, Paid Search, Email gets 240.00, 160.00,
 * 160.00, 640.00 under markov and 300.00, 150.00, 150.00, 600.00 under
 * shapley. */
static void docs_example(void) {
  enum { EM, EV, PS };
  struct journey_counts jc;
  struct dd_fit f;
  double w[4];
  int64_t cents[4];
  uint32_t count[3] = {0}, deal[4] = {EV, PS, PS, EM};
  journey_counts_init(&jc, 3);
  journey_counts_add(&jc, (const uint32_t[]){EM, PS, EM}, 3, true);
  journey_counts_add(&jc, (const uint32_t[]){PS, EM, PS}, 3, false);
  journey_counts_add(&jc, (const uint32_t[]){EV, EM}, 2, true);
  dd_fit_init(&f, 3);
  dd_fit_from_counts(&f, &jc);
  NEAR(f.p, 2.0 / 3.0);
  NEAR(f.re[EM], 1.0);
  NEAR(f.re[EV], 3.0 / 8.0);
  NEAR(f.re[PS], 0.5);
  NEAR(f.phi[EM], 1.0);
  NEAR(f.phi[EV], 0.5);
  NEAR(f.phi[PS], 0.5);
  CHECK_I64(f.journeys[EM], 3);
  CHECK_I64(f.conversions[PS], 1);
  dd_touch_weights(f.re, deal, 4, count, w);
  split_double(120000, w, 4, cents);
  CHECK_I64(cents[0], 24000);
  CHECK_I64(cents[1], 16000);
  CHECK_I64(cents[2], 16000);
  CHECK_I64(cents[3], 64000);
  dd_touch_weights(f.phi, deal, 4, count, w);
  split_double(120000, w, 4, cents);
  CHECK_I64(cents[0], 30000);
  CHECK_I64(cents[1], 15000);
  CHECK_I64(cents[2], 15000);
  CHECK_I64(cents[3], 60000);
  dd_fit_release(&f);
  journey_counts_release(&jc);
}

int main(void) {
  docs_example();
  struct linkage lk;
  struct dd_fit f;
  build();
  linkage_build(&lk, &ds, AS_OF, 365, false, NULL);
  fit_by_hand(&lk, &f);
  credits(&lk, &f);
  struct linkage lka;
  linkage_build(&lka, &ds, AS_OF, 365, true, NULL);
  account_based(&lka);
  linkage_release(&lka);
  earlier_as_of();
  weights_sum_to_one();
  dd_fit_release(&f);
  linkage_release(&lk);
  dataset_release(&ds);
  free(touch_chan);
  return check_exit();
}
