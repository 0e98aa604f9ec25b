/* Running one stage program and its signal policy (see run_stage.h). */
#include "etl/run_stage.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "etl/exitcodes.h"

/* How long the wait loop sleeps before checking waitpid again when no
 * signal arrives: a safety net only, SIGCHLD normally wakes it. */
#define STAGE_POLL_MS 200

static const int handled_signals[] = {SIGHUP, SIGINT, SIGTERM};

static struct timespec ms_to_timespec(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  return ts;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void stage_signals_init(struct stage_signals *s) {
  struct sigaction ign;
  memset(&ign, 0, sizeof ign);
  ign.sa_handler = SIG_IGN;
  sigemptyset(&ign.sa_mask);
  sigaction(SIGPIPE, &ign, &s->old_pipe);
  sigaction(SIGXFSZ, &ign, &s->old_xfsz);
  struct sigaction dfl = ign;
  dfl.sa_handler = SIG_DFL;
  sigaction(SIGCHLD, &dfl, &s->old_chld);

  sigemptyset(&s->handled);
  for (size_t i = 0; i < sizeof handled_signals / sizeof handled_signals[0]; i++) {
    struct sigaction cur;
    /* A signal the caller already ignores (nohup, `cmd &`) stays ignored. */
    if (sigaction(handled_signals[i], NULL, &cur) == 0 && cur.sa_handler == SIG_IGN)
      continue;
    sigaddset(&s->handled, handled_signals[i]);
  }
  s->waited = s->handled;
  sigaddset(&s->waited, SIGCHLD);
  sigprocmask(SIG_BLOCK, &s->waited, &s->old_mask);
  s->caught = 0;
}

void stage_signals_release(struct stage_signals *s) {
  sigprocmask(SIG_SETMASK, &s->old_mask, NULL);
  sigaction(SIGPIPE, &s->old_pipe, NULL);
  sigaction(SIGXFSZ, &s->old_xfsz, NULL);
  sigaction(SIGCHLD, &s->old_chld, NULL);
}

static void note_signal(struct stage_signals *s, int sig) {
  if (!s->caught)
    s->caught = sig;
}

int stage_signals_poll(struct stage_signals *s) {
  struct timespec zero = {0, 0};
  int sig;
  while ((sig = sigtimedwait(&s->handled, NULL, &zero)) > 0)
    note_signal(s, sig);
  return s->caught;
}

int stage_signals_wait(struct stage_signals *s, int ms) {
  struct timespec ts = ms_to_timespec(ms);
  int sig = sigtimedwait(&s->handled, NULL, &ts);
  if (sig > 0)
    note_signal(s, sig);
  return stage_signals_poll(s);
}

/* In the child between fork and exec: async-signal-safe calls only. */
static void exec_child(const char *path, const char *const argv[], const struct stage_signals *sig,
                       int devnull, int report_fd, pid_t parent) {
  if (devnull != STDIN_FILENO && dup2(devnull, STDIN_FILENO) < 0)
    goto fail;
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
    _exit(ETL_EXIT_SIGNAL_BASE + SIGKILL);
  sigaction(SIGPIPE, &sig->old_pipe, NULL);
  sigaction(SIGXFSZ, &sig->old_xfsz, NULL);
  sigaction(SIGCHLD, &sig->old_chld, NULL);
  sigprocmask(SIG_SETMASK, &sig->old_mask, NULL);
  execv(path, (char *const *)argv); /* execv does not modify them */
fail:;
  int e = errno;
  ssize_t w = write(report_fd, &e, sizeof e);
  (void)w;
  _exit(127);
}

/* Reads the errno the child reports when exec fails; 0 once exec closed the
 * pipe. */
static int read_exec_errno(int fd) {
  int e = 0;
  ssize_t n;
  do
    n = read(fd, &e, sizeof e);
  while (n < 0 && errno == EINTR);
  return n == (ssize_t)sizeof e ? (e ? e : EINVAL) : 0;
}

static pid_t reap(pid_t pid, int *status, int flags) {
  pid_t w;
  do
    w = waitpid(pid, status, flags);
  while (w < 0 && errno == EINTR);
  return w;
}

/* Waits for pid, forwarding handled signals to it. */
static int wait_forwarding(pid_t pid, struct stage_signals *sig, int *status) {
  struct timespec poll = ms_to_timespec(STAGE_POLL_MS);
  for (;;) {
    pid_t w = reap(pid, status, WNOHANG);
    if (w == pid)
      return 0;
    if (w < 0)
      return -1;
    int s = sigtimedwait(&sig->waited, NULL, &poll);
    if (s > 0 && s != SIGCHLD) {
      note_signal(sig, s);
      kill(pid, s);
    }
  }
}

int run_stage(const char *path, const char *const argv[], struct stage_signals *sig,
              struct stage_result *res, struct strbuf *err) {
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int fds[2];
  if (devnull < 0 || pipe2(fds, O_CLOEXEC) < 0) {
    strbuf_addf(err, "cannot run %s: %s", path, strerror(errno));
    if (devnull >= 0)
      close(devnull);
    return -1;
  }
  double start = now_seconds();
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    exec_child(path, argv, sig, devnull, fds[1], parent);
  }
  int fork_errno = errno;
  close(fds[1]);
  close(devnull);
  if (pid < 0) {
    close(fds[0]);
    strbuf_addf(err, "cannot run %s: fork: %s", path, strerror(fork_errno));
    return -1;
  }
  int exec_errno = read_exec_errno(fds[0]);
  close(fds[0]);
  int status = 0;
  if (exec_errno) {
    reap(pid, &status, 0);
    strbuf_addf(err, "cannot run %s: %s", path, strerror(exec_errno));
    return -1;
  }
  if (wait_forwarding(pid, sig, &status) < 0) {
    strbuf_addf(err, "waiting for %s: %s", path, strerror(errno));
    return -1;
  }
  res->seconds = now_seconds() - start;
  if (WIFSIGNALED(status)) {
    res->how = STAGE_SIGNALED;
    res->code = WTERMSIG(status);
  } else {
    res->how = STAGE_EXITED;
    res->code = WEXITSTATUS(status);
  }
  return 0;
}

void stage_result_describe(const char *name, const struct stage_result *res, struct strbuf *out) {
  if (res->how == STAGE_SIGNALED)
    strbuf_addf(out, "%s died of signal %d (%s)", name, res->code, strsignal(res->code));
  else
    strbuf_addf(out, "%s failed with exit status %d", name, res->code);
}

int stage_result_exit_code(const struct stage_result *res) {
  return res->how == STAGE_SIGNALED ? ETL_EXIT_SIGNAL_BASE + res->code : res->code;
}

static int shell_safe(const char *s) {
  if (!*s)
    return 0;
  for (; *s; s++)
    if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@%+,-", *s))
      return 0;
  return 1;
}

void stage_format_argv(const char *const argv[], struct strbuf *out) {
  for (size_t i = 0; argv[i]; i++) {
    if (i)
      strbuf_addc(out, ' ');
    if (shell_safe(argv[i])) {
      strbuf_adds(out, argv[i]);
      continue;
    }
    strbuf_addc(out, '\'');
    for (const char *p = argv[i]; *p; p++) {
      if (*p == '\'')
        strbuf_adds(out, "'\\''");
      else
        strbuf_addc(out, *p);
    }
    strbuf_addc(out, '\'');
  }
}
