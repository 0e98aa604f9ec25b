/* Stacked columns over periods (see svg_chart.h): a legend on top, the
 * y axis on the left with its unit, one column per period with its series
 * stacked bottom to top in the caller's order (negative values below the
 * zero line), the total over each column when there is room for it, and
 * period labels thinned so that no two collide. */
#include <math.h>
#include <stdlib.h>

#include "etl/report/html_writer.h"
#include "etl/report/svg_chart.h"

#define WIDTH 1080.0
#define LEFT 64.0
#define RIGHT 8.0
#define PLOT_H 250.0
#define LEGEND_ROW 20.0
#define FONT_SMALL 11.0
#define FONT_LAB 12.0

static void line(struct strbuf *out, double x1, double y1, double x2, double y2,
                 const char *cls) {
  strbuf_adds(out, "<line x1=\"");
  svg_num(out, x1);
  strbuf_adds(out, "\" y1=\"");
  svg_num(out, y1);
  strbuf_adds(out, "\" x2=\"");
  svg_num(out, x2);
  strbuf_adds(out, "\" y2=\"");
  svg_num(out, y2);
  strbuf_addf(out, "\" class=\"%s\"/>", cls);
}

static void rect(struct strbuf *out, double x, double y, double w, double h, const char *fill) {
  strbuf_adds(out, "<rect x=\"");
  svg_num(out, x);
  strbuf_adds(out, "\" y=\"");
  svg_num(out, y);
  strbuf_adds(out, "\" width=\"");
  svg_num(out, w);
  strbuf_adds(out, "\" height=\"");
  svg_num(out, h);
  strbuf_adds(out, "\" fill=\"");
  html_text(out, fill);
  strbuf_adds(out, "\"/>");
}

/* Lays the legend out in rows; draws it when out is not NULL. Returns its
 * height. */
static double legend(struct strbuf *out, const struct svg_stack *t) {
  double x = 0, y = 0;
  for (size_t s = 0; s < t->nseries; s++) {
    double tw = svg_text_width(t->series_labels[s], FONT_LAB);
    if (tw > 220)
      tw = 220;
    double item = 16 + tw + 22;
    if (x > 0 && x + item > WIDTH) {
      x = 0;
      y += LEGEND_ROW;
    }
    if (out) {
      strbuf_adds(out, "<rect x=\"");
      svg_num(out, x);
      strbuf_adds(out, "\" y=\"");
      svg_num(out, y + 4);
      strbuf_adds(out, "\" width=\"10\" height=\"10\" rx=\"2\" fill=\"");
      html_text(out, t->series_colors[s]);
      strbuf_adds(out, "\"/>");
      svg_label(out, x + 16, y + 13, "start", "c-lab", FONT_LAB, t->series_labels[s], tw + 1);
    }
    x += item;
  }
  return t->nseries ? y + LEGEND_ROW : 0;
}

/* Sums of the positive and of the negative values of column x. */
static void column_sums(const struct svg_stack *t, size_t x, int64_t *pos, int64_t *neg) {
  *pos = *neg = 0;
  for (size_t s = 0; s < t->nseries; s++) {
    int64_t v = t->values[s * t->nx + x];
    if (v > 0)
      *pos += v;
    else
      *neg += v;
  }
}

static void segments(struct strbuf *out, const struct svg_stack *t, const struct svg_scale *sc,
                     size_t x, double cx, double bw, struct strbuf *tip) {
  int64_t up = 0, down = 0;
  for (size_t s = 0; s < t->nseries; s++) {
    int64_t v = t->values[s * t->nx + x];
    if (!v)
      continue;
    int64_t from = v > 0 ? up : down, to = from + v;
    if (v > 0)
      up = to;
    else
      down = to;
    double y0 = svg_scale_px(sc, from), y1 = svg_scale_px(sc, to);
    double top = y0 < y1 ? y0 : y1, h = fabs(y1 - y0);
    char num[64];
    t->exact(v, num);
    strbuf_reset(tip);
    strbuf_addf(tip, "%s \xC2\xB7 %s: %s", t->series_labels[s], t->x_tips[x], num);
    strbuf_adds(out, "<g><title>");
    html_text(out, strbuf_str(tip));
    strbuf_adds(out, "</title>");
    rect(out, cx - bw / 2, top, bw, h < 0.5 ? 0.5 : h, t->series_colors[s]);
    strbuf_adds(out, "</g>");
  }
}

