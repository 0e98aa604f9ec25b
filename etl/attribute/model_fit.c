/* Writing model_fit.csv (see model_fit.h) through the tables' CSV writer. */
#include "etl/attribute/model_fit.h"

#include <stdio.h>
#include <stdlib.h>

#include "etl/common/csvout.h"
#include "transforms/credit.h"
#include "transforms/base/xalloc.h"

bool model_fit_wanted(const struct etl_config *cfg) {
  for (size_t m = 0; m < cfg->nmodels; m++)
    if (model_is_datadriven(cfg->models[m].kind))
      return true;
  return false;
}

static void out_u64(struct csv_out *o, uint64_t v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
  csv_out_num(o, buf);
}

static void out_double(struct csv_out *o, double v) {
  char buf[64];
  fmt_double6(v, buf);
  csv_out_num(o, buf);
}

/* The `(all)` row and the channel rows of one model. */
static void model_rows(struct csv_out *o, const struct model_def *m, const struct groups *g,
                       const struct dd_fit *fit) {
  const double *v = dd_fit_values(fit, m->kind);
  double sum = 0.0;
  csv_out_text(o, m->name);
  csv_out_text(o, MODEL_FIT_ALL);
  out_u64(o, fit->njourneys);
  out_u64(o, fit->nconv);
  out_double(o, m->kind == MODEL_MARKOV ? fit->p : (double)fit->nconv);
  csv_out_text(o, "");
  csv_out_end_row(o);
  for (size_t c = 0; c < fit->nchan; c++)
    if (fit->journeys[c] > 0)
      sum += v[c];
  for (size_t c = 0; c < fit->nchan; c++) {
    if (fit->journeys[c] == 0)
      continue;
    csv_out_text(o, m->name);
    csv_out_text(o, g->chan_names[c]);
    out_u64(o, fit->journeys[c]);
    out_u64(o, fit->conversions[c]);
    out_double(o, v[c]);
    if (sum > 0.0)
      out_double(o, v[c] / sum);
    else
      csv_out_text(o, "");
    csv_out_end_row(o);
  }
}

int model_fit_write(const struct etl_config *cfg, const struct groups *g, const struct dd_fit *fit,
                    const char *dir, struct strbuf *err) {
  static const char *const header[] = {"model", "channel", "journeys", "conversions", "value",
                                       "share"};
  struct csv_out *o;
  char *path = xasprintf("%s/%s", dir, TABLE_MODEL_FIT);
  int rc = csv_out_open(&o, path, false, cfg->excel_bom, err);
  free(path);
  if (rc != 0)
    return -1;
  for (size_t i = 0; i < sizeof header / sizeof header[0]; i++)
    csv_out_text(o, header[i]);
  csv_out_end_row(o);
  for (size_t m = 0; m < cfg->nmodels; m++)
    if (model_is_datadriven(cfg->models[m].kind))
      model_rows(o, &cfg->models[m], g, fit);
  return csv_out_close(o, err);
}
