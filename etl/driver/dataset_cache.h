/* The normalized data-set cache of `etl run`: a backfill (another --from /
 * --to, another model list, another as_of) over unchanged inputs reuses the
 * data set, rejects.csv and inputs.tsv that etl-normalize wrote in an
 * earlier run instead of reading every export again.
 *
 * The cache is the folder out_dir/.cache, holding those three files and a
 * `key` file. The key names everything etl-normalize's output depends on:
 *   - the etl version and the etl-normalize program (size, mtime, inode);
 *   - every line of pipeline.conf except the settings only attribution
 *     reads ([pipeline] models, period, lookback_days, half_life_days,
 *     account_based, fiscal_year_start_month, out_dir, and the [model]
 *     sections), comments and blank lines;
 *   - every input file (each file under a directory input): resolved path,
 *     size, mtime and ctime to the nanosecond, inode and device.
 * The key file also holds each cached file's size and CRC-64, checked on
 * every use: a cache that does not match is a miss and is rewritten.
 *
 * Crash safety: a new cache is assembled in out_dir/.cache-new-<pid>-<hex>
 * (hard links to the run's files, or copies across file systems), every
 * file and the folder are fsynced, and it then replaces .cache by an atomic
 * exchange (or two renames where the file system cannot exchange). A run
 * killed at any point leaves either the old cache, the new one, or none,
 * plus a .cache-new-* / .cache-old-* leftover that the next run removes.
 * Call everything here with out_dir's lock held.
 *
 * Limits: a file rewritten within the same mtime and ctime tick, keeping its
 * size and inode, is not noticed (on file systems with coarse time stamps
 * that tick can be a second or more); --no-cache forces a fresh normalize.
 * The Slurm executor does not use the cache. */
#ifndef ATTR_DATASET_CACHE_H
#define ATTR_DATASET_CACHE_H

#include "etl/common/config.h"
#include "transforms/base/strbuf.h"

/* The names of the three files a normalize run leaves in its work folder. */
#define DATASET_CACHE_FILES {"dataset.bin", "rejects.csv", "inputs.tsv"}

struct dataset_cache;

/* The key of this run: reads config_path (its text) and stats every input of
 * c and the program at normalize_path. Never NULL; out_dir_fd is out_dir,
 * open (not owned). */
struct dataset_cache *dataset_cache_new(int out_dir_fd, const struct etl_config *c,
                                        const char *config_path, const char *normalize_path);

/* Both calls first remove .cache-new-* and .cache-old-* leftovers of killed
 * runs. A hit puts the cached files into run_dir and returns 1; a miss returns 0
 * with the reason in why ("no cache", "an input or setting changed", ...);
 * -1 with err when the files cannot be put into run_dir. */
int dataset_cache_fetch(struct dataset_cache *dc, const char *run_dir, struct strbuf *why,
                        struct strbuf *err);

/* After a fresh normalize into run_dir: stores its files as the cache,
 * unless an input changed while it ran (then returns 1 and stores nothing).
 * 0 when stored, -1 with err. */
int dataset_cache_store(struct dataset_cache *dc, const char *run_dir, struct strbuf *err);

/* The key text (tests). */
const char *dataset_cache_key(const struct dataset_cache *dc);

/* NULL is a no-op. */
void dataset_cache_free(struct dataset_cache *dc);

#endif
