/* The sections of the report page around the attribution (see
 * report_page.h): the funnel and its lead sources, the data-driven
 * models' channel values, and data quality (rows per input, the most
 * frequent reject reasons). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etl/report/html_writer.h"
#include "etl/report/report_format.h"
#include "etl/report/report_page.h"
#include "etl/report/report_sections.h"
#include "etl/report/svg_chart.h"
#include "transforms/base/xalloc.h"

#define DASH "\xE2\x80\x93"
#define MAX_FIT_ROWS 20

/* --- funnel -------------------------------------------------------------------- */

/* A count for a narrow column: exact while short ("91,335"), else compact
 * ("1.23M"). */
static void count_cell(int64_t n, char out[RFMT_LEN]) {
  rfmt_count(n, out);
  if (strlen(out) > 7)
    rfmt_compact(n, 1, out);
}

static void funnel_stages(struct strbuf *out, const struct report_data *d) {
  size_t n = d->nstages;
  struct svg_bar_row *rows = xcalloc(n ? n : 1, sizeof *rows);
  char (*cells)[6][RFMT_LEN] = xcalloc(n ? n : 1, sizeof *cells);
  for (size_t s = 0; s < n; s++) {
    const struct report_stage *st = &d->stages[s];
    rows[s].label = report_str(d, st->name);
    rows[s].value = st->reached;
    rows[s].color = REPORT_COLOR_NEUTRAL;
    rfmt_compact(st->reached_pipeline, 100, cells[s][0]);
    count_cell(st->advanced, cells[s][1]);
    rfmt_percent(st->advanced, st->reached, 2, cells[s][2]);
    count_cell(st->won, cells[s][3]);
    count_cell(st->lost, cells[s][4]);
    count_cell(st->open, cells[s][5]);
    for (int k = 0; k < 6; k++)
      rows[s].cells[k] = cells[s][k];
  }
  struct svg_bar_table t = {
      .title = "Funnel by stage",
      .label_head = "Stage",
      .value_head = "Opportunities reaching the stage",
      .cell_heads = {"Pipeline", "Advanced", "Conversion", "Won", "Lost", "Open"},
      .ncells = 6,
      .rows = rows,
      .nrows = n,
      .fmt = fmt_count_compact,
      .exact = fmt_count_exact,
      .min_step = 1,
      .axis_title = "Opportunities (count), summed over the cohorts of the range",
      .label_w = 190,
      .cell_w = 78};
  svg_bar_table(out, &t);
  free(rows);
  free(cells);
}

static void median_rows(struct strbuf *out, const struct report_data *d,
                        const struct report_median **grid, size_t first, size_t np, bool in_stage) {
  strbuf_addf(out, "<tr><th colspan=\"%zu\" class=\"muted\">%s</th></tr>\n", np - first + 1,
              in_stage ? "Median days in the stage" : "Median days from creation to the stage");
  for (size_t s = 0; s < d->nstages; s++) {
    strbuf_adds(out, "<tr><td>");
    html_text(out, report_str(d, d->stages[s].name));
    strbuf_adds(out, "</td>");
    for (size_t t = first; t < np; t++) {
      const struct report_median *m = grid[t * d->nstages + s];
      const char *v = m ? report_str(d, in_stage ? m->in_stage : m->to_reach) : "";
      td_num(out, *v ? v : DASH);
    }
    strbuf_adds(out, "</tr>\n");
  }
}

static void funnel_medians(struct strbuf *out, const struct report_data *d) {
  size_t np = d->nfunnel_periods, ns = d->nstages;
  if (np == 0 || ns == 0)
    return;
  const struct report_median **grid = xcalloc(np * ns, sizeof *grid);
  for (size_t i = 0; i < d->nmedians; i++)
    grid[d->medians[i].period * ns + d->medians[i].stage] = &d->medians[i];
  size_t first = np > REPORT_MEDIAN_PERIODS ? np - REPORT_MEDIAN_PERIODS : 0;
  strbuf_adds(out, "<h3>How fast: median days, by cohort</h3>\n<table class=\"medians\"><thead>"
                   "<tr><th>Stage</th>");
  for (size_t t = first; t < np; t++) {
    strbuf_adds(out, "<th class=\"num\">");
    html_text(out, report_str(d, d->funnel_periods[t].label));
    strbuf_adds(out, "</th>");
  }
  strbuf_adds(out, "</tr></thead><tbody>\n");
  median_rows(out, d, grid, first, np, true);
  median_rows(out, d, grid, first, np, false);
  strbuf_adds(out, "</tbody></table>\n<p class=\"note\">Medians as published for each cohort "
                   "(the period of creation); a median does not add up over periods, so none "
                   "is shown for the whole range.");
  if (first)
    strbuf_addf(out, " The latest %d of %zu cohorts.", REPORT_MEDIAN_PERIODS, np);
  strbuf_adds(out, "</p>\n");
  free(grid);
}

