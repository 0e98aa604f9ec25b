/* Submitting a sharded run to Slurm and following it (see
 * executor_slurm.h). The driver only talks to Slurm through its commands
 * (sbatch, squeue, scontrol, scancel, found on PATH) and to the tasks
 * through files in the shared work folder. */
#include "etl/driver/executor_slurm.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "etl/common/program.h"
#include "transforms/base/xalloc.h"

#define POLL_FIRST_MS 250
#define POLL_MAX_MS 5000
#define MISSING_LIMIT 3      /* polls a task may be absent from squeue */
#define QUERY_FAIL_LIMIT 120 /* failed squeue calls in a row before giving up */
#define LOG_RELAY_MAX (64 * 1024)
#define TASK_MAX 1000000UL
#define SLURM_JOBS_MAX 5

/* --- Pure pieces ------------------------------------------------------------ */

int slurm_parse_job_id(const char *out, char *id, size_t n) {
  size_t k = 0;
  while (*out == ' ' || *out == '\n')
    out++;
  while (isdigit((unsigned char)out[k]))
    k++;
  if (k == 0 || k >= n || (out[k] && out[k] != ';' && out[k] != '\n' && out[k] != '\r'))
    return -1;
  memcpy(id, out, k);
  id[k] = '\0';
  return 0;
}

int slurm_parse_queue_line(const char *line, const char *job, bool array, unsigned *task,
                           char *state, size_t n) {
  size_t jl = strlen(job);
  const char *bar = strchr(line, '|');
  if (!bar || strncmp(line, job, jl) != 0)
    return -1;
  const char *p = line + jl;
  if (array) {
    unsigned long v = 0;
    if (*p++ != '_' || !isdigit((unsigned char)*p))
      return -1;
    for (; isdigit((unsigned char)*p) && v <= TASK_MAX; p++)
      v = v * 10 + (unsigned long)(*p - '0');
    if (v > TASK_MAX)
      return -1;
    *task = (unsigned)v;
  } else {
    *task = 0;
  }
  if (p != bar)
    return -1;
  size_t sl = strcspn(bar + 1, "|\r\n");
  if (sl == 0 || sl >= n)
    return -1;
  memcpy(state, bar + 1, sl);
  state[sl] = '\0';
  return 0;
}

int slurm_state_end(const char *state) {
  static const char *const failed[] = {"FAILED",    "CANCELLED",     "TIMEOUT",
                                       "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL",
                                       "DEADLINE",  "PREEMPTED",     "REVOKED",
                                       "SPECIAL_EXIT"};
  if (!strcmp(state, "COMPLETED"))
    return 1;
  for (size_t i = 0; i < sizeof failed / sizeof failed[0]; i++)
    if (!strcmp(state, failed[i]))
      return -1;
  return 0;
}

int slurm_state_exit_code(const char *state) {
  if (!strcmp(state, "TIMEOUT") || !strcmp(state, "CANCELLED") || !strcmp(state, "PREEMPTED") ||
      !strcmp(state, "DEADLINE"))
    return ETL_EXIT_SIGNAL_BASE + SIGTERM;
  if (!strcmp(state, "OUT_OF_MEMORY"))
    return ETL_EXIT_SIGNAL_BASE + SIGKILL;
  return ETL_EXIT_DATA;
}

int slurm_parse_exit_code(const char *text, int *code) {
  const char *p = strstr(text, "ExitCode=");
  int status, sig;
  if (!p || sscanf(p + 9, "%d:%d", &status, &sig) != 2 || status < 0 || sig < 0 || sig > 64 ||
      status > 255)
    return -1;
  *code = sig ? ETL_EXIT_SIGNAL_BASE + sig : status;
  return 0;
}

static void sh_quote(struct strbuf *out, const char *s) {
  const char *argv[] = {s, NULL};
  stage_format_argv(argv, out);
}

static void script_head(struct strbuf *out, const char *path, const char *const *argv) {
  strbuf_adds(out, "#!/bin/sh\n# A task of `etl run`, written by etl: runs one stage and records\n"
                   "# its exit status for the driver.\n"
                   "task=${SLURM_ARRAY_TASK_ID:-0}\n");
  sh_quote(out, path);
  for (size_t i = 1; argv[i]; i++) {
    strbuf_addc(out, ' ');
    sh_quote(out, argv[i]);
  }
}

