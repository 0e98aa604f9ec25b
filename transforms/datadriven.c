/* Journeys from the data set, the fit of both data-driven models, and the
 * touch weights under a fit (see datadriven.h). The journeys use dense
 * channel indices over the channels that occur on touches (so a data set
 * with many cost-only channel names does not inflate the O(nchan^2)
 * counts); the fit is scattered back to the caller's slots. */
#include "transforms/datadriven.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "transforms/markov.h"
#include "transforms/shapley.h"
#include "transforms/base/xalloc.h"

void dd_fit_init(struct dd_fit *f, size_t nchan) {
  memset(f, 0, sizeof(*f));
  f->nchan = nchan;
  f->journeys = xcalloc(nchan ? nchan : 1, sizeof(uint64_t));
  f->conversions = xcalloc(nchan ? nchan : 1, sizeof(uint64_t));
  f->re = xcalloc(nchan ? nchan : 1, sizeof(double));
  f->phi = xcalloc(nchan ? nchan : 1, sizeof(double));
}

void dd_fit_release(struct dd_fit *f) {
  free(f->journeys);
  free(f->conversions);
  free(f->re);
  free(f->phi);
  memset(f, 0, sizeof(*f));
}

/* Fits counts over dense channels into slots slot[c] (NULL: c itself). */
static void fit_counts(struct dd_fit *f, const struct journey_counts *jc, const uint32_t *slot) {
  size_t n = jc->nchan;
  double *re = xcalloc(n ? n : 1, sizeof(double));
  double *phi = xcalloc(n ? n : 1, sizeof(double));
  markov_removal_effects(jc, &f->p, re);
  shapley_values(jc, phi);
  f->njourneys = jc->njourneys;
  f->nconv = jc->nconv;
  for (size_t c = 0; c < n; c++) {
    size_t s = slot ? slot[c] : c;
    f->journeys[s] = jc->holds[c];
    f->conversions[s] = jc->holds_conv[c];
    f->re[s] = re[c];
    f->phi[s] = phi[c];
  }
  free(re);
  free(phi);
}

void dd_fit_from_counts(struct dd_fit *f, const struct journey_counts *jc) {
  fit_counts(f, jc, NULL);
}

/* --- Journeys of the data set ------------------------------------------- */

struct builder {
  const struct dataset *ds;
  struct journey_counts jc;
  uint32_t *dense;  /* per slot: dense channel index (UINT32_MAX: none) */
  uint32_t *slot;   /* per dense index: the slot */
  uint32_t *chan;   /* one journey's dense channels */
  uint32_t *order;  /* one person's touches */
  size_t cap;
};

/* Dense indices, in slot order, for the slots that touches use. */
static size_t dense_channels(struct builder *b, const uint32_t *touch_chan, size_t nchan) {
  const struct dataset *ds = b->ds;
  size_t n = 0;
  b->dense = xcalloc(nchan ? nchan : 1, sizeof(uint32_t));
  b->slot = xcalloc(nchan ? nchan : 1, sizeof(uint32_t));
  for (size_t t = 0; t < ds->ntouches; t++)
    b->dense[touch_chan[t]] = 1;
  for (size_t s = 0; s < nchan; s++) {
    if (b->dense[s]) {
      b->slot[n] = (uint32_t)s;
      b->dense[s] = (uint32_t)n++;
    } else {
      b->dense[s] = UINT32_MAX;
    }
  }
  return n;
}

static void reserve(struct builder *b, size_t k) {
  if (k <= b->cap)
    return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < k)
    cap *= 2;
  b->chan = xreallocarray(b->chan, cap, sizeof(uint32_t));
  b->order = xreallocarray(b->order, cap, sizeof(uint32_t));
  b->cap = cap;
}

/* Every closed opportunity with an eligible touch; converting when won. */
static void opportunity_journeys(struct builder *b, const struct linkage *lk,
                                 const uint32_t *touch_chan) {
  const struct dataset *ds = b->ds;
  for (size_t o = 0; o < ds->nopps; o++) {
    if (!(ds->opps[o].flags & DS_OPP_CLOSED))
      continue;
    size_t k;
    const uint32_t *touches = linkage_touches(lk, o, &k);
    reserve(b, k);
    for (size_t i = 0; i < k; i++)
      b->chan[i] = b->dense[touch_chan[touches[i]]];
    journey_counts_add(&b->jc, b->chan, k, (ds->opps[o].flags & DS_OPP_WON) != 0);
  }
}

static int cmp_str_id(const void *a, const void *c, void *arg) {
  const struct dataset *ds = arg;
  return strcmp(ds_str(ds, *(const str_id *)a), ds_str(ds, *(const str_id *)c));
}

/* True when text s is among sorted[0..n) (sorted by cmp_str_id). */
static bool has_text(const struct dataset *ds, const str_id *sorted, size_t n, const char *s) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(ds_str(ds, sorted[mid]), s);
    if (c == 0)
      return true;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return false;
}

