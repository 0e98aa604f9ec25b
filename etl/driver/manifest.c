/* manifest.json (see manifest.h). */
#include "etl/driver/manifest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "etl/input/byte_source.h"
#include "etl/input/gzip_stream.h"
#include "transforms/base/calendar.h"
#include "transforms/base/xalloc.h"
#include "transforms/utf8.h"

#define READ_CHUNK 65536

void manifest_init(struct manifest *m) { memset(m, 0, sizeof *m); }

void manifest_release(struct manifest *m) {
  free(m->version);
  free(m->config_path);
  free(m->as_of);
  free(m->currency);
  free(m->range_from);
  free(m->range_to);
  for (size_t i = 0; i < m->ninputs; i++) {
    free(m->inputs[i].name);
    free(m->inputs[i].input);
  }
  free(m->inputs);
  for (size_t i = 0; i < m->noutputs; i++)
    free(m->outputs[i].name);
  free(m->outputs);
  for (size_t i = 0; i < m->nscanned; i++)
    free(m->scanned[i].name);
  free(m->scanned);
  for (size_t i = 0; i < m->nstages; i++)
    free(m->stages[i].name);
  free(m->stages);
  free(m->failure);
  manifest_init(m);
}

void manifest_set_failure(struct manifest *m, const char *why) {
  free(m->failure);
  m->failure = xstrdup(why);
}

/* --- reading files ------------------------------------------------------- */

/* Calls fn(arg, chunk, n) for every chunk of the file at path. */
static int for_each_chunk(const char *path, int (*fn)(void *, const unsigned char *, size_t),
                          void *arg, struct strbuf *err) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    strbuf_addf(err, "cannot open '%s': %s", path, strerror(errno));
    return -1;
  }
  unsigned char *buf = xmalloc(READ_CHUNK);
  int rc = 0;
  for (;;) {
    ssize_t r = read(fd, buf, READ_CHUNK);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      strbuf_addf(err, "cannot read '%s': %s", path, strerror(errno));
      rc = -1;
    }
    if (r <= 0)
      break;
    if (fn(arg, buf, (size_t)r) < 0) {
      rc = -1;
      break;
    }
  }
  free(buf);
  close(fd);
  return rc;
}

static int hash_chunk(void *arg, const unsigned char *p, size_t n) {
  sha256_update(arg, p, n);
  return 0;
}

static int sha256_file(const char *path, char hex[SHA256_HEX_LEN + 1], struct strbuf *err) {
  struct sha256 s;
  unsigned char d[SHA256_DIGEST_LEN];
  sha256_init(&s);
  if (for_each_chunk(path, hash_chunk, &s, err) < 0) {
    sha256_discard(&s);
    return -1;
  }
  sha256_final(&s, d);
  sha256_hex(d, hex);
  return 0;
}

int manifest_set_run(struct manifest *m, const char *version, const char *config_path,
                     const char *as_of, struct strbuf *err) {
  free(m->version);
  free(m->config_path);
  free(m->as_of);
  m->version = xstrdup(version);
  m->config_path = xstrdup(config_path);
  m->as_of = xstrdup(as_of);
  return sha256_file(config_path, m->config_sha256, err);
}

/* --- range --------------------------------------------------------------- */

/* YYYY-MM-DD, a real calendar date. */
static bool is_date(const char *s) {
  for (int i = 0; i < 10; i++)
    if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
      return false;
  int y = atoi(s), mo = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
  return mo >= 1 && mo <= 12 && d >= 1 && d <= cal_days_in_month(y, mo);
}

int manifest_set_range(struct manifest *m, const char *name, struct strbuf *err) {
  if (strlen(name) != 21 || name[10] != '_' || !is_date(name) || !is_date(name + 11) ||
      strncmp(name, name + 11, 10) > 0) {
    strbuf_addf(err, "range '%s' is not of the form YYYY-MM-DD_YYYY-MM-DD", name);
    return -1;
  }
  free(m->range_from);
  free(m->range_to);
  m->range_from = xstrndup(name, 10);
  m->range_to = xstrndup(name + 11, 10);
  return 0;
}

void manifest_set_currency(struct manifest *m, const char *currency) {
  free(m->currency);
  m->currency = xstrdup(currency);
}

void manifest_add_stage(struct manifest *m, const char *name, double seconds) {
  XGROW(m->stages, m->stages_cap, m->nstages + 1);
  m->stages[m->nstages].name = xstrdup(name);
  m->stages[m->nstages].seconds = seconds;
  m->stages[m->nstages].cache = NULL;
  m->nstages++;
}

