/* CSV table writer (see csvout.h). Buffers rows in memory and hands full
 * blocks to either stdio or a raw deflate stream with a fixed gzip header,
 * so that compressed outputs are byte-identical run to run. The deflate is
 * ISA-L's (igzip) at its level 1: on the large benchmark's
 * touch_credits.csv.gz (418 MB of CSV) zlib at level 1 took 4.6 s and wrote
 * 113 MB, ISA-L 0.7 s and 107 MB (zlib at its default level had been half
 * of etl-attribute's time). Any gzip reader reads the result.
 *
 * A gzip table is compressed and written on a thread of its own, one block
 * behind the rows being formatted (two blocks in turn), so that the
 * formatting of touch_credits and its deflate use both cores; the bytes
 * written are the same as on one thread. */
#include "etl/common/csvout.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>

#include "transforms/base/xalloc.h"

#define OUT_BLOCK (256 * 1024)

struct csv_out {
  FILE *f;
  char *path;
  bool gzip;
  struct isal_zstream z;
  unsigned char *level_buf; /* ISA-L's work area for level 1 */
  uint32_t crc;
  uint64_t isize;
  struct strbuf buf;
  unsigned char *zbuf;
  bool row_started;
  uint64_t rows;
  int err; /* first errno seen, sticky */

  /* gzip: the deflating thread. While `job` is set it owns `work`, z, crc,
   * isize, zbuf, f and err; the writer owns buf. */
  bool threaded;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  struct strbuf work; /* the block being deflated */
  bool job, job_final, stop;
};

static void note_errno(struct csv_out *o) {
  if (!o->err)
    o->err = errno ? errno : EIO;
}

static void raw_write(struct csv_out *o, const void *p, size_t n) {
  if (o->err || n == 0)
    return;
  if (fwrite(p, 1, n, o->f) != n)
    note_errno(o);
}

static void deflate_feed(struct csv_out *o, const void *p, size_t n, bool final) {
  o->z.next_in = (uint8_t *)p;
  o->z.avail_in = (uint32_t)n;
  o->z.end_of_stream = final;
  do {
    o->z.next_out = o->zbuf;
    o->z.avail_out = OUT_BLOCK;
    if (isal_deflate(&o->z) != COMP_OK) {
      o->err = EIO;
      return;
    }
    raw_write(o, o->zbuf, OUT_BLOCK - o->z.avail_out);
  } while (o->z.avail_in > 0 || o->z.avail_out == 0 ||
           (final && o->z.internal_state.state != ZSTATE_END));
}

/* Checksums, deflates and writes one block of the gzip stream. */
static void deflate_block(struct csv_out *o, const struct strbuf *b, bool final) {
  o->crc = crc32_gzip_refl(o->crc, (const unsigned char *)b->buf, b->len);
  o->isize += b->len;
  deflate_feed(o, b->buf, b->len, final);
}

static void *deflater_main(void *arg) {
  struct csv_out *o = arg;
  pthread_mutex_lock(&o->mu);
  for (;;) {
    while (!o->job && !o->stop)
      pthread_cond_wait(&o->cv, &o->mu);
    if (!o->job)
      break;
    pthread_mutex_unlock(&o->mu);
    deflate_block(o, &o->work, o->job_final);
    strbuf_reset(&o->work);
    pthread_mutex_lock(&o->mu);
    o->job = false;
    pthread_cond_broadcast(&o->cv);
  }
  pthread_mutex_unlock(&o->mu);
  return NULL;
}

/* Waits for the block in hand to be written (mu held). */
static void wait_idle(struct csv_out *o) {
  while (o->job)
    pthread_cond_wait(&o->cv, &o->mu);
}

/* Hands buf to the deflating thread, taking back its emptied block. */
static void hand_over(struct csv_out *o, bool final) {
  pthread_mutex_lock(&o->mu);
  wait_idle(o);
  struct strbuf t = o->work;
  o->work = o->buf;
  o->buf = t;
  o->job = true;
  o->job_final = final;
  pthread_cond_broadcast(&o->cv);
  pthread_mutex_unlock(&o->mu);
}

/* Lets the last block finish and ends the thread. */
static void stop_deflater(struct csv_out *o) {
  if (!o->threaded)
    return;
  pthread_mutex_lock(&o->mu);
  wait_idle(o);
  o->stop = true;
  pthread_cond_broadcast(&o->cv);
  pthread_mutex_unlock(&o->mu);
  pthread_join(o->thread, NULL);
  pthread_mutex_destroy(&o->mu);
  pthread_cond_destroy(&o->cv);
  o->threaded = false;
}

