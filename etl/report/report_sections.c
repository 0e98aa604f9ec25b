/* The attribution sections of the report page (see report_page.h):
 * revenue and pipeline by channel under every model, the first model's top
 * campaigns with cost and ROI, and its revenue by channel period by
 * period. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etl/report/html_writer.h"
#include "etl/report/report_format.h"
#include "etl/report/report_page.h"
#include "etl/report/report_sections.h"
#include "etl/report/svg_chart.h"
#include "transforms/credit.h"
#include "transforms/base/xalloc.h"

#define NONE_CAMPAIGN "(none)"

/* --- by channel under every model ---------------------------------------------- */

/* The rows of a channel chart: channels in palette order with a non-zero
 * value under some model, those past the cap summed into one "Other
 * channels" row, `(unattributed)` last. values[r * nmodels + m]. */
struct chan_rows {
  const char **labels, **colors;
  int64_t *values;
  size_t n;
  char *other_label; /* owned */
};

static int64_t chan_value(const struct report_data *d, size_t c, size_t m, bool revenue) {
  const struct report_sums *s = &d->channel_sums[c * d->nmodels + m];
  return revenue ? s->revenue : s->pipeline;
}

static bool chan_nonzero(const struct report_data *d, size_t c, bool revenue) {
  for (size_t m = 0; m < d->nmodels; m++)
    if (chan_value(d, c, m, revenue))
      return true;
  return false;
}

static void chan_rows_build(struct chan_rows *r, const struct page_ctx *p, bool revenue) {
  const struct report_data *d = p->d;
  size_t nm = d->nmodels, named = 0, cap = REPORT_MAX_CHANNEL_ROWS;
  memset(r, 0, sizeof *r);
  for (size_t k = 0; k < p->pal.n; k++) {
    size_t c = p->pal.order[k];
    named += chan_nonzero(d, c, revenue) &&
             strcmp(report_str(d, d->channels[c]), REPORT_UNATTRIBUTED) != 0;
  }
  size_t shown = named > cap ? cap - 1 : named;
  r->labels = xcalloc(cap + 2, sizeof *r->labels);
  r->colors = xcalloc(cap + 2, sizeof *r->colors);
  r->values = xcalloc((cap + 2) * nm, sizeof *r->values);
  size_t seen = 0, other = named > cap ? cap - 1 : (size_t)-1;
  if (named > cap) {
    r->other_label = xasprintf("Other channels (%zu)", named - shown);
    r->labels[other] = r->other_label;
    r->colors[other] = REPORT_COLOR_OTHER;
  }
  for (size_t k = 0; k < p->pal.n; k++) {
    size_t c = p->pal.order[k];
    if (!chan_nonzero(d, c, revenue))
      continue;
    bool unattr = strcmp(report_str(d, d->channels[c]), REPORT_UNATTRIBUTED) == 0;
    size_t row;
    if (unattr)
      row = named > cap ? cap : named;
    else if (seen < shown)
      row = seen++;
    else
      row = other;
    if (row != other) {
      r->labels[row] = report_str(d, d->channels[c]);
      r->colors[row] = p->pal.color[c];
    }
    for (size_t m = 0; m < nm; m++)
      r->values[row * nm + m] += chan_value(d, c, m, revenue);
    if (row + 1 > r->n)
      r->n = row + 1;
  }
}

static void chan_rows_release(struct chan_rows *r) {
  free(r->labels);
  free(r->colors);
  free(r->values);
  free(r->other_label);
}

static void channel_chart(struct strbuf *out, const struct page_ctx *p, bool revenue,
                          const char **models) {
  struct chan_rows r;
  struct strbuf title = STRBUF_INIT, axis = STRBUF_INIT;
  chan_rows_build(&r, p, revenue);
  strbuf_addf(&title, "%s by channel under each model", revenue ? "Revenue won" : "Pipeline created");
  strbuf_addf(&axis, "%s, %s \xE2\x80\x94 one column per model, all on one scale",
              revenue ? "Revenue won" : "Pipeline created", p->currency);
  strbuf_addf(out, "<h3>%s</h3>\n", revenue ? "Revenue won" : "Pipeline created");
  if (r.n == 0) {
    strbuf_adds(out, "<p class=\"muted\">None in the range.</p>\n");
  } else {
    struct svg_trellis t = {.title = strbuf_str(&title),
                            .row_labels = r.labels,
                            .row_colors = r.colors,
                            .nrows = r.n,
                            .col_labels = models,
                            .ncols = p->d->nmodels,
                            .values = r.values,
                            .fmt = fmt_money_compact,
                            .exact = fmt_money_exact,
                            .min_step = 100,
                            .axis_title = strbuf_str(&axis)};
    svg_trellis(out, &t);
  }
  chan_rows_release(&r);
  strbuf_release(&title);
  strbuf_release(&axis);
}

