/* Numbers as the report shows them to people: exact decimals with
 * thousands separators ("1,179,135.99"), compact chart labels with k/M/B
 * ("1.18M", "809k") and percentages of exact ratios ("41.5%"). Every
 * rounding is half away from zero on the exact integer value, as in the
 * published tables, so a figure on the page never disagrees with the CSV
 * it comes from; nothing prints as a negative zero. Pure functions over
 * caller buffers; no allocation. */
#ifndef ATTR_REPORT_FORMAT_H
#define ATTR_REPORT_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define RFMT_LEN 64 /* every out buffer below holds at least this many bytes */

/* Inserts a ',' every three digits into the integer part of a decimal
 * written as by fmt_cents ("-1179135.99" -> "-1,179,135.99"; "950" ->
 * "950"). Other text is copied as is. */
void rfmt_group(const char *decimal, char out[RFMT_LEN]);

/* Cents as an exact amount with separators: "1,179,135.99". */
void rfmt_money(int64_t cents, char out[RFMT_LEN]);
/* A whole count with separators: "1,234,567". */
void rfmt_count(int64_t n, char out[RFMT_LEN]);
/* A fixed-point value of `places` decimals (micro units: places = 6) as a
 * decimal rounded half away from zero to `shown` decimals (<= places), with
 * separators: rfmt_fixed(3500000, 6, 1) = "3.5". */
void rfmt_fixed(int64_t v, int places, int shown, char out[RFMT_LEN]);

/* A compact label of three significant digits for charts: below 1,000 the
 * whole number ("950"), then k, M, B, T ("1.2k", "15.5k", "809k", "1.18M");
 * trailing zeros dropped ("2M", not "2.00M"); a value that rounds up to the
 * next unit moves to it (999,999 -> "1M"). `unit` is the value of 1 in v
 * (100 for cents, 1 for counts). */
void rfmt_compact(int64_t v, int64_t unit, char out[RFMT_LEN]);

/* num / den as a percentage rounded half away from zero to `decimals`
 * places (0-4): rfmt_percent(2, 3, 1) = "66.7%". den == 0 gives "". */
void rfmt_percent(int64_t num, int64_t den, int decimals, char out[RFMT_LEN]);

/* A published decimal ratio ("3.1250", "0.123456") as a percentage with
 * the decimal point moved two places and nothing rounded ("312.50%",
 * "12.3456%"); "" stays "". The text must be an optional '-', digits, and
 * at least two decimals; anything else is copied with a '%' appended. */
void rfmt_ratio_as_percent(const char *ratio, char out[RFMT_LEN]);

#endif
