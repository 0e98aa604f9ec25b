/* What the report knows about one run folder: the published tables read
 * back and summed over the range, and the run's facts from manifest.json.
 * Loading streams each table once and keeps only sums (per model and
 * channel, per campaign of the first model, per period, per reject reason,
 * per funnel stage), so a folder of millions of rows loads in a fraction
 * of a second. Every number kept is a number of a table or an exact sum of
 * such numbers (cents and counts as integers, weights in micro units).
 *
 * Text lives in one string pool (str_id fields; report_str turns them into
 * C strings valid as long as the data). Models are in the order of
 * reconciliation.csv (the config's order); the first one is the model the
 * per-campaign and per-period sections use. */
#ifndef ATTR_REPORT_DATA_H
#define ATTR_REPORT_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transforms/base/idmap.h"
#include "transforms/base/strbuf.h"
#include "transforms/base/strpool.h"

/* One input of manifest.json. */
struct report_input {
  str_id name;
  uint64_t bytes, read, kept, rejected;
};

/* One row of reconciliation.csv. */
struct report_model {
  str_id name;
  int64_t opportunities, won;                                         /* counts */
  int64_t pipeline_total, pipeline_attributed, pipeline_unattributed; /* cents */
  int64_t revenue_total, revenue_attributed, revenue_unattributed;    /* cents */
};

struct report_period {
  str_id label, start, end;
};

/* Sums over the range of one group (channel or campaign) under one model. */
struct report_sums {
  int64_t touches;
  int64_t opportunities, won; /* micro units (6 decimals) */
  int64_t pipeline, revenue, cost; /* cents */
};

struct report_campaign {
  str_id id, name, type;
  struct report_sums sums; /* under the first model */
};

/* Rejects of one kind: same severity, entity, field and reason once the
 * quoted values are masked ("'…': no such day"). */
struct report_reason {
  str_id severity, entity, field, reason;
  str_id example_source; /* the first such row */
  uint64_t example_line;
  uint64_t count;
};

/* A stage of funnel.csv, dimension `all`, summed over the periods. */
struct report_stage {
  str_id name;
  int64_t order;
  int64_t reached, reached_pipeline, advanced, won, lost, open;
};

/* The published medians of one (period, stage) of dimension `all`: the
 * text of the table ("12.5"), "" when empty. */
struct report_median {
  size_t period; /* index into funnel_periods */
  size_t stage;  /* index into stages */
  str_id in_stage, to_reach;
};

/* A lead source of funnel.csv at the first stage, summed over periods. */
struct report_lead_source {
  str_id id;
  int64_t reached, pipeline, won;
};

/* One row of model_fit.csv. */
struct report_fit {
  str_id model, channel;
  int64_t journeys, conversions;
  int64_t value, share; /* micro units */
  str_id value_text, share_text; /* as published; share may be "" */
};

struct report_data {
  struct strpool pool;

  /* manifest.json */
  str_id version, config_path, config_sha256, as_of, range_from, range_to;
  struct report_input *inputs;
  size_t ninputs;

  /* reconciliation.csv */
  struct report_model *models;
  size_t nmodels;

  /* attribution_by_channel.csv: periods in period_start order, channels in
   * bytewise order; sums[c * nmodels + m]; the first model's revenue and
   * pipeline per period: by_period_*[c * nperiods + p]. */
  struct report_period *periods;
  size_t nperiods;
  str_id *channels;
  size_t nchannels;
  struct report_sums *channel_sums;
  int64_t *by_period_revenue, *by_period_pipeline;

  /* attribution_by_campaign.csv under the first model, bytewise by id;
   * `(none)` and `(unattributed)` included as they are published. */
  struct report_campaign *campaigns;
  size_t ncampaigns;

  /* rejects.csv: kinds sorted by count (descending), then bytewise. */
  struct report_reason *reasons;
  size_t nreasons;
  uint64_t nerrors, nwarnings;

  /* funnel.csv (when has_funnel) */
  bool has_funnel;
  struct report_stage *stages; /* by stage_order */
  size_t nstages;
  struct report_period *funnel_periods;
  size_t nfunnel_periods;
  struct report_median *medians; /* by period, then stage */
  size_t nmedians;
  struct report_lead_source *lead_sources; /* bytewise by id */
  size_t nlead_sources;

  /* model_fit.csv (when has_fit), in the table's order */
  bool has_fit;
  struct report_fit *fits;
  size_t nfits;

  /* from the config, when known (else 0): corporate currency, period kind */
  str_id currency, period_kind;

  /* working state of the loader */
  struct idmap channel_ix, period_ix, campaign_ix, reason_ix, fperiod_ix, lead_ix;
};

void report_data_init(struct report_data *d);
void report_data_release(struct report_data *d);

/* Loads the run folder dir: manifest.json, reconciliation.csv,
 * attribution_by_channel.csv, attribution_by_campaign.csv and rejects.csv
 * are required, funnel.csv and model_fit.csv read when present. Returns 0,
 * or -1 with err naming the file and line. */
int report_data_load(struct report_data *d, const char *dir, struct strbuf *err);

/* Sets the currency and period kind shown on the page. */
void report_data_set_config(struct report_data *d, const char *currency, const char *period_kind);

static inline const char *report_str(const struct report_data *d, str_id id) {
  return strpool_str(&d->pool, id);
}

/* Index of model `name` in d->models, or -1. */
int report_model_index(const struct report_data *d, const char *name, size_t len);

/* The loaders of each file (report_data.c, report_load_*.c). */
int report_load_manifest(struct report_data *d, const char *dir, struct strbuf *err);
int report_load_reconciliation(struct report_data *d, const char *dir, struct strbuf *err);
int report_load_channels(struct report_data *d, const char *dir, struct strbuf *err);
int report_load_campaigns(struct report_data *d, const char *dir, struct strbuf *err);
int report_load_rejects(struct report_data *d, const char *dir, struct strbuf *err);
int report_load_funnel(struct report_data *d, const char *dir, struct strbuf *err);
int report_load_fit(struct report_data *d, const char *dir, struct strbuf *err);

/* The reason of a reject with every '…'-quoted value replaced by '…', so
 * rejects of one kind group together: "'2024-02-30': no such day" ->
 * "'…': no such day". Appends to out. */
void report_mask_reason(const char *reason, struct strbuf *out);

#endif
