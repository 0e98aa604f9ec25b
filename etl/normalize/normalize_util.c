/* Cell-level helpers of the normalize stage: id and text interning, opening
 * inputs as tables, and the parse-or-reject wrappers that turn a bad value
 * into one reject row naming the field (see normalize.h). */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
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

static struct etl_input_opts input_opts(const struct norm_state *st, bool ma) {
  struct etl_input_opts o;
  o.max_input_bytes = st->conf->max_input_bytes;
  o.max_expand_ratio = st->conf->max_expand_ratio;
  o.null_is_empty = ma;
  return o;
}

int norm_open_crm(struct norm_state *st, void *container, const char *entity,
                  const struct col_spec *specs, size_t n, struct input_table *t,
                  struct strbuf *err) {
  struct etl_reader *r = NULL;
  int rc = etl_container_open_entity(container, entity, &r, err);
  if (rc <= 0) {
    if (rc == 0 && err->len == 0)
      strbuf_addf(err, "%s: no %s.csv entry", etl_container_name(container), entity);
    return rc < 0 ? -1 : 0;
  }
  if (input_table_open(t, r, entity, st->conf, specs, n, &st->log, err) != 0) {
    input_table_close(t);
    return -1;
  }
  t->progress = &st->progress;
  return 1;
}

int norm_open_file(struct norm_state *st, const char *path, const char *entity, bool ma,
                   const struct col_spec *specs, size_t n, struct input_table *t,
                   struct strbuf *err) {
  if (!path)
    return 0;
  struct etl_input_opts o = input_opts(st, ma);
  struct etl_reader *r = NULL;
  if (etl_reader_open_path(&r, path, NULL, &o, err) != 0)
    return -1;
  if (input_table_open(t, r, entity, st->conf, specs, n, &st->log, err) != 0) {
    input_table_close(t);
    return -1;
  }
  t->progress = &st->progress;
  return 1;
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

void norm_log_input(struct norm_state *st, const struct input_table *t) {
  if (st->check_only || st->log_level < STAGE_LOG_VERBOSE)
    return;
  const struct input_stats *s = input_table_stats(t);
  stage_progress_clear(&st->progress);
  stage_log_line("etl-normalize", "%s: %" PRIu64 " read, %" PRIu64 " kept, %" PRIu64 " rejected",
                 s->source, s->read, s->kept, s->rejected);
}
