/* Reading pre-split files (see presplit.h): the parser of the format, the
 * stream cursor the replaying reader pulls records from, and the index of
 * a run's pre-split folder. Nothing read from a file is trusted: every
 * length is checked against what is left before it is used, and each
 * frame's CRC before its payload is. Streams of one file read with
 * pread(2), so that several can be read at once (files read ahead). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "etl/input/presplit.h"
#include "etl/input/presplit_frame.h"
#include "transforms/base/xalloc.h"

struct pp_entity {
  char *name, *msg, *entry;
  int rc;
  size_t stream;
};

struct presplit_file {
  char *name; /* for messages */
  int fd;     /* -1 for memory */
  const unsigned char *mem;
  uint64_t size, dir_off;
  struct presplit_head head;
  char *key, *path;
  int container; /* 0 none, 1 opened, 2 open fault */
  char *c_msg, *c_name;
  bool c_dir;
  uint64_t c_bytes;
  struct pp_entity *entities;
  size_t nentities;
  uint64_t *streams;
  size_t nstreams;
};

char *presplit_path(const char *dir, size_t task) { return xasprintf("%s/%zu.rec", dir, task); }

/* n bytes at off; -1 when the file is shorter or cannot be read. */
static int read_at(const struct presplit_file *f, uint64_t off, void *buf, size_t n) {
  if (off > f->size || n > f->size - off)
    return -1;
  if (f->fd < 0) {
    if (n)
      memcpy(buf, f->mem + off, n);
    return 0;
  }
  char *p = buf;
  while (n) {
    ssize_t k = pread(f->fd, p, n, (off_t)off);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return -1;
    p += k;
    n -= (size_t)k;
    off += (uint64_t)k;
  }
  return 0;
}

static void damaged(const struct presplit_file *f, uint64_t off, const char *what,
                    struct strbuf *err) {
  strbuf_addf(err, "%s: damaged pre-split file at byte %" PRIu64 ": %s", f->name, off, what);
}

/* Reads the frame at *off (which must end by limit) into *buf (grown as
 * needed), checks its CRC and moves *off past it. 0, or -1 with err. */
static int read_frame(const struct presplit_file *f, uint64_t *off, uint64_t limit, char *kind,
                      unsigned char **buf, size_t *cap, size_t *len, struct strbuf *err) {
  unsigned char head[PRESPLIT_FRAME_HEAD];
  if (*off > limit || limit - *off < PRESPLIT_FRAME_HEAD ||
      read_at(f, *off, head, sizeof head) != 0) {
    damaged(f, *off, "a frame is cut off", err);
    return -1;
  }
  uint64_t n = get_le(head + 1, 4);
  if (n > PRESPLIT_FRAME_MAX || n > limit - *off - PRESPLIT_FRAME_HEAD) {
    damaged(f, *off, "a frame is longer than the file", err);
    return -1;
  }
  if (n + 1 > *cap) {
    free(*buf);
    *cap = (size_t)n + 1;
    *buf = xmalloc(*cap);
  }
  if (read_at(f, *off + PRESPLIT_FRAME_HEAD, *buf, (size_t)n) != 0) {
    damaged(f, *off, "cannot read a frame", err);
    return -1;
  }
  if (presplit_crc((char)head[0], *buf, (size_t)n) != (uint32_t)get_le(head + 5, 4)) {
    damaged(f, *off, "checksum mismatch", err);
    return -1;
  }
  *kind = (char)head[0];
  *len = (size_t)n;
  *off += PRESPLIT_FRAME_HEAD + n;
  return 0;
}

static char *dup_string(struct presplit_cursor *c, int *bad) {
  const char *s;
  size_t n;
  if (get_string(c, &s, &n) != 0 || memchr(s, '\0', n)) {
    *bad = 1;
    return xstrdup("");
  }
  return xstrndup(s, n);
}

