/* The building blocks of the report's charts (etl/report/svg_chart.h):
 * nice scales, numbers for attributes, labels cut to their room with the
 * full text in <title>, and that every chart escapes the data it draws. */
#include "etl/report/svg_chart.h"

#include <string.h>

#include "tests/unit/check.h"

static void test_scale(void) {
  struct svg_scale s;
  svg_scale_nice(&s, 0, 32500000, 100, 5); /* 325k in cents */
  CHECK_I64(s.lo, 0);
  CHECK_I64(s.step, 10000000);
  CHECK_I64(s.hi, 40000000);
  svg_scale_nice(&s, 0, 144, 1, 5);
  CHECK_I64(s.step, 50);
  CHECK_I64(s.hi, 150);
  svg_scale_nice(&s, 0, 100, 1, 5); /* exactly on a step: no extra tick */
  CHECK_I64(s.step, 20);
  CHECK_I64(s.hi, 100);
  svg_scale_nice(&s, 0, 101, 1, 5);
  CHECK_I64(s.step, 25);
  CHECK_I64(s.hi, 125);
  svg_scale_nice(&s, -250000, 18100000, 100, 5);
  CHECK_I64(s.step, 5000000);
  CHECK_I64(s.lo, -5000000);
  CHECK_I64(s.hi, 20000000);
  svg_scale_nice(&s, 0, 0, 100, 5); /* nothing to show: one step */
  CHECK_I64(s.lo, 0);
  CHECK_I64(s.hi, 100);
  svg_scale_nice(&s, 0, 3, 100, 5); /* min_step wins */
  CHECK_I64(s.step, 100);
  svg_scale_nice(&s, 0, INT64_MAX / 2, 1, 5);
  CHECK(s.hi >= INT64_MAX / 2 && s.step > 0);
  s.px0 = 100;
  s.px1 = 200;
  svg_scale_nice(&s, 0, 144, 1, 5);
  s.px0 = 100;
  s.px1 = 250;
  CHECK(svg_scale_px(&s, 0) == 100);
  CHECK(svg_scale_px(&s, 150) == 250);
  CHECK(svg_scale_px(&s, 75) == 175);
}

static const char *num(double v) {
  static struct strbuf out = STRBUF_INIT;
  strbuf_reset(&out);
  svg_num(&out, v);
  return strbuf_str(&out);
}

static void test_num(void) {
  CHECK_STR(num(0), "0");
  CHECK_STR(num(-0.01), "0");
  CHECK_STR(num(12), "12");
  CHECK_STR(num(12.25), "12.3");
  CHECK_STR(num(-3.14), "-3.1");
}

static void test_label(void) {
  struct strbuf out = STRBUF_INIT;
  svg_label(&out, 10, 20, "start", "c-lab", 12, "Email", 200);
  CHECK_STR(strbuf_str(&out), "<text x=\"10\" y=\"20\" class=\"c-lab\">Email</text>");
  strbuf_reset(&out);
  svg_label(&out, 10, 20, "end", "c-lab", 12, "Webinar: Customer Stories 2023", 60);
  const char *s = strbuf_str(&out);
  CHECK(strstr(s, "text-anchor=\"end\"") != NULL);
  CHECK(strstr(s, "<title>Webinar: Customer Stories 2023</title>") != NULL);
  CHECK(strstr(s, "\xE2\x80\xA6</text>") != NULL);
  /* hostile text: escaped in the title and in the shown text */
  strbuf_reset(&out);
  svg_label(&out, 0, 0, "start", "c-lab", 12, "<script>alert(1)</script>", 40);
  s = strbuf_str(&out);
  CHECK(strstr(s, "<script") == NULL);
  CHECK(strstr(s, "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>") != NULL);
  CHECK(svg_text_width("WWW", 12) > svg_text_width("iii", 12));
  CHECK(svg_text_width("\xE6\x97\xA5", 12) >= 12);
  strbuf_release(&out);
}

static void fmt_plain(int64_t v, char out[64]) { snprintf(out, 64, "%lld", (long long)v); }

/* Every chart kind with hostile names: no raw markup from the data. */
static void test_charts_escape(void) {
  static const char *const evil[] = {"<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>"};
  static const char *const colors[] = {"#4e79a7", "#f28e2b"};
  static const int64_t vals[] = {5, 7, 11, 13};
  struct strbuf out = STRBUF_INIT;
  struct svg_bar_row rows[2] = {{.label = evil[0], .sublabel = evil[1], .value = 5, .color = colors[0],
                                 .cells = {evil[1]}},
                                {.label = evil[1], .value = 3, .color = colors[1]}};
  struct svg_bar_table bt = {.title = evil[0], .label_head = evil[1], .value_head = "v",
                             .cell_heads = {evil[0]}, .ncells = 1, .rows = rows, .nrows = 2,
                             .fmt = fmt_plain, .exact = fmt_plain, .min_step = 1,
                             .axis_title = evil[1]};
  svg_bar_table(&out, &bt);
  struct svg_trellis tr = {.title = evil[1], .row_labels = evil, .row_colors = colors, .nrows = 2,
                           .col_labels = evil, .ncols = 2, .values = vals, .fmt = fmt_plain,
                           .exact = fmt_plain, .min_step = 1, .axis_title = evil[0]};
  svg_trellis(&out, &tr);
  struct svg_stack st = {.title = evil[0], .x_labels = evil, .x_tips = evil, .nx = 2,
                         .series_labels = evil, .series_colors = colors, .nseries = 2,
                         .values = vals, .fmt = fmt_plain, .exact = fmt_plain, .min_step = 1,
                         .axis_title = evil[1]};
  svg_stack(&out, &st);
  const char *s = strbuf_str(&out);
  CHECK(strstr(s, "<script") == NULL);
  CHECK(strstr(s, "<img") == NULL);
  CHECK(strstr(s, "\">") != NULL); /* markup of our own is there */
  CHECK(strstr(s, "&lt;script&gt;") != NULL);
  CHECK(strstr(s, "&quot;&gt;&lt;img") != NULL);
  /* as many <svg> as </svg>, and elements balanced */
  size_t open = 0, close = 0;
  for (const char *p = s; (p = strstr(p, "<svg ")); p++)
    open++;
  for (const char *p = s; (p = strstr(p, "</svg>")); p++)
    close++;
  CHECK_I64(open, 3);
  CHECK_I64(close, 3);
  strbuf_release(&out);
}

int main(void) {
  test_scale();
  test_num();
  test_label();
  test_charts_escape();
  return check_exit();
}
