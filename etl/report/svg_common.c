/* Scales, numbers and labels shared by the charts (see svg_chart.h). */
#include <math.h>
#include <string.h>

#include "etl/report/html_writer.h"
#include "etl/report/svg_chart.h"

void svg_scale_nice(struct svg_scale *s, int64_t vmin, int64_t vmax, int64_t min_step,
                    int max_ticks) {
  if (vmin > 0)
    vmin = 0;
  if (vmax < 0)
    vmax = 0;
  if (min_step < 1)
    min_step = 1;
  if (max_ticks < 1)
    max_ticks = 1;
  /* span / max_ticks, rounded up, then the next nice number above it */
  uint64_t span = (uint64_t)vmax - (uint64_t)vmin;
  uint64_t raw = span / (uint64_t)max_ticks + (span % (uint64_t)max_ticks != 0);
  static const uint64_t nice[] = {10, 20, 25, 50}; /* tenths */
  uint64_t step = 0;
  for (uint64_t mag = 1; !step; mag *= 10) {
    for (size_t i = 0; i < 4 && !step; i++) {
      /* nice[i]/10 * mag, exact when mag >= 10 */
      uint64_t cand = mag >= 10 ? nice[i] * (mag / 10) : (i == 2 ? 0 : nice[i] / 10);
      if (cand && cand >= raw && cand >= (uint64_t)min_step)
        step = cand;
    }
    if (mag > UINT64_MAX / 100)
      step = mag;
  }
  s->step = (int64_t)step;
  int64_t st = s->step;
  s->lo = vmin < 0 ? -(((-vmin) + st - 1) / st) * st : 0;
  s->hi = vmax > 0 ? ((vmax + st - 1) / st) * st : 0;
  if (s->lo == s->hi)
    s->hi = st;
}

double svg_scale_px(const struct svg_scale *s, int64_t v) {
  double f = ((double)v - (double)s->lo) / ((double)s->hi - (double)s->lo);
  return s->px0 + f * (s->px1 - s->px0);
}

/* Advance widths of the printable ASCII characters (32-126) in thousandths
 * of an em, measured in Chromium with DejaVu Sans, the widest of the usual
 * system fonts (where system-ui resolves on Debian): estimates from it cut
 * labels early rather than let them overlap under any font. */
static const unsigned short ascii_em1000[95] = {
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838,
    318, 361, 318, 337, 636, 636, 636, 636, 636, 636, 636, 636,
    636, 636, 337, 337, 838, 838, 838, 531, 1000, 709, 686, 698,
    770, 632, 575, 775, 752, 295, 295, 656, 557, 862, 748, 787,
    603, 787, 695, 635, 595, 732, 684, 988, 685, 611, 685, 390,
    337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 344, 635,
    634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 395, 521,
    392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
};

/* Width of one character in ems. */
static double char_em(unsigned cp) {
  if (cp >= 32 && cp < 127)
    return ascii_em1000[cp - 32] / 1000.0;
  if (cp >= 0x1100 && (cp <= 0x115F || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                       (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                       (cp >= 0xFF00 && cp <= 0xFF60) || cp >= 0x1F300))
    return 1.0; /* wide: CJK, Hangul, full-width forms, emoji */
  return 0.72;
}

/* Decodes the character at s; returns its bytes (1 for an invalid byte). */
static size_t next_char(const unsigned char *s, size_t n, unsigned *cp) {
  size_t len = html_utf8_len(s, n);
  if (len <= 1) {
    *cp = len ? s[0] : 0xFFFD;
    return 1;
  }
  unsigned v = s[0] & (0x7F >> len);
  for (size_t i = 1; i < len; i++)
    v = (v << 6) | (s[i] & 0x3F);
  *cp = v;
  return len;
}

double svg_text_width(const char *str, double px) {
  const unsigned char *s = (const unsigned char *)str;
  size_t n = strlen(str);
  double em = 0;
  unsigned cp;
  for (size_t i = 0; i < n;)
    i += next_char(s + i, n - i, &cp), em += char_em(cp);
  return em * px;
}

/* The most characters of s that fit in width with a trailing "…". */
static size_t fit_chars(const char *str, double px, double width) {
  const unsigned char *s = (const unsigned char *)str;
  size_t n = strlen(str), chars = 0;
  double used = 0.6 * px; /* the ellipsis */
  unsigned cp;
  for (size_t i = 0; i < n; chars++) {
    size_t len = next_char(s + i, n - i, &cp);
    used += char_em(cp) * px;
    if (used > width)
      break;
    i += len;
  }
  return chars;
}

void svg_num(struct strbuf *out, double v) {
  double r = round(v * 10) / 10;
  if (fabs(r) < 0.05)
    r = 0;
  if (r == floor(r))
    strbuf_addf(out, "%.0f", r);
  else
    strbuf_addf(out, "%.1f", r);
}

void svg_label(struct strbuf *out, double x, double y, const char *anchor, const char *cls,
               double px, const char *text, double max_width) {
  strbuf_adds(out, "<text x=\"");
  svg_num(out, x);
  strbuf_adds(out, "\" y=\"");
  svg_num(out, y);
  strbuf_addf(out, "\" class=\"%s\"", cls);
  if (strcmp(anchor, "start") != 0)
    strbuf_addf(out, " text-anchor=\"%s\"", anchor);
  strbuf_addc(out, '>');
  if (svg_text_width(text, px) <= max_width) {
    html_text(out, text);
  } else {
    strbuf_adds(out, "<title>");
    html_text(out, text);
    strbuf_adds(out, "</title>");
    size_t keep = fit_chars(text, px, max_width);
    html_text_truncated(out, text, keep + 1);
  }
  strbuf_adds(out, "</text>");
}
