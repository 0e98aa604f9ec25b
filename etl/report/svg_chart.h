/* The report's charts as inline SVG, drawn from integers (cents, counts,
 * micro units) with deterministic layout: the same data always gives the
 * same bytes. Three kinds:
 *  - a bar table: one horizontal bar per row, sorted by the caller, with a
 *    label column, the value at the bar's end and text columns on the right
 *    (top campaigns, lead sources, funnel stages, model channel values);
 *  - a trellis of bars: rows (channels) by columns (models), every column
 *    on one scale, so a row reads as one channel under every model;
 *  - stacked columns over periods, one colour per series, with a legend.
 * Every text is escaped (html_writer.h); a label too long for its room is
 * cut with "…" and keeps the full text in an SVG <title>, and every bar
 * has a <title> with its exact value (a tooltip, no script needed). Axes
 * carry nice ticks (1, 2, 2.5, 5 × 10^k) labelled by the caller's
 * formatter, and an axis title with the unit. The SVG scales to its
 * container (viewBox, width 100%). */
#ifndef ATTR_SVG_CHART_H
#define ATTR_SVG_CHART_H

#include <stddef.h>
#include <stdint.h>

#include "transforms/base/strbuf.h"

/* Writes a label of v (a compact tick or bar label, or the exact value of a
 * tooltip) into out. */
typedef void (*svg_fmt_fn)(int64_t v, char out[64]);

/* --- bar table ------------------------------------------------------------ */

#define SVG_MAX_CELLS 6

struct svg_bar_row {
  const char *label;    /* cut to fit, full text in <title> */
  const char *sublabel; /* smaller, after the label; NULL for none */
  int64_t value;
  const char *color;    /* fill, "#4e79a7" */
  const char *cells[SVG_MAX_CELLS]; /* right-hand columns, NULL for empty */
};

struct svg_bar_table {
  const char *title;      /* for screen readers (<title> of the chart) */
  const char *label_head; /* heading of the label column */
  const char *value_head; /* heading over the bars, with the unit */
  const char *cell_heads[SVG_MAX_CELLS];
  size_t ncells;
  const struct svg_bar_row *rows;
  size_t nrows;
  svg_fmt_fn fmt;    /* bar-end labels and ticks */
  svg_fmt_fn exact;  /* tooltips */
  int64_t min_step;  /* smallest tick step (100 for cents) */
  const char *axis_title; /* under the axis: "Revenue, USD" */
  double label_w;    /* width of the label column; 0: 300 */
  double cell_w;     /* width of each right-hand column; 0: 92 */
  svg_fmt_fn tick;   /* tick labels; NULL: fmt */
};

void svg_bar_table(struct strbuf *out, const struct svg_bar_table *t);

/* --- trellis of bars ------------------------------------------------------- */

struct svg_trellis {
  const char *title;
  const char *const *row_labels; /* channels */
  const char *const *row_colors;
  size_t nrows;
  const char *const *col_labels; /* models */
  size_t ncols;
  const int64_t *values; /* values[r * ncols + c] */
  svg_fmt_fn fmt, exact;
  int64_t min_step;
  const char *axis_title;
};

void svg_trellis(struct strbuf *out, const struct svg_trellis *t);

/* --- stacked columns -------------------------------------------------------- */

struct svg_stack {
  const char *title;
  const char *const *x_labels; /* periods */
  const char *const *x_tips;   /* full text of each column for tooltips */
  size_t nx;
  const char *const *series_labels; /* channels, bottom to top */
  const char *const *series_colors;
  size_t nseries;
  const int64_t *values; /* values[s * nx + x]; negatives stack below 0 */
  svg_fmt_fn fmt, exact;
  int64_t min_step;
  const char *axis_title; /* "Revenue, USD" */
};

void svg_stack(struct strbuf *out, const struct svg_stack *t);

/* --- building blocks (shared by the chart files, tested on their own) ------ */

/* A linear scale over [lo, hi] (which include 0) with ticks every step. */
struct svg_scale {
  int64_t lo, hi, step;
  double px0, px1; /* pixels of lo and hi */
};

/* Chooses lo, hi and a step of 1, 2, 2.5 or 5 × 10^k (>= min_step) so that
 * [vmin, vmax] fits in at most max_ticks steps. */
void svg_scale_nice(struct svg_scale *s, int64_t vmin, int64_t vmax, int64_t min_step,
                    int max_ticks);
double svg_scale_px(const struct svg_scale *s, int64_t v);

/* Estimated width in pixels of s in the page's sans-serif font at size px
 * (no font metrics are available when writing the file). */
double svg_text_width(const char *s, double px);

/* Appends a number for an SVG attribute: one decimal, no "-0.0". */
void svg_num(struct strbuf *out, double v);

/* <text> at (x, y) with class cls and text-anchor anchor ("start", "end",
 * "middle"), cut to max_width pixels at font size px; when cut, the full
 * text is in a <title> child. */
void svg_label(struct strbuf *out, double x, double y, const char *anchor, const char *cls,
               double px, const char *text, double max_width);

#endif
