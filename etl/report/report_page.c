/* The report page (see report_page.h): the document around the sections,
 * its style sheet, the headline and the run's facts, and the helpers the
 * section files share. */
#include "etl/report/report_page.h"

#include <stdio.h>
#include <string.h>

#include "etl/report/html_writer.h"
#include "etl/report/report_format.h"
#include "etl/report/report_palette.h"
#include "etl/report/report_sections.h"

/* The style sheet: a system font stack (no web font), tabular figures,
 * cards on screen, plain blocks on paper (A4 landscape, sections kept
 * whole, colours printed). The chart classes' font sizes match the
 * constants the SVG layout uses. */
static const char style[] =
    ":root{--ink:#1f2328;--muted:#59636e;--faint:#8c959f;--line:#d1d9e0;--soft:#eaeef2;"
    "--bg:#f5f7f9;--card:#fff;--ok:#1a7f37;--bad:#cf222e;--accent:#0b5cad}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 system-ui,-apple-system,"
    "\"Segoe UI\",Roboto,\"Noto Sans\",\"Liberation Sans\",\"DejaVu Sans\",Arial,sans-serif;"
    "font-variant-numeric:tabular-nums;-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "main{max-width:1160px;margin:0 auto;padding:28px 32px 36px}\n"
    "header.top{margin:0 0 18px}\n"
    ".eyebrow{font-size:12px;font-weight:650;letter-spacing:.08em;text-transform:uppercase;"
    "color:var(--accent)}\n"
    "h1{font-size:28px;line-height:1.2;margin:4px 0 6px;font-weight:700;letter-spacing:-.01em}\n"
    ".meta{color:var(--muted);margin:0}\n"
    "section{background:var(--card);border:1px solid var(--line);border-radius:10px;"
    "padding:20px 24px 18px;margin:0 0 18px;break-inside:avoid;page-break-inside:avoid}\n"
    "h2{font-size:18px;line-height:1.3;margin:0 0 4px}\n"
    "h3{font-size:14px;margin:20px 0 6px}\n"
    ".lede{color:var(--muted);margin:0 0 14px;max-width:92ch}\n"
    ".kpis{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:12px;margin:0 0 16px}\n"
    ".kpi{border:1px solid var(--soft);border-radius:8px;padding:12px 14px;background:#fafbfc}\n"
    ".kpi .label{font-size:12px;color:var(--muted);font-weight:600}\n"
    ".kpi .value{font-size:30px;font-weight:700;line-height:1.15;margin:2px 0 2px}\n"
    ".kpi .sub{font-size:12px;color:var(--muted)}\n"
    ".check{margin:0 0 12px;font-weight:600}\n"
    ".check.pass{color:var(--ok)}.check.fail{color:var(--bad)}\n"
    "table{border-collapse:collapse;width:100%;font-size:13px}\n"
    "th,td{padding:5px 8px;border-bottom:1px solid var(--soft);text-align:left;"
    "vertical-align:baseline}\n"
    "thead th{font-size:11.5px;color:var(--muted);border-bottom:1px solid var(--line);"
    "font-weight:600;vertical-align:bottom}\n"
    "th.group{text-align:center;border-bottom:2px solid var(--soft)}\n"
    "tbody tr:last-child td,tbody tr:last-child th{border-bottom:none}\n"
    "tr.total td{font-weight:650;border-top:1px solid var(--line)}\n"
    ".num{text-align:right;white-space:nowrap}\n"
    "td.ok{color:var(--ok);font-weight:700;text-align:center}\n"
    "td.bad{color:var(--bad);font-weight:700}\n"
    ".name{max-width:36ch;overflow-wrap:anywhere}\n"
    ".muted{color:var(--muted)}\n"
    ".note{font-size:12px;color:var(--muted);margin:10px 0 0}\n"
    ".caption{font-size:12.5px;color:var(--muted);margin:-2px 0 10px}\n"
    "table.inputs{width:auto;min-width:62%}\n"
    ".inputs td.name{white-space:nowrap}\n"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 18px;margin:0}\n"
    "dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;overflow-wrap:anywhere}\n"
    "code{font:12px/1.4 ui-monospace,\"SFMono-Regular\",\"DejaVu Sans Mono\",Menlo,Consolas,"
    "monospace}\n"
    "svg{display:block;width:100%;height:auto;overflow:visible}\n"
    "svg text{font-family:inherit}\n"
    "svg.mini{display:inline-block;width:96px;height:8px;vertical-align:middle;margin-left:6px}\n"
    ".c-lab{font-size:12px;fill:var(--ink)}\n"
    ".c-sub,.c-tick,.c-axis{font-size:11px;fill:var(--muted)}\n"
    ".c-val{font-size:11px;font-weight:600;fill:var(--ink)}.c-inv{fill:#fff}\n"
    ".c-head{font-size:11px;font-weight:600;fill:var(--muted)}\n"
    ".c-model{font-size:12px;fill:var(--ink)}\n"
    ".c-grid{stroke:var(--soft);stroke-width:1}.c-zero{stroke:var(--faint);stroke-width:1}\n"
    ".c-band{fill:#f7f8fa}\n"
    "footer{color:var(--muted);font-size:12px;margin:6px 0 0}\n"
    "@page{size:A4 landscape;margin:10mm}\n"
    "@media print{body{background:#fff;font-size:11px}main{max-width:none;padding:0}"
    "section{border:none;border-radius:0;padding:0;margin:0 0 14px;break-inside:auto;"
    "page-break-inside:auto}h1{font-size:22px}h2{font-size:16px}"
    "h2,h3,.lede,.caption,.check{break-after:avoid;page-break-after:avoid}"
    "svg,tr,.kpis,.keep{break-inside:avoid;page-break-inside:avoid}"
    ".kpi{background:#fff;padding:8px 10px}.kpi .value{font-size:22px}"
    "th,td{padding:3px 6px}table{font-size:11px}}\n"
    ".scroll{overflow-x:auto}\n"
    "@media screen and (max-width:1100px){svg.mini{display:none}th,td{padding:5px 5px}}\n"
    "@media (max-width:760px){.kpis{grid-template-columns:repeat(2,minmax(0,1fr))}"
    "main{padding:16px}}\n";

