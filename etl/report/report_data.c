/* The report's data (see report_data.h): set-up, the order of loading,
 * and manifest.json. The tables' loaders are in report_load_*.c. */
#include "etl/report/report_data.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etl/report/json_read.h"
#include "transforms/base/xalloc.h"

#define MANIFEST_NAME "manifest.json"
#define MANIFEST_MAX_BYTES (64u << 20)

void report_data_init(struct report_data *d) {
  memset(d, 0, sizeof *d);
  strpool_init(&d->pool);
  idmap_init(&d->channel_ix);
  idmap_init(&d->period_ix);
  idmap_init(&d->campaign_ix);
  idmap_init(&d->reason_ix);
  idmap_init(&d->fperiod_ix);
  idmap_init(&d->lead_ix);
}

void report_data_release(struct report_data *d) {
  strpool_release(&d->pool);
  idmap_release(&d->channel_ix);
  idmap_release(&d->period_ix);
  idmap_release(&d->campaign_ix);
  idmap_release(&d->reason_ix);
  idmap_release(&d->fperiod_ix);
  idmap_release(&d->lead_ix);
  free(d->inputs);
  free(d->models);
  free(d->periods);
  free(d->channels);
  free(d->channel_sums);
  free(d->by_period_revenue);
  free(d->by_period_pipeline);
  free(d->campaigns);
  free(d->reasons);
  free(d->stages);
  free(d->funnel_periods);
  free(d->medians);
  free(d->lead_sources);
  free(d->fits);
  memset(d, 0, sizeof *d);
}

int report_model_index(const struct report_data *d, const char *name, size_t len) {
  for (size_t m = 0; m < d->nmodels; m++) {
    const char *s = report_str(d, d->models[m].name);
    if (strlen(s) == len && memcmp(s, name, len) == 0)
      return (int)m;
  }
  return -1;
}

void report_data_set_config(struct report_data *d, const char *currency, const char *period_kind) {
  d->currency = currency && *currency ? strpool_interns(&d->pool, currency) : STR_EMPTY;
  d->period_kind = period_kind && *period_kind ? strpool_interns(&d->pool, period_kind) : STR_EMPTY;
}

void report_mask_reason(const char *reason, struct strbuf *out) {
  const char *p = reason;
  for (;;) {
    const char *open = strchr(p, '\'');
    const char *close = open ? strchr(open + 1, '\'') : NULL;
    if (!close) {
      strbuf_adds(out, p);
      return;
    }
    strbuf_add(out, p, (size_t)(open - p));
    strbuf_adds(out, "'\xE2\x80\xA6'");
    p = close + 1;
  }
}

/* --- manifest.json ---------------------------------------------------------- */

static int read_file(const char *path, const char *name, struct strbuf *text, struct strbuf *err) {
  FILE *f = fopen(path, "rbe");
  if (!f) {
    strbuf_addf(err, "%s: %s", name, strerror(errno));
    return -1;
  }
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
    if (text->len + n > MANIFEST_MAX_BYTES) {
      fclose(f);
      strbuf_addf(err, "%s: larger than %u bytes", name, MANIFEST_MAX_BYTES);
      return -1;
    }
    strbuf_add(text, buf, n);
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    strbuf_addf(err, "%s: read error", name);
    return -1;
  }
  return 0;
}

/* Interns member `key` of obj, a string; -1 with err when absent. */
static int take_str(struct report_data *d, const struct json_value *obj, const char *where,
                    const char *key, str_id *out, struct strbuf *err) {
  const struct json_value *v = json_get(obj, key);
  const char *s = json_str(v);
  if (!s || memchr(s, '\0', v->len)) {
    strbuf_addf(err, "%s: %s%s'%s' missing or not a string", MANIFEST_NAME, where,
                *where ? " " : "", key);
    return -1;
  }
  *out = strpool_interns(&d->pool, s);
  return 0;
}

static int take_count(const struct json_value *obj, size_t index, const char *key, uint64_t *out,
                      struct strbuf *err) {
  if (json_u64(json_get(obj, key), out) < 0) {
    strbuf_addf(err, "%s: inputs[%zu]: '%s' missing or not a count", MANIFEST_NAME, index, key);
    return -1;
  }
  return 0;
}

static int take_inputs(struct report_data *d, const struct json_value *root, struct strbuf *err) {
  const struct json_value *in = json_get(root, "inputs");
  if (!in || in->type != JSON_ARRAY) {
    strbuf_addf(err, "%s: 'inputs' missing or not an array", MANIFEST_NAME);
    return -1;
  }
  d->inputs = xcalloc(in->n ? in->n : 1, sizeof *d->inputs);
  for (size_t i = 0; i < in->n; i++) {
    const struct json_value *o = &in->items[i];
    struct report_input *r = &d->inputs[i];
    char where[48];
    snprintf(where, sizeof where, "inputs[%zu]:", i);
    if (take_str(d, o, where, "name", &r->name, err) < 0 ||
        take_count(o, i, "bytes", &r->bytes, err) < 0 ||
        take_count(o, i, "rows_read", &r->read, err) < 0 ||
        take_count(o, i, "rows_kept", &r->kept, err) < 0 ||
        take_count(o, i, "rows_rejected", &r->rejected, err) < 0)
      return -1;
    d->ninputs++;
  }
  return 0;
}

int report_load_manifest(struct report_data *d, const char *dir, struct strbuf *err) {
  char *path = xasprintf("%s/%s", dir, MANIFEST_NAME);
  struct strbuf text = STRBUF_INIT;
  struct json_value root;
  memset(&root, 0, sizeof root);
  int rc = read_file(path, MANIFEST_NAME, &text, err);
  free(path);
  if (rc == 0) {
    struct strbuf jerr = STRBUF_INIT;
    if (json_parse(strbuf_str(&text), text.len, &root, &jerr) < 0) {
      strbuf_addf(err, "%s:%s", MANIFEST_NAME, strbuf_str(&jerr));
      rc = -1;
    }
    strbuf_release(&jerr);
  }
  const struct json_value *config = json_get(&root, "config");
  const struct json_value *range = json_get(&root, "range");
  if (rc == 0 && (take_str(d, &root, "", "version", &d->version, err) < 0 ||
                  take_str(d, config, "config", "path", &d->config_path, err) < 0 ||
                  take_str(d, config, "config", "sha256", &d->config_sha256, err) < 0 ||
                  take_str(d, &root, "", "as_of", &d->as_of, err) < 0 ||
                  take_str(d, range, "range", "from", &d->range_from, err) < 0 ||
                  take_str(d, range, "range", "to", &d->range_to, err) < 0 ||
                  take_inputs(d, &root, err) < 0))
    rc = -1;
  json_release(&root);
  strbuf_release(&text);
  return rc;
}

int report_data_load(struct report_data *d, const char *dir, struct strbuf *err) {
  if (report_load_manifest(d, dir, err) < 0 || report_load_reconciliation(d, dir, err) < 0 ||
      report_load_channels(d, dir, err) < 0 || report_load_campaigns(d, dir, err) < 0 ||
      report_load_rejects(d, dir, err) < 0 || report_load_funnel(d, dir, err) < 0 ||
      report_load_fit(d, dir, err) < 0)
    return -1;
  return 0;
}
