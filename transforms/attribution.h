/* One model applied to one opportunity (CONTRACT.md §4, §5.1, §9 "Models",
 * "primary_campaign"): the milestones of its eligible touches, the model's
 * weights, and the pipeline and revenue credits in cents split by the
 * largest-remainder method, or the verdict "unattributed" (no eligible
 * touch, every weight zero, or for primary_campaign no known campaign).
 * Pure computation over the data set and its linkage; the caller supplies
 * per-thread scratch space, so models can run concurrently. */
#ifndef ATTR_ATTRIBUTION_H
#define ATTR_ATTRIBUTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transforms/model.h"
#include "transforms/dataset.h"
#include "transforms/datadriven.h"
#include "transforms/link.h"

/* Read-only inputs shared by every model and thread. fit and touch_chan
 * are needed only by the data-driven models (markov, shapley): the run's
 * fit and each touch's slot in it; with fit NULL every touch of an
 * opportunity gets 1/k under those models. */
struct attr_ctx {
  const struct dataset *ds;
  const struct linkage *lk;
  double half_life_days;
  const struct dd_fit *fit;
  const uint32_t *touch_chan;
};

/* Scratch arrays of one thread, grown on demand; the credits returned by
 * attribute_opp point into them until the next call. */
struct attr_scratch {
  int64_t *times;
  uint8_t *flags;
  __int128 *num;
  double *w;
  int64_t *pip, *rev;
  uint32_t *chan;  /* the touches' fit slots (data-driven models) */
  size_t cap;
  uint32_t *count; /* fit->nchan zeros (data-driven models) */
  size_t ncount;
};
void attr_scratch_init(struct attr_scratch *s);
void attr_scratch_release(struct attr_scratch *s);

/* The credits of one opportunity under one model. For primary_campaign
 * there is one credit (k = 1) to `campaign`, weight 1, no touch; otherwise
 * credit i belongs to eligible touch touches[i]. */
struct opp_credits {
  bool attributed;      /* false: no credits (k = 0) */
  size_t k;
  const uint32_t *touches; /* NULL for primary_campaign */
  const uint8_t *flags;    /* every milestone each touch holds; NULL for primary */
  uint32_t campaign;       /* primary_campaign: the campaign index */
  bool rational;           /* weights num[i]/den, else w[i] (time_decay, markov, shapley) */
  const __int128 *num;
  __int128 den;
  const double *w;
  const int64_t *pip, *rev; /* credited cents; rev all 0 unless won */
};

/* Applies model m to opportunity o. */
void attribute_opp(const struct attr_ctx *c, const struct model_def *m, size_t o,
                   struct attr_scratch *s, struct opp_credits *out);

/* Weight of credit i in FIX18 units (for fractional counts). */
__int128 credit_weight_fix18(const struct opp_credits *oc, size_t i);
/* Weight of credit i printed with 6 decimals (out >= 64 bytes). */
void credit_weight_format(const struct opp_credits *oc, size_t i, char out[64]);

/* Campaign of credit i (DS_NONE: the touch has no campaign). */
static inline uint32_t credit_campaign(const struct dataset *ds, const struct opp_credits *oc,
                                       size_t i) {
  return oc->touches ? ds->touches[oc->touches[i]].campaign : oc->campaign;
}
/* Channel of credit i: the touch's, or the primary campaign's. */
static inline str_id credit_channel(const struct dataset *ds, const struct opp_credits *oc,
                                    size_t i) {
  return oc->touches ? ds->touches[oc->touches[i]].channel : ds->campaigns[oc->campaign].channel;
}

#endif