static void script_tail(struct strbuf *out, const char *status_prefix) {
  strbuf_adds(out, "\nrc=$?\nstatus=");
  sh_quote(out, status_prefix);
  strbuf_adds(out, "\".$task\"\n"
                   "printf '%s\\n' \"$rc\" >\"$status.tmp\" && mv -f \"$status.tmp\" \"$status\"\n"
                   "exit \"$rc\"\n");
}

void slurm_script(struct strbuf *out, const char *path, const char *const *argv,
                  unsigned nshards, const char *work, const char *status_prefix) {
  script_head(out, path, argv);
  if (nshards > 0) {
    char *shards = xasprintf("%s/shards/", work);
    strbuf_addf(out, " --shard \"$task/%u\" --partial ", nshards);
    sh_quote(out, shards);
    strbuf_adds(out, "\"$task\"");
    free(shards);
  }
  script_tail(out, status_prefix);
}

void slurm_script_split(struct strbuf *out, const char *path, const char *const *argv,
                        const char *status_prefix) {
  script_head(out, path, argv);
  strbuf_adds(out, " --task \"$task\"");
  script_tail(out, status_prefix);
}

/* --- The run ---------------------------------------------------------------- */

enum task_end { TASK_WAITING, TASK_OK, TASK_FAILED };

struct slurm_task {
  enum task_end end;
  int code;       /* exit code once TASK_FAILED */
  char state[32]; /* the last state squeue showed */
  bool known;     /* an exit status was found (status file or scontrol) */
  unsigned missing;
};

struct slurm_job {
  const char *stage;
  bool array;
  unsigned ntasks;
  char id[32];
  struct slurm_task *tasks;
  unsigned nok;
  bool submitted;
};

struct slurm_state {
  const struct exec_plan *p;
  const struct slurm_opts *o;
  struct stage_signals *sig;
  struct slurm_job jobs[SLURM_JOBS_MAX];
  size_t njobs; /* 3, +1 with etl-split (nsplit), +1 with etl-partition */
  unsigned query_failures;
};

static char *log_path(const struct slurm_state *s, const struct slurm_job *j, unsigned task) {
  if (j->array)
    return xasprintf("%s/logs/%s.%u.log", s->p->work, j->stage, task);
  return xasprintf("%s/logs/%s.log", s->p->work, j->stage);
}

/* "etl-attribute[2] (job 123_2)" or "etl-normalize (job 122)". */
static void task_name(const struct slurm_job *j, unsigned task, struct strbuf *out) {
  if (j->array)
    strbuf_addf(out, "%s[%u] (job %s_%u)", j->stage, task, j->id, task);
  else
    strbuf_addf(out, "%s (job %s)", j->stage, j->id);
}

/* Runs a Slurm command; 0 with its stdout in out when it exited 0, else -1
 * with a description in err (its stderr included). */
static int slurm_cmd(struct slurm_state *s, const char *const *argv, struct strbuf *out,
                     struct strbuf *err) {
  struct strbuf errout = STRBUF_INIT;
  struct stage_result res;
  int rc = run_capture(argv, s->sig, out, &errout, &res, err);
  if (rc == 0 && (res.how != STAGE_EXITED || res.code != 0)) {
    while (errout.len && isspace((unsigned char)errout.buf[errout.len - 1]))
      errout.buf[--errout.len] = '\0';
    stage_result_describe(argv[0], &res, err);
    if (errout.len)
      strbuf_addf(err, ": %s", errout.buf);
    rc = -1;
  }
  strbuf_release(&errout);
  return rc;
}

static int write_file(const char *path, const struct strbuf *text, struct strbuf *err) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
  if (fd < 0) {
    strbuf_addf(err, "cannot create '%s': %s", path, strerror(errno));
    return -1;
  }
  ssize_t w = write(fd, text->buf, text->len);
  int e = errno;
  if (close(fd) != 0 && w == (ssize_t)text->len) {
    w = -1;
    e = errno;
  }
  if (w != (ssize_t)text->len) {
    strbuf_addf(err, "cannot write '%s': %s", path, strerror(w < 0 ? e : EIO));
    return -1;
  }
  return 0;
}