void manifest_set_stage_cache(struct manifest *m, const char *name, const char *state) {
  for (size_t i = m->nstages; i-- > 0;)
    if (strcmp(m->stages[i].name, name) == 0) {
      m->stages[i].cache = state;
      return;
    }
}

/* --- inputs.tsv ---------------------------------------------------------- */

/* A decimal count: digits only, overflow-checked. */
static int parse_u64(const char *s, size_t n, uint64_t *out) {
  uint64_t v = 0;
  if (n == 0)
    return -1;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    unsigned dgt = (unsigned)(s[i] - '0');
    if (v > (UINT64_MAX - dgt) / 10)
      return -1;
    v = v * 10 + dgt;
  }
  *out = v;
  return 0;
}

#define INPUT_FIELDS 9

/* A SHA-256 in lower-case hex, or "-" for none. */
static int parse_sha(const char *s, size_t n, char out[SHA256_HEX_LEN + 1]) {
  if (n == 1 && s[0] == '-') {
    out[0] = '\0';
    return 0;
  }
  if (n != SHA256_HEX_LEN || strspn(s, "0123456789abcdef") < n)
    return -1;
  memcpy(out, s, n);
  out[n] = '\0';
  return 0;
}

static int parse_input_line(struct manifest *m, const char *line, size_t n, size_t lineno,
                            struct strbuf *err) {
  const char *field[INPUT_FIELDS];
  size_t len[INPUT_FIELDS], nf = 0;
  const char *start = line;
  for (size_t i = 0; i <= n; i++) {
    if (i < n && line[i] != '\t')
      continue;
    if (nf < INPUT_FIELDS) {
      field[nf] = start;
      len[nf] = (size_t)(line + i - start);
    }
    nf++;
    start = line + i + 1;
  }
  if (nf != INPUT_FIELDS) {
    strbuf_addf(err, "inputs.tsv:%zu: expected %d fields, found %zu", lineno, INPUT_FIELDS, nf);
    return -1;
  }
  struct manifest_input in;
  memset(&in, 0, sizeof(in));
  uint64_t *nums[6] = {&in.bytes,         &in.rows_read,    &in.rows_kept,
                       &in.rows_rejected, &in.rows_deleted, &in.rows_skipped};
  if (len[0] == 0 || len[8] == 0) {
    strbuf_addf(err, "inputs.tsv:%zu: empty %s", lineno, len[0] ? "input" : "input name");
    return -1;
  }
  for (int k = 0; k < 6; k++)
    if (parse_u64(field[k + 1], len[k + 1], nums[k]) < 0) {
      strbuf_addf(err, "inputs.tsv:%zu: field %d '%.*s' is not a count", lineno, k + 2,
                  (int)len[k + 1], field[k + 1]);
      return -1;
    }
  if (parse_sha(field[7], len[7], in.sha256) < 0) {
    strbuf_addf(err, "inputs.tsv:%zu: field 8 '%.*s' is not a SHA-256", lineno, (int)len[7],
                field[7]);
    return -1;
  }
  in.name = xstrndup(field[0], len[0]);
  in.input = xstrndup(field[8], len[8]);
  XGROW(m->inputs, m->inputs_cap, m->ninputs + 1);
  m->inputs[m->ninputs++] = in;
  return 0;
}

int manifest_parse_inputs(struct manifest *m, const char *text, size_t n, struct strbuf *err) {
  size_t lineno = 0;
  for (size_t pos = 0; pos < n;) {
    const char *nl = memchr(text + pos, '\n', n - pos);
    size_t end = nl ? (size_t)(nl - text) : n;
    size_t len = end - pos;
    lineno++;
    if (len && text[pos + len - 1] == '\r')
      len--;
    if (parse_input_line(m, text + pos, len, lineno, err) < 0)
      return -1;
    pos = end + 1;
  }
  return 0;
}

static int collect_chunk(void *arg, const unsigned char *p, size_t n) {
  strbuf_add(arg, p, n);
  return 0;
}

int manifest_read_inputs(struct manifest *m, const char *path, struct strbuf *err) {
  struct strbuf text = STRBUF_INIT;
  int rc = for_each_chunk(path, collect_chunk, &text, err);
  if (rc == 0)
    rc = manifest_parse_inputs(m, strbuf_str(&text), text.len, err);
  strbuf_release(&text);
  return rc;
}

/* --- counting CSV records ------------------------------------------------ */

