/* Linking people to opportunities and the eligible-touch window
 * (CONTRACT.md §3.3, §9 "People and touches"): both sides of every window
 * boundary, ordering by (time, touch_id), account_based on and off, a person
 * linked twice, lc_time, selection, the per-opportunity counts of
 * opportunities.csv (people, eligible touches), and the data-set checks. */
#include <stdlib.h>

#include "tests/unit/check.h"
#include "transforms/base/calendar.h"
#include "transforms/link.h"
#include "transforms/base/xalloc.h"

#define DAY 86400

static int64_t ts(int y, int m, int d, int hh, int mm, int ss) {
  return cal_days_from_civil(y, m, d) * DAY + hh * 3600 + mm * 60 + ss;
}

/* --- A small data set built in memory ---------------------------------- */

static struct dataset ds;

static void ds_begin(void) { dataset_init(&ds); }

static str_id S(const char *s) { return strpool_interns(&ds.strings, s); }

/* Persons must be added in key order. */
static uint32_t add_person(const char *key, const char *account, int64_t created) {
  ds.persons = xreallocarray(ds.persons, ds.npersons + 1, sizeof(*ds.persons));
  struct ds_person *p = &ds.persons[ds.npersons];
  memset(p, 0, sizeof(*p));
  p->key = S(key);
  p->account = S(account);
  p->created = created;
  return (uint32_t)ds.npersons++;
}

static void add_touch(const char *id, uint32_t person, int64_t time) {
  ds.touches = xreallocarray(ds.touches, ds.ntouches + 1, sizeof(*ds.touches));
  struct ds_touch *t = &ds.touches[ds.ntouches++];
  memset(t, 0, sizeof(*t));
  t->touch_id = S(id);
  t->channel = S("Other");
  t->person = person;
  t->campaign = DS_NONE;
  t->time = time;
}

/* Opportunities must be added in id order. */
static uint32_t add_opp(const char *id, const char *account, int64_t created, bool closed,
                        int64_t close_end) {
  ds.opps = xreallocarray(ds.opps, ds.nopps + 1, sizeof(*ds.opps));
  struct ds_opportunity *o = &ds.opps[ds.nopps];
  memset(o, 0, sizeof(*o));
  o->id = S(id);
  o->account = S(account);
  o->campaign = DS_NONE;
  o->created = created;
  o->flags = closed ? DS_OPP_CLOSED : 0;
  o->close_end = close_end;
  o->close_day = (int32_t)cal_day_of(close_end);
  return (uint32_t)ds.nopps++;
}

static void add_link(uint32_t opp, uint32_t person) {
  ds.links = xreallocarray(ds.links, ds.nlinks + 1, sizeof(*ds.links));
  ds.links[ds.nlinks].opp = opp;
  ds.links[ds.nlinks++].person = person;
}

static int cmp_touch(const void *a, const void *b) {
  const struct ds_touch *x = a, *y = b;
  if (x->person != y->person)
    return x->person < y->person ? -1 : 1;
  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  return strcmp(ds_str(&ds, x->touch_id), ds_str(&ds, y->touch_id));
}

static int cmp_link(const void *a, const void *b) {
  const struct ds_link *x = a, *y = b;
  if (x->opp != y->opp)
    return x->opp < y->opp ? -1 : 1;
  return x->person < y->person ? -1 : x->person > y->person;
}

/* Establishes the dataset.h sort invariants. */
static void ds_finish(void) {
  qsort(ds.touches, ds.ntouches, sizeof(*ds.touches), cmp_touch);
  qsort(ds.links, ds.nlinks, sizeof(*ds.links), cmp_link);
}

/* The touch ids of opportunity o's eligible touches, joined by ','. */
static const char *eligible(const struct linkage *lk, size_t o) {
  static char buf[512];
  size_t n, len = 0;
  const uint32_t *t = linkage_touches(lk, o, &n);
  buf[0] = '\0';
  for (size_t i = 0; i < n; i++)
    len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? "," : "",
                            ds_str(&ds, ds.touches[t[i]].touch_id));
  return buf;
}

/* link_counts_build over the same arguments as linkage_build: every
 * opportunity's touch count equals its eligible-touch list's length, and
 * its people count is want_people[o]. */
