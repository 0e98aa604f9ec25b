/* One model over one opportunity (see attribution.h): gathers the times of
 * the eligible touches, computes milestones and weights with credit.h, and
 * splits pipeline and revenue. */
#include "transforms/attribution.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "transforms/credit.h"
#include "transforms/base/xalloc.h"

void attr_scratch_init(struct attr_scratch *s) { memset(s, 0, sizeof(*s)); }

void attr_scratch_release(struct attr_scratch *s) {
  free(s->times);
  free(s->flags);
  free(s->num);
  free(s->w);
  free(s->pip);
  free(s->rev);
  free(s->chan);
  free(s->count);
  memset(s, 0, sizeof(*s));
}

static void scratch_reserve(struct attr_scratch *s, size_t k) {
  if (k <= s->cap)
    return;
  size_t cap = s->cap ? s->cap : 64;
  while (cap < k)
    cap *= 2;
  s->times = xreallocarray(s->times, cap, sizeof(*s->times));
  s->flags = xreallocarray(s->flags, cap, sizeof(*s->flags));
  s->num = xreallocarray(s->num, cap, sizeof(*s->num));
  s->w = xreallocarray(s->w, cap, sizeof(*s->w));
  s->pip = xreallocarray(s->pip, cap, sizeof(*s->pip));
  s->rev = xreallocarray(s->rev, cap, sizeof(*s->rev));
  s->chan = xreallocarray(s->chan, cap, sizeof(*s->chan));
  s->cap = cap;
}

static void unattributed(struct opp_credits *out) {
  memset(out, 0, sizeof(*out));
  out->campaign = DS_NONE;
}

/* primary_campaign: everything to the opportunity's known campaign. */
static void primary_campaign(const struct ds_opportunity *op, struct attr_scratch *s,
                             struct opp_credits *out) {
  if (op->campaign == DS_NONE)
    return;
  scratch_reserve(s, 1);
  s->num[0] = 1;
  s->pip[0] = op->pipeline_cents;
  s->rev[0] = (op->flags & DS_OPP_WON) ? op->revenue_cents : 0;
  out->attributed = true;
  out->k = 1;
  out->campaign = op->campaign;
  out->rational = true;
  out->num = s->num;
  out->den = 1;
  out->pip = s->pip;
  out->rev = s->rev;
}

/* Time decay weights; false when they cannot be normalized (no finite,
 * positive sum), which leaves the opportunity unattributed. */
static bool decay_weights(const struct attr_ctx *c, size_t o, size_t k, struct attr_scratch *s) {
  time_decay_weights(s->times, k, c->lk->end[o], c->half_life_days, s->w);
  double sum = 0.0;
  for (size_t i = 0; i < k; i++) {
    if (!isfinite(s->w[i]) || s->w[i] < 0.0)
      return false;
    sum += s->w[i];
  }
  return sum > 0.0;
}

/* Markov or Shapley weights from the run's fit (datadriven.h). */
static void datadriven_weights(const struct attr_ctx *c, const struct model_def *m,
                               const uint32_t *touches, size_t k, struct attr_scratch *s) {
  if (!c->fit) {
    for (size_t i = 0; i < k; i++)
      s->w[i] = 1.0 / (double)k;
    return;
  }
  if (s->ncount < c->fit->nchan) {
    free(s->count);
    s->count = xcalloc(c->fit->nchan, sizeof(*s->count));
    s->ncount = c->fit->nchan;
  }
  for (size_t i = 0; i < k; i++)
    s->chan[i] = c->touch_chan[touches[i]];
  dd_touch_weights(dd_fit_values(c->fit, m->kind), s->chan, k, s->count, s->w);
}

void attribute_opp(const struct attr_ctx *c, const struct model_def *m, size_t o,
                   struct attr_scratch *s, struct opp_credits *out) {
  const struct dataset *ds = c->ds;
  const struct ds_opportunity *op = &ds->opps[o];
  bool won = (op->flags & DS_OPP_WON) != 0;
  size_t k;
  const uint32_t *touches;

  unattributed(out);
  if (m->kind == MODEL_PRIMARY_CAMPAIGN) {
    primary_campaign(op, s, out);
    return;
  }
  touches = linkage_touches(c->lk, o, &k);
  if (k == 0)
    return;
  scratch_reserve(s, k);
  for (size_t i = 0; i < k; i++)
    s->times[i] = ds->touches[touches[i]].time;
  milestones_compute(s->times, k, c->lk->lc_time[o], op->created, won, s->flags);

  if (m->kind == MODEL_POSITION) {
    __int128 den;
    if (position_weights(m, s->flags, k, s->num, &den) != 0 || den <= 0)
      return;
    split_rational(op->pipeline_cents, s->num, den, k, s->pip);
    if (won)
      split_rational(op->revenue_cents, s->num, den, k, s->rev);
    out->rational = true;
    out->num = s->num;
    out->den = den;
  } else {
    /* Double weights: time_decay, markov, shapley (contract §4.1, §5.1). */
    if (m->kind == MODEL_TIME_DECAY) {
      if (!decay_weights(c, o, k, s))
        return;
    } else {
      datadriven_weights(c, m, touches, k, s);
    }
    split_double(op->pipeline_cents, s->w, k, s->pip);
    if (won)
      split_double(op->revenue_cents, s->w, k, s->rev);
    out->rational = false;
    out->w = s->w;
  }
  if (!won)
    memset(s->rev, 0, k * sizeof(*s->rev));
  out->attributed = true;
  out->k = k;
  out->touches = touches;
  out->flags = s->flags;
  out->pip = s->pip;
  out->rev = s->rev;
}

__int128 credit_weight_fix18(const struct opp_credits *oc, size_t i) {
  if (oc->rational)
    return fix18_from_ratio(oc->num[i], oc->den);
  return fix18_from_double(oc->w[i]);
}

void credit_weight_format(const struct opp_credits *oc, size_t i, char out[64]) {
  if (oc->rational)
    fmt_ratio6(oc->num[i], oc->den, out);
  else
    fmt_double6(oc->w[i], out);
}