static int cmp_lead(const void *a, const void *b) {
  const struct report_lead_source *x = *(const struct report_lead_source *const *)a;
  const struct report_lead_source *y = *(const struct report_lead_source *const *)b;
  if (x->pipeline != y->pipeline)
    return x->pipeline > y->pipeline ? -1 : 1;
  if (x->reached != y->reached)
    return x->reached > y->reached ? -1 : 1;
  return (x > y) - (x < y); /* the array is sorted by id */
}

static void funnel_leads(struct strbuf *out, const struct page_ctx *p) {
  const struct report_data *d = p->d;
  size_t n = d->nlead_sources;
  if (n == 0)
    return;
  const struct report_lead_source **rk = xcalloc(n, sizeof *rk);
  for (size_t i = 0; i < n; i++)
    rk[i] = &d->lead_sources[i];
  qsort(rk, n, sizeof *rk, cmp_lead);
  size_t shown = n < REPORT_TOP_LEAD_SOURCES ? n : REPORT_TOP_LEAD_SOURCES;
  struct svg_bar_row *rows = xcalloc(shown, sizeof *rows);
  char (*cells)[3][RFMT_LEN] = xcalloc(shown, sizeof *cells);
  for (size_t i = 0; i < shown; i++) {
    rows[i].label = report_str(d, rk[i]->id);
    rows[i].value = rk[i]->pipeline;
    rows[i].color = REPORT_COLOR_NEUTRAL;
    rfmt_count(rk[i]->reached, cells[i][0]);
    rfmt_count(rk[i]->won, cells[i][1]);
    rfmt_percent(rk[i]->won, rk[i]->reached, 1, cells[i][2]);
    for (int k = 0; k < 3; k++)
      rows[i].cells[k] = cells[i][k];
  }
  struct strbuf head = STRBUF_INIT;
  strbuf_addf(&head, "Pipeline, %s", p->currency);
  strbuf_adds(out, "<h3>Best lead sources</h3>\n");
  struct svg_bar_table t = {.title = "Best lead sources by pipeline",
                            .label_head = "Lead source",
                            .value_head = strbuf_str(&head),
                            .cell_heads = {"Opportunities", "Won", "Win rate"},
                            .ncells = 3,
                            .rows = rows,
                            .nrows = shown,
                            .fmt = fmt_money_compact,
                            .exact = fmt_money_exact,
                            .min_step = 100,
                            .axis_title = strbuf_str(&head),
                            .label_w = 220};
  svg_bar_table(out, &t);
  strbuf_addf(out, "<p class=\"note\">The opportunities' LeadSource as the CRM has it, at the "
                   "first stage (every opportunity that reached a stage); win rate = won / "
                   "opportunities. Top %zu of %zu.</p>\n",
              shown, n);
  strbuf_release(&head);
  free(rows);
  free(cells);
  free(rk);
}

void section_funnel(struct strbuf *out, const struct page_ctx *p) {
  section_open(out, "funnel", "Funnel: how far opportunities get, and how fast",
               "Opportunities grouped by the period they were created in, counted at every "
               "sales stage they reached (a skipped stage counts as passed). Advanced: went "
               "beyond the stage or were won; conversion = advanced / reached over the range; "
               "won, lost and open: where the opportunities of the stage ended up.");
  if (p->d->nstages == 0)
    strbuf_adds(out, "<p class=\"muted\">No opportunity reached a configured stage.</p>\n");
  else
    funnel_stages(out, p->d);
  section_keep_end(out);
  funnel_medians(out, p->d);
  funnel_leads(out, p);
  section_close(out);
}

/* --- data-driven models ------------------------------------------------------------ */

static int cmp_fit(const void *a, const void *b, void *data) {
  const struct report_fit *x = *(const struct report_fit *const *)a;
  const struct report_fit *y = *(const struct report_fit *const *)b;
  if (x->share != y->share)
    return x->share > y->share ? -1 : 1;
  return strcmp(report_str(data, x->channel), report_str(data, y->channel));
}

/* What the `(all)` row of a model says. */
static void fit_caption(struct strbuf *out, const struct report_data *d, const char *model,
                        const struct report_fit *all) {
  char j[RFMT_LEN], c[RFMT_LEN];
  struct strbuf s = STRBUF_INIT;
  rfmt_count(all->journeys, j);
  rfmt_count(all->conversions, c);
  strbuf_addf(&s, "%s journeys, %s of them converting", j, c);
  if (!strcmp(model, "markov"))
    strbuf_addf(&s, "; probability that a journey converts p = %s. A channel's value is its "
                    "removal effect: the share of conversions lost without it.",
                report_str(d, all->value_text));
  else if (!strcmp(model, "shapley"))
    strbuf_adds(&s, ". A channel's value is its Shapley value: the converting journeys it "
                    "shares in, each split equally among its channels.");
  else
    strbuf_addf(&s, "; value %s.", report_str(d, all->value_text));
  strbuf_adds(out, "<p class=\"caption\">");
  html_text(out, strbuf_str(&s));
  strbuf_adds(out, "</p>\n");
  strbuf_release(&s);
}

