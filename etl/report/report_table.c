/* Published tables read back for the report (see report_table.h). */
#include "etl/report/report_table.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "transforms/base/xalloc.h"

int parse_fixed(const char *s, int places, int64_t *out) {
  bool neg = *s == '-';
  if (neg)
    s++;
  int64_t v = 0;
  int seen_int = 0, seen_frac = -1;
  for (; *s; s++) {
    if (*s == '.') {
      if (seen_frac >= 0 || places == 0 || !seen_int)
        return -1;
      seen_frac = 0;
      continue;
    }
    if (*s < '0' || *s > '9')
      return -1;
    if (seen_frac >= 0 && ++seen_frac > places)
      return -1;
    seen_int += seen_frac < 0;
    int d = *s - '0';
    if (v > (INT64_MAX - d) / 10)
      return -1;
    v = v * 10 + d;
  }
  if (!seen_int || (places > 0 && seen_frac != places))
    return -1;
  *out = neg ? -v : v;
  return 0;
}

int rtable_fail(struct rtable *t, const char *fmt, ...) {
  va_list ap;
  strbuf_addf(t->err, "%s:%llu: ", t->name, (unsigned long long)t->rec.line);
  va_start(ap, fmt);
  strbuf_vaddf(t->err, fmt, ap);
  va_end(ap);
  return -1;
}

int rtable_open(struct rtable *t, const char *dir, const char *name, const char *const *columns,
                size_t ncols, bool optional, struct strbuf *err) {
  memset(t, 0, sizeof *t);
  t->name = xstrdup(name);
  t->columns = columns;
  t->ncols = ncols;
  t->err = err;
  char *path = xasprintf("%s/%s", dir, name);
  struct stat st;
  if (optional && stat(path, &st) != 0 && errno == ENOENT) {
    free(path);
    return 0;
  }
  /* the tables are our own output: no expansion limit to enforce */
  struct etl_input_opts opts = {UINT64_MAX, 1e12, false, false, 0};
  int rc = etl_reader_open_path(&t->r, path, name, &opts, err);
  free(path);
  if (rc != 0)
    return -1;
  const struct etl_record *h = etl_reader_header(t->r);
  t->width = h->nfields;
  for (size_t i = 0; i < ncols; i++) {
    t->col[i] = etl_reader_column(t->r, columns[i]);
    if (t->col[i] < 0) {
      strbuf_addf(err, "%s: no column '%s'", name, columns[i]);
      return -1;
    }
  }
  return 1;
}

int rtable_next(struct rtable *t) {
  int rc = etl_reader_next(t->r, &t->rec);
  if (rc == ETL_READ_EOF)
    return 0;
  if (rc != ETL_READ_OK) {
    strbuf_adds(t->err, etl_reader_error(t->r));
    return -1;
  }
  if (t->rec.nfields != t->width)
    return rtable_fail(t, "expected %zu fields, found %zu", t->width, t->rec.nfields);
  return 1;
}

uint64_t rtable_line(const struct rtable *t) { return t->rec.line; }

const char *rtable_raw(const struct rtable *t, size_t i) { return t->rec.fields[t->col[i]]; }

const char *rtable_text(const struct rtable *t, size_t i) {
  const char *s = rtable_raw(t, i);
  if (s[0] == '\'' && s[1] && strchr("=+-@\t\r", s[1]))
    return s + 1;
  return s;
}

int rtable_fixed(struct rtable *t, size_t i, int places, int64_t *out) {
  const char *s = rtable_raw(t, i);
  if (parse_fixed(s, places, out) == 0)
    return 0;
  if (places == 0)
    return rtable_fail(t, "%s '%s': not a whole number", t->columns[i], s);
  return rtable_fail(t, "%s '%s': not a number with %d decimals", t->columns[i], s, places);
}

int rtable_cents(struct rtable *t, size_t i, int64_t *out) { return rtable_fixed(t, i, 2, out); }

int rtable_micro(struct rtable *t, size_t i, int64_t *out) { return rtable_fixed(t, i, 6, out); }

int rtable_count(struct rtable *t, size_t i, int64_t *out) {
  if (rtable_raw(t, i)[0] == '-')
    return rtable_fail(t, "%s '%s': not a whole number", t->columns[i], rtable_raw(t, i));
  return rtable_fixed(t, i, 0, out);
}

void rtable_close(struct rtable *t) {
  etl_reader_free(t->r);
  free(t->name);
  memset(t, 0, sizeof *t);
}
