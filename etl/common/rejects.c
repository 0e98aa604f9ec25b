/* Reject log (see rejects.h). */
#include "etl/common/rejects.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etl/common/csvout.h"
#include "transforms/base/xalloc.h"
#include "transforms/utf8.h"

void reject_log_init(struct reject_log *log) { memset(log, 0, sizeof(*log)); }

void reject_log_release(struct reject_log *log) {
  for (size_t i = 0; i < log->n; i++) {
    struct reject *r = &log->items[i];
    free(r->source);
    free(r->entity);
    free(r->id);
    free(r->field);
    free(r->reason);
  }
  free(log->items);
  for (size_t i = 0; i < log->ninputs; i++) {
    free(log->inputs[i].source);
    free(log->inputs[i].entity);
    for (unsigned k = 0; k < log->inputs[i].nreasons; k++)
      free(log->inputs[i].reasons[k].text);
  }
  free(log->inputs);
  memset(log, 0, sizeof(*log));
}

size_t reject_log_input(struct reject_log *log, const char *source, const char *entity) {
  XGROW(log->inputs, log->capinputs, log->ninputs + 1);
  struct input_stats *s = &log->inputs[log->ninputs];
  memset(s, 0, sizeof(*s));
  struct strbuf name = STRBUF_INIT;
  utf8_repair(source, strlen(source), &name); /* an entry name may be in CP437 */
  s->source = strbuf_detach(&name);
  s->entity = xstrdup(entity);
  return log->ninputs++;
}

void reject_add(struct reject_log *log, size_t input, uint64_t line, const char *id,
                const char *field, enum reject_severity sev, const char *fmt, ...) {
  struct input_stats *s = &log->inputs[input];
  XGROW(log->items, log->cap, log->n + 1);
  struct reject *r = &log->items[log->n];
  r->source = xstrdup(s->source);
  r->entity = xstrdup(s->entity);
  r->id = xstrdup(id ? id : "");
  r->field = xstrdup(field ? field : "");
  struct strbuf sb = STRBUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  strbuf_vaddf(&sb, fmt, ap);
  va_end(ap);
  r->reason = strbuf_detach(&sb);
  r->line = line;
  r->seq = log->n;
  r->severity = sev;
  log->n++;
  if (sev != SEV_ERROR)
    return;
  s->rejected++;
  if (s->nreasons < REJECTS_FIRST_REASONS) {
    s->reasons[s->nreasons].line = line;
    s->reasons[s->nreasons].text =
        xasprintf("%s%s%s", r->field, *r->field ? ": " : "", r->reason);
    s->nreasons++;
  }
}

/* The counts of every file of the input `entity`, and how many files. */
static void sum_input(const struct reject_log *log, const char *entity, uint64_t *read,
                      uint64_t *rejected, size_t *files) {
  *read = *rejected = 0;
  *files = 0;
  for (size_t i = 0; i < log->ninputs; i++)
    if (strcmp(log->inputs[i].entity, entity) == 0) {
      *read += log->inputs[i].read;
      *rejected += log->inputs[i].rejected;
      (*files)++;
    }
}

/* "line 4: ...; line 9: ..." for one file; "a.csv:4: ...; b.csv:2: ..."
 * over several. */
static void add_first_reasons(const struct reject_log *log, const char *entity, size_t files,
                              struct strbuf *err) {
  unsigned shown = 0;
  for (size_t i = 0; i < log->ninputs && shown < REJECTS_FIRST_REASONS; i++) {
    const struct input_stats *s = &log->inputs[i];
    if (strcmp(s->entity, entity) != 0)
      continue;
    for (unsigned k = 0; k < s->nreasons && shown < REJECTS_FIRST_REASONS; k++, shown++) {
      strbuf_adds(err, shown ? "; " : "");
      if (files > 1)
        strbuf_addf(err, "%s:%" PRIu64 ": %s", s->source, s->reasons[k].line, s->reasons[k].text);
      else
        strbuf_addf(err, "line %" PRIu64 ": %s", s->reasons[k].line, s->reasons[k].text);
    }
  }
}

