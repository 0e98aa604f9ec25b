/* One input seen as a table: a reader plus the column indexes of the
 * canonical columns the normalize stage needs (after [columns] remaps),
 * the required-column check, the field-count and NUL-byte checks of every
 * row (a reject, and the row is skipped), and the per-input counts. */
#ifndef ATTR_INPUT_TABLE_H
#define ATTR_INPUT_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "etl/common/config.h"
#include "etl/input/reader.h"
#include "etl/common/rejects.h"
#include "etl/common/stage_log.h"

struct col_spec {
  const char *name; /* canonical column name */
  bool required;    /* the column must be in the header */
};

struct input_table {
  struct etl_reader *r; /* owned */
  const char *entity;
  struct reject_log *log;
  size_t input; /* index in log->inputs */
  const struct col_spec *specs;
  int *cols; /* per spec: field index or -1 */
  size_t ncols;
  size_t nheader;
  struct etl_record rec; /* the current row */
  struct stage_progress *progress; /* NULL, or updated while reading (not owned) */
};

/* Takes ownership of r. Resolves the columns; a missing required column is a
 * file-level fault: returns -1 with err "crm_export.zip:Lead.csv: missing
 * required column 'CreatedDate'". Registers the input in log. */
int input_table_open(struct input_table *t, struct etl_reader *r, const char *entity,
                     const struct etl_config *conf, const struct col_spec *specs, size_t nspecs,
                     struct reject_log *log, struct strbuf *err);
/* Next row with the right field count: 1, 0 at the end, -1 on a file-level
 * fault (err set). Rows with a wrong count are rejected and skipped, and so
 * are rows with a NUL byte in any field (reason "NUL byte", field = the
 * canonical name or the header; checked right after the field count): a NUL
 * never belongs in a text export and would silently cut a value short.
 * Other bytes, invalid UTF-8 included, pass through unchanged. */
int input_table_next(struct input_table *t, struct strbuf *err);
/* Value of spec column i of the current row ("" if the column is absent). */
static inline const char *input_table_get(const struct input_table *t, size_t i, size_t *len) {
  int c = t->cols[i];
  if (c < 0) {
    *len = 0;
    return "";
  }
  *len = t->rec.lens[c];
  return t->rec.fields[c];
}
static inline bool input_table_has(const struct input_table *t, size_t i) { return t->cols[i] >= 0; }
/* The stats of this input. */
static inline struct input_stats *input_table_stats(const struct input_table *t) {
  return &t->log->inputs[t->input];
}
/* Closes the reader; with a progress line, counts the input's compressed
 * bytes as finished. */
void input_table_close(struct input_table *t);

#endif
