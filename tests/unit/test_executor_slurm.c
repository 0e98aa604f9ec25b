/* The Slurm executor's pieces (etl/driver/executor_slurm.h) without a cluster:
 * sbatch's job id, squeue lines of this job and not of another, the end
 * states and the exit codes passed on, scontrol's ExitCode, and the job
 * script run by /bin/sh as a task would be: arguments with quotes and
 * spaces intact, the shard arguments of an array task, the exit status
 * recorded and returned. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "etl/driver/executor_slurm.h"
#include "tests/unit/check.h"
#include "transforms/base/xalloc.h"

static char dir[] = "/tmp/test_executor_slurm.XXXXXX";

static void test_job_id(void) {
  char id[32];
  CHECK(slurm_parse_job_id("123\n", id, sizeof id) == 0);
  CHECK_STR(id, "123");
  CHECK(slurm_parse_job_id("4567;cluster\n", id, sizeof id) == 0);
  CHECK_STR(id, "4567");
  CHECK(slurm_parse_job_id("89", id, sizeof id) == 0);
  CHECK_STR(id, "89");
  CHECK(slurm_parse_job_id("", id, sizeof id) == -1);
  CHECK(slurm_parse_job_id("\n", id, sizeof id) == -1);
  CHECK(slurm_parse_job_id("Submitted batch job 5\n", id, sizeof id) == -1);
  CHECK(slurm_parse_job_id("12a\n", id, sizeof id) == -1);
  CHECK(slurm_parse_job_id("1234", id, 5) == 0); /* fits: 4 digits + NUL */
  CHECK(slurm_parse_job_id("12345", id, 5) == -1);
}

static void test_queue_line(void) {
  char state[32];
  unsigned task = 99;
  CHECK(slurm_parse_queue_line("123_4|FAILED", "123", true, &task, state, sizeof state) == 0);
  CHECK_I64(task, 4);
  CHECK_STR(state, "FAILED");
  CHECK(slurm_parse_queue_line("123_0|PENDING", "123", true, &task, state, sizeof state) == 0);
  CHECK_I64(task, 0);
  CHECK(slurm_parse_queue_line("123|COMPLETED", "123", false, &task, state, sizeof state) == 0);
  CHECK_I64(task, 0);
  CHECK_STR(state, "COMPLETED");
  /* another job whose id starts with ours, or the wrong shape */
  CHECK(slurm_parse_queue_line("1234_4|FAILED", "123", true, &task, state, sizeof state) == -1);
  CHECK(slurm_parse_queue_line("1234|FAILED", "123", false, &task, state, sizeof state) == -1);
  CHECK(slurm_parse_queue_line("12|FAILED", "123", false, &task, state, sizeof state) == -1);
  CHECK(slurm_parse_queue_line("123|RUNNING", "123", true, &task, state, sizeof state) == -1);
  CHECK(slurm_parse_queue_line("123_5|RUNNING", "123", false, &task, state, sizeof state) == -1);
  CHECK(slurm_parse_queue_line("123_[2-3]|PENDING", "123", true, &task, state, sizeof state) ==
        -1);
  CHECK(slurm_parse_queue_line("123_|PENDING", "123", true, &task, state, sizeof state) == -1);
  CHECK(slurm_parse_queue_line("123_4|", "123", true, &task, state, sizeof state) == -1);
  CHECK(slurm_parse_queue_line("123_4 FAILED", "123", true, &task, state, sizeof state) == -1);
  CHECK(slurm_parse_queue_line("123_99999999999|FAILED", "123", true, &task, state,
                               sizeof state) == -1);
  CHECK(slurm_parse_queue_line("123_4|FAILED\r", "123", true, &task, state, sizeof state) == 0);
  CHECK_STR(state, "FAILED");
  CHECK(slurm_parse_queue_line("123_4|FAILED", "123", true, &task, state, 6) == -1);
  CHECK(slurm_parse_queue_line("123_4|FAILED", "123", true, &task, state, 7) == 0);
}

static void test_states(void) {
  CHECK_I64(slurm_state_end("COMPLETED"), 1);
  CHECK_I64(slurm_state_end("PENDING"), 0);
  CHECK_I64(slurm_state_end("RUNNING"), 0);
  CHECK_I64(slurm_state_end("COMPLETING"), 0);
  CHECK_I64(slurm_state_end("CONFIGURING"), 0);
  CHECK_I64(slurm_state_end("SUSPENDED"), 0);
  CHECK_I64(slurm_state_end("REQUEUED"), 0);
  CHECK_I64(slurm_state_end("FAILED"), -1);
  CHECK_I64(slurm_state_end("CANCELLED"), -1);
  CHECK_I64(slurm_state_end("TIMEOUT"), -1);
  CHECK_I64(slurm_state_end("NODE_FAIL"), -1);
  CHECK_I64(slurm_state_end("OUT_OF_MEMORY"), -1);
  CHECK_I64(slurm_state_end("completed"), 0);

  CHECK_I64(slurm_state_exit_code("TIMEOUT"), 143);
  CHECK_I64(slurm_state_exit_code("CANCELLED"), 143);
  CHECK_I64(slurm_state_exit_code("OUT_OF_MEMORY"), 137);
  CHECK_I64(slurm_state_exit_code("NODE_FAIL"), 1);
  CHECK_I64(slurm_state_exit_code("FAILED"), 1);

  int code = -5;
  CHECK(slurm_parse_exit_code("JobId=5 JobState=FAILED Reason=NonZeroExitCode ExitCode=2:0 x",
                              &code) == 0);
  CHECK_I64(code, 2);
  CHECK(slurm_parse_exit_code("JobState=TIMEOUT ExitCode=0:15", &code) == 0);
  CHECK_I64(code, 143);
  CHECK(slurm_parse_exit_code("ExitCode=0:0", &code) == 0);
  CHECK_I64(code, 0);
  CHECK(slurm_parse_exit_code("ExitCode=255:0", &code) == 0);
  CHECK_I64(code, 255);
  CHECK(slurm_parse_exit_code("ExitCode=256:0", &code) == -1);
  CHECK(slurm_parse_exit_code("JobState=FAILED", &code) == -1);
  CHECK(slurm_parse_exit_code("ExitCode=2", &code) == -1);
  CHECK(slurm_parse_exit_code("", &code) == -1);
}

