/* Writer for the published CSV tables (contract §5.5): comma separated,
 * quotes only where needed (comma, quote, CR or LF), CRLF line ends, UTF-8
 * with an optional BOM, the formula-injection guard on text columns (a
 * leading ' before = + - @ TAB CR), plain or gzip (mtime 0, no file name).
 * Write errors (disk full, file size limit) are sticky and reported by
 * csv_out_close, so callers write freely and check once. */
#ifndef ATTR_CSVOUT_H
#define ATTR_CSVOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "transforms/base/strbuf.h"

struct csv_out;

/* Creates path (truncating). gzip: compress the stream; bom: start with a
 * UTF-8 BOM (inside the gzip stream for gzip). Returns 0 or -1 with err. */
int csv_out_open(struct csv_out **out, const char *path, bool gzip, bool bom, struct strbuf *err);
/* A text cell: formula guard, then quoting as needed. */
void csv_out_text(struct csv_out *o, const char *s);
/* A number cell, written as is (no guard). */
void csv_out_num(struct csv_out *o, const char *s);
/* Ends the current row with CRLF. */
void csv_out_end_row(struct csv_out *o);
/* Rows written so far, the header included. */
uint64_t csv_out_rows(const struct csv_out *o);
/* Flushes, closes and frees. Returns 0, or -1 with err if any write failed
 * ("touch_credits.csv.gz: No space left on device"). NULL is a no-op. */
int csv_out_close(struct csv_out *o, struct strbuf *err);
/* Frees without reporting (error paths). NULL is a no-op. */
void csv_out_abort(struct csv_out *o);

#endif