/* Whether an earlier file already stood for this input in the check. */
static bool seen_before(const struct reject_log *log, size_t i) {
  for (size_t k = 0; k < i; k++)
    if (strcmp(log->inputs[k].entity, log->inputs[i].entity) == 0)
      return true;
  return false;
}

int reject_log_check_ratio(const struct reject_log *log, double max_ratio, struct strbuf *err) {
  for (size_t i = 0; i < log->ninputs; i++) {
    const struct input_stats *s = &log->inputs[i];
    if (seen_before(log, i))
      continue;
    uint64_t read, rejected;
    size_t files;
    sum_input(log, s->entity, &read, &rejected, &files);
    if (read == 0 || rejected == 0)
      continue;
    /* errors / read > max_ratio, decided without rounding surprises */
    double ratio = (double)rejected / (double)read;
    if ((long double)rejected <= (long double)max_ratio * (long double)read)
      continue;
    if (files == 1)
      strbuf_addf(err, "%s: ", s->source);
    else
      strbuf_addf(err, "%s (%zu files, %s ...): ", s->entity, files, s->source);
    strbuf_addf(err,
                "%" PRIu64 " of %" PRIu64 " %s rows rejected (%.2f%%), more than "
                "max_reject_ratio %g; first reasons: ",
                rejected, read, s->entity, ratio * 100.0, max_ratio);
    add_first_reasons(log, s->entity, files, err);
    return -1;
  }
  return 0;
}

static int cmp_reject(const void *a, const void *b) {
  const struct reject *x = a, *y = b;
  int c = strcmp(x->source, y->source);
  if (c)
    return c;
  if (x->line != y->line)
    return x->line < y->line ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int reject_log_write(struct reject_log *log, const char *path, bool bom, struct strbuf *err) {
  if (log->n > 1) /* qsort(NULL, 0, ...) is undefined: a run without rejects has no array */
    qsort(log->items, log->n, sizeof(*log->items), cmp_reject);
  struct csv_out *o;
  if (csv_out_open(&o, path, false, bom, err) != 0)
    return -1;
  static const char *const header[] = {"source", "line", "entity", "id", "field", "severity",
                                       "reason"};
  for (size_t i = 0; i < 7; i++)
    csv_out_text(o, header[i]);
  csv_out_end_row(o);
  for (size_t i = 0; i < log->n; i++) {
    const struct reject *r = &log->items[i];
    char line[32];
    snprintf(line, sizeof(line), "%" PRIu64, r->line);
    csv_out_text(o, r->source);
    csv_out_num(o, line);
    csv_out_text(o, r->entity);
    csv_out_text(o, r->id);
    csv_out_text(o, r->field);
    csv_out_text(o, r->severity == SEV_ERROR ? "error" : "warning");
    csv_out_text(o, r->reason);
    csv_out_end_row(o);
  }
  return csv_out_close(o, err);
}

int reject_log_write_inputs(const struct reject_log *log, const char *path, struct strbuf *err) {
  FILE *f = fopen(path, "w");
  if (!f) {
    strbuf_addf(err, "%s: %s", path, strerror(errno));
    return -1;
  }
  for (size_t i = 0; i < log->ninputs; i++) {
    const struct input_stats *s = &log->inputs[i];
    fprintf(f,
            "%s\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64
            "\t%s\t%s\n",
            s->source, s->bytes, s->read, s->kept, s->rejected, s->deleted, s->skipped,
            s->sha256[0] ? s->sha256 : "-", s->entity);
  }
  int bad = ferror(f);
  if (fclose(f) != 0 || bad) {
    strbuf_addf(err, "%s: %s", path, strerror(errno ? errno : EIO));
    return -1;
  }
  return 0;
}
