/* Running a stage program from the driver, modelled on git's run-command.c:
 * fork/exec with an argv (no shell), exec failures reported back through a
 * close-on-exec pipe, waitpid retried on EINTR, and the result told apart as
 * an exit status or a signal.
 *
 * Signal policy (contract §8: a run never dies of a signal it could have
 * handled): the driver ignores SIGPIPE and SIGXFSZ and keeps SIGHUP,
 * SIGINT, SIGTERM and SIGCHLD blocked for the whole run, so they wait as
 * pending signals (a signal the caller already ignores, as under nohup,
 * stays ignored). While a stage runs, the driver takes them with
 * sigtimedwait and forwards HUP/INT/TERM to the stage; between stages it
 * polls them at safe points and then cleans up and exits 128+N. No signal
 * handler, no global state. */
#ifndef ATTR_RUN_STAGE_H
#define ATTR_RUN_STAGE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "transforms/base/strbuf.h"

struct stage_signals {
  sigset_t handled; /* HUP, INT, TERM */
  sigset_t waited;  /* handled + CHLD */
  sigset_t old_mask;
  struct sigaction old_pipe, old_xfsz, old_chld;
  struct sigaction child_pipe, child_xfsz; /* what a stage starts with: the
                                              dispositions the program inherited */
  int caught; /* first handled signal received, 0 if none */
};

/* Ignores SIGPIPE and SIGXFSZ (a write error, not a crash), sets SIGCHLD
 * to its default (an inherited SIG_IGN would reap the stages before
 * waitpid could) and blocks the handled signals and SIGCHLD. */
void stage_signals_init(struct stage_signals *s);
/* Restores the signal mask and the SIGPIPE/SIGXFSZ/SIGCHLD dispositions of
 * before _init. */
void stage_signals_release(struct stage_signals *s);
/* Takes pending handled signals without waiting; returns s->caught (the
 * first signal received so far, 0 if none). */
int stage_signals_poll(struct stage_signals *s);
/* Waits up to ms milliseconds for a handled signal; returns s->caught. */
int stage_signals_wait(struct stage_signals *s, int ms);

enum stage_end { STAGE_EXITED, STAGE_SIGNALED };

struct stage_result {
  enum stage_end how;
  int code;       /* exit status, or the signal number */
  double seconds; /* wall time from fork to reaping */
};

/* Runs the program at path with argv (argv[0] is the name shown in messages,
 * NULL-terminated); stdin is /dev/null, stdout and stderr are inherited. The
 * child gets the signal mask and SIGPIPE/SIGXFSZ/SIGCHLD dispositions of before
 * stage_signals_init and dies with the driver (PR_SET_PDEATHSIG). Handled
 * signals received meanwhile are forwarded to the child and recorded in
 * sig->caught. Returns 0 with *res filled once the child has been reaped, or
 * -1 with err ("cannot run /x/etl-normalize: No such file or directory")
 * when it could not be started. */
int run_stage(const char *path, const char *const argv[], struct stage_signals *sig,
              struct stage_result *res, struct strbuf *err);

/* Starts the program at path like run_stage but returns at once with its
 * *pid: 0, or -1 with err when it could not be started. Wait for it with
 * stage_wait_any. */
int stage_spawn(const char *path, const char *const argv[], const struct stage_signals *sig,
                pid_t *pid, struct strbuf *err);

/* Waits until one of the children pids[0..n) (entries <= 0 are skipped)
 * ends, forwarding handled signals to all of them (and recording them in
 * sig->caught). Returns 0 with *which = its index and *res filled (seconds
 * 0: the caller knows when it started), or -1 with err (none left to wait
 * for, or waitpid failed). The caller clears pids[*which] afterwards. */
int stage_wait_any(const pid_t *pids, size_t n, struct stage_signals *sig, size_t *which,
                   struct stage_result *res, struct strbuf *err);

/* Runs a command found on PATH (argv[0]; sbatch, squeue, ...) to its end,
 * collecting its stdout into out and its stderr into errout (appended);
 * stdin is /dev/null. Signals are not forwarded: they stay pending for the
 * caller's next stage_signals_poll. Returns 0 with *res, or -1 with err
 * ("cannot run sbatch: No such file or directory"). */
int run_capture(const char *const argv[], const struct stage_signals *sig, struct strbuf *out,
                struct strbuf *errout, struct stage_result *res, struct strbuf *err);

/* "etl-normalize failed with exit status 1" or "etl-normalize died of
 * signal 9 (Killed)" into out (appended). */
void stage_result_describe(const char *name, const struct stage_result *res, struct strbuf *out);

/* The exit code a driver passes on for res: the exit status, or 128+N. */
int stage_result_exit_code(const struct stage_result *res);

/* Appends argv as a shell-quoted command line (for --verbose). */
void stage_format_argv(const char *const argv[], struct strbuf *out);

#endif