/* linked[p] = 1 for every person linked to some opportunity (contract
 * §3.3): the data set's links and, with account_based, a non-empty account
 * that some opportunity has. Accounts compare as text, as linking does. */
static uint8_t *linked_people(const struct dataset *ds, bool account_based) {
  uint8_t *linked = xcalloc(ds->npersons ? ds->npersons : 1, 1);
  for (size_t l = 0; l < ds->nlinks; l++)
    linked[ds->links[l].person] = 1;
  if (!account_based)
    return linked;
  str_id *acct = xcalloc(ds->nopps ? ds->nopps : 1, sizeof(str_id));
  size_t n = 0;
  for (size_t o = 0; o < ds->nopps; o++)
    if (ds_str(ds, ds->opps[o].account)[0])
      acct[n++] = ds->opps[o].account;
  qsort_r(acct, n, sizeof(str_id), cmp_str_id, (void *)ds);
  for (size_t p = 0; p < ds->npersons; p++) {
    str_id a = ds->persons[p].account;
    if (!linked[p] && ds_str(ds, a)[0] && has_text(ds, acct, n, ds_str(ds, a)))
      linked[p] = 1;
  }
  free(acct);
  return linked;
}

static int cmp_touch(const void *a, const void *c, void *arg) {
  const struct dataset *ds = arg;
  const struct ds_touch *x = &ds->touches[*(const uint32_t *)a];
  const struct ds_touch *y = &ds->touches[*(const uint32_t *)c];
  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  return strcmp(ds_str(ds, x->touch_id), ds_str(ds, y->touch_id));
}

/* The journey of person p's touches [first, end) with time <= as_of, in
 * (time, touch_id) order (the data set keeps a person's touches by time;
 * equal times are put in touch_id order here). */
static void person_journey(struct builder *b, size_t first, size_t end, int64_t as_of,
                           const uint32_t *touch_chan) {
  const struct dataset *ds = b->ds;
  size_t k = 0;
  bool ties = false;
  reserve(b, end - first);
  for (size_t t = first; t < end && ds->touches[t].time <= as_of; t++) {
    if (k > 0 && ds->touches[t].time == ds->touches[b->order[k - 1]].time)
      ties = true;
    b->order[k++] = (uint32_t)t;
  }
  if (ties)
    qsort_r(b->order, k, sizeof(uint32_t), cmp_touch, (void *)ds);
  for (size_t i = 0; i < k; i++)
    b->chan[i] = b->dense[touch_chan[b->order[i]]];
  journey_counts_add(&b->jc, b->chan, k, false);
}

/* Every person linked to no opportunity, with a touch at or before as_of. */
static void person_journeys(struct builder *b, int64_t as_of, bool account_based,
                            const uint32_t *touch_chan) {
  const struct dataset *ds = b->ds;
  uint8_t *linked = linked_people(ds, account_based);
  for (size_t t = 0, end; t < ds->ntouches; t = end) {
    uint32_t p = ds->touches[t].person;
    for (end = t + 1; end < ds->ntouches && ds->touches[end].person == p; end++)
      ;
    if (!linked[p])
      person_journey(b, t, end, as_of, touch_chan);
  }
  free(linked);
}

void dd_fit_build(struct dd_fit *f, const struct dataset *ds, const struct linkage *lk,
                  const uint32_t *touch_chan, size_t nchan, int64_t as_of, bool account_based) {
  struct builder b = {.ds = ds};
  dd_fit_init(f, nchan);
  journey_counts_init(&b.jc, dense_channels(&b, touch_chan, nchan));
  opportunity_journeys(&b, lk, touch_chan);
  person_journeys(&b, as_of, account_based, touch_chan);
  fit_counts(f, &b.jc, b.slot);
  journey_counts_release(&b.jc);
  free(b.dense);
  free(b.slot);
  free(b.chan);
  free(b.order);
}

/* --- Touch weights ------------------------------------------------------ */

#define FIRST_SEEN 0x80000000u /* in count[]: the channel's v is in the sum */

void dd_touch_weights(const double *v, const uint32_t *chan, size_t k, uint32_t *count,
                      double *w) {
  double sum = 0.0;
  for (size_t i = 0; i < k; i++)
    count[chan[i]]++;
  for (size_t i = 0; i < k; i++) {
    uint32_t c = chan[i];
    if (!(count[c] & FIRST_SEEN)) {
      sum += v[c];
      count[c] |= FIRST_SEEN;
    }
  }
  bool even = !(sum > 0.0) || !isfinite(sum);
  for (size_t i = 0; i < k; i++) {
    uint32_t c = chan[i];
    w[i] = even ? 1.0 / (double)k : v[c] / sum / (double)(count[c] & ~FIRST_SEEN);
  }
  for (size_t i = 0; i < k; i++)
    count[chan[i]] = 0;
}
