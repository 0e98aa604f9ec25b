/* The local executor of a sharded run (README "Running on a cluster"):
 * the etl-attribute shard tasks of an exec_plan as child processes of the
 * driver, at most --jobs at a time, with run_stage's signal policy. The
 * driver runs etl-normalize before and etl-merge after with run_stage. */
#ifndef ATTR_EXECUTOR_LOCAL_H
#define ATTR_EXECUTOR_LOCAL_H

#include "etl/driver/executor_plan.h"
#include "etl/driver/run_stage.h"

/* Runs shards 0..p->nshards-1 (`--shard I/N --partial WORK/shards/I`),
 * starting them in order, at most `parallel` (>= 1) at once. Returns 0
 * with *seconds (the wall time of all of them) when every task exited 0.
 * When one fails, starts no more, sends SIGTERM to those still running,
 * reaps them and returns the failed task's exit code (stage_result_exit_code)
 * after printing "etl: stage etl-attribute[2] failed with exit status 1"
 * (each failed task is named). A handled signal received meanwhile is
 * forwarded to every task and ends the run the same way with 128+N (not
 * printed: the driver reports it). 2 when a task cannot be started. */
int local_run_shards(const struct exec_plan *p, unsigned parallel, struct stage_signals *sig,
                     double *seconds);

#endif
