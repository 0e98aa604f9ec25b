/* The domain vocabulary shared by every layer: periods, touch kinds,
 * milestones and the attribution models (contract §4, §5.2). Plain types and
 * the pure name tables over them, so that transforms/ can speak of a model or
 * a period without knowing how pipeline.conf spells or validates it (that is
 * etl/common/config.h, which builds these from the file). */
#ifndef ATTR_MODEL_H
#define ATTR_MODEL_H

#include <stdint.h>

enum period_kind { PERIOD_DAY, PERIOD_WEEK, PERIOD_MONTH, PERIOD_QUARTER, PERIOD_YEAR };

/* MODEL_MARKOV and MODEL_SHAPLEY are the data-driven models (contract §4.1). */
enum model_kind {
  MODEL_POSITION,
  MODEL_TIME_DECAY,
  MODEL_PRIMARY_CAMPAIGN,
  MODEL_MARKOV,
  MODEL_SHAPLEY
};

/* Milestones, in the order the contract lists them. */
enum milestone { MS_FT, MS_LC, MS_OC, MS_CW, MS_LT, MS_COUNT };

#define WEIGHT_SCALE 1000000000LL /* model weights are decimals, 9 places */

/* One model of `models =`. Built-in rational models are position models:
 * first_touch = {FT 1}, last_touch = {LT 1}, linear = {middle 1},
 * u_shaped, w_shaped, full_path as in §4; custom [model] sections likewise. */
struct model_def {
  char *name;
  enum model_kind kind;
  int64_t weight[MS_COUNT]; /* units of 1/WEIGHT_SCALE, >= 0 */
  int64_t middle;           /* units of 1/WEIGHT_SCALE, >= 0 */
};

enum touch_kind { KIND_CAMPAIGN_RESPONSE, KIND_WEB_VISIT, KIND_FORM_FILL, KIND_EMAIL_CLICK, KIND_COUNT };
/* "campaign_response", "web_visit", "form_fill", "email_click". */
const char *touch_kind_name(enum touch_kind k);

/* Name of a period kind ("month"). */
const char *period_kind_name(enum period_kind p);

/* Enum value for a name (case-insensitive), or -1: "month" -> PERIOD_MONTH,
 * "form_fill" -> KIND_FORM_FILL. */
int period_kind_from_name(const char *s);
int touch_kind_from_name(const char *s);

/* Built-in model `name` (case-insensitive): fills *out with its kind and
 * weights (out->name = NULL, the caller names it) and returns the canonical
 * name (static); NULL if `name` is not built in. */
const char *model_builtin(const char *name, struct model_def *out);

#endif
