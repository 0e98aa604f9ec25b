/* pipeline.conf (contract §7 and §9 "Config syntax" / "Configuration
 * values"): a git-config-style INI file with [pipeline], [input],
 * [columns "ENTITY"], [channel "NAME"], [model "NAME"] and [funnel] sections. The
 * loader applies every default, validates every value, resolves paths
 * relative to the file's folder, compiles the channel rules and checks the
 * models, and reports the first error as "pipeline.conf:LINE: message". */
#ifndef ATTR_CONFIG_H
#define ATTR_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transforms/channel.h"
#include "transforms/funnel_stages.h"
#include "transforms/model.h"
#include "transforms/base/strbuf.h"

struct ma_touch_type {
  long type_id;
  char kind[TOUCH_KIND_MAX + 1]; /* a kind name (transforms/model.h) */
};

/* A [columns "ENTITY"] remap: canonical column -> header in the file. */
struct column_remap {
  char *entity;    /* CRM entity name or [input] key, as written */
  char *canonical; /* compared case-insensitively */
  char *header;    /* exact */
};

struct etl_config {
  char *path; /* the file as given */
  char *dir;  /* its folder, for relative paths */

  /* [pipeline] */
  char currency[16]; /* upper-case code */
  enum period_kind period;
  struct model_def *models; /* in `models =` order */
  size_t nmodels;
  int64_t lookback_days;
  double half_life_days;
  bool account_based;
  double max_reject_ratio;
  int32_t naive_utc_offset; /* seconds east of UTC */
  int fiscal_year_start_month; /* 1-12 */
  bool crm_touches_all;        /* crm_touches = all (else responded) */
  bool web_visit_requires_utm;
  struct ma_touch_type *ma_types;
  size_t nma_types;
  bool excel_bom;
  double max_expand_ratio;
  uint64_t max_input_bytes;
  char *out_dir; /* resolved path */

  /* [input]: resolved paths, NULL when not configured. The loader requires
   * crm, and ma_activities and ma_leads together or not at all. */
  char *crm, *ma_activities, *ma_leads, *fx_rates, *costs;

  struct column_remap *remaps;
  size_t nremaps;

  struct channel_rules *rules; /* never NULL after a successful load */

  /* [funnel] stages (contract §7): the default list unless configured */
  struct funnel_stages funnel;
};

/* Loads and validates path. Returns 0, or -1 with err holding
 * "pipeline.conf:14: channel \"Paid Search\": utm_medium: missing closing
 * parenthesis at offset 9" (or "pipeline.conf: No such file or directory").
 * The config must be released with etl_config_release in both cases. */
int etl_config_load(struct etl_config *c, const char *path, struct strbuf *err);
void etl_config_release(struct etl_config *c);

/* The header to look for in `entity`'s file for canonical column `name`:
 * the remapped header if [columns "entity"] names it, else `name`. */
const char *etl_config_column(const struct etl_config *c, const char *entity, const char *name);

/* The kind configured for a Marketo activityTypeId; returns its index in
 * c->ma_types and sets *kind (owned by the config) if the type is
 * configured, -1 otherwise. */
int etl_config_ma_kind(const struct etl_config *c, long type_id, const char **kind);

/* --- Pieces of the loader, also used by tests and other stages ---------- */

/* Parses a config held in memory (len bytes, need not be NUL-terminated; a
 * NUL byte is an error). `path` names the file in messages and its folder
 * anchors relative paths; nothing is read from disk. Same contract as
 * etl_config_load. */
int etl_config_parse(struct etl_config *c, const char *path, const char *text, size_t len,
                     struct strbuf *err);

/* p resolved against the config's folder (absolute paths kept, and paths
 * of a config named without a folder left as they are). Caller frees. */
char *etl_config_resolve(const struct etl_config *c, const char *p);

/* A custom model weight ("0.225") exactly into WEIGHT_SCALE units: digits,
 * an optional '.' and at most 9 decimals, at most 1000 (weights are
 * relative; the cap keeps the integer arithmetic of the position rule far
 * from overflow). Returns 0, or -1 with *why ("is negative", ...). */
int model_weight_parse(const char *s, int64_t *out, const char **why);

/* Canonical spelling of column `name` (case-insensitive) of `entity` (a CRM
 * entity or an [input] key, exact case), per contract §1: returns 1 and
 * sets *canonical (static), 0 if the entity has no such column, -1 if the
 * entity is unknown. */
int etl_entity_column(const char *entity, const char *name, const char **canonical);

/* Every canonical column of `entity` (contract §1), NULL-terminated, static;
 * NULL if the entity is unknown. */
const char *const *etl_entity_columns(const char *entity);

/* Sets [pipeline] `key` (case-insensitive) from `value`, validating it;
 * every key but `models` (the loader resolves it once the [model]
 * sections are known). Returns 0; 1 if the key is unknown; -1 with err set
 * to "lookback_days: '-1' is not a whole number >= 0". */
int etl_config_set_pipeline(struct etl_config *c, const char *key, const char *value,
                            struct strbuf *err);

#endif
