/* Bar tables and trellises of bars (see svg_chart.h). Layout constants are
 * in pixels of the viewBox; the page's CSS gives the classes their font
 * sizes (c-lab 12px, c-sub/c-tick/c-val/c-head 11px). */
#include <stdlib.h>
#include <string.h>

#include "etl/report/html_writer.h"
#include "etl/report/svg_chart.h"

#define WIDTH 1080.0
#define ROW_H 26.0
#define BAR_H 16.0
#define HEAD_Y 14.0
#define CELL_W 92.0
#define LABEL_W 300.0
#define VALUE_ROOM 64.0
#define FONT_LAB 12.0
#define FONT_SMALL 11.0

static void open_svg(struct strbuf *out, double w, double h, const char *title) {
  strbuf_adds(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ");
  svg_num(out, w);
  strbuf_addc(out, ' ');
  svg_num(out, h);
  strbuf_adds(out, "\" role=\"img\"><title>");
  html_text(out, title);
  strbuf_adds(out, "</title>\n");
}

static void rect(struct strbuf *out, double x, double y, double w, double h, const char *fill,
                 const char *cls) {
  strbuf_adds(out, "<rect x=\"");
  svg_num(out, x);
  strbuf_adds(out, "\" y=\"");
  svg_num(out, y);
  strbuf_adds(out, "\" width=\"");
  svg_num(out, w < 0 ? 0 : w);
  strbuf_adds(out, "\" height=\"");
  svg_num(out, h);
  strbuf_addc(out, '"');
  if (fill) {
    strbuf_adds(out, " fill=\"");
    html_text(out, fill);
    strbuf_addc(out, '"');
  }
  if (cls)
    strbuf_addf(out, " class=\"%s\"", cls);
  strbuf_adds(out, "/>");
}

static void vline(struct strbuf *out, double x, double y0, double y1, const char *cls) {
  strbuf_adds(out, "<line x1=\"");
  svg_num(out, x);
  strbuf_adds(out, "\" x2=\"");
  svg_num(out, x);
  strbuf_adds(out, "\" y1=\"");
  svg_num(out, y0);
  strbuf_adds(out, "\" y2=\"");
  svg_num(out, y1);
  strbuf_addf(out, "\" class=\"%s\"/>", cls);
}

/* True for a fill light enough to need dark text on it ("#edc948"). */
static bool light_fill(const char *hex) {
  if (!hex || hex[0] != '#' || strlen(hex) != 7)
    return true;
  unsigned long v = strtoul(hex + 1, NULL, 16);
  double r = (double)((v >> 16) & 255), g = (double)((v >> 8) & 255), b = (double)(v & 255);
  return 0.299 * r + 0.587 * g + 0.114 * b > 150;
}

/* A bar from value 0 to v on scale s, at row top y, with a tooltip. */
static void bar(struct strbuf *out, const struct svg_scale *s, double y, double h, int64_t v,
                const char *fill, const char *tip_label, svg_fmt_fn exact) {
  double x0 = svg_scale_px(s, 0), x1 = svg_scale_px(s, v);
  char num[64];
  exact(v, num);
  strbuf_adds(out, "<g><title>");
  html_text(out, tip_label);
  strbuf_adds(out, ": ");
  html_text(out, num);
  strbuf_adds(out, "</title>");
  double w = x1 > x0 ? x1 - x0 : x0 - x1;
  rect(out, x1 > x0 ? x0 : x1, y, w < 0.5 && v ? 0.5 : w, h, fill, NULL);
  strbuf_adds(out, "</g>");
}

/* The value label of the bar of v: beside its end, or inside it (right
 * aligned, in a colour readable on the fill) when the text would pass
 * room_end and fits in the bar. */
static void bar_value(struct strbuf *out, const struct svg_scale *s, double ymid, int64_t v,
                      const char *fill, svg_fmt_fn fmt, double room_end) {
  char num[64];
  fmt(v, num);
  double x0 = svg_scale_px(s, 0), x1 = svg_scale_px(s, v);
  double len = x1 > x0 ? x1 - x0 : x0 - x1, tw = svg_text_width(num, FONT_SMALL);
  if (v > 0 && x1 + 5 + tw > room_end && len > tw + 10) {
    svg_label(out, x1 - 5, ymid + 4, "end", light_fill(fill) ? "c-val" : "c-val c-inv",
              FONT_SMALL, num, tw + 1);
    return;
  }
  if (v >= 0)
    svg_label(out, x1 + 5, ymid + 4, "start", v ? "c-val" : "c-sub", FONT_SMALL, num, tw + 1);
  else
    svg_label(out, x1 - 5, ymid + 4, "end", "c-val", FONT_SMALL, num, tw + 1);
}

/* Vertical grid lines and tick labels of s from y0 to y1, labels under y1.
 * every: a label on every tick, centred; else only on the ends and zero,
 * the ends aligned inwards so neighbouring small axes never touch. */
static void x_axis(struct strbuf *out, const struct svg_scale *s, double y0, double y1,
                   svg_fmt_fn fmt, bool every) {
  for (int64_t v = s->lo; v <= s->hi; v += s->step) {
    double x = svg_scale_px(s, v);
    vline(out, x, y0, y1, v == 0 ? "c-zero" : "c-grid");
    if (every || v == s->lo || v == s->hi || v == 0) {
      char num[64];
      const char *anchor = every ? "middle" : v == s->lo ? "start" : v == s->hi ? "end" : "middle";
      fmt(v, num);
      svg_label(out, x, y1 + 14, anchor, "c-tick", FONT_SMALL, num, 80);
    }
    if (s->hi - v < s->step)
      break;
  }
}

static int64_t min_of(const int64_t *v, size_t n) {
  int64_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (v[i] < m)
      m = v[i];
  return m;
}

static int64_t max_of(const int64_t *v, size_t n) {
  int64_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (v[i] > m)
      m = v[i];
  return m;
}

/* --- bar table ------------------------------------------------------------- */

void svg_bar_table(struct strbuf *out, const struct svg_bar_table *t) {
  size_t n = t->nrows;
  double label_w = t->label_w > 0 ? t->label_w : LABEL_W;
  double cell_w = t->cell_w > 0 ? t->cell_w : CELL_W;
  double y0 = HEAD_Y + 12, y1 = y0 + (double)n * ROW_H;
  double cells_w = (double)t->ncells * cell_w;
  double xb0 = label_w + 16, xb1 = WIDTH - cells_w - VALUE_ROOM;
  int64_t *vals = calloc(n ? n : 1, sizeof *vals);
  for (size_t i = 0; i < n; i++)
    vals[i] = t->rows[i].value;
  struct svg_scale s;
  svg_scale_nice(&s, min_of(vals, n), max_of(vals, n), t->min_step, 5);
  s.px0 = xb0;
  s.px1 = xb1;
  free(vals);

  open_svg(out, WIDTH, y1 + 44, t->title);
  svg_label(out, 0, HEAD_Y, "start", "c-head", FONT_SMALL, t->label_head, label_w);
  svg_label(out, xb0, HEAD_Y, "start", "c-head", FONT_SMALL, t->value_head, xb1 - xb0);
  for (size_t c = 0; c < t->ncells; c++)
    svg_label(out, WIDTH - (double)(t->ncells - 1 - c) * cell_w, HEAD_Y, "end", "c-head",
              FONT_SMALL, t->cell_heads[c] ? t->cell_heads[c] : "", cell_w - 16);
  x_axis(out, &s, y0 - 4, y1, t->tick ? t->tick : t->fmt, true);
  for (size_t i = 0; i < n; i++) {
    const struct svg_bar_row *r = &t->rows[i];
    double top = y0 + (double)i * ROW_H, mid = top + ROW_H / 2;
    double sub_w = r->sublabel ? svg_text_width(r->sublabel, FONT_SMALL) : 0;
    if (sub_w > label_w * 0.4)
      sub_w = label_w * 0.4;
    if (r->sublabel)
      svg_label(out, label_w, mid + 4, "end", "c-sub", FONT_SMALL, r->sublabel, sub_w + 1);
    svg_label(out, 0, mid + 4, "start", "c-lab", FONT_LAB, r->label,
              label_w - sub_w - (r->sublabel ? 10 : 0));
    bar(out, &s, mid - BAR_H / 2, BAR_H, r->value, r->color, r->label, t->exact);
    bar_value(out, &s, mid, r->value, r->color, t->fmt, xb1 + VALUE_ROOM);
    for (size_t c = 0; c < t->ncells; c++)
      if (r->cells[c])
        svg_label(out, WIDTH - (double)(t->ncells - 1 - c) * cell_w, mid + 4, "end", "c-lab",
                  FONT_LAB, r->cells[c], cell_w - 16);
    strbuf_addc(out, '\n');
  }
  if (t->axis_title)
    svg_label(out, (xb0 + xb1) / 2, y1 + 34, "middle", "c-axis", FONT_SMALL, t->axis_title,
              xb1 - xb0);
  strbuf_adds(out, "</svg>\n");
}

/* --- trellis ---------------------------------------------------------------- */

#define TR_LABEL_W 170.0
#define TR_ROW_H 24.0
#define TR_BAR_H 14.0

void svg_trellis(struct strbuf *out, const struct svg_trellis *t) {
  size_t nr = t->nrows, nc = t->ncols;
  double cw = nc ? (WIDTH - TR_LABEL_W) / (double)nc : WIDTH - TR_LABEL_W;
  if (cw < 92)
    cw = 92;
  double w = TR_LABEL_W + cw * (double)nc;
  double y0 = HEAD_Y + 14, y1 = y0 + (double)nr * TR_ROW_H;
  struct svg_scale base;
  svg_scale_nice(&base, min_of(t->values, nr * nc), max_of(t->values, nr * nc), t->min_step, 2);

  open_svg(out, w, y1 + 44, t->title);
  for (size_t c = 0; c < nc; c++) {
    double cx = TR_LABEL_W + cw * (double)c;
    if (c % 2 == 0)
      rect(out, cx, 0, cw, y1 + 20, NULL, "c-band");
    svg_label(out, cx + cw / 2, HEAD_Y, "middle", "c-head c-model", FONT_LAB, t->col_labels[c],
              cw - 16);
  }
  for (size_t r = 0; r < nr; r++) {
    double mid = y0 + (double)r * TR_ROW_H + TR_ROW_H / 2;
    rect(out, 0, mid - 5, 10, 10, t->row_colors[r], "c-swatch");
    svg_label(out, 16, mid + 4, "start", "c-lab", FONT_LAB, t->row_labels[r], TR_LABEL_W - 24);
  }
  struct strbuf tip = STRBUF_INIT;
  for (size_t c = 0; c < nc; c++) {
    struct svg_scale s = base;
    double cx = TR_LABEL_W + cw * (double)c;
    s.px0 = cx + 8;
    s.px1 = cx + cw - 12;
    x_axis(out, &s, y0 - 4, y1, t->fmt, false);
    for (size_t r = 0; r < nr; r++) {
      double mid = y0 + (double)r * TR_ROW_H + TR_ROW_H / 2;
      int64_t v = t->values[r * nc + c];
      if (!v)
        continue;
      strbuf_reset(&tip);
      strbuf_addf(&tip, "%s \xC2\xB7 %s", t->row_labels[r], t->col_labels[c]);
      bar(out, &s, mid - TR_BAR_H / 2, TR_BAR_H, v, t->row_colors[r], strbuf_str(&tip), t->exact);
      bar_value(out, &s, mid, v, t->row_colors[r], t->fmt, cx + cw - 2);
    }
    strbuf_addc(out, '\n');
  }
  strbuf_release(&tip);
  if (t->axis_title)
    svg_label(out, TR_LABEL_W + (w - TR_LABEL_W) / 2, y1 + 36, "middle", "c-axis", FONT_SMALL,
              t->axis_title, w - TR_LABEL_W);
  strbuf_adds(out, "</svg>\n");
}
