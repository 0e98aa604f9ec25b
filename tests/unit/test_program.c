/* Unit tests for the program skeleton (etl/common/program.h): the one count
 * parser (digits only: " +3", "+3", "3 " and overflow refused; both ends
 * of each range), the levels --quiet/--verbose set (and hand to the stages
 * through ETL_LOG), the out-of-memory path (an allocation that cannot
 * succeed ends the process with ETL_EXIT_NOMEM and a time-stamped message,
 * never with the data-fault code), and prog_exit turning a failed write to
 * stdout into ETL_EXIT_IO. The two process-ending cases run in a child. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "etl/common/program.h"
#include "tests/unit/check.h"
#include "transforms/base/xalloc.h"

/* Under ASan a huge malloc must fail like libc's does, not abort. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "allocator_may_return_null=1"; }

static void test_count(void) {
  long v = -7;
  CHECK(prog_parse_count("3", 1, 256, &v) == 0 && v == 3);
  CHECK(prog_parse_count("256", 1, 256, &v) == 0 && v == 256);
  CHECK(prog_parse_count("1", 1, 256, &v) == 0 && v == 1);
  CHECK(prog_parse_count("007", 1, 256, &v) == 0 && v == 7);
  CHECK(prog_parse_count("0", 0, 10, &v) == 0 && v == 0);
  v = -7;
  const char *bad[] = {"", " +3", "+3", "3 ", " 3", "-1", "0", "257", "3x", "0x3", "1e2",
                       "99999999999999999999999", "9223372036854775808"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    CHECK(prog_parse_count(bad[i], 1, 256, &v) == -1);
    if (v != -7)
      fprintf(stderr, "  accepted '%s'\n", bad[i]);
  }
  CHECK_I64(v, -7); /* untouched on failure */
  CHECK(prog_parse_count_n("12/34", 2, 0, 99, &v) == 0 && v == 12);
  CHECK(prog_parse_count_n("12/34", 0, 0, 99, &v) == -1);
  CHECK(prog_parse_count_n("1/", 2, 0, 99, &v) == -1);
}

static void test_levels(void) {
  unsetenv("ETL_LOG");
  prog_init("test_program", "usage: test_program\n");
  CHECK(prog_level() == STAGE_LOG_INFO);
  CHECK_STR(prog_name(), "test_program");
  prog_set_level(STAGE_LOG_QUIET);
  CHECK(prog_level() == STAGE_LOG_QUIET);
  CHECK_STR(getenv("ETL_LOG"), "quiet");
  prog_set_level(STAGE_LOG_VERBOSE);
  CHECK_STR(getenv("ETL_LOG"), "verbose");
  prog_init("test_program", ""); /* a stage started with ETL_LOG=verbose */
  CHECK(prog_level() == STAGE_LOG_VERBOSE);
  unsetenv("ETL_LOG");
}

/* Runs fn in a child with stderr into a pipe; returns its wait status and
 * the first bytes it wrote to stderr in buf. */
static int in_child(void (*fn)(void), char *buf, size_t n) {
  int fds[2];
  if (pipe(fds) != 0)
    return -1;
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    fn();
    _exit(99); /* fn must not return */
  }
  close(fds[1]);
  size_t got = 0;
  ssize_t r;
  while (got + 1 < n && (r = read(fds[0], buf + got, n - 1 - got)) > 0)
    got += (size_t)r;
  buf[got] = '\0';
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

static void allocate_too_much(void) {
  prog_init("test-oom", "");
  volatile size_t huge = SIZE_MAX / 2;
  void *p = xmalloc(huge);
  free(p);
}

static void overflow_array(void) {
  prog_init("test-oom", "");
  void *p = xreallocarray(NULL, SIZE_MAX / 4, 8);
  free(p);
}

static void write_to_full(void) {
  prog_init("test-full", "");
  if (!freopen("/dev/full", "w", stdout))
    _exit(98);
  printf("a line that cannot be written\n");
  _exit(prog_exit(ETL_EXIT_OK));
}

static void test_out_of_memory(void) {
  char err[512];
  int status = in_child(allocate_too_much, err, sizeof err);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == ETL_EXIT_NOMEM);
  /* (under ASan a warning of its own may come first) */
  const char *line = strstr(err, "test-oom: ");
  CHECK(line && (line == err || line[-1] == '\n'));
  CHECK(strstr(err, "Z out of memory (allocating ") != NULL);
  status = in_child(overflow_array, err, sizeof err);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == ETL_EXIT_NOMEM);
  CHECK(ETL_EXIT_NOMEM != ETL_EXIT_DATA);
}

static void test_stdout_errors(void) {
  char err[512];
  int status = in_child(write_to_full, err, sizeof err);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == ETL_EXIT_IO);
  CHECK(strstr(err, "cannot write to standard output: No space left on device") != NULL);
  /* nothing to flush: the code is passed on unchanged */
  CHECK_I64(prog_exit(ETL_EXIT_DATA), ETL_EXIT_DATA);
  CHECK_I64(prog_exit(ETL_EXIT_OK), ETL_EXIT_OK);
}

int main(void) {
  test_count();
  test_levels();
  test_out_of_memory();
  test_stdout_errors();
  return check_exit();
}