/* sbatch's --output pattern: '%' is special there. */
static char *output_pattern(const struct slurm_state *s, const struct slurm_job *j) {
  struct strbuf b = STRBUF_INIT;
  for (const char *c = s->p->work; *c; c++) {
    if (*c == '%')
      strbuf_addc(&b, '%');
    strbuf_addc(&b, *c);
  }
  strbuf_addf(&b, "/logs/%s%s.log", j->stage, j->array ? ".%a" : "");
  return strbuf_detach(&b);
}

__attribute__((format(printf, 2, 3))) static void add_fmt(struct plan_argv *a, const char *fmt,
                                                         ...) {
  va_list ap;
  struct strbuf sb = STRBUF_INIT;
  va_start(ap, fmt);
  strbuf_vaddf(&sb, fmt, ap);
  va_end(ap);
  plan_argv_add(a, strbuf_str(&sb), true);
  strbuf_release(&sb);
}

/* The sbatch command line of job j: the user's options first, then ours
 * (so that ours win), the script last. */
static void sbatch_argv(const struct slurm_state *s, const struct slurm_job *j,
                        const char *script, const char *after, struct plan_argv *sb) {
  const struct exec_plan *p = s->p;
  char *outpat = output_pattern(s, j);
  memset(sb, 0, sizeof(*sb));
  plan_argv_add(sb, "sbatch", false);
  plan_argv_add(sb, "--parsable", false);
  if (s->o->partition)
    add_fmt(sb, "--partition=%s", s->o->partition);
  if (s->o->time_limit)
    add_fmt(sb, "--time=%s", s->o->time_limit);
  for (size_t i = 0; i < s->o->nextra; i++)
    plan_argv_add(sb, s->o->extra[i], false);
  add_fmt(sb, "--job-name=%s", j->stage);
  add_fmt(sb, "--output=%s", outpat);
  add_fmt(sb, "--chdir=%s", p->work);
  if (j->array) {
    add_fmt(sb, "--array=0-%u", j->ntasks - 1);
    if (p->threads > 1 && !strcmp(j->stage, PLAN_ATTRIBUTE))
      add_fmt(sb, "--cpus-per-task=%u", p->threads);
  }
  if (after) {
    add_fmt(sb, "--dependency=afterok:%s", after);
    plan_argv_add(sb, "--kill-on-invalid-dep=yes", false);
  }
  plan_argv_add(sb, script, false);
  free(outpat);
}

/* Writes job j's script and submits it after job `after` (NULL: at once);
 * 0 with j->id, or -1 (reported). */
static int submit(struct slurm_state *s, struct slurm_job *j, const struct plan_argv *a,
                  const char *after) {
  const struct exec_plan *p = s->p;
  struct strbuf text = STRBUF_INIT, out = STRBUF_INIT, err = STRBUF_INIT;
  char *path = plan_stage_path(p, j->stage);
  char *script = xasprintf("%s/slurm/%s.sh", p->work, j->stage);
  char *status = xasprintf("%s/status/%s", p->work, j->stage);
  struct plan_argv sb;
  int rc = -1;

  if (!strcmp(j->stage, PLAN_SPLIT))
    slurm_script_split(&text, path, a->argv, status);
  else
    slurm_script(&text, path, a->argv, j->array ? p->nshards : 0, p->work, status);
  sbatch_argv(s, j, script, after, &sb);
  if (prog_level() >= STAGE_LOG_VERBOSE) {
    struct strbuf cmd = STRBUF_INIT;
    stage_format_argv(sb.argv, &cmd);
    prog_verbose("submitting %s", strbuf_str(&cmd));
    strbuf_release(&cmd);
  }
  if (write_file(script, &text, &err) == 0 && slurm_cmd(s, sb.argv, &out, &err) == 0) {
    if (slurm_parse_job_id(strbuf_str(&out), j->id, sizeof j->id) == 0)
      rc = 0;
    else
      strbuf_addf(&err, "sbatch printed no job id: '%s'", strbuf_str(&out));
  }
  if (rc == 0) {
    j->submitted = true;
    if (j->array)
      prog_info("submitted %s[0-%u] as slurm job array %s", j->stage, j->ntasks - 1, j->id);
    else
      prog_info("submitted %s as slurm job %s", j->stage, j->id);
  } else {
    prog_error("cannot submit %s to slurm: %s", j->stage, strbuf_str(&err));
  }
  plan_argv_release(&sb);
  strbuf_release(&text);
  strbuf_release(&out);
  strbuf_release(&err);
  free(path);
  free(script);
  free(status);
  return rc;
}