static int parse_head(struct presplit_file *f, const unsigned char *p, size_t n) {
  struct presplit_cursor c = {p, p + n};
  int bad = 0;
  unsigned char crm;
  f->key = dup_string(&c, &bad);
  f->path = dup_string(&c, &bad);
  if (bad || get_byte(&c, &crm) != 0 || crm > 1 ||
      get_varint(&c, &f->head.max_input_bytes) != 0 ||
      get_double(&c, &f->head.max_expand_ratio) != 0 || c.p != c.end)
    return -1;
  f->head.key = f->key;
  f->head.path = f->path;
  f->head.crm = crm;
  return 0;
}

static int parse_entity(struct presplit_file *f, struct presplit_cursor *c, struct pp_entity *e) {
  int bad = 0;
  uint64_t rc, stream;
  e->name = dup_string(c, &bad);
  if (bad || get_varint(c, &rc) != 0 || rc > 2)
    return -1;
  e->rc = (int)rc - 1;
  e->msg = dup_string(c, &bad);
  if (bad || get_varint(c, &stream) != 0)
    return -1;
  e->entry = dup_string(c, &bad);
  e->stream = (size_t)stream;
  (void)f;
  return bad ? -1 : 0;
}

static int parse_directory(struct presplit_file *f, const unsigned char *p, size_t n) {
  struct presplit_cursor c = {p, p + n};
  unsigned char kind, dir;
  int bad = 0;
  uint64_t count;
  if (get_byte(&c, &kind) != 0 || kind > 2)
    return -1;
  f->container = kind;
  if (kind) {
    f->c_msg = dup_string(&c, &bad);
    if (bad || get_byte(&c, &dir) != 0 || dir > 1)
      return -1;
    f->c_dir = dir;
    f->c_name = dup_string(&c, &bad);
    if (bad || get_varint(&c, &f->c_bytes) != 0)
      return -1;
  }
  if (get_varint(&c, &count) != 0 || count > (uint64_t)(c.end - c.p) / 4)
    return -1;
  f->entities = xcalloc(count ? count : 1, sizeof(*f->entities));
  for (; f->nentities < count; f->nentities++)
    if (parse_entity(f, &c, &f->entities[f->nentities]) != 0) {
      f->nentities++; /* freed with the others */
      return -1;
    }
  if (get_varint(&c, &count) != 0 || count > (uint64_t)(c.end - c.p))
    return -1;
  f->streams = xcalloc(count ? count : 1, sizeof(*f->streams));
  for (; f->nstreams < count; f->nstreams++) {
    uint64_t off;
    if (get_varint(&c, &off) != 0 || off < 8 || off >= f->dir_off)
      return -1;
    f->streams[f->nstreams] = off;
  }
  for (size_t i = 0; i < f->nentities; i++)
    if (f->entities[i].rc == 1 && f->entities[i].stream >= f->nstreams)
      return -1;
  /* a CRM part has a container; a plain file is exactly one stream */
  if (c.p != c.end || (f->head.crm ? f->container == 0 : f->container != 0 || f->nstreams != 1))
    return -1;
  return 0;
}

/* Checks magic, trailer, head and directory. */
static int load(struct presplit_file *f, struct strbuf *err) {
  unsigned char magic[8], trailer[PRESPLIT_TRAILER];
  if (f->size < 8 + PRESPLIT_TRAILER || read_at(f, 0, magic, 8) != 0 ||
      memcmp(magic, PRESPLIT_MAGIC, 8) != 0) {
    strbuf_addf(err, "%s: not a pre-split file", f->name);
    return -1;
  }
  if (read_at(f, f->size - PRESPLIT_TRAILER, trailer, sizeof trailer) != 0 ||
      memcmp(trailer + 16, PRESPLIT_END_MAGIC, 8) != 0) {
    strbuf_addf(err,
                "%s: incomplete pre-split file (%" PRIu64
                " bytes, no end mark: cut short or damaged)",
                f->name, f->size);
    return -1;
  }
  uint64_t total = get_le(trailer + 8, 8);
  f->dir_off = get_le(trailer, 8);
  if (total != f->size) {
    strbuf_addf(err, "%s: incomplete pre-split file (%" PRIu64 " bytes, written as %" PRIu64 ")",
                f->name, f->size, total);
    return -1;
  }
  uint64_t limit = f->size - PRESPLIT_TRAILER, off = 8;
  if (f->dir_off < 8 || f->dir_off >= limit) {
    damaged(f, f->size - PRESPLIT_TRAILER, "bad directory offset", err);
    return -1;
  }
  unsigned char *buf = NULL;
  size_t cap = 0, len;
  char kind;
  int rc = -1;
  if (read_frame(f, &off, f->dir_off, &kind, &buf, &cap, &len, err) != 0)
    goto out;
  if (kind != 'H' || parse_head(f, buf, len) != 0) {
    damaged(f, 8, "bad head", err);
    goto out;
  }
  off = f->dir_off;
  if (read_frame(f, &off, limit, &kind, &buf, &cap, &len, err) != 0)
    goto out;
  if (kind != 'D' || off != limit || parse_directory(f, buf, len) != 0) {
    damaged(f, f->dir_off, "bad directory", err);
    goto out;
  }
  rc = 0;
out:
  free(buf);
  return rc;
}

