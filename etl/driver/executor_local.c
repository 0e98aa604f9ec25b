/* Shard tasks as local child processes (see executor_local.h). */
#include "etl/driver/executor_local.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etl/common/program.h"
#include "transforms/base/xalloc.h"

struct local_run {
  const struct exec_plan *p;
  struct stage_signals *sig;
  char *path;
  pid_t *pids;     /* per running slot, 0 when free */
  unsigned *task;  /* the shard of each slot */
  unsigned nslots, running, next;
  int rc;          /* first failure's exit code, 0 so far */
};

static int start_task(struct local_run *lr, unsigned slot) {
  struct plan_argv a;
  struct strbuf err = STRBUF_INIT;
  unsigned i = lr->next;
  plan_argv_attribute_shard(lr->p, i, &a);
  if (prog_level() >= STAGE_LOG_VERBOSE) {
    struct strbuf cmd = STRBUF_INIT;
    stage_format_argv(a.argv, &cmd);
    prog_verbose("running %s (%s)", strbuf_str(&cmd), lr->path);
    strbuf_release(&cmd);
  }
  int rc = stage_spawn(lr->path, a.argv, lr->sig, &lr->pids[slot], &err);
  plan_argv_release(&a);
  if (rc < 0) {
    prog_error("%s", strbuf_str(&err));
    strbuf_release(&err);
    lr->pids[slot] = 0;
    return -1;
  }
  strbuf_release(&err);
  lr->task[slot] = i;
  lr->next++;
  lr->running++;
  return 0;
}

static void note_failure(struct local_run *lr, int code) {
  if (lr->rc)
    return;
  lr->rc = code;
  for (unsigned s = 0; s < lr->nslots; s++)
    if (lr->pids[s] > 0)
      kill(lr->pids[s], SIGTERM);
}

/* Reaps one task; reports it if it failed. */
static int reap_one(struct local_run *lr) {
  struct stage_result res;
  struct strbuf err = STRBUF_INIT;
  size_t slot;
  if (stage_wait_any(lr->pids, lr->nslots, lr->sig, &slot, &res, &err) < 0) {
    prog_error("%s", strbuf_str(&err));
    strbuf_release(&err);
    return -1;
  }
  strbuf_release(&err);
  lr->pids[slot] = 0;
  lr->running--;
  bool ok = res.how == STAGE_EXITED && res.code == 0;
  if (!ok && !lr->sig->caught && !lr->rc) {
    char name[64];
    struct strbuf msg = STRBUF_INIT;
    snprintf(name, sizeof name, PLAN_ATTRIBUTE "[%u]", lr->task[slot]);
    stage_result_describe(name, &res, &msg);
    prog_error("stage %s", strbuf_str(&msg));
    strbuf_release(&msg);
  }
  if (!ok)
    note_failure(lr, stage_result_exit_code(&res));
  return 0;
}

int local_run_shards(const struct exec_plan *p, unsigned parallel, struct stage_signals *sig,
                     double *seconds) {
  struct local_run lr = {p, sig, plan_stage_path(p, PLAN_ATTRIBUTE), NULL, NULL, 0, 0, 0, 0};
  double start = stage_log_seconds();
  lr.nslots = parallel < p->nshards ? parallel : p->nshards;
  if (lr.nslots < 1)
    lr.nslots = 1;
  lr.pids = xcalloc(lr.nslots, sizeof(pid_t));
  lr.task = xcalloc(lr.nslots, sizeof(unsigned));
  for (;;) {
    if (sig->caught && !lr.rc)
      note_failure(&lr, ETL_EXIT_SIGNAL_BASE + sig->caught);
    for (unsigned s = 0; !lr.rc && s < lr.nslots && lr.next < p->nshards; s++)
      if (lr.pids[s] == 0 && start_task(&lr, s) < 0)
        note_failure(&lr, ETL_EXIT_USAGE);
    if (lr.running == 0)
      break;
    if (reap_one(&lr) < 0) {
      note_failure(&lr, ETL_EXIT_USAGE);
      break;
    }
  }
  *seconds = stage_log_seconds() - start;
  free(lr.path);
  free(lr.pids);
  free(lr.task);
  return lr.rc;
}