void section_channels(struct strbuf *out, const struct page_ctx *p) {
  const struct report_data *d = p->d;
  const char **models = xcalloc(d->nmodels, sizeof *models);
  for (size_t m = 0; m < d->nmodels; m++)
    models[m] = report_str(d, d->models[m].name);
  struct strbuf lede = STRBUF_INIT;
  strbuf_addf(&lede, "The same revenue and pipeline, credited to channels by every model side "
                     "by side: read a row to see how far the models agree about a channel. "
                     "Channels are sorted by revenue under %s; bars of one chart share one "
                     "scale. Amounts in %s.",
              p->first_model, p->currency);
  section_open(out, "channels", "Revenue and pipeline by channel, every model side by side",
               strbuf_str(&lede));
  channel_chart(out, p, true, models);
  section_keep_end(out);
  channel_chart(out, p, false, models);
  section_close(out);
  strbuf_release(&lede);
  free(models);
}

/* --- top campaigns ------------------------------------------------------------ */

/* A campaign and its index in d->campaigns (which are sorted by id). */
struct ranked {
  const struct report_campaign *c;
  size_t ix;
};

static int cmp_ranked(const void *a, const void *b) {
  const struct ranked *x = a, *y = b;
  if (x->c->sums.revenue != y->c->sums.revenue)
    return x->c->sums.revenue > y->c->sums.revenue ? -1 : 1;
  if (x->c->sums.cost != y->c->sums.cost)
    return x->c->sums.cost > y->c->sums.cost ? -1 : 1;
  return (x->ix > y->ix) - (x->ix < y->ix);
}

/* Campaign rows: every real campaign with a non-zero revenue, pipeline or
 * cost, by revenue then cost (descending) then id. */
static size_t rank_campaigns(const struct report_data *d, struct ranked *out) {
  size_t n = 0;
  for (size_t i = 0; i < d->ncampaigns; i++) {
    const struct report_campaign *c = &d->campaigns[i];
    const char *id = report_str(d, c->id);
    if (!strcmp(id, NONE_CAMPAIGN) || !strcmp(id, REPORT_UNATTRIBUTED))
      continue;
    if (c->sums.revenue || c->sums.pipeline || c->sums.cost)
      out[n++] = (struct ranked){c, i};
  }
  qsort(out, n, sizeof *out, cmp_ranked);
  return n;
}

static const struct report_campaign *find_campaign(const struct report_data *d, const char *id) {
  for (size_t i = 0; i < d->ncampaigns; i++)
    if (!strcmp(report_str(d, d->campaigns[i].id), id))
      return &d->campaigns[i];
  return NULL;
}

/* The note under the campaign chart: the groups that are not campaigns. */
static void campaign_note(struct strbuf *out, const struct page_ctx *p, size_t ranked,
                          size_t shown) {
  const struct report_data *d = p->d;
  const struct report_campaign *none = find_campaign(d, NONE_CAMPAIGN);
  const struct report_campaign *un = find_campaign(d, REPORT_UNATTRIBUTED);
  char a[RFMT_LEN], b[RFMT_LEN], n1[RFMT_LEN], n2[RFMT_LEN];
  struct strbuf s = STRBUF_INIT;
  rfmt_count((int64_t)shown, n1);
  rfmt_count((int64_t)ranked, n2);
  strbuf_addf(&s, "Top %s of %s campaigns with revenue, pipeline or cost. ", n1, n2);
  rfmt_money(none ? none->sums.revenue : 0, a);
  rfmt_money(un ? un->sums.revenue : 0, b);
  strbuf_addf(&s, "Not in a campaign: revenue %s %s credited to touches without one, %s %s "
                  "unattributed. ROI = (revenue \xE2\x88\x92 cost) / cost over the whole range, "
                  "exact from the cents and rounded half away from zero to 4 decimals, shown as "
                  "a percentage; \xE2\x80\x9C\xE2\x80\x93\xE2\x80\x9D when the campaign had no cost.",
              a, p->currency, b, p->currency);
  strbuf_adds(out, "<p class=\"note\">");
  html_text(out, strbuf_str(&s));
  strbuf_adds(out, "</p>\n");
  strbuf_release(&s);
}