static struct presplit_file *file_new(const char *name) {
  struct presplit_file *f = xcalloc(1, sizeof(*f));
  f->name = xstrdup(name);
  f->fd = -1;
  return f;
}

int presplit_file_open(struct presplit_file **out, const char *path, struct strbuf *err) {
  struct presplit_file *f = file_new(path);
  struct stat st;
  *out = NULL;
  f->fd = open(path, O_RDONLY | O_CLOEXEC);
  if (f->fd < 0 || fstat(f->fd, &st) != 0) {
    strbuf_addf(err, "%s: %s", path, strerror(errno));
    presplit_file_free(f);
    return -1;
  }
  f->size = (uint64_t)st.st_size;
  if (load(f, err) != 0) {
    presplit_file_free(f);
    return -1;
  }
  *out = f;
  return 0;
}

int presplit_file_open_memory(struct presplit_file **out, const void *data, size_t len,
                              const char *name, struct strbuf *err) {
  struct presplit_file *f = file_new(name ? name : "(memory)");
  f->mem = data;
  f->size = len;
  *out = NULL;
  if (load(f, err) != 0) {
    presplit_file_free(f);
    return -1;
  }
  *out = f;
  return 0;
}

void presplit_file_free(struct presplit_file *f) {
  if (!f)
    return;
  if (f->fd >= 0)
    close(f->fd);
  for (size_t i = 0; i < f->nentities; i++) {
    free(f->entities[i].name);
    free(f->entities[i].msg);
    free(f->entities[i].entry);
  }
  free(f->entities);
  free(f->streams);
  free(f->name);
  free(f->key);
  free(f->path);
  free(f->c_msg);
  free(f->c_name);
  free(f);
}

const struct presplit_head *presplit_file_head(const struct presplit_file *f) { return &f->head; }
const char *presplit_file_name(const struct presplit_file *f) { return f->name; }
size_t presplit_file_streams(const struct presplit_file *f) { return f->nstreams; }

int presplit_file_container(const struct presplit_file *f, const char **msg, bool *is_dir,
                            const char **name, uint64_t *file_bytes) {
  if (f->container == 0)
    return 0;
  *msg = f->c_msg;
  *is_dir = f->c_dir;
  *name = f->c_name;
  *file_bytes = f->c_bytes;
  return f->container == 1 ? 1 : -1;
}

int presplit_file_entity(const struct presplit_file *f, const char *entity, const char **msg,
                         size_t *stream, const char **entry) {
  for (size_t i = 0; i < f->nentities; i++) {
    const struct pp_entity *e = &f->entities[i];
    if (strcmp(e->name, entity) != 0)
      continue;
    *msg = e->msg;
    *stream = e->stream;
    *entry = e->entry;
    return e->rc;
  }
  return -2;
}

const char *presplit_file_entry(const struct presplit_file *f, size_t i) {
  for (size_t k = 0; k < f->nentities; k++)
    if (f->entities[k].rc == 1 && f->entities[k].stream == i)
      return f->entities[k].entry;
  return "";
}

/* --- Streams ----------------------------------------------------------------- */

enum { ST_READING, ST_EOF, ST_FAULT };