static void fit_model(struct strbuf *out, const struct page_ctx *p, size_t from, size_t to) {
  const struct report_data *d = p->d;
  const char *model = report_str(d, d->fits[from].model);
  const struct report_fit *all = NULL;
  const struct report_fit **rk = xcalloc(to - from, sizeof *rk);
  size_t n = 0;
  for (size_t i = from; i < to; i++) {
    if (!strcmp(report_str(d, d->fits[i].channel), "(all)"))
      all = &d->fits[i];
    else
      rk[n++] = &d->fits[i];
  }
  qsort_r(rk, n, sizeof *rk, cmp_fit, (void *)d);
  size_t shown = n < MAX_FIT_ROWS ? n : MAX_FIT_ROWS;
  strbuf_adds(out, "<h3>");
  html_text(out, model);
  strbuf_adds(out, "</h3>\n");
  if (all)
    fit_caption(out, d, model, all);
  struct svg_bar_row *rows = xcalloc(shown ? shown : 1, sizeof *rows);
  char (*cells)[2][RFMT_LEN] = xcalloc(shown ? shown : 1, sizeof *cells);
  for (size_t i = 0; i < shown; i++) {
    rows[i].label = report_str(d, rk[i]->channel);
    rows[i].value = rk[i]->share;
    rows[i].color = report_palette_lookup(&p->pal, d, rows[i].label);
    rfmt_count(rk[i]->journeys, cells[i][0]);
    rfmt_count(rk[i]->conversions, cells[i][1]);
    rows[i].cells[0] = cells[i][0];
    rows[i].cells[1] = cells[i][1];
    rows[i].cells[2] = report_str(d, rk[i]->value_text);
  }
  if (shown) {
    struct svg_bar_table t = {.title = "Channel values of a data-driven model",
                              .label_head = "Channel",
                              .value_head = "Share of the model's value",
                              .cell_heads = {"Journeys", "Conversions", "Value"},
                              .ncells = 3,
                              .rows = rows,
                              .nrows = shown,
                              .fmt = fmt_share_value,
                              .exact = fmt_share_exact,
                              .min_step = 1000,
                              .axis_title = "Share of the total value of the channels, %",
                              .label_w = 220,
                              .tick = fmt_share_tick};
    svg_bar_table(out, &t);
  }
  free(rows);
  free(cells);
  free(rk);
}

void section_fit(struct strbuf *out, const struct page_ctx *p) {
  const struct report_data *d = p->d;
  section_open(out, "model-fit", "What the data-driven models learned",
               "The value of each channel as the data-driven models measure it from the "
               "journeys of the whole history up to as_of, and its share of the total; these "
               "shares weight the touches of every opportunity under those models.");
  if (d->nfits == 0)
    strbuf_adds(out, "<p class=\"muted\">No journey.</p>\n");
  for (size_t i = 0; i < d->nfits;) {
    size_t j = i + 1;
    while (j < d->nfits && d->fits[j].model == d->fits[i].model)
      j++;
    fit_model(out, p, i, j);
    if (i == 0)
      section_keep_end(out);
    i = j;
  }
  if (d->nfits == 0)
    section_keep_end(out);
  section_close(out);
}

/* --- data quality -------------------------------------------------------------------- */

static void input_row(struct strbuf *out, const char *name, uint64_t read, uint64_t kept,
                      uint64_t rejected, bool total) {
  char a[RFMT_LEN], b[RFMT_LEN], c[RFMT_LEN], pct[RFMT_LEN];
  rfmt_count((int64_t)read, a);
  rfmt_count((int64_t)kept, b);
  rfmt_count((int64_t)rejected, c);
  rfmt_percent((int64_t)rejected, (int64_t)read, 2, pct);
  strbuf_adds(out, total ? "<tr class=\"total\"><td class=\"name\">" : "<tr><td class=\"name\">");
  html_text(out, name);
  strbuf_adds(out, "</td>");
  td_num(out, a);
  td_num(out, b);
  td_num(out, c);
  strbuf_adds(out, "<td class=\"num\">");
  html_text(out, *pct ? pct : DASH);
  if (read > 0 && kept <= read) {
    char w[RFMT_LEN];
    rfmt_fixed((int64_t)((__int128)kept * 10000 / read), 2, 1, w);
    strbuf_addf(out, "<svg class=\"mini\" viewBox=\"0 0 100 8\" aria-hidden=\"true\">"
                     "<rect width=\"100\" height=\"8\" rx=\"2\" fill=\"#e15759\"/>"
                     "<rect width=\"%s\" height=\"8\" rx=\"2\" fill=\"#59a14f\"/></svg>",
                w);
  }
  strbuf_adds(out, "</td></tr>\n");
}