static void check_counts(int64_t as_of, int64_t lookback, bool account_based, const uint8_t *sel,
                         const uint32_t *want_people) {
  struct linkage lk;
  struct link_counts lc;
  linkage_build(&lk, &ds, as_of, lookback, account_based, sel);
  link_counts_build(&lc, &ds, as_of, lookback, account_based, sel);
  CHECK_I64(lc.nopps, ds.nopps);
  for (size_t o = 0; o < ds.nopps; o++) {
    size_t n;
    linkage_touches(&lk, o, &n);
    CHECK_I64(lc.touches[o], n);
    CHECK_I64(lc.people[o], want_people[o]);
  }
  link_counts_release(&lc);
  linkage_release(&lk);
}

/* --- Window boundaries ------------------------------------------------- */

static void test_window_closed(void) {
  int64_t created = ts(2025, 3, 1, 12, 0, 0);
  int64_t close_end = ts(2025, 3, 20, 23, 59, 59);
  int64_t as_of = ts(2025, 6, 30, 23, 59, 59);
  struct linkage lk;

  ds_begin();
  uint32_t p = add_person("003A", "", ts(2025, 1, 1, 0, 0, 0));
  add_touch("t1-lookback-minus-1s", p, created - 10 * DAY - 1);
  add_touch("t2-lookback-exact", p, created - 10 * DAY);
  add_touch("t3-created", p, created);
  add_touch("t4-close-end", p, close_end);
  add_touch("t5-close-end-plus-1s", p, close_end + 1);
  uint32_t o = add_opp("006A", "", created, true, close_end);
  add_link(o, p);
  ds_finish();

  linkage_build(&lk, &ds, as_of, 10, false, NULL);
  CHECK_STR(eligible(&lk, o), "t2-lookback-exact,t3-created,t4-close-end");
  CHECK_I64(lk.end[o], close_end);
  linkage_release(&lk);

  /* lookback_days = 0: the window starts at CreatedDate itself. */
  linkage_build(&lk, &ds, as_of, 0, false, NULL);
  CHECK_STR(eligible(&lk, o), "t3-created,t4-close-end");
  linkage_release(&lk);

  /* The counts see the same boundaries (3, then 2 touches; one person). */
  static const uint32_t one[] = {1};
  struct link_counts lc;
  link_counts_build(&lc, &ds, as_of, 10, false, NULL);
  CHECK_I64(lc.touches[o], 3);
  CHECK_I64(lc.people[o], 1);
  link_counts_release(&lc);
  check_counts(as_of, 10, false, NULL, one);
  check_counts(as_of, 0, false, NULL, one);
  /* A window that is empty (closed before it was created) counts no touch. */
  ds.opps[o].close_end = created - 1;
  check_counts(as_of, 0, false, NULL, one);
  link_counts_build(&lc, &ds, as_of, 0, false, NULL);
  CHECK_I64(lc.touches[o], 0);
  link_counts_release(&lc);
  dataset_release(&ds);
}

static void test_window_open_and_as_of(void) {
  int64_t created = ts(2025, 3, 1, 0, 0, 0);
  int64_t as_of = ts(2025, 4, 1, 10, 0, 0);
  int64_t close_end = ts(2025, 5, 31, 23, 59, 59); /* after as_of */
  struct linkage lk;

  ds_begin();
  uint32_t p = add_person("003A", "", created);
  add_touch("a-at-as-of", p, as_of);
  add_touch("b-after-as-of", p, as_of + 1);
  add_touch("c-before-close-after-as-of", p, close_end - 5);
  uint32_t open = add_opp("006A", "", created, false, close_end);
  uint32_t closed = add_opp("006B", "", created, true, close_end);
  add_link(open, p);
  add_link(closed, p);
  ds_finish();

  linkage_build(&lk, &ds, as_of, 365, false, NULL);
  /* Open: end(O) = as_of; closed after as_of: min(end(O), as_of). */
  CHECK_STR(eligible(&lk, open), "a-at-as-of");
  CHECK_I64(lk.end[open], as_of);
  CHECK_STR(eligible(&lk, closed), "a-at-as-of");
  CHECK_I64(lk.end[closed], as_of);
  linkage_release(&lk);

  /* With as_of past the close: the closed one stops at close_end. */
  linkage_build(&lk, &ds, close_end + DAY, 365, false, NULL);
  CHECK_STR(eligible(&lk, open), "a-at-as-of,b-after-as-of,c-before-close-after-as-of");
  CHECK_STR(eligible(&lk, closed), "a-at-as-of,b-after-as-of,c-before-close-after-as-of");
  CHECK_I64(lk.end[closed], close_end);
  CHECK_I64(lk.end[open], close_end + DAY);
  linkage_release(&lk);
  dataset_release(&ds);
}

