/* The Markov removal effect (contract §4.1), computed exactly from the
 * absorbing chain instead of by simulating random walks.
 *
 * States: START, one per channel, CONV, NULL; P(a -> b) = count(a -> b) /
 * count(a -> any) from the journey counts. p = the probability that a walk
 * from START ends in CONV; p_-c the same with every transition into c sent
 * to NULL; RE_c = 1 - p_-c / p, and every RE is 0 when p = 0.
 *
 * How: let h_j be the probability of ending in CONV from channel j (the
 * solution of (I - Q) h = r over the channels that can reach CONV; the
 * others have h = 0 exactly and are left out of the system). A walk from
 * START either never enters c, which is exactly what p_-c counts, or enters
 * it a first time and then converts with probability h_c, so
 *   p - p_-c = f_c * h_c,   f_c = P(a walk from START ever enters c)
 *                               = N(START, c) / N(c, c),
 * N = (I - Q)^-1 being the expected numbers of visits. Hence
 *   RE_c = f_c * h_c / p,
 * with no subtraction of nearly equal numbers, never negative, and one LU
 * factorization (partial pivoting) for every channel: the work is
 * O(nchan^3) in all instead of one system per channel. */
#ifndef ATTR_MARKOV_H
#define ATTR_MARKOV_H

#include "transforms/journey.h"

/* Fills *p and re[0..jc->nchan) (channels in no journey get 0). Every RE is
 * in [0, 1]. Deterministic: the same counts always give the same bits.
 * Allocates O(nchan^2) temporary memory (exits on OOM). */
void markov_removal_effects(const struct journey_counts *jc, double *p, double *re);

#endif
