/* Linking people to opportunities and collecting eligible touches (see
 * link.h). One pass over the opportunities with reused scratch vectors: the
 * people of O (links + account), then for each person a binary search into
 * that person's contiguous, time-sorted run of touches. */
#include "transforms/link.h"

#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"

struct link_scratch {
  uint32_t *persons;
  size_t npersons, cap_persons;
};

static int cmp_account(const void *a, const void *b, void *arg) {
  const struct dataset *ds = arg;
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  int c = strcmp(ds_str(ds, ds->persons[x].account), ds_str(ds, ds->persons[y].account));
  if (c)
    return c;
  return x < y ? -1 : x > y;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static int cmp_touch(const void *a, const void *b, void *arg) {
  const struct dataset *ds = arg;
  const struct ds_touch *x = &ds->touches[*(const uint32_t *)a];
  const struct ds_touch *y = &ds->touches[*(const uint32_t *)b];
  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  return strcmp(ds_str(ds, x->touch_id), ds_str(ds, y->touch_id));
}

void link_index_build(struct link_index *ix, const struct dataset *ds, bool account_based) {
  memset(ix, 0, sizeof(*ix));
  ix->person_first = xcalloc(ds->npersons + 1, sizeof(uint32_t));
  for (size_t t = 0; t < ds->ntouches; t++)
    ix->person_first[ds->touches[t].person + 1]++;
  for (size_t p = 0; p < ds->npersons; p++)
    ix->person_first[p + 1] += ix->person_first[p];

  ix->link_first = xcalloc(ds->nopps + 1, sizeof(size_t));
  for (size_t l = 0; l < ds->nlinks; l++)
    ix->link_first[ds->links[l].opp + 1]++;
  for (size_t o = 0; o < ds->nopps; o++)
    ix->link_first[o + 1] += ix->link_first[o];

  if (!account_based)
    return;
  ix->by_account = xreallocarray(NULL, ds->npersons ? ds->npersons : 1, sizeof(uint32_t));
  for (size_t p = 0; p < ds->npersons; p++)
    if (ds_str(ds, ds->persons[p].account)[0])
      ix->by_account[ix->nby_account++] = (uint32_t)p;
  if (ix->nby_account > 1)
    qsort_r(ix->by_account, ix->nby_account, sizeof(uint32_t), cmp_account, (void *)ds);
}

void link_index_account(const struct link_index *ix, const struct dataset *ds, const char *acct,
                        size_t *first, size_t *end) {
  size_t lo = 0, hi = ix->nby_account;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(ds_str(ds, ds->persons[ix->by_account[mid]].account), acct) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  *first = lo;
  while (lo < ix->nby_account && strcmp(ds_str(ds, ds->persons[ix->by_account[lo]].account), acct) == 0)
    lo++;
  *end = lo;
}

void link_index_release(struct link_index *ix) {
  free(ix->person_first);
  free(ix->link_first);
  free(ix->by_account);
}

static void push_person(struct link_scratch *s, uint32_t p) {
  XGROW(s->persons, s->cap_persons, s->npersons + 1);
  s->persons[s->npersons++] = p;
}

/* The people linked to opportunity o, sorted and unique, into s->persons. */
static void linked_people(const struct link_index *ix, const struct dataset *ds, size_t o,
                          struct link_scratch *s) {
  s->npersons = 0;
  for (size_t l = ix->link_first[o]; l < ix->link_first[o + 1]; l++)
    push_person(s, ds->links[l].person);
  const char *acct = ds_str(ds, ds->opps[o].account);
  if (ix->by_account && acct[0]) {
    size_t a, b;
    link_index_account(ix, ds, acct, &a, &b);
    for (; a < b; a++)
      push_person(s, ix->by_account[a]);
  }
  if (s->npersons > 1) /* qsort of a NULL array is undefined, even when empty */
    qsort(s->persons, s->npersons, sizeof(uint32_t), cmp_u32);
  size_t n = 0;
  for (size_t i = 0; i < s->npersons; i++)
    if (n == 0 || s->persons[n - 1] != s->persons[i])
      s->persons[n++] = s->persons[i];
  s->npersons = n;
}

/* created - lookback_days * 86400, saturating at INT64_MIN. */
static int64_t window_start(int64_t created, int64_t lookback_days) {
  int64_t span, lo;
  if (__builtin_mul_overflow(lookback_days, (int64_t)86400, &span) ||
      __builtin_sub_overflow(created, span, &lo))
    return INT64_MIN;
  return lo;
}

/* The window of opportunity op: [*lo, *hi], *hi = min(end(O), as_of). */
static void opp_window(const struct ds_opportunity *op, int64_t as_of, int64_t lookback_days,
                       int64_t *lo, int64_t *hi) {
  int64_t end = (op->flags & DS_OPP_CLOSED) ? op->close_end : as_of;
  *hi = end < as_of ? end : as_of;
  *lo = window_start(op->created, lookback_days);
}

/* The first of person p's touches with time >= lo (after = false) or
 * time > lo (after = true); touches of a person are in time order. */
static size_t person_touch_bound(const struct link_index *ix, const struct dataset *ds, uint32_t p,
                                 int64_t lo, bool after) {
  size_t a = ix->person_first[p], b = ix->person_first[p + 1];
  while (a < b) {
    size_t mid = a + (b - a) / 2;
    int64_t t = ds->touches[mid].time;
    if (t < lo || (after && t == lo))
      a = mid + 1;
    else
      b = mid;
  }
  return a;
}

/* Appends person p's touches with lo <= time <= hi. */
static void add_touches(struct linkage *lk, size_t *cap, const struct link_index *ix,
                        const struct dataset *ds, uint32_t p, int64_t lo, int64_t hi) {
  size_t a = person_touch_bound(ix, ds, p, lo, false);
  for (size_t t = a; t < ix->person_first[p + 1] && ds->touches[t].time <= hi; t++) {
    XGROW(lk->touch, *cap, lk->ntouch + 1);
    lk->touch[lk->ntouch++] = (uint32_t)t;
  }
}

static bool str_ok(const struct dataset *ds, str_id id) { return id < ds->strings.len; }

static bool idx_ok(uint32_t i, size_t n, bool optional) {
  return i < n || (optional && i == DS_NONE);
}

static const char *check_entities(const struct dataset *ds) {
  for (size_t c = 0; c < ds->ncampaigns; c++) {
    const struct ds_campaign *x = &ds->campaigns[c];
    if (!str_ok(ds, x->id) || !str_ok(ds, x->name) || !str_ok(ds, x->type) ||
        !str_ok(ds, x->channel))
      return "campaign with a bad string reference";
  }
  for (size_t p = 0; p < ds->npersons; p++) {
    const struct ds_person *x = &ds->persons[p];
    if (!str_ok(ds, x->key) || !str_ok(ds, x->account) || !str_ok(ds, x->lead_source))
      return "person with a bad string reference";
  }
  for (size_t o = 0; o < ds->nopps; o++) {
    const struct ds_opportunity *x = &ds->opps[o];
    if (!str_ok(ds, x->id) || !str_ok(ds, x->account) || !str_ok(ds, x->stage) ||
        !str_ok(ds, x->lead_source) || !idx_ok(x->campaign, ds->ncampaigns, true))
      return "opportunity with a bad reference";
    if (!str_ok(ds, x->name) || !str_ok(ds, x->currency))
      return "opportunity with a bad name or currency";
  }
  for (size_t i = 0; i < ds->ncosts; i++) {
    const struct ds_cost *x = &ds->costs[i];
    if (!str_ok(ds, x->channel) || !idx_ok(x->campaign, ds->ncampaigns, true))
      return "cost row with a bad reference";
  }
  return NULL;
}

static const char *check_order(const struct dataset *ds) {
  for (size_t t = 0; t < ds->ntouches; t++) {
    const struct ds_touch *x = &ds->touches[t];
    if (!str_ok(ds, x->touch_id) || !str_ok(ds, x->channel) ||
        !idx_ok(x->person, ds->npersons, false) || !idx_ok(x->campaign, ds->ncampaigns, true))
      return "touch with a bad reference";
    if (t > 0) {
      const struct ds_touch *y = &ds->touches[t - 1];
      if (y->person > x->person || (y->person == x->person && y->time > x->time))
        return "touches not sorted by person and time";
    }
  }
  for (size_t l = 0; l < ds->nlinks; l++) {
    const struct ds_link *x = &ds->links[l];
    if (!idx_ok(x->opp, ds->nopps, false) || !idx_ok(x->person, ds->npersons, false))
      return "link with a bad reference";
    if (l > 0 && ds->links[l - 1].opp > x->opp)
      return "links not sorted by opportunity";
  }
  return NULL;
}

/* The stage history: each row's references, ordered by (opp, CreatedDate). */
static const char *check_history(const struct dataset *ds) {
  for (size_t i = 0; i < ds->nhistory; i++) {
    const struct ds_history *x = &ds->history[i];
    if (!str_ok(ds, x->id) || !str_ok(ds, x->stage) || !idx_ok(x->opp, ds->nopps, false))
      return "history row with a bad reference";
    if (i > 0) {
      const struct ds_history *y = &ds->history[i - 1];
      if (y->opp > x->opp || (y->opp == x->opp && y->created > x->created))
        return "history not sorted by opportunity and time";
    }
  }
  return NULL;
}

int link_check(const struct dataset *ds, const char **why) {
  if (ds->ntouches >= UINT32_MAX) {
    *why = "too many touches";
    return -1;
  }
  *why = check_entities(ds);
  if (!*why)
    *why = check_order(ds);
  if (!*why)
    *why = check_history(ds);
  return *why ? -1 : 0;
}

void linkage_build(struct linkage *lk, const struct dataset *ds, int64_t as_of,
                   int64_t lookback_days, bool account_based, const uint8_t *select) {
  struct link_index ix;
  struct link_scratch s = {0};
  size_t cap = 0;

  memset(lk, 0, sizeof(*lk));
  lk->nopps = ds->nopps;
  lk->off = xcalloc(ds->nopps + 1, sizeof(size_t));
  lk->lc_time = xcalloc(ds->nopps ? ds->nopps : 1, sizeof(int64_t));
  lk->end = xcalloc(ds->nopps ? ds->nopps : 1, sizeof(int64_t));
  link_index_build(&ix, ds, account_based);

  for (size_t o = 0; o < ds->nopps; o++) {
    int64_t lo, hi;
    opp_window(&ds->opps[o], as_of, lookback_days, &lo, &hi);
    lk->end[o] = hi;
    lk->off[o] = lk->ntouch;
    linked_people(&ix, ds, o, &s);
    lk->lc_time[o] = LINK_NO_LC_TIME;
    for (size_t i = 0; i < s.npersons; i++) {
      int64_t c = ds->persons[s.persons[i]].created;
      if (i == 0 || c < lk->lc_time[o])
        lk->lc_time[o] = c;
    }
    if (select && !select[o])
      continue;
    for (size_t i = 0; i < s.npersons; i++)
      add_touches(lk, &cap, &ix, ds, s.persons[i], lo, hi);
    if (lk->ntouch - lk->off[o] > 1)
      qsort_r(lk->touch + lk->off[o], lk->ntouch - lk->off[o], sizeof(uint32_t), cmp_touch,
              (void *)ds);
  }
  lk->off[ds->nopps] = lk->ntouch;
  link_index_release(&ix);
  free(s.persons);
}

void link_counts_build(struct link_counts *lc, const struct dataset *ds, int64_t as_of,
                       int64_t lookback_days, bool account_based, const uint8_t *select) {
  struct link_index ix;
  struct link_scratch s = {0};

  lc->nopps = ds->nopps;
  lc->people = xcalloc(ds->nopps ? ds->nopps : 1, sizeof(uint32_t));
  lc->touches = xcalloc(ds->nopps ? ds->nopps : 1, sizeof(uint32_t));
  link_index_build(&ix, ds, account_based);
  for (size_t o = 0; o < ds->nopps; o++) {
    if (select && !select[o])
      continue;
    int64_t lo, hi;
    opp_window(&ds->opps[o], as_of, lookback_days, &lo, &hi);
    linked_people(&ix, ds, o, &s);
    lc->people[o] = (uint32_t)s.npersons;
    size_t n = 0;
    for (size_t i = 0; lo <= hi && i < s.npersons; i++)
      n += person_touch_bound(&ix, ds, s.persons[i], hi, true) -
           person_touch_bound(&ix, ds, s.persons[i], lo, false);
    lc->touches[o] = (uint32_t)n;
  }
  link_index_release(&ix);
  free(s.persons);
}

void link_counts_release(struct link_counts *lc) {
  free(lc->people);
  free(lc->touches);
  memset(lc, 0, sizeof(*lc));
}

void linkage_release(struct linkage *lk) {
  free(lk->off);
  free(lk->touch);
  free(lk->lc_time);
  free(lk->end);
  memset(lk, 0, sizeof(*lk));
}