/* --- Order, people, accounts ------------------------------------------- */

static void test_order_across_people(void) {
  int64_t created = ts(2025, 2, 1, 0, 0, 0);
  int64_t t0 = ts(2025, 1, 10, 9, 0, 0);
  struct linkage lk;

  ds_begin();
  uint32_t p1 = add_person("003A", "", ts(2024, 12, 5, 0, 0, 0));
  uint32_t p2 = add_person("003B", "", ts(2024, 11, 5, 0, 0, 0));
  add_touch("ma:x", p1, t0);
  add_touch("cm:z", p2, t0); /* same time: touch_id decides, bytewise */
  add_touch("cm:a", p1, t0 + 60);
  add_touch("ma:b", p2, t0 - 60);
  uint32_t o = add_opp("006A", "", created, false, 0);
  add_link(o, p1);
  add_link(o, p2);
  ds_finish();

  linkage_build(&lk, &ds, ts(2025, 6, 1, 0, 0, 0), 365, false, NULL);
  CHECK_STR(eligible(&lk, o), "ma:b,cm:z,ma:x,cm:a");
  /* lc_time: the earliest person_created of the linked people. */
  CHECK_I64(lk.lc_time[o], ts(2024, 11, 5, 0, 0, 0));
  linkage_release(&lk);
  dataset_release(&ds);
}

static void test_account_based(void) {
  int64_t created = ts(2025, 2, 1, 0, 0, 0);
  struct linkage lk;

  ds_begin();
  uint32_t linked = add_person("003A", "001X", ts(2024, 6, 1, 0, 0, 0));
  uint32_t colleague = add_person("003B", "001X", ts(2024, 3, 1, 0, 0, 0));
  uint32_t other_acct = add_person("003C", "001Y", ts(2024, 1, 1, 0, 0, 0));
  uint32_t no_acct = add_person("00QD", "", ts(2024, 1, 1, 0, 0, 0));
  uint32_t no_touch = add_person("00QE", "", ts(2023, 1, 1, 0, 0, 0));
  add_touch("t-linked", linked, created - DAY);
  add_touch("t-colleague", colleague, created - 2 * DAY);
  add_touch("t-other", other_acct, created - 3 * DAY);
  add_touch("t-noacct", no_acct, created - 4 * DAY);
  uint32_t o = add_opp("006A", "001X", created, false, 0);
  uint32_t blank = add_opp("006B", "", created, false, 0);
  uint32_t lonely = add_opp("006C", "001Z", created, false, 0);
  add_link(o, linked);
  add_link(blank, no_acct);
  ds_finish();
  int64_t as_of = ts(2025, 6, 1, 0, 0, 0);

  linkage_build(&lk, &ds, as_of, 365, false, NULL);
  CHECK_STR(eligible(&lk, o), "t-linked");
  CHECK_I64(lk.lc_time[o], ts(2024, 6, 1, 0, 0, 0));
  CHECK_STR(eligible(&lk, blank), "t-noacct");
  CHECK_STR(eligible(&lk, lonely), "");
  CHECK_I64(lk.lc_time[lonely], LINK_NO_LC_TIME);
  linkage_release(&lk);

  /* account_based: the colleague joins; the person linked twice (role and
   * account) counts once; an empty AccountId links nobody by account. */
  linkage_build(&lk, &ds, as_of, 365, true, NULL);
  CHECK_STR(eligible(&lk, o), "t-colleague,t-linked");
  CHECK_I64(lk.lc_time[o], ts(2024, 3, 1, 0, 0, 0));
  CHECK_STR(eligible(&lk, blank), "t-noacct");
  CHECK_STR(eligible(&lk, lonely), "");
  linkage_release(&lk);

  /* People counted: the role alone, then role + colleague (the person
   * linked by role and by account once); nobody for the lonely account. */
  static const uint32_t by_role[] = {1, 1, 0}, by_account[] = {2, 1, 0};
  check_counts(as_of, 365, false, NULL, by_role);
  check_counts(as_of, 365, true, NULL, by_account);

  /* A linked person without touches still sets lc_time. */
  add_link(o, no_touch);
  ds_finish();
  linkage_build(&lk, &ds, as_of, 365, false, NULL);
  CHECK_STR(eligible(&lk, o), "t-linked");
  CHECK_I64(lk.lc_time[o], ts(2023, 1, 1, 0, 0, 0));
  linkage_release(&lk);
  /* ... and counts as a linked person without adding a touch. */
  static const uint32_t with_silent[] = {2, 1, 0};
  check_counts(as_of, 365, false, NULL, with_silent);
  dataset_release(&ds);
}

