/* The Slurm executor of a sharded run (README "Running on a cluster"):
 * etl-split (one task per input file, when the driver could list them),
 * etl-normalize, etl-partition (with more than one shard), the
 * etl-attribute shards and etl-merge as batch jobs chained with afterok
 * dependencies, the split tasks and the shards each as one job array
 * (--array=0-(N-1)), all over the run's work folder, which must be on a
 * file system every node shares, as must the stage programs and the inputs.
 *
 * Each job runs a small /bin/sh script (WORK/slurm/<stage>.sh) that runs
 * the stage, writes its exit status to WORK/status/<stage>.<task> and exits
 * with it; stdout and stderr go to WORK/logs/<stage>[.<task>].log. The
 * driver submits with `sbatch --parsable`, then polls `squeue` (sacct needs
 * slurmdbd, which small clusters lack) for the tasks' states, taking exit
 * statuses from the status files or `scontrol show job`. Each failed task
 * is reported with its log; the jobs still queued are cancelled with
 * scancel (Slurm would leave dependents pending with
 * DependencyNeverSatisfied; they are also submitted with
 * --kill-on-invalid-dep=yes) and the failed task's status is passed on. */
#ifndef ATTR_EXECUTOR_SLURM_H
#define ATTR_EXECUTOR_SLURM_H

#include <stdbool.h>
#include <stddef.h>

#include "etl/driver/executor_plan.h"
#include "etl/driver/run_stage.h"
#include "transforms/base/strbuf.h"

struct slurm_opts {
  const char *partition;  /* --partition, NULL for the default */
  const char *time_limit; /* --time, NULL for the partition's */
  const char *const *extra; /* more sbatch arguments, given before ours */
  size_t nextra;
};

/* Wall seconds of each stage as the driver saw them (queueing included). */
struct slurm_times {
  double split, normalize, partition, attribute, merge; /* split, partition: 0 when not run */
};

/* Submits the jobs and waits for them. p->work must exist; p->tables
 * is written by etl-merge. Returns 0 with *t when every task succeeded;
 * otherwise the exit code, the messages printed: a failed task's status
 * (or 128+N for a task Slurm ended with a signal, 1 when none is known), 2
 * when sbatch fails, 128+N when the driver got signal N (jobs cancelled,
 * not printed). */
int slurm_run(const struct exec_plan *p, const struct slurm_opts *o, struct stage_signals *sig,
              struct slurm_times *t);

/* --- Pieces, exposed for the unit tests ---------------------------------- */

/* The job id in `sbatch --parsable` output ("123\n" or "123;cluster\n")
 * into id (size n). 0, or -1 when there is none. */
int slurm_parse_job_id(const char *out, char *id, size_t n);

/* One line of `squeue -h -r -o %i|%T`. When it is about job `job` ("123"
 * or an array task "123_4"), returns 0 with *task (0 for a job that is not
 * an array) and the state into state (size n); else -1. */
int slurm_parse_queue_line(const char *line, const char *job, bool array, unsigned *task,
                           char *state, size_t n);

/* 0 while a job in this state may still run, 1 once it completed, -1 once
 * it ended otherwise (FAILED, CANCELLED, TIMEOUT, ...). */
int slurm_state_end(const char *state);

/* The exit code passed on for a task that ended in state without a known
 * exit status: 128+SIGTERM for TIMEOUT, CANCELLED, PREEMPTED, DEADLINE;
 * 128+SIGKILL for OUT_OF_MEMORY; else 1. */
int slurm_state_exit_code(const char *state);

/* The exit code in `scontrol -o show job` output ("ExitCode=2:0" -> 2,
 * "ExitCode=0:9" -> 137). 0 with *code, or -1 when absent. */
int slurm_parse_exit_code(const char *text, int *code);

/* The text of a job script: runs argv (argv[0] replaced by path) with, for
 * a shard task, `--shard "$task/N" --partial 'WORK/shards/'"$task"`
 * appended (nshards > 0), and records its status under status_prefix
 * ("WORK/status/etl-attribute"), suffixed ".<task>". */
void slurm_script(struct strbuf *out, const char *path, const char *const *argv,
                  unsigned nshards, const char *work, const char *status_prefix);
/* The same for an etl-split task: `--task "$task"` appended. */
void slurm_script_split(struct strbuf *out, const char *path, const char *const *argv,
                        const char *status_prefix);

#endif
