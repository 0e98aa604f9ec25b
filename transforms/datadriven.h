/* The data-driven models `markov` and `shapley` (contract §4.1): their fit,
 * learned once per run from the journeys of all the data up to as_of, and
 * the touch weights of one opportunity under a fit.
 *
 * Journeys (built by dd_fit_build):
 *  - every closed opportunity with at least one eligible touch: the
 *    channels of its eligible touches in touch order; converting when won;
 *  - every person with a touch at or before as_of who is linked to no
 *    opportunity (contact roles, converted leads and, with account_based,
 *    the account; open opportunities count as links too): the channels of
 *    those touches in (time, touch_id) order; not converting.
 * The fit depends on as_of, lookback_days and account_based, never on the
 * emitted range or on which opportunities a shard covers.
 *
 * Touch weights of an opportunity, with v_c = RE_c (markov) or phi_c
 * (shapley) and c over its distinct channels: channel c gets v_c / S, S the
 * sum of v over those channels, shared equally by its touches; when S is 0
 * (a channel seen in no journey has v = 0), every touch gets 1/k. In
 * double precision: S is summed in the order in which the channels first occur
 * among the touches, and a touch's weight is (v_c / S) / n_c. */
#ifndef ATTR_DATADRIVEN_H
#define ATTR_DATADRIVEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transforms/model.h"
#include "transforms/dataset.h"
#include "transforms/journey.h"
#include "transforms/link.h"

static inline bool model_is_datadriven(enum model_kind k) {
  return k == MODEL_MARKOV || k == MODEL_SHAPLEY;
}

/* A fit over nchan channel slots (the caller's channel indices; the tables
 * use the channel groups' bytewise ranks). A slot no journey holds has 0
 * everywhere. */
struct dd_fit {
  size_t nchan;
  uint64_t njourneys, nconv; /* every journey, the converting ones */
  double p;                  /* markov: P(START is absorbed in CONV) */
  uint64_t *journeys;        /* per slot: journeys holding the channel */
  uint64_t *conversions;     /* per slot: converting journeys holding it */
  double *re;                /* per slot: markov removal effect */
  double *phi;               /* per slot: Shapley value */
};

/* An empty fit (no journey) over nchan slots; release with dd_fit_release
 * (which also takes a zeroed struct). */
void dd_fit_init(struct dd_fit *f, size_t nchan);
void dd_fit_release(struct dd_fit *f);

/* Fits both models on counts whose channels are the slots themselves
 * (jc->nchan == f->nchan, f from dd_fit_init). */
void dd_fit_from_counts(struct dd_fit *f, const struct journey_counts *jc);

/* Builds the journeys of ds (rules above) and fits both models into f
 * (initialized here over nchan slots; release with dd_fit_release).
 * touch_chan[t] is touch t's slot (< nchan). lk must link every closed
 * opportunity (linkage_build with those selected; others may be linked
 * too) with the run's as_of and lookback; as_of and account_based are the
 * run's. Deterministic; O(touches + nchan^3). */
void dd_fit_build(struct dd_fit *f, const struct dataset *ds, const struct linkage *lk,
                  const uint32_t *touch_chan, size_t nchan, int64_t as_of, bool account_based);

/* The per-slot values of model kind k (markov: re, shapley: phi). */
static inline const double *dd_fit_values(const struct dd_fit *f, enum model_kind k) {
  return k == MODEL_MARKOV ? f->re : f->phi;
}

/* Touch weights w[0..k) of touches with slots chan[0..k) under the values
 * v (rules above). count is scratch of at least max(chan) + 1 zeros and is
 * left zeroed. The weights are >= 0 and sum to 1 up to rounding. */
void dd_touch_weights(const double *v, const uint32_t *chan, size_t k, uint32_t *count,
                      double *w);

#endif