void section_campaigns(struct strbuf *out, const struct page_ctx *p) {
  const struct report_data *d = p->d;
  struct ranked *rk = xcalloc(d->ncampaigns ? d->ncampaigns : 1, sizeof *rk);
  size_t n = rank_campaigns(d, rk), shown = n < REPORT_TOP_CAMPAIGNS ? n : REPORT_TOP_CAMPAIGNS;
  struct svg_bar_row *rows = xcalloc(shown ? shown : 1, sizeof *rows);
  char (*cells)[3][RFMT_LEN] = xcalloc(shown ? shown : 1, sizeof *cells);
  struct strbuf lede = STRBUF_INIT, head = STRBUF_INIT, axis = STRBUF_INIT;
  strbuf_addf(&lede, "The campaigns credited with the most revenue under %s over the whole "
                     "range, with the pipeline credited to them, what they cost and their "
                     "return on that cost. Amounts in %s.",
              p->first_model, p->currency);
  section_open(out, "campaigns", "Top campaigns by revenue", strbuf_str(&lede));
  for (size_t i = 0; i < shown; i++) {
    const struct report_campaign *c = rk[i].c;
    char roi[64];
    const char *name = report_str(d, c->name);
    rows[i].label = *name ? name : report_str(d, c->id);
    rows[i].sublabel = *report_str(d, c->type) ? report_str(d, c->type) : NULL;
    rows[i].value = c->sums.revenue;
    rows[i].color = REPORT_COLOR_NEUTRAL;
    rfmt_compact(c->sums.pipeline, 100, cells[i][0]);
    rfmt_compact(c->sums.cost, 100, cells[i][1]);
    fmt_roi(c->sums.revenue, c->sums.cost, roi);
    if (*roi)
      rfmt_ratio_as_percent(roi, cells[i][2]);
    else
      snprintf(cells[i][2], RFMT_LEN, "\xE2\x80\x93");
    for (int k = 0; k < 3; k++)
      rows[i].cells[k] = cells[i][k];
  }
  if (shown == 0) {
    strbuf_adds(out, "<p class=\"muted\">No campaign has revenue, pipeline or cost in the "
                     "range.</p>\n");
  } else {
    strbuf_addf(&head, "Revenue won, %s", p->currency);
    strbuf_addf(&axis, "Revenue won, %s (%s)", p->currency, p->first_model);
    struct svg_bar_table t = {.title = "Top campaigns by revenue",
                              .label_head = "Campaign",
                              .value_head = strbuf_str(&head),
                              .cell_heads = {"Pipeline", "Cost", "ROI"},
                              .ncells = 3,
                              .rows = rows,
                              .nrows = shown,
                              .fmt = fmt_money_compact,
                              .exact = fmt_money_exact,
                              .min_step = 100,
                              .axis_title = strbuf_str(&axis)};
    svg_bar_table(out, &t);
  }
  section_keep_end(out);
  campaign_note(out, p, n, shown);
  section_close(out);
  strbuf_release(&lede);
  strbuf_release(&head);
  strbuf_release(&axis);
  free(rows);
  free(cells);
  free(rk);
}

/* --- over the periods ------------------------------------------------------------ */

/* Consecutive periods summed into at most REPORT_MAX_COLUMNS columns. */
struct columns {
  size_t n, per; /* columns, periods per column */
  char **labels, **tips;
};

static void columns_build(struct columns *c, const struct report_data *d) {
  size_t np = d->nperiods;
  c->per = np > REPORT_MAX_COLUMNS ? (np + REPORT_MAX_COLUMNS - 1) / REPORT_MAX_COLUMNS : 1;
  c->n = (np + c->per - 1) / c->per;
  c->labels = xcalloc(c->n ? c->n : 1, sizeof *c->labels);
  c->tips = xcalloc(c->n ? c->n : 1, sizeof *c->tips);
  for (size_t x = 0; x < c->n; x++) {
    size_t first = x * c->per, last = first + c->per - 1 < np ? first + c->per - 1 : np - 1;
    const char *a = report_str(d, d->periods[first].label);
    const char *b = report_str(d, d->periods[last].label);
    c->labels[x] = xstrdup(a);
    c->tips[x] = first == last ? xasprintf("%s (%s to %s)", a,
                                           report_str(d, d->periods[first].start),
                                           report_str(d, d->periods[first].end))
                               : xasprintf("%s to %s", a, b);
  }
}

