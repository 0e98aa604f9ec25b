/* The simplified Shapley value of Zhao et al. 2018, as Google Ads Data Hub
 * computes it (contract §4.1): with R(T) the number of converting journeys
 * whose set of distinct channels is exactly T,
 *   phi_c = sum over the sets T holding c of R(T) / |T|,
 * i.e. each converting journey hands one conversion out in equal parts to
 * its distinct channels. Non-converting journeys do not enter. */
#ifndef ATTR_SHAPLEY_H
#define ATTR_SHAPLEY_H

#include "transforms/journey.h"

/* Fills phi[0..jc->nchan). Computed as sum over s = 1..nchan of n(c, s) / s
 * in increasing s, n(c, s) being the converting journeys of s distinct
 * channels that hold c: the same counts always give the same bits,
 * whatever the order the journeys came in. The phi sum to the number of
 * converting journeys (up to rounding). */
void shapley_values(const struct journey_counts *jc, double *phi);

#endif
