/* What an `etl run` executes, whatever runs it (README "Running on a
 * cluster", docs/architecture.md): etl-normalize into the run's work
 * folder, then either etl-attribute into the tables folder, or
 * etl-attribute once per shard (`--shard I/N --partial WORK/shards/I`) and
 * etl-merge into the tables folder. With more than one shard, etl-partition
 * first cuts the data set into one part per shard (WORK/parts/I, and the
 * data-driven fit WORK/parts/fit.bin) and each shard reads only its part
 * (`--parts WORK/parts`; docs/scale-out.md). The driver's own runs, the local
 * executor (executor_local.h) and the Slurm executor (executor_slurm.h)
 * share this description and build every stage's command line here, so
 * all of them run exactly the same stages.
 *
 * With the Slurm executor, etl-normalize is itself split: one etl-split
 * task per input file (etl/input/input_list.h) writes WORK/split/I.rec, and
 * etl-normalize --from-split WORK/split runs the row rules over them
 * (docs/scale-out.md).
 *
 * Work folder layout:
 *   split/<I>.rec                        Slurm: etl-split task I
 *   dataset.bin rejects.csv inputs.tsv   etl-normalize
 *   parts/<I>/, parts/fit.bin            etl-partition: shard I's part
 *   shards/<I>/                          partial results of shard I
 *   range                                the range name (etl-merge)
 *   slurm/<stage>.sh                     Slurm: the job scripts
 *   logs/<stage>.log, <stage>.<I>.log    Slurm: each task's stdout+stderr
 *   status/<stage>.<I>                   Slurm: each task's exit status */
#ifndef ATTR_EXECUTOR_PLAN_H
#define ATTR_EXECUTOR_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "transforms/base/strbuf.h"

#define PLAN_SPLIT "etl-split"
#define PLAN_NORMALIZE "etl-normalize"
#define PLAN_ATTRIBUTE "etl-attribute"
#define PLAN_MERGE "etl-merge"
#define PLAN_PARTITION "etl-partition"
#define PLAN_REPORT "etl-report"

/* Borrowed strings, all owned by the caller. */
struct exec_plan {
  const char *stage_dir; /* the stage programs */
  const char *config;
  const char *as_of;
  const char *from, *to; /* NULL when not given */
  const char *work;      /* the run's work folder */
  const char *tables;    /* where etl-merge writes the tables */
  unsigned nshards;      /* >= 1 */
  unsigned threads;      /* etl-attribute --jobs per task; 0: not passed */
  unsigned nsplit;       /* etl-split tasks before etl-normalize (one per
                            input file); 0: etl-normalize reads the inputs */
};

/* A command line; the strings it made itself are freed by _release. */
#define PLAN_ARGV_MAX 32
struct plan_argv {
  const char *argv[PLAN_ARGV_MAX + 1]; /* NULL-terminated */
  size_t n;
  char *owned[12];
  size_t nowned;
};

/* etl-split -c CONF --work WORK; the Slurm script appends --task I. */
void plan_argv_split(const struct exec_plan *p, struct plan_argv *a);
/* etl-normalize -c CONF --work WORK [--jobs T] (T > 1) [--from-split
 * WORK/split] (nsplit > 0) */
void plan_argv_normalize(const struct exec_plan *p, struct plan_argv *a);
/* True when the shards read parts (more than one shard). */
bool plan_partitioned(const struct exec_plan *p);
/* etl-partition -c CONF --dataset WORK/dataset.bin --shards N --out
 * WORK/parts --as-of TS [--from D] [--to D] */
void plan_argv_partition(const struct exec_plan *p, struct plan_argv *a);
/* etl-attribute -c CONF --dataset WORK/dataset.bin (plan_partitioned:
 * --parts WORK/parts) --as-of TS [--from D] [--to D] [--jobs T]; the Slurm
 * script appends --shard and --partial. */
void plan_argv_attribute(const struct exec_plan *p, struct plan_argv *a);
/* The unsharded run: plan_argv_attribute's line, then --out TABLES
 * --range-file WORK/range. */
void plan_argv_attribute_tables(const struct exec_plan *p, struct plan_argv *a);
/* Shard i: plan_argv_attribute's line, then --shard I/N --partial
 * WORK/shards/I. */
void plan_argv_attribute_shard(const struct exec_plan *p, unsigned i, struct plan_argv *a);
/* etl-merge -c CONF --dataset ... --partials WORK/shards --shards N --out
 * TABLES --as-of TS [--from D] [--to D] --range-file WORK/range */
void plan_argv_merge(const struct exec_plan *p, struct plan_argv *a);
/* etl-report --dir TABLES -c CONF: report.html from the tables (the driver
 * runs it itself, after the other stages, whatever the executor). */
void plan_argv_report(const struct exec_plan *p, struct plan_argv *a);
/* Appends one argument (copied when own). */
void plan_argv_add(struct plan_argv *a, const char *arg, bool own);
void plan_argv_release(struct plan_argv *a);

/* "STAGE_DIR/NAME" (caller frees). */
char *plan_stage_path(const struct exec_plan *p, const char *name);
/* "WORK/REL" (caller frees). */
char *plan_work_path(const struct exec_plan *p, const char *rel);

/* Creates WORK/shards (and, for Slurm, logs, status and slurm). 0 or -1
 * with err. */
int plan_make_dirs(const struct exec_plan *p, bool slurm, struct strbuf *err);

#endif