void csv_counter_init(struct csv_counter *c) { memset(c, 0, sizeof *c); }

/* Bytes are taken a run at a time: inside quotes up to the next quote,
 * outside up to the next quote or LF (memchr, which reads 32 bytes a step),
 * which gives the same counts as looking at every byte (the unit test
 * compares the two on random input cut anywhere). The next quote and the
 * next LF found are kept until passed, so a row of many quoted fields does
 * not rescan up to its line end for each of them. */
void csv_counter_feed(struct csv_counter *c, const void *data, size_t n) {
  const unsigned char *p = data, *end = p + n;
  const unsigned char *quote = NULL, *lf = NULL; /* next ones at or after p; end: none */
  while (p < end) {
    if (!quote || quote < p)
      quote = memchr(p, '"', (size_t)(end - p)), quote = quote ? quote : end;
    if (c->in_quotes) { /* a quoted run: nothing but the closing quote counts */
      c->open_record = 1;
      c->prev_cr = 0;
      if (quote == end)
        return;
      c->in_quotes = 0;
      p = quote + 1;
      continue;
    }
    if (!lf || lf < p)
      lf = memchr(p, '\n', (size_t)(end - p)), lf = lf ? lf : end;
    const unsigned char *stop = quote < lf ? quote : lf;
    if (stop > p) { /* plain bytes */
      c->open_record = 1;
      c->prev_cr = stop[-1] == '\r';
    }
    if (stop == end)
      return;
    if (*stop == '"') {
      c->in_quotes = 1;
      c->open_record = 1;
      c->prev_cr = 0;
    } else if (c->prev_cr) { /* CRLF outside quotes ends a record */
      c->records++;
      c->open_record = 0;
      c->prev_cr = 0;
    } else {
      c->open_record = 1;
    }
    p = stop + 1;
  }
}

uint64_t csv_counter_records(const struct csv_counter *c) {
  return c->records + (c->open_record ? 1 : 0);
}

/* --- outputs ------------------------------------------------------------- */

enum output_kind { OUT_OTHER, OUT_CSV, OUT_CSV_GZ };

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

static void hash_tap(void *arg, const void *data, size_t n) { sha256_update(arg, data, n); }

/* Hashes the file's bytes and, for CSV outputs, counts its records (a
 * .csv.gz inflated through the input layer's gzip source, which rejects a
 * truncated or corrupt member and trailing bytes). */
/* The entry of the last scan for name, if its file is unchanged. */
static const struct manifest_output *scanned_before(const struct manifest *m, const char *name,
                                                    const struct stat *st) {
  for (size_t i = 0; i < m->nscanned; i++) {
    const struct manifest_output *o = &m->scanned[i];
    if (strcmp(o->name, name) == 0 && o->bytes == (uint64_t)st->st_size &&
        o->dev == (uint64_t)st->st_dev && o->ino == (uint64_t)st->st_ino &&
        o->mtime_sec == (int64_t)st->st_mtim.tv_sec && o->mtime_nsec == (int64_t)st->st_mtim.tv_nsec)
      return o;
  }
  return NULL;
}

static int scan_output(const struct manifest *m, const char *dir, const char *name,
                       struct manifest_output *o, struct strbuf *err) {
  enum output_kind kind =
      ends_with(name, ".csv") ? OUT_CSV : ends_with(name, ".csv.gz") ? OUT_CSV_GZ : OUT_OTHER;
  char *path = xasprintf("%s/%s", dir, name);
  struct stat st;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fstat(fd, &st) < 0) {
    strbuf_addf(err, "cannot open '%s': %s", path, strerror(errno));
    if (fd >= 0)
      close(fd);
    free(path);
    return -1;
  }
  const struct manifest_output *before = scanned_before(m, name, &st);
  if (before) {
    *o = *before;
    o->name = xstrdup(name);
    close(fd);
    free(path);
    return 0;
  }
  struct sha256 sha;
  struct csv_counter csv;
  sha256_init(&sha);
  csv_counter_init(&csv);
  struct byte_source *src = byte_source_tap(byte_source_fd(fd), hash_tap, &sha);
  if (kind == OUT_CSV_GZ)
    src = gzip_stream_new(src, NULL, 0);
  unsigned char *buf = xmalloc(READ_CHUNK);
  struct strbuf msg = STRBUF_INIT;
  ssize_t n;
  while ((n = byte_source_read(src, buf, READ_CHUNK, &msg)) > 0)
    if (kind != OUT_OTHER)
      csv_counter_feed(&csv, buf, (size_t)n);
  if (n < 0)
    strbuf_addf(err, "'%s': %s", path, strbuf_str(&msg));
  strbuf_release(&msg);
  free(buf);
  byte_source_free(src);
  if (n == 0) {
    unsigned char d[SHA256_DIGEST_LEN];
    uint64_t records = csv_counter_records(&csv);
    sha256_final(&sha, d);
    sha256_hex(d, o->sha256);
    o->name = xstrdup(name);
    o->bytes = (uint64_t)st.st_size;
    o->dev = (uint64_t)st.st_dev;
    o->ino = (uint64_t)st.st_ino;
    o->mtime_sec = (int64_t)st.st_mtim.tv_sec;
    o->mtime_nsec = (int64_t)st.st_mtim.tv_nsec;
    o->rows = kind == OUT_OTHER ? 0 : records ? records - 1 : 0;
  } else {
    sha256_discard(&sha);
  }
  free(path);
  return n == 0 ? 0 : -1;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Regular, non-hidden files of dir except skip, sorted; NULL on error. */