static void test_select(void) {
  int64_t created = ts(2025, 2, 1, 0, 0, 0);
  struct linkage lk;
  ds_begin();
  uint32_t p = add_person("003A", "", created);
  add_touch("t1", p, created);
  uint32_t o1 = add_opp("006A", "", created, false, 0);
  uint32_t o2 = add_opp("006B", "", created, false, 0);
  add_link(o1, p);
  add_link(o2, p);
  ds_finish();
  uint8_t sel[2] = {0, 1};
  linkage_build(&lk, &ds, created + DAY, 365, false, sel);
  CHECK_STR(eligible(&lk, o1), "");
  CHECK_STR(eligible(&lk, o2), "t1");
  CHECK_I64(lk.lc_time[o1], created);
  CHECK_I64(lk.ntouch, 1);
  linkage_release(&lk);
  /* Counts only for the selected ones; the others stay 0. */
  static const uint32_t counted[] = {0, 1};
  check_counts(created + DAY, 365, false, sel, counted);
  dataset_release(&ds);
}

static void test_check(void) {
  const char *why = NULL;
  ds_begin();
  uint32_t p = add_person("003A", "", 0);
  uint32_t q = add_person("003B", "", 0);
  add_touch("t1", p, 100);
  add_touch("t2", q, 50);
  uint32_t o = add_opp("006A", "", 0, false, 0);
  add_link(o, q);
  ds_finish();
  CHECK(link_check(&ds, &why) == 0);

  ds.touches[0].time = 200; /* person 0 now after... still sorted by person */
  CHECK(link_check(&ds, &why) == 0);
  ds.touches[0].person = 1; /* person 1 then person 1, but 200 > 50 */
  CHECK(link_check(&ds, &why) == -1);
  ds.touches[0].person = 0;
  ds.touches[1].person = 2; /* unknown person */
  CHECK(link_check(&ds, &why) == -1);
  ds.touches[1].person = q;
  ds.links[0].person = 7;
  CHECK(link_check(&ds, &why) == -1);
  ds.links[0].person = q;
  ds.opps[0].campaign = 0; /* no campaigns at all */
  CHECK(link_check(&ds, &why) == -1);
  ds.opps[0].campaign = DS_NONE;
  ds.opps[0].id = (str_id)ds.strings.len;
  CHECK(link_check(&ds, &why) == -1);
  ds.opps[0].id = S("006A");
  CHECK(link_check(&ds, &why) == 0);
  /* The text the opportunities table prints is checked too. */
  str_id *texts[] = {&ds.opps[0].name, &ds.opps[0].stage, &ds.opps[0].lead_source,
                     &ds.opps[0].currency};
  for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
    *texts[i] = (str_id)ds.strings.len;
    CHECK(link_check(&ds, &why) == -1);
    *texts[i] = STR_EMPTY;
  }
  CHECK(link_check(&ds, &why) == 0);
  dataset_release(&ds);
}

int main(void) {
  test_window_closed();
  test_window_open_and_as_of();
  test_order_across_people();
  test_account_based();
  test_select();
  test_check();
  return check_exit();
}
