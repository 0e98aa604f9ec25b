/* The raw byte sources (file descriptor, memory buffer), the tap, and the
 * helpers shared by every byte source; see byte_source.h. */
#include "etl/input/byte_source.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transforms/base/xalloc.h"

struct fd_source {
  struct byte_source base;
  int fd;
};

static ssize_t fd_read(struct byte_source *s, void *buf, size_t cap, struct strbuf *err) {
  struct fd_source *f = (struct fd_source *)s;
  for (;;) {
    ssize_t n = read(f->fd, buf, cap);
    if (n >= 0) {
      s->in += (uint64_t)n;
      s->out += (uint64_t)n;
      return n;
    }
    if (errno != EINTR) {
      strbuf_addf(err, "read error: %s", strerror(errno));
      return -1;
    }
  }
}

static void fd_free(struct byte_source *s) {
  struct fd_source *f = (struct fd_source *)s;
  close(f->fd);
  free(f);
}

static const struct byte_source_ops fd_ops = {fd_read, fd_free};

struct byte_source *byte_source_fd(int fd) {
  struct fd_source *f = xcalloc(1, sizeof(*f));
  f->base.ops = &fd_ops;
  f->fd = fd;
  return &f->base;
}

struct mem_source {
  struct byte_source base;
  const unsigned char *data;
  size_t len, pos;
};

static ssize_t mem_read(struct byte_source *s, void *buf, size_t cap, struct strbuf *err) {
  struct mem_source *m = (struct mem_source *)s;
  (void)err;
  size_t n = m->len - m->pos;
  if (n > cap)
    n = cap;
  if (n > 0)
    memcpy(buf, m->data + m->pos, n);
  m->pos += n;
  s->in += n;
  s->out += n;
  return (ssize_t)n;
}

static void mem_free(struct byte_source *s) { free(s); }

static const struct byte_source_ops mem_ops = {mem_read, mem_free};

struct byte_source *byte_source_memory(const void *data, size_t len) {
  struct mem_source *m = xcalloc(1, sizeof(*m));
  m->base.ops = &mem_ops;
  m->data = data;
  m->len = data ? len : 0;
  return &m->base;
}

struct tap_source {
  struct byte_source base;
  struct byte_source *inner;
  void (*fn)(void *arg, const void *data, size_t n);
  void *arg;
};

static ssize_t tap_read(struct byte_source *s, void *buf, size_t cap, struct strbuf *err) {
  struct tap_source *t = (struct tap_source *)s;
  ssize_t n = byte_source_read(t->inner, buf, cap, err);
  if (n > 0)
    t->fn(t->arg, buf, (size_t)n);
  s->in = t->inner->in;
  s->out = t->inner->out;
  return n;
}

static void tap_free(struct byte_source *s) {
  struct tap_source *t = (struct tap_source *)s;
  byte_source_free(t->inner);
  free(t);
}

static const struct byte_source_ops tap_ops = {tap_read, tap_free};

struct byte_source *byte_source_tap(struct byte_source *inner,
                                    void (*fn)(void *arg, const void *data, size_t n), void *arg) {
  struct tap_source *t = xcalloc(1, sizeof(*t));
  t->base.ops = &tap_ops;
  t->base.compressed = inner->compressed;
  t->inner = inner;
  t->fn = fn;
  t->arg = arg;
  return &t->base;
}

ssize_t byte_source_fill(struct byte_source *s, void *buf, size_t cap, struct strbuf *err) {
  size_t got = 0;
  while (got < cap) {
    ssize_t n = byte_source_read(s, (char *)buf + got, cap - got, err);
    if (n < 0)
      return -1;
    if (n == 0)
      break;
    got += (size_t)n;
  }
  return (ssize_t)got;
}

void byte_source_free(struct byte_source *s) {
  if (s)
    s->ops->free(s);
}