static char **list_outputs(const char *dir, const char *skip, size_t *count, struct strbuf *err) {
  DIR *d = opendir(dir);
  if (!d) {
    strbuf_addf(err, "cannot read '%s': %s", dir, strerror(errno));
    return NULL;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    struct stat st;
    if (e->d_name[0] == '.' || (skip && strcmp(e->d_name, skip) == 0))
      continue;
    if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
      continue;
    XGROW(names, cap, n + 1);
    names[n++] = xstrdup(e->d_name);
  }
  closedir(d);
  if (n)
    qsort(names, n, sizeof *names, cmp_names);
  *count = n;
  return names ? names : xcalloc(1, sizeof *names);
}

int manifest_scan_outputs(struct manifest *m, const char *dir, const char *skip,
                          struct strbuf *err) {
  size_t n = 0;
  char **names = list_outputs(dir, skip, &n, err);
  if (!names)
    return -1;
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    if (rc == 0) {
      XGROW(m->outputs, m->outputs_cap, m->noutputs + 1);
      if (scan_output(m, dir, names[i], &m->outputs[m->noutputs], err) < 0)
        rc = -1;
      else
        m->noutputs++;
    }
    free(names[i]);
  }
  free(names);
  return rc;
}

void manifest_clear_outputs(struct manifest *m) {
  /* kept as the last scan: the driver scans again after etl-report adds
   * report.html, and checksumming touch_credits.csv.gz twice cost a
   * backfill on the large benchmark about a second */
  for (size_t i = 0; i < m->nscanned; i++)
    free(m->scanned[i].name);
  free(m->scanned);
  m->scanned = m->outputs;
  m->nscanned = m->noutputs;
  m->outputs = NULL;
  m->noutputs = m->outputs_cap = 0;
}


/* --- JSON ---------------------------------------------------------------- */

void json_add_string(struct strbuf *out, const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  strbuf_addc(out, '"');
  for (size_t i = 0; i < n;) {
    unsigned char c = s[i];
    const char *esc = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\r' ? "\\r"
                    : c == '\t' ? "\\t" : c == '\b' ? "\\b" : c == '\f' ? "\\f" : NULL;
    if (esc) {
      strbuf_adds(out, esc);
      i++;
    } else if (c < 0x20) {
      strbuf_addf(out, "\\u%04x", c);
      i++;
    } else {
      size_t len = utf8_char_len((const char *)s + i, n - i);
      if (len)
        strbuf_add(out, s + i, len);
      else
        strbuf_adds(out, "\\ufffd");
      i += len ? len : 1;
    }
  }
  strbuf_addc(out, '"');
}

static void add_key(struct strbuf *out, int indent, const char *key) {
  strbuf_addf(out, "%*s", indent, "");
  json_add_string(out, key, strlen(key));
  strbuf_adds(out, ": ");
}

static void add_str_member(struct strbuf *out, int indent, const char *key, const char *val,
                           bool last) {
  add_key(out, indent, key);
  json_add_string(out, val ? val : "", val ? strlen(val) : 0);
  strbuf_adds(out, last ? "\n" : ",\n");
}

static void add_u64_member(struct strbuf *out, int indent, const char *key, uint64_t val,
                           bool last) {
  add_key(out, indent, key);
  strbuf_addf(out, "%" PRIu64 "%s", val, last ? "\n" : ",\n");
}

