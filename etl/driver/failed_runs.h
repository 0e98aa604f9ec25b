/* What a failed run leaves for the operator (docs/operations.md "When a run
 * fails"). A run that fails because too many rows were rejected publishes
 * nothing, but its rejects.csv is the one file that says what to fix: the
 * driver keeps it, with a manifest of the failed run, in
 *
 *   out_dir/.failed/<YYYYMMDDTHHMMSSZ>/rejects.csv, manifest.json
 *
 * named after the run's start time in UTC (with "-2", "-3", ... when two
 * runs started in the same second). The folder is hidden, so it is never
 * taken for a published range, and is not one of the leftover names
 * (publish.h): runs never remove it except to keep only the
 * FAILED_RUNS_KEEP newest entries. Each entry is built under a hidden
 * temporary name and renamed into place, so a reader never sees half of
 * one. Call with the lock on out_dir held. */
#ifndef ATTR_FAILED_RUNS_H
#define ATTR_FAILED_RUNS_H

#include "etl/driver/manifest.h"
#include "etl/driver/publish.h"
#include "transforms/base/strbuf.h"

#define FAILED_RUNS_DIR ".failed"
#define FAILED_RUNS_KEEP 5

/* "YYYYMMDDTHHMMSSZ" of a time in seconds since the epoch (buf >= 17). */
void failed_runs_stamp(long long utc, char buf[17]);

/* Copies src_dir/rejects.csv into a new entry out_dir/.failed/<stamp>/,
 * writes m there as manifest.json (its outputs are scanned from the entry:
 * rejects.csv) and removes the oldest entries beyond FAILED_RUNS_KEEP.
 * Returns 0 with *kept = "out_dir/.failed/<name>" (caller frees), or -1
 * with err (nothing half-made is left under a visible name). */
int failed_runs_keep(struct publish *p, const char *src_dir, const char *stamp,
                     struct manifest *m, char **kept, struct strbuf *err);

/* Removes the oldest entries of the open folder fd beyond keep (entries
 * with hidden names are never counted nor removed). Returns the number
 * removed, or -1 with err. */
int failed_runs_prune(int fd, size_t keep, struct strbuf *err);

#endif
