/* Inputs as tables (see input_table.h). */
#include "etl/input/input_table.h"

#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"

int input_table_open(struct input_table *t, struct etl_reader *r, const char *entity,
                     const struct etl_config *conf, const struct col_spec *specs, size_t nspecs,
                     struct reject_log *log, struct strbuf *err) {
  memset(t, 0, sizeof(*t));
  t->r = r;
  t->entity = entity;
  t->log = log;
  t->specs = specs;
  t->ncols = nspecs;
  t->cols = xcalloc(nspecs, sizeof(int));
  t->input = reject_log_input(log, etl_reader_source(r), entity);
  t->nheader = etl_reader_header(r)->nfields;
  input_table_stats(t)->bytes = etl_reader_file_bytes(r);
  for (size_t i = 0; i < nspecs; i++) {
    const char *header = etl_config_column(conf, entity, specs[i].name);
    t->cols[i] = etl_reader_column(r, header);
    if (t->cols[i] < 0 && specs[i].required) {
      strbuf_addf(err, "%s: missing required column '%s'", etl_reader_source(r), header);
      return -1;
    }
  }
  return 0;
}

/* Index of the first field holding a NUL byte, or nfields. */
static size_t first_nul_field(const struct etl_record *rec) {
  for (size_t i = 0; i < rec->nfields; i++)
    if (memchr(rec->fields[i], '\0', rec->lens[i]))
      return i;
  return rec->nfields;
}

/* Name of field index i for a reject: the canonical name when a spec maps to
 * it, else the header as written. */
static const char *field_name(const struct input_table *t, size_t i) {
  for (size_t k = 0; k < t->ncols; k++)
    if (t->cols[k] == (int)i)
      return t->specs[k].name;
  return etl_reader_header(t->r)->fields[i];
}

int input_table_next(struct input_table *t, struct strbuf *err) {
  for (;;) {
    int rc = etl_reader_next(t->r, &t->rec);
    if (rc == ETL_READ_EOF)
      return 0;
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
    size_t bad = first_nul_field(&t->rec);
    if (bad == t->rec.nfields)
      return 1;
    reject_add(t->log, t->input, t->rec.line, NULL, field_name(t, bad), SEV_ERROR, "NUL byte");
  }
}

void input_table_close(struct input_table *t) {
  if (t->progress && t->r)
    stage_progress_input_done(t->progress, etl_reader_bytes_in(t->r));
  etl_reader_free(t->r);
  free(t->cols);
  memset(t, 0, sizeof(*t));
}