/* Runs the script with sh as Slurm would (the task in the environment, or
 * none); returns its exit status. */
static int run_script(const char *script, const char *task) {
  pid_t pid = fork();
  if (pid == 0) {
    if (task)
      setenv("SLURM_ARRAY_TASK_ID", task, 1);
    else
      unsetenv("SLURM_ARRAY_TASK_ID");
    execl("/bin/sh", "sh", script, (char *)NULL);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  struct strbuf b = STRBUF_INIT;
  char buf[4096];
  size_t n;
  if (!f)
    return NULL;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    strbuf_add(&b, buf, n);
  fclose(f);
  strbuf_adds(&b, "");
  return strbuf_detach(&b);
}

static void write_text(const char *path, const char *text, mode_t mode) {
  FILE *f = fopen(path, "w");
  fputs(text, f);
  fclose(f);
  chmod(path, mode);
}

static void test_script(void) {
  char *work = xasprintf("%s/work it's", dir); /* a quote and a space */
  char *prog = xasprintf("%s/fake stage", dir);
  char *args = xasprintf("%s/args", dir);
  char *status = xasprintf("%s/status/etl-attribute", work);
  char *status_dir = xasprintf("%s/status", work);
  char *script = xasprintf("%s/job.sh", dir);
  char *fake = xasprintf("#!/bin/sh\nfor a in \"$@\"; do printf '[%%s]\\n' \"$a\"; done >'%s'\n"
                         "exit ${FAKE_EXIT:-0}\n",
                         args);
  mkdir(work, 0777);
  mkdir(status_dir, 0777);
  write_text(prog, fake, 0755);

  const char *argv[] = {"etl-attribute", "-c", "a b.conf", "--as-of", "it's $HOME `x`", "", NULL};
  struct strbuf text = STRBUF_INIT;
  slurm_script(&text, prog, argv, 4, work, status);
  write_text(script, text.buf, 0755);

  CHECK_I64(run_script(script, "2"), 0);
  char *got = slurp(args);
  char *want = xasprintf("[-c]\n[a b.conf]\n[--as-of]\n[it's $HOME `x`]\n[]\n[--shard]\n[2/4]\n"
                         "[--partial]\n[%s/shards/2]\n",
                         work);
  CHECK_STR(got, want);
  free(got);
  free(want);
  char *st = xasprintf("%s.2", status);
  got = slurp(st);
  CHECK_STR(got, "0\n");
  free(got);
  free(st);

  /* a failing task: its status recorded and returned */
  setenv("FAKE_EXIT", "3", 1);
  CHECK_I64(run_script(script, "0"), 3);
  unsetenv("FAKE_EXIT");
  st = xasprintf("%s.0", status);
  got = slurp(st);
  CHECK_STR(got, "3\n");
  free(got);
  free(st);

  /* an etl-split task: --task appended, its own status */
  const char *split_argv[] = {"etl-split", "-c", "a b.conf", "--work", work, NULL};
  char *split_status = xasprintf("%s/status/etl-split", work);
  strbuf_reset(&text);
  slurm_script_split(&text, prog, split_argv, split_status);
  write_text(script, text.buf, 0755);
  CHECK_I64(run_script(script, "7"), 0);
  got = slurp(args);
  want = xasprintf("[-c]\n[a b.conf]\n[--work]\n[%s]\n[--task]\n[7]\n", work);
  CHECK_STR(got, want);
  free(got);
  free(want);
  st = xasprintf("%s.7", split_status);
  got = slurp(st);
  CHECK_STR(got, "0\n");
  free(got);
  free(st);
  free(split_status);

  /* a job that is not an array: no shard arguments, task 0 */
  strbuf_reset(&text);
  slurm_script(&text, prog, argv, 0, work, status);
  write_text(script, text.buf, 0755);
  remove(args);
  CHECK_I64(run_script(script, NULL), 0);
  got = slurp(args);
  CHECK_STR(got, "[-c]\n[a b.conf]\n[--as-of]\n[it's $HOME `x`]\n[]\n");
  free(got);
  st = xasprintf("%s.0", status);
  got = slurp(st);
  CHECK_STR(got, "0\n");
  free(got);
  free(st);

  strbuf_release(&text);
  free(work);
  free(prog);
  free(args);
  free(status);
  free(status_dir);
  free(script);
  free(fake);
}

int main(void) {
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  test_job_id();
  test_queue_line();
  test_states();
  test_script();
  char *cmd = xasprintf("rm -rf '%s'", dir);
  if (system(cmd) != 0)
    fprintf(stderr, "cannot remove %s\n", dir);
  free(cmd);
  return check_exit();
}
