/* Writing a pre-split file (see presplit.h), and splitting one input of a
 * run into one: the work of an etl-split task. Records are gathered into
 * blocks of about PRESPLIT_BLOCK bytes, each written as one frame with its
 * CRC; a write error is remembered and reported when the file is
 * committed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "etl/input/presplit.h"
#include "etl/input/presplit_frame.h"
#include "transforms/base/xalloc.h"

#define PRESPLIT_BLOCK (1024u * 1024u)

struct presplit_writer {
  int fd;
  char *path, *tmp;
  uint64_t off;  /* bytes written so far */
  int errnum;    /* first write error, 0 if none */
  struct strbuf frame, block, dir_entities;
  uint64_t block_recs, block_in, block_out;
  size_t nentities;
  uint64_t *streams; /* offset of each stream's 'S' frame */
  size_t nstreams, cap_streams;
  int container;     /* 0 none, 1 opened, 2 open fault */
  char *c_msg, *c_name;
  bool c_dir;
  uint64_t c_bytes;
};

static void write_all(struct presplit_writer *w, const void *data, size_t n) {
  const char *p = data;
  while (n && !w->errnum) {
    ssize_t k = write(w->fd, p, n);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0) {
      w->errnum = k < 0 ? errno : EIO;
      return;
    }
    p += k;
    n -= (size_t)k;
    w->off += (uint64_t)k;
  }
}

static void put_frame(struct presplit_writer *w, char kind, const struct strbuf *payload) {
  unsigned char head[PRESPLIT_FRAME_HEAD];
  presplit_frame_head(head, kind, payload->buf ? payload->buf : "", payload->len);
  write_all(w, head, sizeof head);
  write_all(w, payload->buf, payload->len);
}

int presplit_writer_open(struct presplit_writer **out, const char *path,
                         const struct presplit_head *head, struct strbuf *err) {
  struct presplit_writer *w = xcalloc(1, sizeof(*w));
  w->path = xstrdup(path);
  w->tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
  w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  *out = NULL;
  if (w->fd < 0) {
    strbuf_addf(err, "cannot create '%s': %s", w->tmp, strerror(errno));
    free(w->tmp);
    free(w->path);
    free(w);
    return -1;
  }
  strbuf_init(&w->frame);
  strbuf_init(&w->block);
  strbuf_init(&w->dir_entities);
  write_all(w, PRESPLIT_MAGIC, 8);
  put_string(&w->frame, head->key, strlen(head->key));
  put_string(&w->frame, head->path, strlen(head->path));
  strbuf_addc(&w->frame, head->crm ? 1 : 0);
  put_varint(&w->frame, head->max_input_bytes);
  put_double(&w->frame, head->max_expand_ratio);
  put_frame(w, 'H', &w->frame);
  *out = w;
  return 0;
}

static void flush_block(struct presplit_writer *w) {
  if (!w->block_recs)
    return;
  strbuf_reset(&w->frame);
  put_varint(&w->frame, w->block_in);
  put_varint(&w->frame, w->block_out);
  put_varint(&w->frame, w->block_recs);
  strbuf_add(&w->frame, w->block.buf, w->block.len);
  put_frame(w, 'R', &w->frame);
  strbuf_reset(&w->block);
  w->block_recs = 0;
}

void presplit_writer_stream(struct presplit_writer *w, const char *source, uint64_t file_bytes) {
  flush_block(w);
  XGROW(w->streams, w->cap_streams, w->nstreams + 1);
  w->streams[w->nstreams] = w->off;
  strbuf_reset(&w->frame);
  put_varint(&w->frame, w->nstreams);
  put_string(&w->frame, source, strlen(source));
  put_varint(&w->frame, file_bytes);
  put_frame(w, 'S', &w->frame);
  w->nstreams++;
}

size_t presplit_writer_streams(const struct presplit_writer *w) { return w->nstreams; }

void presplit_writer_open_fault(struct presplit_writer *w, const char *msg) {
  strbuf_reset(&w->frame);
  put_string(&w->frame, msg, strlen(msg));
  put_frame(w, 'O', &w->frame);
}

