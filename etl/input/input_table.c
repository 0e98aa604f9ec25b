/* Inputs as tables (see input_table.h). */
#include "etl/input/input_table.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etl/input/row_digest.h"
#include "transforms/base/xalloc.h"
#include "transforms/colmatch.h"
#include "transforms/utf8.h"

#define MAX_LISTED_HEADERS 40 /* headers shown in a missing-column message */

/* --- opening one file ---------------------------------------------------- */

static int open_part_reader(const struct input_table *t, struct input_part *p,
                            struct etl_reader **r, struct strbuf *err) {
  *r = NULL;
  switch (p->kind) {
  case INPUT_PART_FILE: {
    struct etl_input_opts o = t->opts;
    o.null_is_empty = false; /* `null` is read here, after the raw cells are seen */
    o.row_digests = t->ma;   /* the re-export rule needs them: on the parsing thread */
    return etl_reader_open_path(r, p->path, NULL, &o, err);
  }
  case INPUT_PART_PRESPLIT: {
    struct etl_input_opts o = t->opts;
    o.row_digests = t->ma;
    return etl_reader_open_presplit(r, p->presplit, 0, p->path, &o, err);
  }
  case INPUT_PART_ENTRY:
    return etl_container_open_at(p->container, p->member, r, err);
  case INPUT_PART_READER:
    *r = p->reader;
    p->reader = NULL;
    return 0;
  }
  return -1;
}

/* The reader of the part whose turn it is: the one opened early, or the
 * fault met then, or a fresh one. */
static int open_reader(struct input_table *t, struct input_part *p, struct strbuf *err) {
  if (p->early) {
    t->r = p->early;
    p->early = NULL;
    return 0;
  }
  if (p->early_err) {
    t->r = NULL;
    strbuf_adds(err, p->early_err);
    return -1;
  }
  return open_part_reader(t, p, &t->r, err);
}

/* Opens the next opts.read_ahead files of the input: their readers start
 * inflating and splitting on their own threads now. */
static void read_ahead(struct input_table *t) {
  for (size_t k = t->part + 1; k < t->nparts && k <= t->part + t->opts.read_ahead; k++) {
    struct input_part *p = &t->parts[k];
    if (p->early || p->early_err || p->kind == INPUT_PART_READER)
      continue;
    struct strbuf err = STRBUF_INIT;
    if (open_part_reader(t, p, &p->early, &err) != 0)
      p->early_err = strbuf_detach(&err);
    strbuf_release(&err);
  }
}

/* Marks the header fields that hold a §1 column of the entity (by its
 * remapped header), with the canonical name. */
static void find_known(struct input_table *t) {
  const struct etl_record *h = etl_reader_header(t->r);
  const char *const *cols = etl_entity_columns(t->entity);
  for (size_t i = 0; i < h->nfields; i++)
    t->known[i] = NULL;
  for (const char *const *c = cols; c && *c; c++) {
    int f = etl_reader_column(t->r, etl_config_column(t->conf, t->entity, *c));
    if (f >= 0 && !t->known[f])
      t->known[f] = *c;
  }
  for (size_t k = 0; k < t->ncols; k++) /* spec columns outside §1 (none today) */
    if (t->cols[k] >= 0 && !t->known[t->cols[k]])
      t->known[t->cols[k]] = t->specs[k].name;
}

/* Appends s quoted for a message: 'Amount '. */
static void add_quoted(struct strbuf *sb, const char *s, size_t n) {
  strbuf_addc(sb, '\'');
  strbuf_add(sb, s, n);
  strbuf_addc(sb, '\'');
}

/* A pipeline.conf value: quoted when spaces at either end, a quote or a
 * comment character would change it. */
static void add_conf_value(struct strbuf *sb, const char *s, size_t n) {
  bool quote = n == 0 || s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t' ||
               memchr(s, '#', n) || memchr(s, ';', n);
  if (quote)
    strbuf_addc(sb, '"');
  strbuf_add(sb, s, n);
  if (quote)
    strbuf_addc(sb, '"');
}

/* The file-level fault for missing required columns: all of them, the
 * headers found, and near matches with the [columns] lines that would map
 * them. */