void svg_stack(struct strbuf *out, const struct svg_stack *t) {
  size_t nx = t->nx;
  int64_t maxpos = 0, minneg = 0;
  double maxlabel = 0, maxtotal = 0;
  for (size_t x = 0; x < nx; x++) {
    int64_t pos, neg;
    char num[64];
    column_sums(t, x, &pos, &neg);
    if (pos > maxpos)
      maxpos = pos;
    if (neg < minneg)
      minneg = neg;
    double lw = svg_text_width(t->x_labels[x], FONT_SMALL);
    if (lw > maxlabel)
      maxlabel = lw;
    t->fmt(pos + neg, num);
    lw = svg_text_width(num, FONT_SMALL);
    if (lw > maxtotal)
      maxtotal = lw;
  }
  double leg_h = legend(NULL, t);
  double top = leg_h + 30, bottom = top + PLOT_H;
  double plot_w = WIDTH - LEFT - RIGHT;
  double slot = nx ? plot_w / (double)nx : plot_w;
  double bw = slot * 0.72 > 56 ? 56 : slot * 0.72;
  struct svg_scale sc;
  svg_scale_nice(&sc, minneg, maxpos, t->min_step, 5);
  sc.px0 = bottom;
  sc.px1 = top;

  strbuf_adds(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ");
  svg_num(out, WIDTH);
  strbuf_addc(out, ' ');
  svg_num(out, bottom + 26);
  strbuf_adds(out, "\" role=\"img\"><title>");
  html_text(out, t->title);
  strbuf_adds(out, "</title>\n");
  legend(out, t);
  strbuf_addc(out, '\n');
  if (t->axis_title)
    svg_label(out, 0, leg_h + 14, "start", "c-axis", FONT_SMALL, t->axis_title, WIDTH / 2);
  for (int64_t v = sc.lo; v <= sc.hi; v += sc.step) {
    double y = svg_scale_px(&sc, v);
    char num[64];
    line(out, LEFT, y, WIDTH - RIGHT, y, v == 0 ? "c-zero" : "c-grid");
    t->fmt(v, num);
    svg_label(out, LEFT - 8, y + 4, "end", "c-tick", FONT_SMALL, num, LEFT - 10);
    if (sc.hi - v < sc.step)
      break;
  }
  strbuf_addc(out, '\n');
  size_t stride = slot > 0 ? (size_t)ceil((maxlabel + 10) / slot) : 1;
  if (stride < 1)
    stride = 1;
  bool totals = slot >= maxtotal + 6;
  struct strbuf tip = STRBUF_INIT;
  for (size_t x = 0; x < nx; x++) {
    double cx = LEFT + slot * ((double)x + 0.5);
    segments(out, t, &sc, x, cx, bw, &tip);
    if ((nx - 1 - x) % stride == 0)
      svg_label(out, cx, bottom + 16, "middle", "c-tick", FONT_SMALL, t->x_labels[x],
                slot * (double)stride - 4);
    int64_t pos, neg;
    column_sums(t, x, &pos, &neg);
    if (totals && (pos || neg)) {
      char num[64];
      t->fmt(pos + neg, num);
      svg_label(out, cx, svg_scale_px(&sc, pos) - 5, "middle", "c-sub", FONT_SMALL, num,
                slot);
    }
    strbuf_addc(out, '\n');
  }
  strbuf_release(&tip);
  strbuf_adds(out, "</svg>\n");
}