void presplit_writer_record(struct presplit_writer *w, const struct etl_record *rec, uint64_t in,
                            uint64_t out) {
  put_varint(&w->block, rec->line);
  put_varint(&w->block, rec->nfields);
  for (size_t i = 0; i < rec->nfields; i++) {
    put_varint(&w->block, rec->lens[i]);
    strbuf_add(&w->block, rec->fields[i], rec->lens[i]);
    strbuf_addc(&w->block, '\0');
  }
  w->block_recs++;
  w->block_in = in;
  w->block_out = out;
  if (w->block.len >= PRESPLIT_BLOCK)
    flush_block(w);
}

static void end_frame(struct presplit_writer *w, char kind, const char *text, uint64_t in,
                      uint64_t out) {
  flush_block(w);
  strbuf_reset(&w->frame);
  put_varint(&w->frame, in);
  put_varint(&w->frame, out);
  put_string(&w->frame, text, strlen(text));
  put_frame(w, kind, &w->frame);
}

void presplit_writer_end(struct presplit_writer *w, const char *sha256, uint64_t in,
                         uint64_t out) {
  end_frame(w, 'E', sha256 ? sha256 : "", in, out);
}

void presplit_writer_fault(struct presplit_writer *w, const char *msg, uint64_t in, uint64_t out) {
  end_frame(w, 'F', msg, in, out);
}

void presplit_writer_container(struct presplit_writer *w, const char *msg, bool is_dir,
                               const char *name, uint64_t file_bytes) {
  w->container = msg ? 2 : 1;
  free(w->c_msg);
  free(w->c_name);
  w->c_msg = xstrdup(msg ? msg : "");
  w->c_name = xstrdup(name ? name : "");
  w->c_dir = is_dir;
  w->c_bytes = file_bytes;
}

void presplit_writer_entity(struct presplit_writer *w, const char *entity, int rc,
                            const char *msg, size_t stream, const char *entry) {
  struct strbuf *b = &w->dir_entities;
  put_string(b, entity, strlen(entity));
  put_varint(b, (uint64_t)(rc + 1));
  put_string(b, msg ? msg : "", msg ? strlen(msg) : 0);
  put_varint(b, stream);
  put_string(b, entry ? entry : "", entry ? strlen(entry) : 0);
  w->nentities++;
}

static void free_writer(struct presplit_writer *w) {
  strbuf_release(&w->frame);
  strbuf_release(&w->block);
  strbuf_release(&w->dir_entities);
  free(w->streams);
  free(w->c_msg);
  free(w->c_name);
  free(w->path);
  free(w->tmp);
  free(w);
}

int presplit_writer_commit(struct presplit_writer *w, uint64_t *written, struct strbuf *err) {
  flush_block(w);
  uint64_t dir_off = w->off;
  strbuf_reset(&w->frame);
  strbuf_addc(&w->frame, (char)w->container);
  if (w->container) {
    put_string(&w->frame, w->c_msg, strlen(w->c_msg));
    strbuf_addc(&w->frame, w->c_dir ? 1 : 0);
    put_string(&w->frame, w->c_name, strlen(w->c_name));
    put_varint(&w->frame, w->c_bytes);
  }
  put_varint(&w->frame, w->nentities);
  strbuf_add(&w->frame, w->dir_entities.buf, w->dir_entities.len);
  put_varint(&w->frame, w->nstreams);
  for (size_t i = 0; i < w->nstreams; i++)
    put_varint(&w->frame, w->streams[i]);
  put_frame(w, 'D', &w->frame);
  unsigned char trailer[PRESPLIT_TRAILER];
  presplit_trailer(trailer, dir_off, w->off + PRESPLIT_TRAILER);
  write_all(w, trailer, sizeof trailer);
  if (!w->errnum && fsync(w->fd) != 0)
    w->errnum = errno;
  if (close(w->fd) != 0 && !w->errnum)
    w->errnum = errno;
  w->fd = -1;
  if (!w->errnum && rename(w->tmp, w->path) != 0)
    w->errnum = errno;
  int rc = 0;
  if (w->errnum) {
    strbuf_addf(err, "cannot write '%s': %s", w->path, strerror(w->errnum));
    unlink(w->tmp);
    rc = -1;
  } else if (written) {
    *written = w->off;
  }
  free_writer(w);
  return rc;
}

