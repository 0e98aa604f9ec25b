/* model_fit.csv (contract §5.4): what the data-driven models learned, one
 * row per (data-driven model, channel seen in a journey) after one `(all)`
 * row per model:
 *   model,channel,journeys,conversions,value,share
 * journeys / conversions: the journeys (converting journeys) holding the
 * channel, every journey on `(all)`; value: RE_c (markov) or phi_c
 * (shapley), on `(all)` p (markov) or the number of converting journeys
 * (shapley); share: value / the sum of value over the model's channel rows,
 * empty on `(all)` and when that sum is 0. value and share with 6 decimals
 * rounded half away from zero. Rows by model (config order), `(all)`
 * first, then channels bytewise. Written by etl-attribute (unsharded) or
 * etl-merge (sharded) beside the other tables, only when `models` holds a
 * data-driven model. */
#ifndef ATTR_MODEL_FIT_H
#define ATTR_MODEL_FIT_H

#include <stdbool.h>

#include "etl/common/config.h"
#include "transforms/aggregate.h"
#include "transforms/datadriven.h"
#include "transforms/base/strbuf.h"

#define TABLE_MODEL_FIT "model_fit.csv"
#define MODEL_FIT_ALL "(all)"

/* True when cfg's models hold markov or shapley. */
bool model_fit_wanted(const struct etl_config *cfg);

/* Writes dir/model_fit.csv from fit, whose slots are g's channel ranks.
 * Returns 0, or -1 with err ("out/model_fit.csv: No space left on
 * device"). */
int model_fit_write(const struct etl_config *cfg, const struct groups *g, const struct dd_fit *fit,
                    const char *dir, struct strbuf *err);

#endif
