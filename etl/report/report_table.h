/* Reading one published table of a run folder for the report: opens
 * <dir>/<name> with the pipeline's own CSV reader, finds the columns the
 * report needs by their header names, checks every record's field count
 * and parses cells into exact integers. Every fault names the file and the
 * line: "attribution_by_channel.csv:17: revenue '12.5x': not an amount
 * with 2 decimals". */
#ifndef ATTR_REPORT_TABLE_H
#define ATTR_REPORT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "etl/input/reader.h"
#include "transforms/base/strbuf.h"

#define RTABLE_MAX_COLS 24

struct rtable {
  char *name; /* file name, for messages */
  struct etl_reader *r;
  struct etl_record rec;
  const char *const *columns; /* the wanted column names (not owned) */
  size_t ncols;
  int col[RTABLE_MAX_COLS]; /* index of each wanted column in the file */
  size_t width;             /* fields of the header */
  struct strbuf *err;       /* where faults go (not owned) */
};

/* Opens dir/name and maps columns[0..ncols) (ncols <= RTABLE_MAX_COLS).
 * Returns 1 when open, 0 when the file does not exist and optional is true,
 * -1 with err ("funnel.csv: no column 'stage'", "reconciliation.csv: No
 * such file or directory"). Close with rtable_close in every case. */
int rtable_open(struct rtable *t, const char *dir, const char *name, const char *const *columns,
                size_t ncols, bool optional, struct strbuf *err);
/* The next record: 1, 0 at the end, -1 with err (a CSV fault, or a record
 * whose field count differs from the header's). */
int rtable_next(struct rtable *t);
/* Line of the current record. */
uint64_t rtable_line(const struct rtable *t);

/* Cell of wanted column i as written (valid until the next rtable_next). */
const char *rtable_raw(const struct rtable *t, size_t i);
/* The same for a text column, without the leading ' that the tables put
 * before a text starting with = + - @ TAB or CR (the spreadsheet formula
 * guard), so the page shows the name as it is in the CRM. */
const char *rtable_text(const struct rtable *t, size_t i);
/* Cell i as a fixed-point number with exactly `places` decimals (an
 * optional '-', digits, '.', the decimals; places 0: digits only) in units
 * of 10^-places: 0, or -1 with err naming file, line, column and value. */
int rtable_fixed(struct rtable *t, size_t i, int places, int64_t *out);
/* rtable_fixed(t, i, 2, out) for money and (t, i, 6, out) for weights. */
int rtable_cents(struct rtable *t, size_t i, int64_t *out);
int rtable_micro(struct rtable *t, size_t i, int64_t *out);
/* A whole count (digits only). */
int rtable_count(struct rtable *t, size_t i, int64_t *out);
/* Adds "name:line: " and the formatted message to err; returns -1. */
int rtable_fail(struct rtable *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void rtable_close(struct rtable *t);

/* s as a fixed-point number of exactly `places` decimals (see rtable_fixed):
 * 0 and *out, or -1. */
int parse_fixed(const char *s, int places, int64_t *out);

#endif