static void missing_columns(struct input_table *t, struct strbuf *err) {
  const struct etl_record *h = etl_reader_header(t->r);
  bool *taken = xcalloc(h->nfields + 1, sizeof(bool));
  int *near = xcalloc(t->ncols, sizeof(int));
  size_t nmissing = 0, nnear = 0;
  for (size_t k = 0; k < t->ncols; k++)
    if (t->cols[k] >= 0)
      taken[t->cols[k]] = true;
  for (size_t k = 0; k < t->ncols; k++) {
    near[k] = -1;
    if (t->cols[k] >= 0 || !t->specs[k].required)
      continue;
    nmissing++;
    const char *want = etl_config_column(t->conf, t->entity, t->specs[k].name);
    near[k] = column_suggest(want, (const char *const *)h->fields, h->lens, h->nfields, taken);
    if (near[k] >= 0) {
      taken[near[k]] = true;
      nnear++;
    }
  }
  strbuf_addf(err, "%s: missing required column%s ", etl_reader_source(t->r),
              nmissing > 1 ? "s" : "");
  size_t shown = 0;
  for (size_t k = 0; k < t->ncols; k++) {
    if (t->cols[k] >= 0 || !t->specs[k].required)
      continue;
    const char *want = etl_config_column(t->conf, t->entity, t->specs[k].name);
    strbuf_adds(err, shown++ ? ", " : "");
    add_quoted(err, want, strlen(want));
    if (want != t->specs[k].name)
      strbuf_addf(err, " (%s, as mapped in [columns \"%s\"])", t->specs[k].name, t->entity);
  }
  strbuf_addf(err, "\n  headers found (%zu):", h->nfields);
  for (size_t i = 0; i < h->nfields && i < MAX_LISTED_HEADERS; i++) {
    strbuf_adds(err, i ? ", " : " ");
    add_quoted(err, h->fields[i], h->lens[i]);
  }
  if (h->nfields > MAX_LISTED_HEADERS)
    strbuf_addf(err, " and %zu more", h->nfields - MAX_LISTED_HEADERS);
  if (nnear) {
    strbuf_adds(err, "\n  near matches:");
    shown = 0;
    for (size_t k = 0; k < t->ncols; k++)
      if (near[k] >= 0) {
        strbuf_adds(err, shown++ ? ", " : " ");
        add_quoted(err, h->fields[near[k]], h->lens[near[k]]);
        strbuf_addf(err, " for %s", t->specs[k].name);
      }
    strbuf_addf(err, "; if they are the same columns, add to the config:\n    [columns \"%s\"]",
                t->entity);
    for (size_t k = 0; k < t->ncols; k++)
      if (near[k] >= 0) {
        strbuf_addf(err, "\n    %s = ", t->specs[k].name);
        add_conf_value(err, h->fields[near[k]], h->lens[near[k]]);
      }
  }
  free(taken);
  free(near);
}

/* Opens file t->part: its reader, its stats, its columns. */
static int open_part(struct input_table *t, struct strbuf *err) {
  if (open_reader(t, &t->parts[t->part], err) != 0)
    return -1;
  read_ahead(t);
  t->input = reject_log_input(t->log, etl_reader_source(t->r), t->entity);
  input_table_stats(t)->bytes = etl_reader_file_bytes(t->r);
  const struct etl_record *h = etl_reader_header(t->r);
  t->nheader = h->nfields;
  free(t->known);
  if (t->digester_ready) /* a new file has its own header order */
    row_digester_release(&t->digester);
  t->digester_ready = false;
  t->known = xcalloc(t->nheader + 1, sizeof(*t->known));
  bool missing = false;
  for (size_t k = 0; k < t->ncols; k++) {
    t->cols[k] = etl_reader_column(t->r, etl_config_column(t->conf, t->entity, t->specs[k].name));
    missing |= t->cols[k] < 0 && t->specs[k].required;
  }
  find_known(t);
  if (missing) {
    missing_columns(t, err);
    return -1;
  }
  XGROW(t->val, t->val_cap, t->nheader + 1);
  t->vlen = xreallocarray(t->vlen, t->val_cap, sizeof(*t->vlen));
  return 0;
}

/* The file is read to its end: its checksum and size, then the reader goes. */
static void close_part(struct input_table *t, bool at_end) {
  if (!t->r)
    return;
  struct input_stats *s = input_table_stats(t);
  if (at_end) {
    const char *sha = etl_reader_sha256(t->r);
    if (sha)
      memcpy(s->sha256, sha, sizeof(s->sha256));
    if (s->bytes == 0)
      s->bytes = etl_reader_bytes_out(t->r);
  }
  if (t->progress)
    stage_progress_input_done(t->progress, etl_reader_bytes_in(t->r));
  etl_reader_free(t->r);
  t->r = NULL;
}

static void table_init(struct input_table *t, const char *entity, const struct etl_config *conf,
                       const struct col_spec *specs, size_t nspecs, struct reject_log *log) {
  memset(t, 0, sizeof(*t));
  t->entity = entity;
  t->conf = conf;
  t->log = log;
  t->specs = specs;
  t->ncols = nspecs;
  t->cols = xcalloc(nspecs ? nspecs : 1, sizeof(int));
  strbuf_init(&t->fixed);
}

int input_table_open(struct input_table *t, const char *entity, const struct etl_config *conf,
                     const struct col_spec *specs, size_t nspecs, struct input_part *parts,
                     size_t nparts, bool ma, const struct etl_input_opts *opts,
                     struct reject_log *log, struct strbuf *err) {
  table_init(t, entity, conf, specs, nspecs, log);
  t->parts = parts;
  t->nparts = nparts;
  t->ma = ma;
  if (opts)
    t->opts = *opts;
  return open_part(t, err);
}