/* --- helpers shared by the sections ---------------------------------------- */

void fmt_money_compact(int64_t cents, char out[64]) { rfmt_compact(cents, 100, out); }
void fmt_money_exact(int64_t cents, char out[64]) { rfmt_money(cents, out); }
void fmt_count_compact(int64_t n, char out[64]) { rfmt_compact(n, 1, out); }
void fmt_count_exact(int64_t n, char out[64]) { rfmt_count(n, out); }
void fmt_share_tick(int64_t micro, char out[64]) { rfmt_percent(micro, 1000000, 0, out); }
void fmt_share_value(int64_t micro, char out[64]) { rfmt_percent(micro, 1000000, 1, out); }

void fmt_share_exact(int64_t micro, char out[64]) {
  char num[RFMT_LEN];
  rfmt_fixed(micro, 6, 6, num); /* "0.123456" */
  rfmt_ratio_as_percent(num, out); /* "12.3456%" */
}

void section_open(struct strbuf *out, const char *id, const char *title, const char *lede) {
  strbuf_addf(out, "<section id=\"%s\">\n<div class=\"keep\">\n<h2>", id);
  html_text(out, title);
  strbuf_adds(out, "</h2>\n");
  if (lede) {
    strbuf_adds(out, "<p class=\"lede\">");
    html_text(out, lede);
    strbuf_adds(out, "</p>\n");
  }
}

void section_keep_end(struct strbuf *out) { strbuf_adds(out, "</div>\n"); }

void section_close(struct strbuf *out) { strbuf_adds(out, "</section>\n"); }

void td_num(struct strbuf *out, const char *text) {
  strbuf_adds(out, "<td class=\"num\">");
  html_text(out, text);
  strbuf_adds(out, "</td>");
}

