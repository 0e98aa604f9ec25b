/* Reporting periods of contract §5.2: day, ISO week (Monday-Sunday,
 * labelled by ISO week-year "2025-W07"), month "2025-02", quarter "2025-Q1"
 * and year "2025"; with fiscal_year_start_month M in 2..12, quarters and
 * years are fiscal and named by the calendar year in which the fiscal year
 * ends ("FY2026-Q1", "FY2026"). Days are day numbers (calendar.h). */
#ifndef ATTR_PERIOD_H
#define ATTR_PERIOD_H

#include <stdint.h>

#include "transforms/model.h"

struct period_cfg {
  enum period_kind kind;
  int fy_start_month; /* 1 = calendar; values outside 2..12 also mean calendar */
};

/* First day of the period containing day. */
int32_t period_start(const struct period_cfg *pc, int32_t day);
/* Last day (inclusive) of the period starting at start (any day of the
 * period gives the same answer). */
int32_t period_end(const struct period_cfg *pc, int32_t start);
/* First day of the next period after the one starting at start. */
static inline int32_t period_next(const struct period_cfg *pc, int32_t start) {
  return period_end(pc, start) + 1;
}
/* Label of the period starting at start (any day of the period gives the
 * same label; NUL-terminated, < 16 bytes): "2025-02-07", "2025-W07",
 * "2025-02", "2025-Q1" / "FY2026-Q1", "2025" / "FY2026". */
void period_label(const struct period_cfg *pc, int32_t start, char out[16]);

#endif
