/* The intermediate file between etl-normalize and etl-attribute: the arrays
 * of a struct dataset written as they are, behind a small header, so that a
 * run over tens of millions of touches spends its time parsing exports, not
 * re-encoding them. Layout (little-endian, native struct layout, checked by
 * the header's magic, version and struct sizes):
 *   "ATTRDS01" | u32 version | u32 sizes[7] | u64 counts[8] | string blob |
 *   campaigns | persons | touches | opportunities | links | costs | history
 * `etl-dump` prints it as text for inspection and golden tests. */
#ifndef ATTR_DATASET_IO_H
#define ATTR_DATASET_IO_H

#include <stdio.h>

#include "transforms/dataset.h"
#include "transforms/base/strbuf.h"

/* Writes ds to path (created/truncated). 0, or -1 with err. */
int dataset_write(const struct dataset *ds, const char *path, struct strbuf *err);
/* Reads path into ds (initialized by this call; release with
 * dataset_release). 0, or -1 with err (also for a foreign or truncated file). */
int dataset_read(struct dataset *ds, const char *path, struct strbuf *err);
/* Text form: one line per record, sections in file order, stable. */
void dataset_dump(const struct dataset *ds, FILE *out);

#endif
