/* Running stages (run_stage.h) with /bin/sh as the stage: exit statuses and
 * death by a signal told apart and turned into exit codes (128+N), a
 * program that cannot be started, a handled signal received by the driver
 * forwarded to the running stage, the child getting the signal mask and
 * SIGPIPE disposition of before stage_signals_init, a signal the caller
 * ignores staying ignored, an inherited SIGCHLD SIG_IGN, and shell quoting
 * for --verbose. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "etl/common/exitcodes.h"
#include "etl/common/program.h"
#include "etl/driver/run_stage.h"
#include "tests/unit/check.h"

/* Runs `sh -c script` and returns run_stage's result code. */
static int run_sh(const char *script, struct stage_signals *sig, struct stage_result *res,
                  struct strbuf *err) {
  const char *argv[] = {"sh", "-c", script, NULL};
  return run_stage("/bin/sh", argv, sig, res, err);
}

static void test_exit_statuses(void) {
  struct stage_signals sig;
  struct stage_result res;
  struct strbuf err = STRBUF_INIT, msg = STRBUF_INIT;
  stage_signals_init(&sig);
  CHECK_I64(run_sh("exit 0", &sig, &res, &err), 0);
  CHECK(res.how == STAGE_EXITED);
  CHECK_I64(res.code, 0);
  CHECK_I64(stage_result_exit_code(&res), 0);
  CHECK(res.seconds >= 0 && res.seconds < 30);

  CHECK_I64(run_sh("exit 3", &sig, &res, &err), 0);
  CHECK(res.how == STAGE_EXITED);
  CHECK_I64(res.code, 3);
  CHECK_I64(stage_result_exit_code(&res), 3);
  stage_result_describe("etl-normalize", &res, &msg);
  CHECK_STR(strbuf_str(&msg), "etl-normalize failed with exit status 3");

  CHECK_I64(run_sh("kill -KILL $$", &sig, &res, &err), 0);
  CHECK(res.how == STAGE_SIGNALED);
  CHECK_I64(res.code, SIGKILL);
  CHECK_I64(stage_result_exit_code(&res), ETL_EXIT_SIGNAL_BASE + 9);
  strbuf_reset(&msg);
  stage_result_describe("etl-normalize", &res, &msg);
  CHECK(strncmp(strbuf_str(&msg), "etl-normalize died of signal 9", 30) == 0);

  /* exit 137 is an exit status, not a signal */
  CHECK_I64(run_sh("exit 137", &sig, &res, &err), 0);
  CHECK(res.how == STAGE_EXITED);
  CHECK_I64(res.code, 137);
  CHECK_I64(sig.caught, 0);
  CHECK_STR(strbuf_str(&err), "");

  const char *argv[] = {"etl-nothing", NULL};
  CHECK_I64(run_stage("/nonexistent/etl-nothing", argv, &sig, &res, &err), -1);
  CHECK_STR(strbuf_str(&err), "cannot run /nonexistent/etl-nothing: No such file or directory");
  strbuf_reset(&err);
  CHECK_I64(run_stage("/etc/hostname", argv, &sig, &res, &err), -1); /* not executable */
  CHECK(strstr(strbuf_str(&err), "cannot run /etc/hostname: ") != NULL);
  stage_signals_release(&sig);
  strbuf_release(&err);
  strbuf_release(&msg);
}

/* The stage sends SIGTERM to the driver (this process), which has it
 * blocked: run_stage must forward it, so the stage dies of it at once
 * instead of sleeping 20 s. */
static void test_forwarding(void) {
  struct stage_signals sig;
  struct stage_result res;
  struct strbuf err = STRBUF_INIT;
  stage_signals_init(&sig);
  CHECK_I64(run_sh("kill -TERM $PPID; exec sleep 20", &sig, &res, &err), 0);
  CHECK(res.how == STAGE_SIGNALED);
  CHECK_I64(res.code, SIGTERM);
  CHECK_I64(sig.caught, SIGTERM);
  CHECK(res.seconds < 10);
  CHECK_I64(stage_signals_poll(&sig), SIGTERM); /* remembered */

  /* a signal that arrives between stages waits for the next poll */
  struct stage_signals sig2;
  stage_signals_init(&sig2);
  CHECK_I64(stage_signals_poll(&sig2), 0);
  CHECK_I64(stage_signals_wait(&sig2, 10), 0); /* times out */
  raise(SIGINT);
  CHECK_I64(stage_signals_poll(&sig2), SIGINT);
  raise(SIGHUP);
  CHECK_I64(stage_signals_wait(&sig2, 1000), SIGINT); /* the first one is kept */
  stage_signals_release(&sig2);
  stage_signals_release(&sig);
  strbuf_release(&err);
}

