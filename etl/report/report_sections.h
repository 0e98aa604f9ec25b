/* The sections of the report page, shared between the files that write
 * them (report_page.c, report_sections_*.c); not for other callers. Each
 * appends one <section> to out. */
#ifndef ATTR_REPORT_SECTIONS_H
#define ATTR_REPORT_SECTIONS_H

#include <stdint.h>

#include "etl/report/report_data.h"
#include "etl/report/report_palette.h"
#include "transforms/base/strbuf.h"

struct page_ctx {
  const struct report_data *d;
  struct report_palette pal;
  const char *currency; /* "USD", or "corporate currency" when unknown */
  const char *first_model;
};

void section_headline(struct strbuf *out, const struct page_ctx *p);
void section_channels(struct strbuf *out, const struct page_ctx *p);
void section_campaigns(struct strbuf *out, const struct page_ctx *p);
void section_periods(struct strbuf *out, const struct page_ctx *p);
void section_funnel(struct strbuf *out, const struct page_ctx *p);
void section_fit(struct strbuf *out, const struct page_ctx *p);
void section_quality(struct strbuf *out, const struct page_ctx *p);
void section_run(struct strbuf *out, const struct page_ctx *p);

/* Chart label formatters (svg_fmt_fn): compact and exact money from cents,
 * counts, micro-unit weights and shares. */
void fmt_money_compact(int64_t cents, char out[64]);
void fmt_money_exact(int64_t cents, char out[64]);
void fmt_count_compact(int64_t n, char out[64]);
void fmt_count_exact(int64_t n, char out[64]);
void fmt_share_tick(int64_t micro, char out[64]);
void fmt_share_value(int64_t micro, char out[64]);
void fmt_share_exact(int64_t micro, char out[64]);

/* <section>, <h2> and the lede paragraph under it (text, escaped like
 * data), inside a block that printing keeps on one page; the section
 * writer ends that block with section_keep_end once its first chart or
 * table is written, so a title never stands alone at the foot of a page. */
void section_open(struct strbuf *out, const char *id, const char *title, const char *lede);
void section_keep_end(struct strbuf *out);
void section_close(struct strbuf *out);
/* A <td class="num"> holding text (escaped). */
void td_num(struct strbuf *out, const char *text);

#endif
