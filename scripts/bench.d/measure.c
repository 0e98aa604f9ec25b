/* Runs one command and records what scripts/bench reports about it, so the
 * benchmark needs neither GNU time nor hyperfine:
 *
 *   measure [--io] OUT_FILE COMMAND [ARG...]
 *
 * writes "wall_s user_s sys_s maxrss_kb status" to OUT_FILE: wall time from
 * a monotonic clock around fork/exec/wait4, user and system CPU of the
 * command and every descendant it waited for (etl's stages), and the peak
 * resident set of the largest of those processes (wait4's ru_maxrss, as
 * GNU time's %M). With --io, a sixth field: the bytes the command itself
 * read through read(2) and its kin (rchar of /proc/PID/io, taken while it
 * is a zombie, before it is reaped; its children's reads are not counted;
 * scripts/scale-sim). Exits with the command's status (128+N for a
 * signal). */
#include <errno.h>
#include <stdbool.h>
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

/* rchar of the zombie pid, or -1. */
static long long zombie_rchar(pid_t pid) {
  char path[64], line[128];
  long long v = -1;
  siginfo_t si;
  while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0)
    if (errno != EINTR)
      return -1;
  snprintf(path, sizeof path, "/proc/%d/io", (int)pid);
  FILE *f = fopen(path, "r");
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "rchar: %lld", &v) == 1)
      break;
  if (f)
    fclose(f);
  return v;
}

int main(int argc, char **argv) {
  bool io = argc > 1 && strcmp(argv[1], "--io") == 0;
  if (io) {
    argv++;
    argc--;
  }
  if (argc < 3) {
    fputs("usage: measure [--io] OUT_FILE COMMAND [ARG...]\n", stderr);
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
  long long rchar = io ? zombie_rchar(pid) : 0;
  while (wait4(pid, &status, 0, &ru) < 0)
    if (errno != EINTR) {
      perror("measure: wait4");
      return 2;
    }
  double wall = now() - t0;
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  FILE *f = fopen(argv[1], "w");
  if (!f || fprintf(f, "%.3f %.3f %.3f %ld %d", wall, tv(ru.ru_utime), tv(ru.ru_stime),
                    ru.ru_maxrss, code) < 0 || (io && fprintf(f, " %lld", rchar) < 0) ||
      fputc('\n', f) == EOF || fclose(f) != 0) {
    perror("measure: cannot write the result");
    return 2;
  }
  return code;
}
