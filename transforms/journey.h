/* Journeys of the data-driven models (contract §4.1), reduced to the counts
 * both models need. A journey is a sequence of channels (dense indices
 * 0..nchan-1 chosen by the caller), converting or not; consecutive equal
 * channels are merged when it is added. Nothing of a journey is kept but
 * integer counts, so adding journeys in any order, or adding up counts
 * made elsewhere, gives exactly the same counts: the fit that follows
 * from them cannot depend on how the data was split or ordered.
 *
 * Counts kept:
 *  - transitions of the first-order chain: rows 0..nchan-1 are the
 *    channels and row nchan is START; columns 0..nchan-1 the channels,
 *    column JOURNEY_CONV (= nchan) CONV and JOURNEY_NULL (= nchan + 1) NULL;
 *  - per channel, the journeys and the converting journeys holding it;
 *  - per channel c and size s (1..nchan), the converting journeys whose set
 *    of distinct channels has s members and holds c (what Shapley needs);
 *  - all journeys and converting journeys.
 * Memory is O(nchan^2): channels come from the configured channel rules,
 * so nchan stays in the tens or hundreds. */
#ifndef ATTR_JOURNEY_H
#define ATTR_JOURNEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct journey_counts {
  size_t nchan;
  uint64_t njourneys, nconv;
  uint64_t *trans;        /* (nchan + 1) rows x (nchan + 2) columns */
  uint64_t *holds;        /* nchan */
  uint64_t *holds_conv;   /* nchan */
  uint64_t *conv_by_size; /* nchan x (nchan + 1): [c * (nchan + 1) + s] */
  uint8_t *seen;          /* scratch: nchan zeros between calls */
  uint32_t *distinct;     /* scratch: nchan */
};

#define JOURNEY_START(jc) ((jc)->nchan)
#define JOURNEY_CONV(jc) ((jc)->nchan)
#define JOURNEY_NULL(jc) ((jc)->nchan + 1)

/* Zero counts for nchan channels (nchan may be 0). Release with
 * journey_counts_release. */
void journey_counts_init(struct journey_counts *jc, size_t nchan);
void journey_counts_release(struct journey_counts *jc);

/* Count of transitions from state `from` (a channel or JOURNEY_START) to
 * state `to` (a channel, JOURNEY_CONV or JOURNEY_NULL). */
static inline uint64_t journey_trans(const struct journey_counts *jc, size_t from, size_t to) {
  return jc->trans[from * (jc->nchan + 2) + to];
}

/* Adds the journey chan[0..k) (every entry < nchan), merging consecutive
 * equal channels: Paid Search, Paid Search, Email counts as Paid Search,
 * Email. k == 0 adds nothing (a journey has at least one channel). */
void journey_counts_add(struct journey_counts *jc, const uint32_t *chan, size_t k,
                        bool converting);

#endif