/* --- headline ---------------------------------------------------------------- */

static void kpi(struct strbuf *out, const char *label, const char *value, const char *sub) {
  strbuf_adds(out, "<div class=\"kpi\"><div class=\"label\">");
  html_text(out, label);
  strbuf_adds(out, "</div><div class=\"value\">");
  html_text(out, value);
  strbuf_adds(out, "</div><div class=\"sub\">");
  html_text(out, sub);
  strbuf_adds(out, "</div></div>\n");
}

static bool model_balances(const struct report_model *m) {
  return m->pipeline_attributed + m->pipeline_unattributed == m->pipeline_total &&
         m->revenue_attributed + m->revenue_unattributed == m->revenue_total;
}

static void kpis(struct strbuf *out, const struct page_ctx *p) {
  const struct report_model *m = &p->d->models[0];
  char big[RFMT_LEN], exact[RFMT_LEN], n[RFMT_LEN], pct[RFMT_LEN], sub[512];
  strbuf_adds(out, "<div class=\"kpis\">\n");
  rfmt_compact(m->revenue_total, 100, big);
  rfmt_money(m->revenue_total, exact);
  rfmt_count(m->won, n);
  snprintf(sub, sizeof sub, "%s %s \xC2\xB7 %s won opportunities", exact, p->currency, n);
  kpi(out, "Revenue won", big, sub);
  rfmt_compact(m->pipeline_total, 100, big);
  rfmt_money(m->pipeline_total, exact);
  rfmt_count(m->opportunities, n);
  snprintf(sub, sizeof sub, "%s %s \xC2\xB7 %s opportunities created", exact, p->currency, n);
  kpi(out, "Pipeline created", big, sub);
  rfmt_compact(m->revenue_attributed, 100, big);
  rfmt_percent(m->revenue_attributed, m->revenue_total, 1, pct);
  snprintf(sub, sizeof sub, "%s of revenue won, under %s", *pct ? pct : "none", p->first_model);
  kpi(out, "Revenue credited to marketing", big, sub);
  rfmt_compact(m->pipeline_attributed, 100, big);
  rfmt_percent(m->pipeline_attributed, m->pipeline_total, 1, pct);
  snprintf(sub, sizeof sub, "%s of pipeline created, under %s", *pct ? pct : "none",
           p->first_model);
  kpi(out, "Pipeline credited to marketing", big, sub);
  strbuf_adds(out, "</div>\n");
}

/* Three money cells (attributed, unattributed, total) and the check. */
static void recon_cells(struct strbuf *out, const char *what, int64_t attributed,
                        int64_t unattributed, int64_t total) {
  const int64_t v[3] = {attributed, unattributed, total};
  static const char *const field[3] = {"attributed", "unattributed", "total"};
  char num[RFMT_LEN];
  for (int i = 0; i < 3; i++) {
    rfmt_money(v[i], num);
    strbuf_addf(out, "<td class=\"num\" data-field=\"%s_%s\">%s</td>", what, field[i], num);
  }
  if (attributed + unattributed == total) {
    strbuf_adds(out, "<td class=\"ok\" title=\"attributed + unattributed = total\">\xE2\x9C\x93</td>");
  } else {
    rfmt_money(attributed + unattributed - total, num);
    strbuf_addf(out, "<td class=\"bad\">\xE2\x9C\x97 off by %s</td>", num);
  }
}

