/* The local executor (etl/driver/executor_local.h) with a fake etl-attribute (a
 * shell script) in a stage folder: every shard runs once with its own
 * --shard and --partial, never more than `parallel` at once and, when
 * asked for 2, really 2 at once (the first two tasks wait for each other,
 * so running one at a time fails the check); a failing
 * shard stops the run with its status, starts nothing more and ends the
 * tasks still running; a program that cannot start gives 2. Also the
 * command lines of executor_plan.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "etl/common/program.h"
#include "etl/driver/executor_local.h"
#include "tests/unit/check.h"
#include "transforms/base/xalloc.h"

static char dir[] = "/tmp/test_executor_local.XXXXXX";

/* The fake stage: logs its arguments, counts the tasks running beside it,
 * then behaves as FAIL_SHARD / SLOW_SHARD say. With MEET=N, the shards
 * below N wait (up to 5 s) until N tasks run at once before they count,
 * so that a run that should overlap them proves it did. */
static const char fake[] =
    "#!/bin/sh\n"
    "d=$(dirname \"$0\")\n"
    "shard=\n"
    "for a in \"$@\"; do [ \"$prev\" = --shard ] && shard=$a; prev=$a; done\n"
    "i=${shard%%/*}\n"
    "echo \"$*\" >>\"$d/calls\"\n"
    "mkdir \"$d/running.$i\"\n"
    "if [ \"$i\" -lt \"${MEET:-0}\" ]; then\n"
    "  n=0\n"
    "  while [ $(ls -d \"$d\"/running.* | wc -l) -lt \"$MEET\" ] && [ $n -lt 100 ]; do\n"
    "    sleep 0.05; n=$((n + 1))\n"
    "  done\n"
    "fi\n"
    "ls -d \"$d\"/running.* | wc -l >>\"$d/concurrency\"\n"
    "sleep 0.1\n"
    "[ \"$i\" = \"${SLOW_SHARD:-x}\" ] && exec sleep 20\n"
    "rmdir \"$d/running.$i\" 2>/dev/null\n"
    "[ \"$i\" = \"${FAIL_SHARD:-x}\" ] && exit 3\n"
    "exit 0\n";

static struct exec_plan plan(unsigned nshards) {
  struct exec_plan p;
  memset(&p, 0, sizeof p);
  p.stage_dir = dir;
  p.config = "pipeline.conf";
  p.as_of = "2025-06-30";
  p.work = "/w";
  p.tables = "/t";
  p.nshards = nshards;
  return p;
}

