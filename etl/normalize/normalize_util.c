/* Cell-level helpers of the normalize stage: id and text interning, opening
 * inputs as tables, and the parse-or-reject wrappers that turn a bad value
 * into one reject row naming the field (see normalize.h). */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etl/normalize/normalize.h"
#include "transforms/base/xalloc.h"

str_id norm_sfid(struct norm_state *st, const char *s, size_t n) {
  strbuf_reset(&st->idbuf);
  strbuf_grow(&st->idbuf, n + 4);
  size_t len = sfid_normalize(s, n, st->idbuf.buf);
  return strpool_intern(&st->ds->strings, st->idbuf.buf, len);
}

str_id norm_text(struct norm_state *st, const char *s, size_t n) {
  return strpool_intern(&st->ds->strings, s, n);
}

static struct etl_input_opts input_opts(const struct norm_state *st) {
  struct etl_input_opts o;
  memset(&o, 0, sizeof(o)); /* every option off unless set here */
  o.max_input_bytes = st->conf->max_input_bytes;
  o.max_expand_ratio = st->conf->max_expand_ratio;
  o.null_is_empty = false; /* the input table reads `null` (after the raw cells) */
  o.row_digests = false;   /* set per input by the table (Marketo files) */
  o.read_ahead = st->jobs > 1 ? st->jobs - 1 : 0;
  return o;
}

/* Opens t over parts; in check mode also checks the header of every part. */
static int open_parts(struct norm_state *st, const char *entity, bool ma,
                      const struct col_spec *specs, size_t n, struct input_part *parts,
                      size_t nparts, struct input_table *t, struct strbuf *err) {
  struct etl_input_opts o = input_opts(st);
  if (input_table_open(t, entity, st->conf, specs, n, parts, nparts, ma, &o, &st->log, err) != 0 ||
      (st->check_only && input_table_check_headers(t, err) != 0)) {
    input_table_close(t);
    return -1;
  }
  t->progress = &st->progress;
  return 1;
}

int norm_open_crm(struct norm_state *st, const struct norm_crm *crm, const char *entity,
                  bool optional, const struct col_spec *specs, size_t n, struct input_table *t,
                  struct strbuf *err) {
  struct input_part *parts = xcalloc(crm->n ? crm->n : 1, sizeof(*parts));
  size_t nparts = 0;
  for (size_t i = 0; i < crm->n; i++) {
    size_t index;
    int rc = etl_container_find(crm->parts[i], entity, &index, err);
    if (rc < 0) {
      free(parts);
      return -1;
    }
    if (rc == 1) {
      parts[nparts].kind = INPUT_PART_ENTRY;
      parts[nparts].container = crm->parts[i];
      parts[nparts].member = index;
      nparts++;
    }
  }
  if (nparts == 0) {
    free(parts);
    if (optional)
      return 0;
    if (crm->n == 1)
      etl_container_describe_missing(crm->parts[0], entity, err);
    else
      strbuf_addf(err, "[input] crm: no %s.csv in any of the %zu export parts of %s", entity,
                  crm->n, crm->set.abs);
    return -1;
  }
  return open_parts(st, entity, false, specs, n, parts, nparts, t, err);
}

int norm_open_file(struct norm_state *st, const char *path, const char *key, bool ma,
                   const struct col_spec *specs, size_t n, struct input_table *t,
                   struct strbuf *err) {
  if (!path)
    return 0;
  struct input_set set;
  if (input_set_resolve(&set, key, path, false, err) != 0) {
    input_set_release(&set);
    return -1;
  }
  if (st->check_only)
    input_set_describe(&set, &st->report);
  struct input_part *parts = xcalloc(set.n, sizeof(*parts));
  for (size_t i = 0; i < set.n; i++) {
    parts[i].kind = INPUT_PART_FILE;
    parts[i].path = set.paths[i]; /* handed over */
    norm_presplit_part(st, &parts[i]);
  }
  size_t nparts = set.n;
  set.n = 0;
  input_set_release(&set);
  return open_parts(st, key, ma, specs, n, parts, nparts, t, err);
}

int norm_crm_open(struct norm_state *st, struct norm_crm *crm, struct strbuf *err) {
  memset(crm, 0, sizeof(*crm));
  if (input_set_resolve(&crm->set, "crm", st->conf->crm, true, err) != 0)
    return -1;
  if (st->check_only)
    input_set_describe(&crm->set, &st->report);
  struct etl_input_opts o = input_opts(st);
  crm->parts = xcalloc(crm->set.n, sizeof(*crm->parts));
  for (size_t i = 0; i < crm->set.n; i++) {
    if (norm_container_open(st, crm->set.paths[i], &o, &crm->parts[crm->n], err) != 0)
      return -1;
    crm->n++;
  }
  return 0;
}

void norm_crm_close(struct norm_crm *crm) {
  for (size_t i = 0; i < crm->n; i++)
    etl_container_free(crm->parts[i]);
  free(crm->parts);
  input_set_release(&crm->set);
  memset(crm, 0, sizeof(*crm));
}