struct presplit_stream {
  const struct presplit_file *f;
  size_t index;
  uint64_t off; /* the next frame */
  char *source;
  uint64_t file_bytes;
  unsigned char *buf; /* the block being read */
  size_t cap, len;
  struct presplit_cursor cur;
  uint64_t left; /* records left in the block */
  char **fields;
  size_t *lens;
  size_t fcap;
  uint64_t in, out;
  char sha[65];
  int state;
  struct strbuf err;
};

static int stream_fail(struct presplit_stream *s, uint64_t off, const char *what) {
  strbuf_reset(&s->err);
  strbuf_addf(&s->err, "%s: damaged pre-split file at byte %" PRIu64 ": stream %zu: %s",
              s->f->name, off, s->index, what);
  s->state = ST_FAULT;
  return -1;
}

int presplit_stream_open(struct presplit_stream **out, const struct presplit_file *f, size_t i,
                         struct strbuf *err) {
  struct presplit_stream *s = xcalloc(1, sizeof(*s));
  s->f = f;
  s->index = i;
  strbuf_init(&s->err);
  *out = NULL;
  if (i >= f->nstreams) {
    strbuf_addf(err, "%s: no stream %zu", f->name, i);
    presplit_stream_free(s);
    return -1;
  }
  s->off = f->streams[i];
  char kind;
  uint64_t at = s->off, number;
  const char *src;
  size_t n;
  if (read_frame(f, &s->off, f->dir_off, &kind, &s->buf, &s->cap, &s->len, err) != 0) {
    presplit_stream_free(s);
    return -1;
  }
  struct presplit_cursor c = {s->buf, s->buf + s->len};
  if (kind != 'S' || get_varint(&c, &number) != 0 || number != i ||
      get_string(&c, &src, &n) != 0 || memchr(src, '\0', n) ||
      get_varint(&c, &s->file_bytes) != 0 || c.p != c.end) {
    damaged(f, at, "bad stream start", err);
    presplit_stream_free(s);
    return -1;
  }
  s->source = xstrndup(src, n);
  uint64_t next = s->off;
  if (read_frame(f, &next, f->dir_off, &kind, &s->buf, &s->cap, &s->len, err) != 0) {
    presplit_stream_free(s);
    return -1;
  }
  if (kind == 'O') {
    c.p = s->buf;
    c.end = s->buf + s->len;
    if (get_string(&c, &src, &n) != 0 || c.p != c.end) {
      damaged(f, s->off, "bad open fault", err);
      presplit_stream_free(s);
      return -1;
    }
    strbuf_add(err, src, n);
    presplit_stream_free(s);
    return 1;
  }
  s->len = 0; /* read again by next() */
  *out = s;
  return 0;
}

const char *presplit_stream_source(const struct presplit_stream *s) { return s->source; }
uint64_t presplit_stream_file_bytes(const struct presplit_stream *s) { return s->file_bytes; }

/* The frame after a block: records, the end, or the fault. */
static int next_frame(struct presplit_stream *s) {
  uint64_t at = s->off;
  char kind;
  const char *text;
  size_t n;
  if (s->cur.p != s->cur.end)
    return stream_fail(s, at, "a block holds more than its records");
  strbuf_reset(&s->err);
  if (read_frame(s->f, &s->off, s->f->dir_off, &kind, &s->buf, &s->cap, &s->len, &s->err) != 0) {
    s->state = ST_FAULT;
    return -1;
  }
  s->cur.p = s->buf;
  s->cur.end = s->buf + s->len;
  if (kind == 'R') {
    if (get_varint(&s->cur, &s->in) != 0 || get_varint(&s->cur, &s->out) != 0 ||
        get_varint(&s->cur, &s->left) != 0 || s->left == 0 ||
        s->left > (uint64_t)(s->cur.end - s->cur.p))
      return stream_fail(s, at, "bad block");
    return 0;
  }
  if ((kind != 'E' && kind != 'F') || get_varint(&s->cur, &s->in) != 0 ||
      get_varint(&s->cur, &s->out) != 0 || get_string(&s->cur, &text, &n) != 0 ||
      s->cur.p != s->cur.end)
    return stream_fail(s, at, "no end");
  if (kind == 'E') {
    if (n != 0 && n != 64)
      return stream_fail(s, at, "bad checksum");
    memcpy(s->sha, text, n);
    s->sha[n] = '\0';
    s->state = ST_EOF;
    return 0;
  }
  strbuf_reset(&s->err);
  strbuf_add(&s->err, text, n);
  s->state = ST_FAULT;
  return 0;
}