/* "key": [ ... ] with one object per element written by fn. */
static void add_array(struct strbuf *out, const char *key, size_t n, const void *items, size_t size,
                      void (*fn)(struct strbuf *, const void *), bool last) {
  add_key(out, 2, key);
  if (n == 0) {
    strbuf_adds(out, last ? "[]\n" : "[],\n");
    return;
  }
  strbuf_adds(out, "[\n");
  for (size_t i = 0; i < n; i++) {
    strbuf_adds(out, "    {\n");
    fn(out, (const char *)items + i * size);
    strbuf_adds(out, i + 1 < n ? "    },\n" : "    }\n");
  }
  strbuf_adds(out, last ? "  ]\n" : "  ],\n");
}

static void format_input(struct strbuf *out, const void *item) {
  const struct manifest_input *in = item;
  add_str_member(out, 6, "name", in->name, false);
  add_str_member(out, 6, "input", in->input, false);
  add_u64_member(out, 6, "bytes", in->bytes, false);
  add_u64_member(out, 6, "rows_read", in->rows_read, false);
  add_u64_member(out, 6, "rows_kept", in->rows_kept, false);
  add_u64_member(out, 6, "rows_rejected", in->rows_rejected, false);
  add_u64_member(out, 6, "rows_deleted", in->rows_deleted, false);
  add_u64_member(out, 6, "rows_skipped", in->rows_skipped, false);
  if (in->sha256[0])
    add_str_member(out, 6, "sha256", in->sha256, true);
  else {
    add_key(out, 6, "sha256");
    strbuf_adds(out, "null\n");
  }
}

static void format_output(struct strbuf *out, const void *item) {
  const struct manifest_output *o = item;
  add_str_member(out, 6, "name", o->name, false);
  add_u64_member(out, 6, "bytes", o->bytes, false);
  add_u64_member(out, 6, "rows", o->rows, false);
  add_str_member(out, 6, "sha256", o->sha256, true);
}

static void format_stage(struct strbuf *out, const void *item) {
  const struct manifest_stage *st = item;
  add_str_member(out, 6, "name", st->name, false);
  add_key(out, 6, "seconds");
  strbuf_addf(out, "%.3f%s\n", st->seconds < 0 ? 0.0 : st->seconds, st->cache ? "," : "");
  if (st->cache)
    add_str_member(out, 6, "cache", st->cache, true);
}

void manifest_format(const struct manifest *m, struct strbuf *out) {
  strbuf_adds(out, "{\n");
  add_str_member(out, 2, "tool", "etl", false);
  add_str_member(out, 2, "version", m->version, false);
  add_key(out, 2, "config");
  strbuf_adds(out, "{\n");
  add_str_member(out, 4, "path", m->config_path, false);
  add_str_member(out, 4, "sha256", m->config_sha256, true);
  strbuf_adds(out, "  },\n");
  add_str_member(out, 2, "as_of", m->as_of, false);
  add_str_member(out, 2, "currency", m->currency, false);
  add_key(out, 2, "range");
  strbuf_adds(out, "{\n");
  add_str_member(out, 4, "from", m->range_from, false);
  add_str_member(out, 4, "to", m->range_to, true);
  strbuf_adds(out, "  },\n");
  add_array(out, "inputs", m->ninputs, m->inputs, sizeof *m->inputs, format_input, false);
  add_array(out, "outputs", m->noutputs, m->outputs, sizeof *m->outputs, format_output, false);
  add_array(out, "stages", m->nstages, m->stages, sizeof *m->stages, format_stage, !m->failure);
  if (m->failure)
    add_str_member(out, 2, "failure", m->failure, true);
  strbuf_adds(out, "}\n");
}

int manifest_write(const struct manifest *m, const char *path, struct strbuf *err) {
  struct strbuf text = STRBUF_INIT;
  manifest_format(m, &text);
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  int rc = fd < 0 ? -1 : 0;
  const char *p = strbuf_str(&text);
  for (size_t left = text.len; rc == 0 && left;) {
    ssize_t w = write(fd, p, left);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0)
      rc = -1;
    else {
      p += w;
      left -= (size_t)w;
    }
  }
  if (rc == 0 && fsync(fd) < 0)
    rc = -1;
  int e = errno;
  if (fd >= 0 && close(fd) < 0 && rc == 0) {
    rc = -1;
    e = errno;
  }
  if (rc < 0)
    strbuf_addf(err, "cannot write '%s': %s", path, strerror(e));
  strbuf_release(&text);
  return rc;
}