/* The exit status a task's script recorded; -1 when there is none (yet). */
static int read_status(const struct slurm_state *s, const struct slurm_job *j, unsigned task) {
  char *path = xasprintf("%s/status/%s.%u", s->p->work, j->stage, task);
  FILE *f = fopen(path, "re");
  int code = -1;
  if (f) {
    if (fscanf(f, "%d", &code) != 1 || code < 0 || code > 255)
      code = -1;
    fclose(f);
  }
  free(path);
  return code;
}

/* `scontrol -o show job ID`'s ExitCode; -1 when unknown. */
static int scontrol_exit_code(struct slurm_state *s, const struct slurm_job *j, unsigned task) {
  char *id = j->array ? xasprintf("%s_%u", j->id, task) : xstrdup(j->id);
  const char *argv[] = {"scontrol", "-o", "show", "job", id, NULL};
  struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
  int code = -1;
  if (slurm_cmd(s, argv, &out, &err) != 0 || slurm_parse_exit_code(strbuf_str(&out), &code) != 0)
    code = -1;
  strbuf_release(&out);
  strbuf_release(&err);
  free(id);
  return code;
}

/* A task Slurm reports as ended otherwise than COMPLETED: its exit code
 * from the status file, else scontrol, else its state. */
static void task_failed(struct slurm_state *s, struct slurm_job *j, unsigned task) {
  struct slurm_task *t = &j->tasks[task];
  int code = read_status(s, j, task);
  if (code <= 0)
    code = scontrol_exit_code(s, j, task);
  t->known = code > 0;
  t->code = code > 0 ? code : slurm_state_exit_code(t->state);
  t->end = TASK_FAILED;
}

/* A task squeue no longer lists: settled by its status file. */
static void task_missing(struct slurm_state *s, struct slurm_job *j, unsigned task) {
  struct slurm_task *t = &j->tasks[task];
  if (++t->missing < MISSING_LIMIT)
    return;
  int code = read_status(s, j, task);
  snprintf(t->state, sizeof t->state, "%s", code < 0 ? "gone from the queue" : "gone");
  t->known = code >= 0;
  t->code = code < 0 ? ETL_EXIT_DATA : code;
  t->end = code == 0 ? TASK_OK : TASK_FAILED;
  if (code == 0)
    j->nok++;
}

static void apply_state(struct slurm_state *s, struct slurm_job *j, unsigned task,
                        const char *state) {
  struct slurm_task *t = &j->tasks[task];
  if (t->end != TASK_WAITING)
    return;
  snprintf(t->state, sizeof t->state, "%s", state);
  t->missing = 0;
  int end = slurm_state_end(state);
  if (end > 0) {
    t->end = TASK_OK;
    j->nok++;
  } else if (end < 0) {
    task_failed(s, j, task);
  }
}

