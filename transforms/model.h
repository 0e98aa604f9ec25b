/* The domain vocabulary shared by every layer: periods, touch kinds,
 * milestones and the attribution models (contract §4, §5.2). Plain types and
 * the pure name tables over them, so that transforms/ can speak of a model or
 * a period without knowing how pipeline.conf spells or validates it (that is
 * etl/common/config.h, which builds these from the file). */
#ifndef ATTR_MODEL_H
#define ATTR_MODEL_H

#include <stdbool.h>
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

/* Touch kinds are names (contract §3.2, §7): `campaign_response` for CRM
 * campaign members, and for Marketo activities whatever name
 * `ma_touch_types` gives a type. The name is what the `kind` field of a
 * channel rule sees; `web_visit` is the one kind with a rule of its own. */
#define TOUCH_KIND_MAX 32
#define TOUCH_KIND_CAMPAIGN_RESPONSE "campaign_response"
#define TOUCH_KIND_WEB_VISIT "web_visit"

/* True when s is a kind name: 1 to TOUCH_KIND_MAX characters of a-z, 0-9
 * and '_', starting with a letter. */
bool touch_kind_name_valid(const char *s);

/* Name of a period kind ("month"). */
const char *period_kind_name(enum period_kind p);

/* Enum value for a name (case-insensitive), or -1: "month" -> PERIOD_MONTH. */
int period_kind_from_name(const char *s);

/* Built-in model `name` (case-insensitive): fills *out with its kind and
 * weights (out->name = NULL, the caller names it) and returns the canonical
 * name (static); NULL if `name` is not built in. */
const char *model_builtin(const char *name, struct model_def *out);

#endif