void section_headline(struct strbuf *out, const struct page_ctx *p) {
  const struct report_data *d = p->d;
  struct strbuf lede = STRBUF_INIT;
  strbuf_addf(&lede, "Pipeline created and revenue won in the range, and how much of it each "
                     "attribution model credits to marketing touches. Amounts in %s.",
              p->currency);
  section_open(out, "headline", "Headline: what marketing is credited with", strbuf_str(&lede));
  strbuf_release(&lede);
  kpis(out, p);
  section_keep_end(out);
  size_t bad = 0;
  for (size_t m = 0; m < d->nmodels; m++)
    bad += !model_balances(&d->models[m]);
  if (bad == 0)
    strbuf_adds(out, "<p class=\"check pass\" data-check=\"pass\">\xE2\x9C\x93 Reconciled: in every "
                     "model, attributed + unattributed = total, for pipeline and for revenue, to "
                     "the cent.</p>\n");
  else
    strbuf_addf(out, "<p class=\"check fail\" data-check=\"fail\">\xE2\x9C\x97 %zu model%s do not "
                     "reconcile: attributed + unattributed differs from the total.</p>\n",
                bad, bad == 1 ? "" : "s");
  strbuf_adds(out, "<div class=\"scroll\"><table class=\"recon\"><thead><tr>"
                   "<th rowspan=\"2\">Model</th>"
                   "<th class=\"group\" colspan=\"4\">Pipeline created</th>"
                   "<th class=\"group\" colspan=\"4\">Revenue won</th>"
                   "<th rowspan=\"2\" class=\"num\">Revenue credited</th></tr><tr>");
  for (int g = 0; g < 2; g++)
    strbuf_adds(out, "<th class=\"num\">Attributed</th><th class=\"num\">Unattributed</th>"
                     "<th class=\"num\">Total</th><th>Check</th>");
  strbuf_adds(out, "</tr></thead><tbody>\n");
  for (size_t i = 0; i < d->nmodels; i++) {
    const struct report_model *m = &d->models[i];
    char pct[RFMT_LEN];
    strbuf_adds(out, "<tr data-model=\"");
    html_text(out, report_str(d, m->name));
    strbuf_adds(out, "\"><th scope=\"row\">");
    html_text(out, report_str(d, m->name));
    strbuf_adds(out, "</th>");
    recon_cells(out, "pipeline", m->pipeline_attributed, m->pipeline_unattributed,
                m->pipeline_total);
    recon_cells(out, "revenue", m->revenue_attributed, m->revenue_unattributed, m->revenue_total);
    rfmt_percent(m->revenue_attributed, m->revenue_total, 1, pct);
    strbuf_adds(out, "<td class=\"num\">");
    html_text(out, *pct ? pct : "\xE2\x80\x93");
    if (m->revenue_total > 0 && m->revenue_attributed >= 0 &&
        m->revenue_attributed <= m->revenue_total) {
      char w[RFMT_LEN];
      rfmt_fixed((int64_t)((__int128)m->revenue_attributed * 10000 / m->revenue_total), 2, 1, w);
      strbuf_addf(out, "<svg class=\"mini\" viewBox=\"0 0 100 8\" aria-hidden=\"true\">"
                       "<rect width=\"100\" height=\"8\" rx=\"2\" fill=\"#eaeef2\"/>"
                       "<rect width=\"%s\" height=\"8\" rx=\"2\" fill=\"" REPORT_COLOR_NEUTRAL "\"/></svg>",
                  w);
    }
    strbuf_adds(out, "</td></tr>\n");
  }
  strbuf_adds(out, "</tbody></table></div>\n<p class=\"note\">Pipeline: opportunities created in the "
                   "range; revenue: won opportunities closed in the range. Unattributed: "
                   "opportunities with no marketing touch the model can credit.</p>\n");
  section_close(out);
}

/* --- the run ------------------------------------------------------------------- */

static void fact(struct strbuf *out, const char *term, const char *value, bool code) {
  strbuf_adds(out, "<dt>");
  html_text(out, term);
  strbuf_adds(out, code ? "</dt><dd><code>" : "</dt><dd>");
  html_text(out, value);
  strbuf_adds(out, code ? "</code></dd>\n" : "</dd>\n");
}