/* Asks squeue about job j and settles its tasks; -1 when squeue failed. */
static int query(struct slurm_state *s, struct slurm_job *j) {
  const char *argv[] = {"squeue", "-h", "-r", "-t", "all", "-j", j->id, "-o", "%i|%T", NULL};
  struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
  int rc = slurm_cmd(s, argv, &out, &err);
  bool unknown = rc != 0 && strstr(strbuf_str(&err), "Invalid job id");
  if (rc != 0 && !unknown) {
    if (++s->query_failures == 1 || s->query_failures % 20 == 0)
      prog_error("warning: %s", strbuf_str(&err));
    strbuf_release(&out);
    strbuf_release(&err);
    return -1;
  }
  s->query_failures = 0;
  bool *seen = xcalloc(j->ntasks, sizeof(bool));
  char state[32];
  unsigned task;
  for (char *line = out.buf; line && *line;) {
    char *nl = strchr(line, '\n');
    if (nl)
      *nl = '\0';
    if (slurm_parse_queue_line(line, j->id, j->array, &task, state, sizeof state) == 0 &&
        task < j->ntasks) {
      seen[task] = true;
      apply_state(s, j, task, state);
    }
    line = nl ? nl + 1 : NULL;
  }
  for (unsigned k = 0; k < j->ntasks; k++)
    if (!seen[k] && j->tasks[k].end == TASK_WAITING)
      task_missing(s, j, k);
  free(seen);
  strbuf_release(&out);
  strbuf_release(&err);
  return 0;
}

/* Copies a task's log (its last LOG_RELAY_MAX bytes) to stderr. */
static void relay_log(const char *path) {
  FILE *f = fopen(path, "re");
  char buf[8192];
  size_t n;
  if (!f)
    return;
  if (fseek(f, 0, SEEK_END) == 0) {
    long size = ftell(f);
    fseek(f, size > LOG_RELAY_MAX ? size - LOG_RELAY_MAX : 0, SEEK_SET);
  }
  fflush(stderr);
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    fwrite(buf, 1, n, stderr);
  fclose(f);
}

static void relay_logs(const struct slurm_state *s, const struct slurm_job *j) {
  for (unsigned k = 0; k < j->ntasks; k++) {
    char *path = log_path(s, j, k);
    relay_log(path);
    free(path);
  }
}

/* Reports every failed task of j; returns the first one's exit code. */
static int report_failures(const struct slurm_state *s, const struct slurm_job *j) {
  int first = 0;
  for (unsigned k = 0; k < j->ntasks; k++) {
    const struct slurm_task *t = &j->tasks[k];
    if (t->end != TASK_FAILED)
      continue;
    struct strbuf name = STRBUF_INIT;
    char *log = log_path(s, j, k);
    task_name(j, k, &name);
    relay_log(log);
    if (t->known)
      prog_error("slurm task %s failed with exit status %d, log: %s", name.buf, t->code, log);
    else
      prog_error("slurm task %s ended in state %s without an exit status, log: %s", name.buf,
                 t->state, log);
    if (!first)
      first = t->code ? t->code : ETL_EXIT_DATA;
    strbuf_release(&name);
    free(log);
  }
  return first;
}

/* scancel every job submitted (finished ones are ignored by Slurm). */
static void cancel_all(struct slurm_state *s) {
  const char *argv[SLURM_JOBS_MAX + 2] = {"scancel"};
  struct strbuf ids = STRBUF_INIT, out = STRBUF_INIT, err = STRBUF_INIT;
  size_t n = 1;
  for (size_t i = 0; i < s->njobs; i++) {
    if (!s->jobs[i].submitted)
      continue;
    argv[n++] = s->jobs[i].id;
    strbuf_addf(&ids, "%s%s", ids.len ? " " : "", s->jobs[i].id);
  }
  argv[n] = NULL;
  if (n > 1) {
    slurm_cmd(s, argv, &out, &err); /* "already completed" is not an error here */
    prog_info("cancelled slurm jobs %s", ids.buf);
  }
  strbuf_release(&ids);
  strbuf_release(&out);
  strbuf_release(&err);
}

/* The command line of job j (its stage). */
static void job_argv(const struct slurm_state *s, const struct slurm_job *j, struct plan_argv *a) {
  if (!strcmp(j->stage, PLAN_SPLIT))
    plan_argv_split(s->p, a);
  else if (!strcmp(j->stage, PLAN_NORMALIZE))
    plan_argv_normalize(s->p, a);
  else if (!strcmp(j->stage, PLAN_PARTITION))
    plan_argv_partition(s->p, a);
  else if (!strcmp(j->stage, PLAN_ATTRIBUTE))
    plan_argv_attribute(s->p, a);
  else
    plan_argv_merge(s->p, a);
}

