/* Read-ahead thread over a byte_source (see prefetch_source.h): a ring of
 * blocks filled by a producer thread and drained by read(). */
#include "etl/input/prefetch_source.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"

#define PREFETCH_BLOCKS 4
#define PREFETCH_BLOCK_BYTES (1u << 20)

struct block {
  unsigned char *data;
  size_t len;
  uint64_t in, out; /* inner counters once this block was filled */
  bool full;
  bool last;  /* end of stream or error after this block */
  bool error; /* the fill failed: msg holds why */
};

struct prefetch {
  struct byte_source base;
  struct byte_source *inner;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  struct block blocks[PREFETCH_BLOCKS];
  size_t head;     /* block being read by the consumer */
  size_t pos;      /* offset in that block */
  bool cancel;     /* consumer is closing */
  bool finished;   /* consumer saw the last block */
  struct strbuf msg;
};

static void *producer(void *arg) {
  struct prefetch *p = arg;
  struct strbuf err = STRBUF_INIT;
  for (size_t i = 0;; i = (i + 1) % PREFETCH_BLOCKS) {
    struct block *b = &p->blocks[i];
    pthread_mutex_lock(&p->mu);
    while (b->full && !p->cancel)
      pthread_cond_wait(&p->cv, &p->mu);
    bool cancel = p->cancel;
    pthread_mutex_unlock(&p->mu);
    if (cancel)
      break;
    ssize_t n = byte_source_fill(p->inner, b->data, PREFETCH_BLOCK_BYTES, &err);
    pthread_mutex_lock(&p->mu);
    b->error = n < 0;
    b->len = n < 0 ? 0 : (size_t)n;
    b->last = n < (ssize_t)PREFETCH_BLOCK_BYTES;
    b->in = p->inner->in;
    b->out = p->inner->out;
    if (b->error)
      strbuf_add(&p->msg, err.buf ? err.buf : "", err.len);
    b->full = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    if (b->last)
      break;
  }
  strbuf_release(&err);
  return NULL;
}

static ssize_t prefetch_read(struct byte_source *s, void *buf, size_t cap, struct strbuf *err) {
  struct prefetch *p = (struct prefetch *)s;
  if (p->finished)
    return 0;
  struct block *b = &p->blocks[p->head];
  if (p->pos == 0) {
    pthread_mutex_lock(&p->mu);
    while (!b->full)
      pthread_cond_wait(&p->cv, &p->mu);
    pthread_mutex_unlock(&p->mu);
    if (b->error) {
      strbuf_adds(err, strbuf_str(&p->msg));
      p->finished = true;
      return -1;
    }
    s->in = b->in;
    s->out = b->out;
  }
  size_t n = b->len - p->pos;
  if (n > cap)
    n = cap;
  memcpy(buf, b->data + p->pos, n);
  p->pos += n;
  if (p->pos == b->len) {
    bool last = b->last;
    pthread_mutex_lock(&p->mu);
    b->full = false;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    p->pos = 0;
    p->head = (p->head + 1) % PREFETCH_BLOCKS;
    if (last)
      p->finished = true;
    if (n == 0 && !last)
      return prefetch_read(s, buf, cap, err);
  }
  return (ssize_t)n;
}

static void prefetch_free(struct byte_source *s) {
  struct prefetch *p = (struct prefetch *)s;
  pthread_mutex_lock(&p->mu);
  p->cancel = true;
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
  pthread_join(p->thread, NULL);
  byte_source_free(p->inner);
  for (size_t i = 0; i < PREFETCH_BLOCKS; i++)
    free(p->blocks[i].data);
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->cv);
  strbuf_release(&p->msg);
  free(p);
}

static const struct byte_source_ops prefetch_ops = {prefetch_read, prefetch_free};

struct byte_source *byte_source_prefetch(struct byte_source *inner) {
  struct prefetch *p = xcalloc(1, sizeof(*p));
  p->base.ops = &prefetch_ops;
  p->base.compressed = inner->compressed;
  p->base.in = inner->in;
  p->base.out = inner->out;
  p->inner = inner;
  strbuf_init(&p->msg);
  for (size_t i = 0; i < PREFETCH_BLOCKS; i++)
    p->blocks[i].data = xmalloc(PREFETCH_BLOCK_BYTES);
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->cv, NULL);
  if (pthread_create(&p->thread, NULL, producer, p) != 0) {
    for (size_t i = 0; i < PREFETCH_BLOCKS; i++)
      free(p->blocks[i].data);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
    return inner;
  }
  return &p->base;
}