static void columns_release(struct columns *c) {
  for (size_t x = 0; x < c->n; x++) {
    free(c->labels[x]);
    free(c->tips[x]);
  }
  free(c->labels);
  free(c->tips);
}

static bool revenue_in_periods(const struct report_data *d, size_t c) {
  for (size_t t = 0; t < d->nperiods; t++)
    if (d->by_period_revenue[c * d->nperiods + t])
      return true;
  return false;
}

void section_periods(struct strbuf *out, const struct page_ctx *p) {
  const struct report_data *d = p->d;
  struct columns cols;
  columns_build(&cols, d);
  size_t nx = cols.n, cap = REPORT_STACK_SERIES, named = 0;
  for (size_t c = 0; c < d->nchannels; c++)
    named += revenue_in_periods(d, c) &&
             strcmp(report_str(d, d->channels[c]), REPORT_UNATTRIBUTED) != 0;
  size_t shown = named > cap + 1 ? cap : named;
  size_t ns_max = shown + 2;
  const char **labels = xcalloc(ns_max, sizeof *labels), **colors = xcalloc(ns_max, sizeof *colors);
  int64_t *values = xcalloc(ns_max * (nx ? nx : 1), sizeof *values);
  char *other_label = named > shown ? xasprintf("Other channels (%zu)", named - shown) : NULL;
  size_t ns = 0, seen = 0;
  for (size_t k = 0; k < p->pal.n; k++) {
    size_t c = p->pal.order[k], row;
    if (!revenue_in_periods(d, c))
      continue;
    if (strcmp(report_str(d, d->channels[c]), REPORT_UNATTRIBUTED) == 0) {
      row = shown + (other_label ? 1 : 0);
      labels[row] = REPORT_UNATTRIBUTED;
      colors[row] = REPORT_COLOR_UNATTRIBUTED;
    } else if (seen < shown) {
      row = seen++;
      labels[row] = report_str(d, d->channels[c]);
      colors[row] = p->pal.color[c];
    } else {
      row = shown;
      labels[row] = other_label;
      colors[row] = REPORT_COLOR_OTHER;
    }
    for (size_t t = 0; t < d->nperiods; t++)
      values[row * nx + t / cols.per] += d->by_period_revenue[c * d->nperiods + t];
    if (row + 1 > ns)
      ns = row + 1;
  }
  struct strbuf lede = STRBUF_INIT, axis = STRBUF_INIT;
  strbuf_addf(&lede, "Revenue won in each period, by the period of the close date, credited to "
                     "channels by %s; the grey top of a column is revenue no touch could be "
                     "credited with. Amounts in %s.",
              p->first_model, p->currency);
  section_open(out, "periods", "Revenue by channel over time", strbuf_str(&lede));
  if (nx == 0 || ns == 0) {
    strbuf_adds(out, "<p class=\"muted\">No revenue in the range.</p>\n");
    section_keep_end(out);
  } else {
    strbuf_addf(&axis, "Revenue won, %s (%s)", p->currency, p->first_model);
    struct svg_stack t = {.title = "Revenue by channel over time",
                          .x_labels = (const char *const *)cols.labels,
                          .x_tips = (const char *const *)cols.tips,
                          .nx = nx,
                          .series_labels = labels,
                          .series_colors = colors,
                          .nseries = ns,
                          .values = values,
                          .fmt = fmt_money_compact,
                          .exact = fmt_money_exact,
                          .min_step = 100,
                          .axis_title = strbuf_str(&axis)};
    svg_stack(out, &t);
    section_keep_end(out);
    if (cols.per > 1)
      strbuf_addf(out, "<p class=\"note\">%zu periods: each column sums %zu consecutive "
                       "periods and is labelled by the first.</p>\n",
                  d->nperiods, cols.per);
  }
  section_close(out);
  strbuf_release(&lede);
  strbuf_release(&axis);
  free(labels);
  free(colors);
  free(values);
  free(other_label);
  columns_release(&cols);
}