static int submit_all(struct slurm_state *s) {
  struct plan_argv a;
  const char *after = NULL;
  for (size_t i = 0; i < s->njobs; i++) {
    struct slurm_job *j = &s->jobs[i];
    job_argv(s, j, &a);
    int rc = submit(s, j, &a, after);
    plan_argv_release(&a);
    if (rc < 0)
      return ETL_EXIT_USAGE;
    after = j->id;
  }
  return 0;
}

/* Polls until job j is done (0), one of its tasks failed, or a signal came
 * (the exit code). */
static int wait_job(struct slurm_state *s, struct slurm_job *j) {
  int interval = POLL_FIRST_MS;
  for (;;) {
    if (stage_signals_wait(s->sig, interval))
      return ETL_EXIT_SIGNAL_BASE + s->sig->caught;
    if (query(s, j) < 0 && s->query_failures >= QUERY_FAIL_LIMIT) {
      prog_error("giving up: squeue failed %u times in a row", s->query_failures);
      return ETL_EXIT_DATA;
    }
    for (unsigned k = 0; k < j->ntasks; k++)
      if (j->tasks[k].end == TASK_FAILED)
        return report_failures(s, j);
    if (j->nok == j->ntasks)
      return 0;
    interval = interval * 3 / 2 > POLL_MAX_MS ? POLL_MAX_MS : interval * 3 / 2;
  }
}

static void jobs_init(struct slurm_state *s) {
  const char *stages[SLURM_JOBS_MAX];
  size_t n = 0; /* a local bound: -O2 cannot see memset leave s->njobs alone */
  if (s->p->nsplit > 0)
    stages[n++] = PLAN_SPLIT;
  stages[n++] = PLAN_NORMALIZE;
  if (plan_partitioned(s->p))
    stages[n++] = PLAN_PARTITION;
  stages[n++] = PLAN_ATTRIBUTE;
  stages[n++] = PLAN_MERGE;
  s->njobs = n;
  for (size_t i = 0; i < n; i++) {
    struct slurm_job *j = &s->jobs[i];
    memset(j, 0, sizeof(*j));
    j->stage = stages[i];
    j->array = !strcmp(j->stage, PLAN_ATTRIBUTE) || !strcmp(j->stage, PLAN_SPLIT);
    j->ntasks = !strcmp(j->stage, PLAN_SPLIT) ? s->p->nsplit : j->array ? s->p->nshards : 1;
    j->tasks = xcalloc(j->ntasks, sizeof(struct slurm_task));
  }
}

/* The field of t holding stage's seconds. */
static double *stage_seconds(struct slurm_times *t, const char *stage) {
  if (!strcmp(stage, PLAN_SPLIT))
    return &t->split;
  if (!strcmp(stage, PLAN_NORMALIZE))
    return &t->normalize;
  if (!strcmp(stage, PLAN_PARTITION))
    return &t->partition;
  if (!strcmp(stage, PLAN_ATTRIBUTE))
    return &t->attribute;
  return &t->merge;
}

int slurm_run(const struct exec_plan *p, const struct slurm_opts *o, struct stage_signals *sig,
              struct slurm_times *t) {
  struct slurm_state s = {p, o, sig, {{0}}, 0, 0};
  double mark = stage_log_seconds();
  int rc;
  memset(t, 0, sizeof(*t));
  jobs_init(&s);
  rc = submit_all(&s);
  for (size_t i = 0; rc == 0 && i < s.njobs; i++) {
    rc = wait_job(&s, &s.jobs[i]);
    if (rc != 0)
      break;
    relay_logs(&s, &s.jobs[i]);
    double now = stage_log_seconds();
    double *secs = stage_seconds(t, s.jobs[i].stage);
    *secs = now - mark;
    mark = now;
    prog_info("%s done in %.2f s (slurm job %s)", s.jobs[i].stage, *secs, s.jobs[i].id);
  }
  if (rc != 0)
    cancel_all(&s);
  for (size_t i = 0; i < s.njobs; i++)
    free(s.jobs[i].tasks);
  return rc;
}