/* The child has nothing blocked and SIGPIPE at its default; with SIGHUP
 * ignored by the caller, it stays ignored (and is not forwarded). */
static void test_child_signal_state(void) {
  struct stage_signals sig;
  struct stage_result res;
  struct strbuf err = STRBUF_INIT;
  signal(SIGPIPE, SIG_DFL);
  stage_signals_init(&sig);
  /* grep itself is the stage: a shell would block signals while it waits */
  const char *grep[] = {"grep", "-q", "^SigBlk:[[:space:]]*0*$", "/proc/self/status", NULL};
  CHECK_I64(run_stage("/bin/grep", grep, &sig, &res, &err), 0);
  CHECK(res.how == STAGE_EXITED && res.code == 0);
  CHECK_I64(run_sh("x=$(awk '/^SigIgn/{print $2}' /proc/self/status); [ $((0x$x & 0x1000)) -eq 0 ]",
                   &sig, &res, &err), 0);
  CHECK(res.how == STAGE_EXITED && res.code == 0);
  /* the driver itself ignores SIGPIPE meanwhile */
  struct sigaction cur;
  sigaction(SIGPIPE, NULL, &cur);
  CHECK(cur.sa_handler == SIG_IGN);
  stage_signals_release(&sig);
  sigaction(SIGPIPE, NULL, &cur);
  CHECK(cur.sa_handler == SIG_DFL);

  signal(SIGHUP, SIG_IGN);
  stage_signals_init(&sig);
  CHECK(!sigismember(&sig.handled, SIGHUP));
  CHECK(sigismember(&sig.handled, SIGTERM));
  CHECK_I64(run_sh("x=$(awk '/^SigIgn/{print $2}' /proc/self/status); [ $((0x$x & 0x1)) -ne 0 ]",
                   &sig, &res, &err), 0);
  CHECK(res.how == STAGE_EXITED && res.code == 0);
  stage_signals_release(&sig);
  signal(SIGHUP, SIG_DFL);

  /* after prog_init (which ignores SIGPIPE and SIGXFSZ for the program
   * itself), a stage still starts with what the program inherited */
  signal(SIGPIPE, SIG_DFL);
  signal(SIGXFSZ, SIG_DFL);
  prog_init("test_run_stage", "");
  sigaction(SIGPIPE, NULL, &cur);
  CHECK(cur.sa_handler == SIG_IGN);
  stage_signals_init(&sig);
  /* bits 13 (SIGPIPE) and 25 (SIGXFSZ) of SigIgn: 0x1000 and 0x1000000 */
  CHECK_I64(run_sh("x=$(awk '/^SigIgn/{print $2}' /proc/self/status); "
                   "[ $((0x$x & 0x1001000)) -eq 0 ]", &sig, &res, &err), 0);
  CHECK(res.how == STAGE_EXITED && res.code == 0);
  stage_signals_release(&sig);
  sigaction(SIGXFSZ, NULL, &cur);
  CHECK(cur.sa_handler == SIG_IGN); /* the program keeps ignoring them */

  /* an inherited SIGCHLD SIG_IGN must not hide the stage's status */
  signal(SIGCHLD, SIG_IGN);
  stage_signals_init(&sig);
  CHECK_I64(run_sh("exit 3", &sig, &res, &err), 0);
  CHECK(res.how == STAGE_EXITED && res.code == 3);
  stage_signals_release(&sig);
  sigaction(SIGCHLD, NULL, &cur);
  CHECK(cur.sa_handler == SIG_IGN); /* restored */
  signal(SIGCHLD, SIG_DFL);
  CHECK_STR(strbuf_str(&err), "");
  strbuf_release(&err);
}

static void test_format_argv(void) {
  struct strbuf sb = STRBUF_INIT;
  const char *argv[] = {"etl-normalize", "-c", "my conf", "it's", "", "a=b,c:d/e.f@g%h+i-j_k",
                        "$HOME", NULL};
  stage_format_argv(argv, &sb);
  CHECK_STR(strbuf_str(&sb),
            "etl-normalize -c 'my conf' 'it'\\''s' '' a=b,c:d/e.f@g%h+i-j_k '$HOME'");
  strbuf_release(&sb);
}