/* --- Splitting one input -------------------------------------------------- */

/* Copies one opened reader (or its open fault) into a new stream. */
static void split_stream(struct presplit_writer *w, struct etl_reader *r, int open_rc,
                         const char *open_err, const char *source,
                         struct presplit_counts *counts) {
  counts->streams++;
  if (open_rc != 0) {
    presplit_writer_stream(w, source, 0);
    presplit_writer_open_fault(w, open_err);
    counts->faults++;
    return;
  }
  presplit_writer_stream(w, etl_reader_source(r), etl_reader_file_bytes(r));
  presplit_writer_record(w, etl_reader_header(r), etl_reader_bytes_in(r), etl_reader_bytes_out(r));
  struct etl_record rec;
  int rc;
  uint64_t n = 0;
  while ((rc = etl_reader_next(r, &rec)) == ETL_READ_OK) {
    n++;
    presplit_writer_record(w, &rec, etl_reader_bytes_in(r), etl_reader_bytes_out(r));
  }
  uint64_t in = etl_reader_bytes_in(r), out = etl_reader_bytes_out(r);
  if (rc == ETL_READ_EOF) {
    presplit_writer_end(w, etl_reader_sha256(r), in, out);
  } else {
    presplit_writer_fault(w, etl_reader_error(r), in, out);
    counts->faults++;
  }
  counts->records += n;
  counts->bytes_in += in;
  counts->bytes_out += out;
}

static void split_container(struct presplit_writer *w, const struct presplit_head *head,
                            const char *const *entities, const struct etl_input_opts *opts,
                            struct presplit_counts *counts) {
  struct etl_container *c = NULL;
  struct strbuf msg = STRBUF_INIT;
  if (etl_container_open(&c, head->path, opts, &msg) != 0) {
    presplit_writer_container(w, strbuf_str(&msg), false, "", 0);
    counts->faults++;
    strbuf_release(&msg);
    return;
  }
  presplit_writer_container(w, NULL, etl_container_is_dir(c), etl_container_name(c),
                            etl_container_file_bytes(c));
  for (const char *const *e = entities; *e; e++) {
    size_t index = 0;
    strbuf_reset(&msg);
    int rc = etl_container_find(c, *e, &index, &msg);
    if (rc != 1) {
      presplit_writer_entity(w, *e, rc, strbuf_str(&msg), 0, NULL);
      continue;
    }
    size_t stream = presplit_writer_streams(w);
    const char *entry = etl_container_member_path(c, index);
    presplit_writer_entity(w, *e, 1, NULL, stream, entry);
    struct etl_reader *r = NULL;
    strbuf_reset(&msg);
    int orc = etl_container_open_at(c, index, &r, &msg);
    split_stream(w, r, orc, strbuf_str(&msg), entry, counts);
    etl_reader_free(r);
  }
  etl_container_free(c);
  strbuf_release(&msg);
}

int presplit_input(const struct presplit_head *head, const char *const *entities,
                   const struct etl_input_opts *opts, const char *out_path,
                   struct presplit_counts *counts, struct strbuf *err) {
  struct presplit_writer *w;
  memset(counts, 0, sizeof(*counts));
  if (presplit_writer_open(&w, out_path, head, err) != 0)
    return -1;
  if (head->crm) {
    split_container(w, head, entities, opts, counts);
  } else {
    struct etl_reader *r = NULL;
    struct strbuf msg = STRBUF_INIT;
    int rc = etl_reader_open_path(&r, head->path, NULL, opts, &msg);
    split_stream(w, r, rc, strbuf_str(&msg), head->path, counts);
    etl_reader_free(r);
    strbuf_release(&msg);
  }
  return presplit_writer_commit(w, &counts->written, err);
}
