/* Runs one command and records what scripts/bench reports about it, so the
 * benchmark needs neither GNU time nor hyperfine:
 *
 *   measure OUT_FILE COMMAND [ARG...]
 *
 * writes "wall_s user_s sys_s maxrss_kb status" to OUT_FILE: wall time from
 * a monotonic clock around fork/exec/wait4, user and system CPU of the
 * command and every descendant it waited for (etl's stages), and the peak
 * resident set of the largest of those processes (wait4's ru_maxrss, as
 * GNU time's %M). Exits with the command's status (128+N for a signal). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double tv(struct timeval t) { return (double)t.tv_sec + (double)t.tv_usec / 1e6; }

int main(int argc, char **argv) {
  if (argc < 3) {
    fputs("usage: measure OUT_FILE COMMAND [ARG...]\n", stderr);
    return 2;
  }
  double t0 = now();
  pid_t pid = fork();
  if (pid < 0) {
    perror("measure: fork");
    return 2;
  }
  if (pid == 0) {
    execvp(argv[2], argv + 2);
    fprintf(stderr, "measure: %s: %s\n", argv[2], strerror(errno));
    _exit(127);
  }
  int status;
  struct rusage ru;
  while (wait4(pid, &status, 0, &ru) < 0)
    if (errno != EINTR) {
      perror("measure: wait4");
      return 2;
    }
  double wall = now() - t0;
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  FILE *f = fopen(argv[1], "w");
  if (!f || fprintf(f, "%.3f %.3f %.3f %ld %d\n", wall, tv(ru.ru_utime), tv(ru.ru_stime),
                    ru.ru_maxrss, code) < 0 || fclose(f) != 0) {
    perror("measure: cannot write the result");
    return 2;
  }
  return code;
}