/* Several children at once: stage_wait_any returns each as it ends (the
 * quick one first), with its own status; a signal reaches all of them. */
static void test_wait_any(void) {
  struct stage_signals sig;
  struct stage_result res;
  struct strbuf err = STRBUF_INIT;
  const char *slow[] = {"sh", "-c", "sleep 0.3; exit 4", NULL};
  const char *quick[] = {"sh", "-c", "exit 5", NULL};
  pid_t pids[3] = {0, 0, 0};
  size_t which = 9;
  stage_signals_init(&sig);
  CHECK_I64(stage_spawn("/bin/sh", slow, &sig, &pids[0], &err), 0);
  CHECK_I64(stage_spawn("/bin/sh", quick, &sig, &pids[2], &err), 0);
  CHECK_I64(stage_wait_any(pids, 3, &sig, &which, &res, &err), 0);
  CHECK_I64(which, 2);
  CHECK(res.how == STAGE_EXITED && res.code == 5);
  pids[2] = 0;
  CHECK_I64(stage_wait_any(pids, 3, &sig, &which, &res, &err), 0);
  CHECK_I64(which, 0);
  CHECK(res.how == STAGE_EXITED && res.code == 4);
  pids[0] = 0;
  CHECK_I64(stage_wait_any(pids, 3, &sig, &which, &res, &err), -1); /* none left */
  CHECK(strstr(strbuf_str(&err), "no process") != NULL);

  /* a signal to the driver is forwarded to every child */
  strbuf_reset(&err);
  const char *sleeper[] = {"sh", "-c", "exec sleep 20", NULL};
  const char *killer[] = {"sh", "-c", "kill -INT $PPID; exec sleep 20", NULL};
  CHECK_I64(stage_spawn("/bin/sh", sleeper, &sig, &pids[0], &err), 0);
  CHECK_I64(stage_spawn("/bin/sh", killer, &sig, &pids[1], &err), 0);
  for (int k = 0; k < 2; k++) {
    CHECK_I64(stage_wait_any(pids, 2, &sig, &which, &res, &err), 0);
    CHECK(res.how == STAGE_SIGNALED && res.code == SIGINT);
    pids[which] = 0;
  }
  CHECK_I64(sig.caught, SIGINT);
  CHECK_I64(stage_spawn("/nonexistent/x", sleeper, &sig, &pids[0], &err), -1);
  stage_signals_release(&sig);
  strbuf_release(&err);
}

/* run_capture: stdout and stderr apart, the status, PATH lookup. */
static void test_capture(void) {
  struct stage_signals sig;
  struct stage_result res;
  struct strbuf out = STRBUF_INIT, errout = STRBUF_INIT, err = STRBUF_INIT;
  stage_signals_init(&sig);
  const char *argv[] = {"sh", "-c", "echo 123; echo oops >&2; i=0; while [ $i -lt 3000 ]; do "
                        "echo line $i; i=$((i+1)); done; exit 7", NULL};
  CHECK_I64(run_capture(argv, &sig, &out, &errout, &res, &err), 0);
  CHECK(res.how == STAGE_EXITED && res.code == 7);
  CHECK(strncmp(strbuf_str(&out), "123\nline 0\n", 11) == 0);
  CHECK(strstr(strbuf_str(&out), "line 2999\n") != NULL); /* more than a pipe buffer */
  CHECK_STR(strbuf_str(&errout), "oops\n");
  CHECK_STR(strbuf_str(&err), "");
  CHECK(sig.caught == 0);
  const char *missing[] = {"no-such-command-etl-test", NULL};
  CHECK_I64(run_capture(missing, &sig, &out, &errout, &res, &err), -1);
  CHECK(strstr(strbuf_str(&err), "cannot run no-such-command-etl-test: No such file") != NULL);
  stage_signals_release(&sig);
  strbuf_release(&out);
  strbuf_release(&errout);
  strbuf_release(&err);
}

int main(void) {
  test_exit_statuses();
  test_forwarding();
  test_child_signal_state();
  test_format_argv();
  test_wait_any();
  test_capture();
  return check_exit();
}