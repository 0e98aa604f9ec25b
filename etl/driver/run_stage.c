/* Running one stage program and its signal policy (see run_stage.h). */
#include "etl/driver/run_stage.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "etl/common/exitcodes.h"
#include "etl/common/program.h"
#include "etl/common/stage_log.h"

/* How long the wait loop sleeps before checking waitpid again when no
 * signal arrives: a safety net only, SIGCHLD normally wakes it. */
#define STAGE_POLL_MS 200

static const int handled_signals[] = {SIGHUP, SIGINT, SIGTERM};

static struct timespec ms_to_timespec(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  return ts;
}

void stage_signals_init(struct stage_signals *s) {
  struct sigaction ign;
  memset(&ign, 0, sizeof ign);
  ign.sa_handler = SIG_IGN;
  sigemptyset(&ign.sa_mask);
  sigaction(SIGPIPE, &ign, &s->old_pipe);
  sigaction(SIGXFSZ, &ign, &s->old_xfsz);
  /* prog_init ignored them already: the stages get what etl inherited */
  if (!prog_inherited_action(SIGPIPE, &s->child_pipe))
    s->child_pipe = s->old_pipe;
  if (!prog_inherited_action(SIGXFSZ, &s->child_xfsz))
    s->child_xfsz = s->old_xfsz;
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

/* Where a child's standard streams go: a descriptor to dup2, or -1 to
 * inherit (stdin -1 means /dev/null). */
struct child_io {
  int in, out, err;
  bool search_path; /* execvp instead of execv */
};

static int move_fd(int from, int to) {
  return from < 0 || from == to || dup2(from, to) >= 0 ? 0 : -1;
}

/* The status of a child whose exec failed (the shell's convention). */
#define CHILD_EXEC_FAILED 127

/* In the child between fork and exec: async-signal-safe calls only. */
static void exec_child(const char *path, const char *const argv[], const struct stage_signals *sig,
                       const struct child_io *io, int report_fd, pid_t parent) {
  if (move_fd(io->in, STDIN_FILENO) < 0 || move_fd(io->out, STDOUT_FILENO) < 0 ||
      move_fd(io->err, STDERR_FILENO) < 0)
    goto fail;
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
    _exit(ETL_EXIT_SIGNAL_BASE + SIGKILL);
  sigaction(SIGPIPE, &sig->child_pipe, NULL);
  sigaction(SIGXFSZ, &sig->child_xfsz, NULL);
  sigaction(SIGCHLD, &sig->old_chld, NULL);
  sigprocmask(SIG_SETMASK, &sig->old_mask, NULL);
  if (io->search_path)
    execvp(path, (char *const *)argv);
  else
    execv(path, (char *const *)argv); /* execv does not modify them */
fail:;
  int e = errno;
  ssize_t w = write(report_fd, &e, sizeof e);
  (void)w;
  _exit(CHILD_EXEC_FAILED); /* never seen: the parent reads errno from the pipe */
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

static void fill_result(int status, struct stage_result *res) {
  if (WIFSIGNALED(status)) {
    res->how = STAGE_SIGNALED;
    res->code = WTERMSIG(status);
  } else {
    res->how = STAGE_EXITED;
    res->code = WEXITSTATUS(status);
  }
}

/* Forks and execs; returns 0 with *pid once exec succeeded, or -1 with err
 * (the child reaped). */
static int spawn(const char *path, const char *const argv[], const struct stage_signals *sig,
                 struct child_io io, pid_t *pid, struct strbuf *err) {
  int devnull = -1, fds[2];
  if (io.in < 0) {
    devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0) {
      strbuf_addf(err, "cannot run %s: /dev/null: %s", path, strerror(errno));
      return -1;
    }
    io.in = devnull;
  }
  if (pipe2(fds, O_CLOEXEC) < 0) {
    strbuf_addf(err, "cannot run %s: %s", path, strerror(errno));
    if (devnull >= 0)
      close(devnull);
    return -1;
  }
  pid_t parent = getpid();
  *pid = fork();
  if (*pid == 0) {
    close(fds[0]);
    exec_child(path, argv, sig, &io, fds[1], parent);
  }
  int fork_errno = errno;
  close(fds[1]);
  if (devnull >= 0)
    close(devnull);
  if (*pid < 0) {
    close(fds[0]);
    strbuf_addf(err, "cannot run %s: fork: %s", path, strerror(fork_errno));
    return -1;
  }
  int exec_errno = read_exec_errno(fds[0]);
  close(fds[0]);
  if (exec_errno) {
    int status;
    reap(*pid, &status, 0);
    strbuf_addf(err, "cannot run %s: %s", path, strerror(exec_errno));
    return -1;
  }
  return 0;
}

int stage_wait_any(const pid_t *pids, size_t n, struct stage_signals *sig, size_t *which,
                   struct stage_result *res, struct strbuf *err) {
  struct timespec poll = ms_to_timespec(STAGE_POLL_MS);
  for (;;) {
    size_t live = 0;
    for (size_t i = 0; i < n; i++) {
      if (pids[i] <= 0)
        continue;
      live++;
      int status = 0;
      pid_t w = reap(pids[i], &status, WNOHANG);
      if (w == pids[i]) {
        *which = i;
        fill_result(status, res);
        res->seconds = 0;
        return 0;
      }
      if (w < 0) {
        strbuf_addf(err, "waiting for process %ld: %s", (long)pids[i], strerror(errno));
        return -1;
      }
    }
    if (live == 0) {
      strbuf_adds(err, "no process to wait for");
      return -1;
    }
    int s = sigtimedwait(&sig->waited, NULL, &poll);
    if (s > 0 && s != SIGCHLD) {
      note_signal(sig, s);
      for (size_t i = 0; i < n; i++)
        if (pids[i] > 0)
          kill(pids[i], s);
    }
  }
}

int stage_spawn(const char *path, const char *const argv[], const struct stage_signals *sig,
                pid_t *pid, struct strbuf *err) {
  struct child_io io = {-1, -1, -1, false};
  return spawn(path, argv, sig, io, pid, err);
}

int run_stage(const char *path, const char *const argv[], struct stage_signals *sig,
              struct stage_result *res, struct strbuf *err) {
  double start = stage_log_seconds();
  pid_t pid;
  size_t which;
  if (stage_spawn(path, argv, sig, &pid, err) < 0)
    return -1;
  if (stage_wait_any(&pid, 1, sig, &which, res, err) < 0)
    return -1;
  res->seconds = stage_log_seconds() - start;
  return 0;
}

/* Reads the child's stdout and stderr pipes to their end. */
static void drain(int out_fd, int err_fd, struct strbuf *out, struct strbuf *errout) {
  struct pollfd p[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  struct strbuf *dst[2] = {out, errout};
  int open_fds = 2;
  char buf[4096];
  while (open_fds > 0) {
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    for (int i = 0; i < 2; i++) {
      if (p[i].fd < 0 || !p[i].revents)
        continue;
      ssize_t r = read(p[i].fd, buf, sizeof buf);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0) {
        p[i].fd = -1;
        open_fds--;
        continue;
      }
      strbuf_add(dst[i], buf, (size_t)r);
    }
  }
}

int run_capture(const char *const argv[], const struct stage_signals *sig, struct strbuf *out,
                struct strbuf *errout, struct stage_result *res, struct strbuf *err) {
  int po[2], pe[2];
  if (pipe2(po, O_CLOEXEC) < 0) {
    strbuf_addf(err, "cannot run %s: %s", argv[0], strerror(errno));
    return -1;
  }
  if (pipe2(pe, O_CLOEXEC) < 0) {
    strbuf_addf(err, "cannot run %s: %s", argv[0], strerror(errno));
    close(po[0]);
    close(po[1]);
    return -1;
  }
  double start = stage_log_seconds();
  struct child_io io = {-1, po[1], pe[1], true};
  pid_t pid;
  int rc = spawn(argv[0], argv, sig, io, &pid, err);
  close(po[1]);
  close(pe[1]);
  if (rc == 0) {
    int status = 0;
    drain(po[0], pe[0], out, errout);
    if (reap(pid, &status, 0) < 0) {
      strbuf_addf(err, "waiting for %s: %s", argv[0], strerror(errno));
      rc = -1;
    } else {
      fill_result(status, res);
      res->seconds = stage_log_seconds() - start;
    }
  }
  close(po[0]);
  close(pe[0]);
  return rc;
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