static char *slurp(const char *name) {
  char *path = xasprintf("%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  struct strbuf b = STRBUF_INIT;
  char buf[4096];
  size_t n;
  free(path);
  strbuf_adds(&b, "");
  if (!f)
    return strbuf_detach(&b);
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    strbuf_add(&b, buf, n);
  fclose(f);
  return strbuf_detach(&b);
}

static void reset_logs(void) {
  char *a = xasprintf("%s/calls", dir), *b = xasprintf("%s/concurrency", dir);
  remove(a);
  remove(b);
  free(a);
  free(b);
}

static int max_line(const char *text) {
  int max = 0;
  for (const char *p = text; *p;) {
    int v = atoi(p);
    max = v > max ? v : max;
    p = strchr(p, '\n');
    if (!p)
      break;
    p++;
  }
  return max;
}

static int count_lines(const char *text) {
  int n = 0;
  for (; *text; text++)
    n += *text == '\n';
  return n;
}

static void test_all_succeed(void) {
  struct stage_signals sig;
  struct exec_plan p = plan(5);
  double secs = -1;
  reset_logs();
  setenv("MEET", "2", 1);
  stage_signals_init(&sig);
  CHECK_I64(local_run_shards(&p, 2, &sig, &secs), 0);
  stage_signals_release(&sig);
  unsetenv("MEET");
  CHECK(secs >= 0.1);
  char *calls = slurp("calls");
  CHECK_I64(count_lines(calls), 5);
  for (unsigned i = 0; i < 5; i++) {
    char *want = xasprintf("-c pipeline.conf --parts /w/parts --as-of 2025-06-30 "
                           "--shard %u/5 --partial /w/shards/%u\n",
                           i, i);
    CHECK(strstr(calls, want) != NULL);
    free(want);
  }
  char *conc = slurp("concurrency");
  CHECK_I64(max_line(conc), 2); /* at most 2, and 2 did run at once */
  free(calls);
  free(conc);

  /* one at a time */
  reset_logs();
  stage_signals_init(&sig);
  CHECK_I64(local_run_shards(&p, 1, &sig, &secs), 0);
  stage_signals_release(&sig);
  conc = slurp("concurrency");
  CHECK_I64(max_line(conc), 1);
  CHECK_I64(count_lines(conc), 5);
  free(conc);
}

static void test_failure(void) {
  struct stage_signals sig;
  struct exec_plan p = plan(5);
  double secs;
  reset_logs();
  setenv("FAIL_SHARD", "1", 1);
  stage_signals_init(&sig);
  CHECK_I64(local_run_shards(&p, 1, &sig, &secs), 3);
  stage_signals_release(&sig);
  char *calls = slurp("calls");
  CHECK_I64(count_lines(calls), 2); /* shards 0 and 1; nothing after the failure */
  free(calls);

  /* the tasks still running are ended: shard 0 would sleep 20 s */
  reset_logs();
  setenv("SLOW_SHARD", "0", 1);
  time_t start = time(NULL);
  stage_signals_init(&sig);
  CHECK_I64(local_run_shards(&p, 3, &sig, &secs), 3);
  stage_signals_release(&sig);
  CHECK(time(NULL) - start < 10);
  unsetenv("SLOW_SHARD");
  unsetenv("FAIL_SHARD");

  /* a program that cannot be started */
  p.stage_dir = "/nonexistent";
  stage_signals_init(&sig);
  CHECK_I64(local_run_shards(&p, 2, &sig, &secs), 2);
  stage_signals_release(&sig);
}

static void test_plan_argv(void) {
  struct exec_plan p = plan(4);
  struct plan_argv a;
  struct strbuf sb = STRBUF_INIT;
  p.from = "2024-01-01";
  p.threads = 3;
  plan_argv_merge(&p, &a);
  stage_format_argv(a.argv, &sb);
  CHECK_STR(sb.buf, "etl-merge -c pipeline.conf --dataset /w/dataset.bin --partials /w/shards "
                    "--shards 4 --out /t --as-of 2025-06-30 --from 2024-01-01 "
                    "--range-file /w/range");
  plan_argv_release(&a);
  strbuf_reset(&sb);
  /* normalize: plain, and after split tasks (Slurm) */
  plan_argv_normalize(&p, &a);
  stage_format_argv(a.argv, &sb);
  CHECK_STR(sb.buf, "etl-normalize -c pipeline.conf --work /w --jobs 3");
  plan_argv_release(&a);
  strbuf_reset(&sb);
  p.nsplit = 5;
  plan_argv_normalize(&p, &a);
  stage_format_argv(a.argv, &sb);
  CHECK_STR(sb.buf, "etl-normalize -c pipeline.conf --work /w --jobs 3 --from-split /w/split");
  plan_argv_release(&a);
  strbuf_reset(&sb);
  plan_argv_split(&p, &a);
  stage_format_argv(a.argv, &sb);
  CHECK_STR(sb.buf, "etl-split -c pipeline.conf --work /w");
  plan_argv_release(&a);
  strbuf_reset(&sb);
  p.nsplit = 0;
  /* more than one shard: etl-partition cuts the parts the shards read */
  CHECK(plan_partitioned(&p));
  plan_argv_partition(&p, &a);
  stage_format_argv(a.argv, &sb);
  CHECK_STR(sb.buf, "etl-partition -c pipeline.conf --dataset /w/dataset.bin --shards 4 "
                    "--out /w/parts --as-of 2025-06-30 --from 2024-01-01");
  plan_argv_release(&a);
  strbuf_reset(&sb);
  plan_argv_attribute(&p, &a);
  stage_format_argv(a.argv, &sb);
  CHECK_STR(sb.buf, "etl-attribute -c pipeline.conf --parts /w/parts --as-of 2025-06-30 "
                    "--from 2024-01-01 --jobs 3");
  plan_argv_release(&a);
  strbuf_reset(&sb);
  plan_argv_attribute_shard(&p, 2, &a);
  stage_format_argv(a.argv, &sb);
  CHECK_STR(sb.buf, "etl-attribute -c pipeline.conf --parts /w/parts --as-of 2025-06-30 "
                    "--from 2024-01-01 --jobs 3 --shard 2/4 --partial /w/shards/2");
  plan_argv_release(&a);
  strbuf_reset(&sb);
  /* one shard (unsharded, or a one-task Slurm array): the whole data set */
  p.nshards = 1;
  CHECK(!plan_partitioned(&p));
  plan_argv_attribute_tables(&p, &a);
  stage_format_argv(a.argv, &sb);
  CHECK_STR(sb.buf, "etl-attribute -c pipeline.conf --dataset /w/dataset.bin --as-of 2025-06-30 "
                    "--from 2024-01-01 --jobs 3 --out /t --range-file /w/range");
  plan_argv_release(&a);
  strbuf_reset(&sb);
  plan_argv_attribute_shard(&p, 0, &a);
  stage_format_argv(a.argv, &sb);
  CHECK_STR(sb.buf, "etl-attribute -c pipeline.conf --dataset /w/dataset.bin --as-of 2025-06-30 "
                    "--from 2024-01-01 --jobs 3 --shard 0/1 --partial /w/shards/0");
  plan_argv_release(&a);
  strbuf_reset(&sb);
  p.to = "2024-12-31";
  plan_argv_normalize(&p, &a);
  stage_format_argv(a.argv, &sb);
  CHECK_STR(sb.buf, "etl-normalize -c pipeline.conf --work /w --jobs 3"); /* threads = 3 */
  plan_argv_release(&a);
  strbuf_release(&sb);
}

int main(void) {
  prog_set_level(STAGE_LOG_QUIET);
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  char *path = xasprintf("%s/etl-attribute", dir);
  FILE *f = fopen(path, "w");
  fputs(fake, f);
  fclose(f);
  chmod(path, 0755);
  free(path);
  test_all_succeed();
  test_failure();
  test_plan_argv();
  char *cmd = xasprintf("rm -rf '%s'", dir);
  if (system(cmd) != 0)
    fprintf(stderr, "cannot remove %s\n", dir);
  free(cmd);
  return check_exit();
}