static int decode_record(struct presplit_stream *s, struct etl_record *rec) {
  struct presplit_cursor *c = &s->cur;
  uint64_t line, nf;
  if (get_varint(c, &line) != 0 || get_varint(c, &nf) != 0 || nf == 0 ||
      nf > (uint64_t)(c->end - c->p) / 2)
    return stream_fail(s, s->off, "bad record");
  XGROW(s->fields, s->fcap, (size_t)nf + 1);
  s->lens = xreallocarray(s->lens, s->fcap, sizeof(*s->lens));
  for (size_t i = 0; i < nf; i++) {
    uint64_t len;
    if (get_varint(c, &len) != 0 || len > ETL_MAX_FIELD_BYTES ||
        len >= (uint64_t)(c->end - c->p) || c->p[len] != '\0')
      return stream_fail(s, s->off, "bad field");
    s->fields[i] = (char *)(uintptr_t)c->p;
    s->lens[i] = (size_t)len;
    c->p += len + 1;
  }
  s->fields[nf] = NULL;
  rec->line = line;
  rec->nfields = (size_t)nf;
  rec->fields = s->fields;
  rec->lens = s->lens;
  rec->digest = NULL;
  s->left--;
  return 0;
}

int presplit_stream_next(struct presplit_stream *s, struct etl_record *rec) {
  while (s->state == ST_READING && s->left == 0)
    if (next_frame(s) != 0)
      break;
  if (s->state == ST_EOF)
    return ETL_READ_EOF;
  if (s->state == ST_FAULT || decode_record(s, rec) != 0)
    return ETL_READ_FAULT;
  return ETL_READ_OK;
}

const char *presplit_stream_error(const struct presplit_stream *s) { return strbuf_str(&s->err); }

void presplit_stream_counters(const struct presplit_stream *s, uint64_t *in, uint64_t *out) {
  *in = s->in;
  *out = s->out;
}

const char *presplit_stream_sha256(const struct presplit_stream *s) { return s->sha; }

void presplit_stream_free(struct presplit_stream *s) {
  if (!s)
    return;
  free(s->source);
  free(s->buf);
  free(s->fields);
  free(s->lens);
  strbuf_release(&s->err);
  free(s);
}

/* --- The folder of a run ------------------------------------------------------ */

struct presplit_index {
  char *dir;
  struct presplit_file **files;
  size_t n, cap;
};

int presplit_index_open(struct presplit_index **out, const char *dir, struct strbuf *err) {
  struct presplit_index *x = xcalloc(1, sizeof(*x));
  x->dir = xstrdup(dir);
  *out = NULL;
  for (;;) {
    char *path = presplit_path(dir, x->n);
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT && x->n > 0) {
      free(path);
      break;
    }
    struct presplit_file *f;
    int rc = presplit_file_open(&f, path, err);
    free(path);
    if (rc != 0) {
      presplit_index_free(x);
      return -1;
    }
    XGROW(x->files, x->cap, x->n + 1);
    x->files[x->n++] = f;
  }
  *out = x;
  return 0;
}

const struct presplit_file *presplit_index_find(const struct presplit_index *x, bool crm,
                                                const char *path) {
  for (size_t i = 0; i < x->n; i++)
    if (x->files[i]->head.crm == crm && strcmp(x->files[i]->head.path, path) == 0)
      return x->files[i];
  return NULL;
}

const char *presplit_index_dir(const struct presplit_index *x) { return x->dir; }

void presplit_index_free(struct presplit_index *x) {
  if (!x)
    return;
  for (size_t i = 0; i < x->n; i++)
    presplit_file_free(x->files[i]);
  free(x->files);
  free(x->dir);
  free(x);
}
