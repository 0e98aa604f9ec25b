/* Record pipeline between a CSV producer thread and the reader's consumer
 * (see record_pipe.h): a ring of batches, each holding the bytes, field
 * offsets and lengths of up to PIPE_RECORDS records. */
#include "etl/input/record_pipe.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "etl/input/row_digest.h"
#include "transforms/base/xalloc.h"

#define PIPE_BATCHES 3
#define PIPE_RECORDS 1024
#define PIPE_BYTES (1u << 20)

struct pipe_rec {
  size_t first, nfields;
  uint64_t line;
  bool has_digest;
  unsigned char digest[ROW_DIGEST_LEN];
};

struct batch {
  char *bytes;
  size_t nbytes, bytes_cap;
  size_t *foff, *flen;
  size_t nf, f_cap;
  struct pipe_rec *recs;
  size_t nrecs, recs_cap;
  int end;     /* ETL_READ_OK: more batches follow; else the final status */
  uint64_t in, out;
  bool full;
};

struct record_pipe {
  record_pull_fn pull;
  record_counters_fn counters;
  void *ctx;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  struct batch b[PIPE_BATCHES];
  size_t head, pos; /* consumer: batch and record being handed out */
  bool taken;       /* consumer holds b[head] */
  bool cancel;
  bool done;        /* consumer reached the end status */
  int status;
  uint64_t in, out;
  char **fields;
  size_t fields_cap;
};

static void batch_add(struct batch *b, const struct etl_record *rec) {
  XGROW(b->recs, b->recs_cap, b->nrecs + 1);
  struct pipe_rec *pr = &b->recs[b->nrecs++];
  pr->first = b->nf;
  pr->nfields = rec->nfields;
  pr->line = rec->line;
  pr->has_digest = rec->digest != NULL;
  if (rec->digest)
    memcpy(pr->digest, rec->digest, ROW_DIGEST_LEN);
  if (b->nf + rec->nfields > b->f_cap) {
    size_t cap = b->f_cap ? b->f_cap : 256;
    while (cap < b->nf + rec->nfields)
      cap *= 2;
    b->foff = xreallocarray(b->foff, cap, sizeof(*b->foff));
    b->flen = xreallocarray(b->flen, cap, sizeof(*b->flen));
    b->f_cap = cap;
  }
  for (size_t i = 0; i < rec->nfields; i++) {
    size_t len = rec->lens[i];
    XGROW(b->bytes, b->bytes_cap, b->nbytes + len + 1);
    memcpy(b->bytes + b->nbytes, rec->fields[i], len);
    b->bytes[b->nbytes + len] = '\0';
    b->foff[b->nf] = b->nbytes;
    b->flen[b->nf] = len;
    b->nf++;
    b->nbytes += len + 1;
  }
}

static void *producer(void *arg) {
  struct record_pipe *p = arg;
  for (size_t i = 0;; i = (i + 1) % PIPE_BATCHES) {
    struct batch *b = &p->b[i];
    pthread_mutex_lock(&p->mu);
    while (b->full && !p->cancel)
      pthread_cond_wait(&p->cv, &p->mu);
    bool cancel = p->cancel;
    pthread_mutex_unlock(&p->mu);
    if (cancel)
      return NULL;
    b->nbytes = b->nf = b->nrecs = 0;
    b->end = ETL_READ_OK;
    struct etl_record rec;
    while (b->nrecs < PIPE_RECORDS && b->nbytes < PIPE_BYTES) {
      int rc = p->pull(p->ctx, &rec);
      if (rc != ETL_READ_OK) {
        b->end = rc;
        break;
      }
      batch_add(b, &rec);
    }
    p->counters(p->ctx, &b->in, &b->out);
    pthread_mutex_lock(&p->mu);
    b->full = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    if (b->end != ETL_READ_OK)
      return NULL;
  }
}

struct record_pipe *record_pipe_start(record_pull_fn pull, record_counters_fn counters, void *ctx) {
  struct record_pipe *p = xcalloc(1, sizeof(*p));
  p->pull = pull;
  p->counters = counters;
  p->ctx = ctx;
  counters(ctx, &p->in, &p->out);
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->cv, NULL);
  if (pthread_create(&p->thread, NULL, producer, p) != 0) {
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
    return NULL;
  }
  return p;
}

/* Gives b[head] back to the producer and moves to the next batch. */
static void release_head(struct record_pipe *p) {
  pthread_mutex_lock(&p->mu);
  p->b[p->head].full = false;
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
  p->head = (p->head + 1) % PIPE_BATCHES;
  p->pos = 0;
  p->taken = false;
}

int record_pipe_next(struct record_pipe *p, struct etl_record *rec) {
  for (;;) {
    if (p->done)
      return p->status;
    struct batch *b = &p->b[p->head];
    if (!p->taken) {
      pthread_mutex_lock(&p->mu);
      while (!b->full)
        pthread_cond_wait(&p->cv, &p->mu);
      pthread_mutex_unlock(&p->mu);
      p->taken = true;
      p->pos = 0;
      p->in = b->in;
      p->out = b->out;
    }
    if (p->pos < b->nrecs) {
      const struct pipe_rec *pr = &b->recs[p->pos++];
      XGROW(p->fields, p->fields_cap, pr->nfields + 1);
      for (size_t i = 0; i < pr->nfields; i++)
        p->fields[i] = b->bytes + b->foff[pr->first + i];
      p->fields[pr->nfields] = NULL;
      rec->line = pr->line;
      rec->nfields = pr->nfields;
      rec->fields = p->fields;
      rec->lens = b->flen + pr->first;
      rec->digest = pr->has_digest ? pr->digest : NULL;
      return ETL_READ_OK;
    }
    if (b->end != ETL_READ_OK) {
      p->done = true;
      p->status = b->end;
      continue;
    }
    release_head(p);
  }
}

void record_pipe_counters(const struct record_pipe *p, uint64_t *in, uint64_t *out) {
  *in = p->in;
  *out = p->out;
}

void record_pipe_stop(struct record_pipe *p) {
  if (!p)
    return;
  pthread_mutex_lock(&p->mu);
  p->cancel = true;
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
  pthread_join(p->thread, NULL);
  for (size_t i = 0; i < PIPE_BATCHES; i++) {
    free(p->b[i].bytes);
    free(p->b[i].foff);
    free(p->b[i].flen);
    free(p->b[i].recs);
  }
  free(p->fields);
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->cv);
  free(p);
}
