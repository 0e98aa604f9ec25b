/* The report page (contract §5.7): one self-contained HTML document with
 * its CSS and SVG charts inline, no script and no reference to any other
 * file or host, written from a loaded run folder (report_data.h). The
 * sections, in order: headline per model with the reconciliation check,
 * revenue and pipeline by channel under every model, top campaigns of the
 * first model with cost and ROI, revenue by channel over the periods, the
 * funnel (when funnel.csv exists), the data-driven models' channel values
 * (when model_fit.csv exists), data quality (rows per input, top reject
 * reasons), and the run's facts. Each section is a <section id="...">
 * (headline, channels, campaigns, periods, funnel, model-fit, quality,
 * run) so tests and readers can find it. The bytes depend only on the
 * data: no clock, no locale, no environment. */
#ifndef ATTR_REPORT_PAGE_H
#define ATTR_REPORT_PAGE_H

#include "etl/report/report_data.h"
#include "transforms/base/strbuf.h"

/* Caps that keep the page small and readable whatever the data's size. */
#define REPORT_TOP_CAMPAIGNS 15
#define REPORT_MAX_CHANNEL_ROWS 14  /* channel rows of a chart; the rest summed */
#define REPORT_STACK_SERIES 8       /* named channels of the stacked chart */
#define REPORT_MAX_COLUMNS 36       /* period columns; more periods are bucketed */
#define REPORT_MEDIAN_PERIODS 12    /* latest cohort periods of the median table */
#define REPORT_TOP_LEAD_SOURCES 10
#define REPORT_TOP_REASONS 10
#define REPORT_MAX_INPUTS 40

/* Appends the whole document to out. */
void report_page_write(struct strbuf *out, const struct report_data *d);

#endif