static void quality_inputs(struct strbuf *out, const struct report_data *d) {
  uint64_t tr = 0, tk = 0, tj = 0, mr = 0, mk = 0, mj = 0;
  strbuf_adds(out, "<h3>Rows per input</h3>\n<table class=\"inputs\"><thead><tr><th>Input</th>"
                   "<th class=\"num\">Rows read</th><th class=\"num\">Kept</th>"
                   "<th class=\"num\">Rejected</th><th class=\"num\">Rejected share</th></tr>"
                   "</thead><tbody>\n");
  for (size_t i = 0; i < d->ninputs; i++) {
    const struct report_input *in = &d->inputs[i];
    tr += in->read, tk += in->kept, tj += in->rejected;
    if (i < REPORT_MAX_INPUTS)
      input_row(out, report_str(d, in->name), in->read, in->kept, in->rejected, false);
    else
      mr += in->read, mk += in->kept, mj += in->rejected;
  }
  if (d->ninputs > REPORT_MAX_INPUTS) {
    char more[64];
    snprintf(more, sizeof more, "%zu more inputs", d->ninputs - REPORT_MAX_INPUTS);
    input_row(out, more, mr, mk, mj, false);
  }
  input_row(out, "All inputs", tr, tk, tj, true);
  strbuf_adds(out, "</tbody></table>\n");
}

static void quality_reasons(struct strbuf *out, const struct report_data *d) {
  size_t shown = d->nreasons < REPORT_TOP_REASONS ? d->nreasons : REPORT_TOP_REASONS;
  strbuf_adds(out, "<h3>Most frequent reject reasons</h3>\n");
  if (shown == 0) {
    strbuf_adds(out, "<p class=\"muted\">No row was rejected.</p>\n");
    return;
  }
  strbuf_adds(out, "<table class=\"reasons\"><thead><tr><th class=\"num\">Rows</th>"
                   "<th>Severity</th><th>Field</th><th>Reason</th><th>First seen</th></tr>"
                   "</thead><tbody>\n");
  for (size_t i = 0; i < shown; i++) {
    const struct report_reason *r = &d->reasons[i];
    char n[RFMT_LEN], line[32];
    bool error = !strcmp(report_str(d, r->severity), "error");
    rfmt_count((int64_t)r->count, n);
    strbuf_adds(out, "<tr>");
    td_num(out, n);
    strbuf_adds(out, error ? "<td>error <span class=\"muted\">(dropped)</span></td>"
                           : "<td>warning <span class=\"muted\">(kept)</span></td>");
    strbuf_adds(out, "<td class=\"name\">");
    html_text(out, report_str(d, r->entity));
    if (*report_str(d, r->field)) {
      strbuf_addc(out, '.');
      html_text(out, report_str(d, r->field));
    }
    strbuf_adds(out, "</td><td class=\"name\">");
    html_text(out, report_str(d, r->reason));
    strbuf_adds(out, "</td><td class=\"name muted\">");
    html_text(out, report_str(d, r->example_source));
    snprintf(line, sizeof line, ":%llu", (unsigned long long)r->example_line);
    html_text(out, line);
    strbuf_adds(out, "</td></tr>\n");
  }
  strbuf_adds(out, "</tbody></table>\n");
  if (d->nreasons > shown)
    strbuf_addf(out, "<p class=\"note\">Top %zu of %zu kinds of reject.</p>\n", shown,
                d->nreasons);
}

void section_quality(struct strbuf *out, const struct page_ctx *p) {
  const struct report_data *d = p->d;
  char e[RFMT_LEN], w[RFMT_LEN];
  struct strbuf lede = STRBUF_INIT;
  rfmt_count((int64_t)d->nerrors, e);
  rfmt_count((int64_t)d->nwarnings, w);
  strbuf_addf(&lede, "What the pipeline read and what it set aside: %s row%s rejected as "
                     "errors (dropped) and %s warning%s (row kept, value flagged). Every one is in "
                     "rejects.csv with its file and line; values in quotes are masked here so "
                     "that rejects of one kind count together.",
              e, d->nerrors == 1 ? "" : "s", w, d->nwarnings == 1 ? "" : "s");
  section_open(out, "quality", "Data quality", strbuf_str(&lede));
  quality_inputs(out, d);
  section_keep_end(out);
  quality_reasons(out, d);
  section_close(out);
  strbuf_release(&lede);
}