int input_table_open_reader(struct input_table *t, struct etl_reader *r, const char *entity,
                            const struct etl_config *conf, const struct col_spec *specs,
                            size_t nspecs, struct reject_log *log, struct strbuf *err) {
  struct input_part *p = xcalloc(1, sizeof(*p));
  p->kind = INPUT_PART_READER;
  p->reader = r;
  return input_table_open(t, entity, conf, specs, nspecs, p, 1, false, NULL, log, err);
}

int input_table_check_headers(struct input_table *t, struct strbuf *err) {
  while (t->part + 1 < t->nparts) {
    close_part(t, false);
    t->part++;
    if (open_part(t, err) != 0)
      return -1;
  }
  return 0;
}

/* --- rows ---------------------------------------------------------------- */

/* The NUL, UTF-8 and `null` rules over the §1 columns of the row. Returns
 * the index of a column holding a NUL byte, or nfields. */
static size_t clean_row(struct input_table *t) {
  const struct etl_record *rec = &t->rec;
  size_t n = rec->nfields, nfix = 0;
  strbuf_reset(&t->fixed);
  t->utf8_column = NULL;
  for (size_t i = 0; i < n; i++) {
    t->val[i] = rec->fields[i];
    t->vlen[i] = rec->lens[i];
    if (!t->known[i])
      continue;
    if (memchr(rec->fields[i], '\0', rec->lens[i]))
      return i;
    if (t->ma && rec->lens[i] == 4 && memcmp(rec->fields[i], "null", 4) == 0) {
      t->val[i] = "";
      t->vlen[i] = 0;
    } else if (!utf8_is_valid(rec->fields[i], rec->lens[i])) {
      if (!t->utf8_column)
        t->utf8_column = t->known[i];
      XGROW(t->fix, t->fix_cap, nfix + 1);
      t->fix[nfix].field = i;
      t->fix[nfix].off = t->fixed.len;
      nfix++;
      utf8_repair(rec->fields[i], rec->lens[i], &t->fixed);
      t->vlen[i] = t->fixed.len - t->fix[nfix - 1].off;
      strbuf_addc(&t->fixed, '\0');
    }
  }
  /* pointers into t->fixed only once it has stopped growing */
  for (size_t k = 0; k < nfix; k++)
    t->val[t->fix[k].field] = t->fixed.buf + t->fix[k].off;
  return n;
}

int input_table_next(struct input_table *t, struct strbuf *err) {
  for (;;) {
    if (!t->r)
      return 0;
    int rc = etl_reader_next(t->r, &t->rec);
    if (rc == ETL_READ_EOF) {
      close_part(t, true);
      if (t->part + 1 >= t->nparts)
        return 0;
      t->part++;
      if (open_part(t, err) != 0)
        return -1;
      continue;
    }
    if (rc == ETL_READ_FAULT) {
      strbuf_adds(err, etl_reader_error(t->r));
      return -1;
    }
    if ((++input_table_stats(t)->read & 1023) == 0 && t->progress)
      stage_progress_update(t->progress, etl_reader_bytes_in(t->r));
    if (t->rec.nfields != t->nheader) {
      reject_add(t->log, t->input, t->rec.line, NULL, NULL, SEV_ERROR,
                 "expected %zu fields, found %zu", t->nheader, t->rec.nfields);
      continue;
    }
    size_t bad = clean_row(t);
    if (bad == t->rec.nfields)
      return 1;
    reject_add(t->log, t->input, t->rec.line, NULL, t->known[bad], SEV_ERROR, "NUL byte");
  }
}

void input_table_keep(struct input_table *t, const char *id) {
  input_table_stats(t)->kept++;
  if (t->utf8_column)
    reject_add(t->log, t->input, t->rec.line, id, t->utf8_column, SEV_WARNING,
               "invalid UTF-8 replaced by U+FFFD");
}

/* --- row digests ----------------------------------------------------------- */

void input_table_row_digest(struct input_table *t, unsigned char out[INPUT_DIGEST_LEN]) {
  if (t->rec.digest) { /* computed by the reader on its parsing thread */
    memcpy(out, t->rec.digest, INPUT_DIGEST_LEN);
    return;
  }
  if (!t->digester_ready) {
    row_digester_init(&t->digester, etl_reader_header(t->r));
    t->digester_ready = true;
  }
  row_digester_row(&t->digester, &t->rec, out);
}

void input_table_close(struct input_table *t) {
  close_part(t, false);
  for (size_t i = 0; i < t->nparts; i++) {
    free(t->parts[i].path);
    etl_reader_free(t->parts[i].reader);
    etl_reader_free(t->parts[i].early);
    free(t->parts[i].early_err);
  }
  free(t->parts);
  free(t->cols);
  free(t->known);
  free(t->val);
  free(t->vlen);
  free(t->fix);
  strbuf_release(&t->fixed);
  if (t->digester_ready)
    row_digester_release(&t->digester);
  memset(t, 0, sizeof(*t));
}