static void flush_buf(struct csv_out *o, bool final) {
  if (o->gzip && o->threaded)
    hand_over(o, final);
  else if (o->gzip)
    deflate_block(o, &o->buf, final);
  else
    raw_write(o, o->buf.buf, o->buf.len);
  strbuf_reset(&o->buf);
}

static void start_deflater(struct csv_out *o) {
  strbuf_init(&o->work);
  strbuf_grow(&o->work, OUT_BLOCK + 4096);
  pthread_mutex_init(&o->mu, NULL);
  pthread_cond_init(&o->cv, NULL);
  o->threaded = pthread_create(&o->thread, NULL, deflater_main, o) == 0;
  if (!o->threaded) { /* deflate on the writer's thread instead */
    pthread_mutex_destroy(&o->mu);
    pthread_cond_destroy(&o->cv);
  }
}

int csv_out_open(struct csv_out **out, const char *path, bool gzip, bool bom, struct strbuf *err) {
  *out = NULL;
  FILE *f = fopen(path, "wb");
  if (!f) {
    strbuf_addf(err, "%s: %s", path, strerror(errno));
    return -1;
  }
  struct csv_out *o = xcalloc(1, sizeof(*o));
  o->f = f;
  o->path = xstrdup(path);
  o->gzip = gzip;
  strbuf_init(&o->buf);
  strbuf_grow(&o->buf, OUT_BLOCK + 4096);
  if (gzip) {
    /* RFC 1952 header: no name, mtime 0, no extra flags, OS = 255. */
    static const unsigned char hdr[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
    raw_write(o, hdr, sizeof(hdr));
    isal_deflate_init(&o->z);
    o->level_buf = xmalloc(ISAL_DEF_LVL1_DEFAULT);
    o->z.level = 1;
    o->z.level_buf = o->level_buf;
    o->z.level_buf_size = ISAL_DEF_LVL1_DEFAULT;
    o->z.gzip_flag = IGZIP_DEFLATE; /* raw deflate: the header above, the trailer at close */
    o->z.flush = NO_FLUSH;
    o->crc = 0;
    o->zbuf = xmalloc(OUT_BLOCK);
    start_deflater(o);
  }
  if (bom)
    strbuf_add(&o->buf, "\xEF\xBB\xBF", 3);
  *out = o;
  return 0;
}

static void cell_sep(struct csv_out *o) {
  if (o->row_started)
    strbuf_addc(&o->buf, ',');
  o->row_started = true;
}

void csv_out_text(struct csv_out *o, const char *s) {
  cell_sep(o);
  bool guard = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
               s[0] == '\r';
  /* one scan finds both whether quotes are needed and, when not, the
   * length (strcspn is vectorized; most cells are plain) */
  size_t plain = strcspn(s, ",\"\r\n");
  if (s[plain] == '\0') {
    if (guard)
      strbuf_addc(&o->buf, '\'');
    strbuf_add(&o->buf, s, plain);
    return;
  }
  strbuf_addc(&o->buf, '"');
  if (guard)
    strbuf_addc(&o->buf, '\'');
  for (; *s; s++) {
    if (*s == '"')
      strbuf_addc(&o->buf, '"');
    strbuf_addc(&o->buf, *s);
  }
  strbuf_addc(&o->buf, '"');
}

void csv_out_num(struct csv_out *o, const char *s) {
  cell_sep(o);
  strbuf_adds(&o->buf, s);
}

void csv_out_end_row(struct csv_out *o) {
  strbuf_add(&o->buf, "\r\n", 2);
  o->row_started = false;
  o->rows++;
  if (o->buf.len >= OUT_BLOCK)
    flush_buf(o, false);
}

uint64_t csv_out_rows(const struct csv_out *o) { return o->rows; }

static void put_le32(unsigned char *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (unsigned char)(v >> (8 * i));
}

static void free_out(struct csv_out *o) {
  free(o->level_buf);
  free(o->zbuf);
  strbuf_release(&o->work);
  strbuf_release(&o->buf);
  free(o->path);
  free(o);
}

int csv_out_close(struct csv_out *o, struct strbuf *err) {
  if (!o)
    return 0;
  flush_buf(o, true);
  stop_deflater(o);
  if (o->gzip) {
    unsigned char trailer[8];
    put_le32(trailer, o->crc);
    put_le32(trailer + 4, (uint32_t)o->isize);
    raw_write(o, trailer, sizeof(trailer));
  }
  if (fflush(o->f) != 0)
    note_errno(o);
  if (fclose(o->f) != 0)
    note_errno(o);
  int rc = 0;
  if (o->err) {
    strbuf_addf(err, "%s: %s", o->path, strerror(o->err));
    rc = -1;
  }
  free_out(o);
  return rc;
}

void csv_out_abort(struct csv_out *o) {
  if (!o)
    return;
  stop_deflater(o);
  fclose(o->f);
  free_out(o);
}
