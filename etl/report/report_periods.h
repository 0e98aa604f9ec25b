/* The periods of a run's range without holes. The tables only have rows
 * for periods where some number is non-zero, so a quiet month is missing
 * from them; a chart over time must still show it, empty, or its axis
 * would lie about time. The period kind is read off the published labels
 * ("2025-02" month, "2025-W07" week, "2025-Q1" / "FY2026-Q1" quarter,
 * "2025" / "FY2026" year, "2025-02-14" day; the fiscal year's first month
 * from a period's start), and the periods between the first and the last
 * are generated with the pipeline's own period rules (transforms/period.h). */
#ifndef ATTR_REPORT_PERIODS_H
#define ATTR_REPORT_PERIODS_H

#include <stddef.h>
#include <stdint.h>

#include "etl/report/report_data.h"
#include "transforms/period.h"

#define REPORT_MAX_PERIODS 20000 /* a longer sequence is left as published */

/* The period kind and fiscal start month of a published label whose
 * period starts on `start` (YYYY-MM-DD): 0, or -1 when the label has no
 * known form. */
int report_period_infer(const char *label, const char *start, struct period_cfg *pc);

/* YYYY-MM-DD as a day number: 0, or -1 when s is not such a date. */
int report_parse_day(const char *s, int32_t *day);

/* The complete sequence from the first to the last of periods[0..n)
 * (sorted by start), labels and dates interned in pool; where[i] is the
 * index of periods[i] in it. Returns the sequence (caller frees) and its
 * length in *nout, or NULL when the kind cannot be inferred, a published
 * period is not where the rules put it, or the sequence would pass
 * REPORT_MAX_PERIODS; then the published list is the one to use. */
struct report_period *report_periods_complete(struct strpool *pool,
                                              const struct report_period *periods, size_t n,
                                              size_t *nout, uint32_t *where);

#endif