static const char *col_name(const struct input_table *t, size_t col) {
  return t->specs[col].name;
}

void norm_reject_missing(struct norm_state *st, struct input_table *t, size_t col, const char *id) {
  reject_add(&st->log, t->input, t->rec.line, id, col_name(t, col), SEV_ERROR, "missing value");
}

int norm_skip_deleted(struct norm_state *st, struct input_table *t, size_t col, const char *id) {
  size_t n;
  const char *s = input_table_get(t, col, &n);
  bool deleted;
  if (bool_parse(s, n, &deleted) != 0) {
    reject_add(&st->log, t->input, t->rec.line, id, col_name(t, col), SEV_ERROR,
               "'%s': not a boolean", s);
    return 1;
  }
  if (deleted)
    input_table_deleted(t);
  return deleted;
}

int norm_ts(struct norm_state *st, struct input_table *t, size_t col, const char *id,
            bool required, struct ts_value *v, bool *present) {
  size_t n;
  const char *s = input_table_get(t, col, &n);
  if (present)
    *present = n > 0;
  if (n == 0) {
    if (!required)
      return 0;
    norm_reject_missing(st, t, col, id);
    return -1;
  }
  const char *why = "not a timestamp";
  if (ts_parse(s, n, st->conf->naive_utc_offset, v, &why) != 0) {
    reject_add(&st->log, t->input, t->rec.line, id, col_name(t, col), SEV_ERROR, "'%s': %s", s,
               why);
    return -1;
  }
  return 0;
}

int norm_bool(struct norm_state *st, struct input_table *t, size_t col, const char *id, bool *v) {
  size_t n;
  const char *s = input_table_get(t, col, &n);
  if (bool_parse(s, n, v) != 0) {
    reject_add(&st->log, t->input, t->rec.line, id, col_name(t, col), SEV_ERROR,
               "'%s': not a boolean", s);
    return -1;
  }
  return 0;
}

int norm_money(struct norm_state *st, struct input_table *t, size_t col, const char *id,
               int64_t *cents) {
  size_t n;
  const char *s = input_table_get(t, col, &n);
  const char *why = "not an amount";
  if (money_parse(s, n, cents, &why) != 0) {
    reject_add(&st->log, t->input, t->rec.line, id, col_name(t, col), SEV_ERROR, "'%s': %s", s,
               why);
    return -1;
  }
  return 0;
}

/* Cell col of the current row without its leading and trailing white space
 * (space, TAB, CR, LF, VT, FF); *n gets the length. */
static const char *trimmed_cell(struct input_table *t, size_t col, size_t *n) {
  const char *s = input_table_get(t, col, n);
  while (*n && isspace((unsigned char)*s))
    s++, (*n)--;
  while (*n && isspace((unsigned char)s[*n - 1]))
    (*n)--;
  return s;
}

str_id norm_trimmed_text(struct norm_state *st, struct input_table *t, size_t col) {
  size_t n;
  const char *s = trimmed_cell(t, col, &n);
  return norm_text(st, s, n);
}

const char *norm_currency(struct norm_state *st, struct input_table *t, size_t col) {
  size_t n;
  const char *s = trimmed_cell(t, col, &n);
  strbuf_reset(&st->sb);
  strbuf_grow(&st->sb, n);
  for (size_t i = 0; i < n; i++)
    strbuf_addc(&st->sb, (char)toupper((unsigned char)s[i]));
  return st->sb.buf;
}

str_id norm_email(struct norm_state *st, const char *s, size_t n, bool *invalid) {
  enum email_result r = email_normalize(s, n, &st->sb);
  *invalid = r == EMAIL_INVALID;
  if (r != EMAIL_OK)
    return STR_EMPTY;
  return strpool_intern(&st->scratch, st->sb.buf, st->sb.len);
}

void norm_warn_email(struct norm_state *st, struct input_table *t, size_t col, const char *id) {
  size_t n;
  const char *s = input_table_get(t, col, &n);
  reject_add(&st->log, t->input, t->rec.line, id, col_name(t, col), SEV_WARNING,
             "'%s': invalid email, treated as absent", s);
}

void norm_log_input(struct norm_state *st, const char *entity) {
  if (st->check_only || st->log_level < STAGE_LOG_VERBOSE)
    return;
  stage_progress_clear(&st->progress);
  for (size_t i = 0; i < st->log.ninputs; i++) {
    const struct input_stats *s = &st->log.inputs[i];
    if (strcmp(s->entity, entity) != 0)
      continue;
    stage_log_line("etl-normalize",
                   "%s: %" PRIu64 " read, %" PRIu64 " kept, %" PRIu64 " rejected, %" PRIu64
                   " deleted, %" PRIu64 " skipped",
                   s->source, s->read, s->kept, s->rejected, s->deleted, s->skipped);
  }
}