void section_run(struct strbuf *out, const struct page_ctx *p) {
  const struct report_data *d = p->d;
  struct strbuf s = STRBUF_INIT;
  section_open(out, "run", "About this run", NULL);
  strbuf_adds(out, "<dl class=\"facts\">\n");
  fact(out, "As of", report_str(d, d->as_of), false);
  strbuf_addf(&s, "%s to %s", report_str(d, d->range_from), report_str(d, d->range_to));
  if (d->period_kind)
    strbuf_addf(&s, ", by %s", report_str(d, d->period_kind));
  fact(out, "Range", strbuf_str(&s), false);
  fact(out, "Currency", p->currency, false);
  strbuf_reset(&s);
  for (size_t m = 0; m < d->nmodels; m++)
    strbuf_addf(&s, "%s%s", m ? ", " : "", report_str(d, d->models[m].name));
  fact(out, "Models", strbuf_str(&s), false);
  strbuf_reset(&s);
  strbuf_addf(&s, "etl %s", report_str(d, d->version));
  fact(out, "Version", strbuf_str(&s), false);
  fact(out, "Config (SHA-256)", report_str(d, d->config_sha256), true);
  strbuf_reset(&s);
  strbuf_adds(&s, "reconciliation.csv, attribution_by_channel.csv, attribution_by_campaign.csv, "
                  "rejects.csv, manifest.json");
  if (d->has_funnel)
    strbuf_adds(&s, ", funnel.csv");
  if (d->has_fit)
    strbuf_adds(&s, ", model_fit.csv");
  fact(out, "Read from", strbuf_str(&s), false);
  strbuf_adds(out, "</dl>\n<p class=\"note\">Every number on this page is a number of the "
                   "published tables in this folder, or an exact sum of them over the range; "
                   "amounts, ratios and percentages are rounded half away from zero, as in the "
                   "tables. Hover a bar for its exact value.</p>\n");
  section_keep_end(out);
  section_close(out);
  strbuf_release(&s);
}

/* --- the document -------------------------------------------------------------- */

static void head(struct strbuf *out, const struct report_data *d) {
  strbuf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                   "style-src 'unsafe-inline'\">\n"
                   "<meta name=\"color-scheme\" content=\"light\">\n<title>Marketing attribution ");
  html_text(out, report_str(d, d->range_from));
  strbuf_adds(out, " to ");
  html_text(out, report_str(d, d->range_to));
  strbuf_addf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", style);
}

static void top(struct strbuf *out, const struct page_ctx *p) {
  const struct report_data *d = p->d;
  char models[32];
  snprintf(models, sizeof models, "%zu", d->nmodels);
  strbuf_adds(out, "<header class=\"top\">\n<div class=\"eyebrow\">Marketing attribution "
                   "report</div>\n<h1>What marketing contributed, ");
  html_text(out, report_str(d, d->range_from));
  strbuf_adds(out, " to ");
  html_text(out, report_str(d, d->range_to));
  strbuf_adds(out, "</h1>\n<p class=\"meta\">As of ");
  html_text(out, report_str(d, d->as_of));
  strbuf_adds(out, " \xC2\xB7 amounts in ");
  html_text(out, p->currency);
  strbuf_addf(out, " \xC2\xB7 %s attribution model%s", models, d->nmodels == 1 ? "" : "s");
  if (d->period_kind) {
    strbuf_adds(out, " \xC2\xB7 by ");
    html_text(out, report_str(d, d->period_kind));
  }
  strbuf_adds(out, "</p>\n</header>\n");
}

void report_page_write(struct strbuf *out, const struct report_data *d) {
  struct page_ctx p;
  memset(&p, 0, sizeof p);
  p.d = d;
  p.currency = d->currency ? report_str(d, d->currency) : "corporate currency";
  p.first_model = report_str(d, d->models[0].name);
  report_palette_build(&p.pal, d);
  head(out, d);
  top(out, &p);
  section_headline(out, &p);
  section_channels(out, &p);
  section_campaigns(out, &p);
  section_periods(out, &p);
  if (d->has_funnel)
    section_funnel(out, &p);
  if (d->has_fit)
    section_fit(out, &p);
  section_quality(out, &p);
  section_run(out, &p);
  strbuf_adds(out, "<footer>Written by etl-report from the published tables; no script, no "
                   "external resource. Prints on A4 landscape.</footer>\n</main>\n</body>\n"
                   "</html>\n");
  report_palette_release(&p.pal);
}
