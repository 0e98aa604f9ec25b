/* libarchive access for CRM archives; see archive_entry.h. Skipping entries
 * of a compressed archive (tar.gz) decompresses them, so the skip reads
 * block by block and checks the expansion ratio of the decompressed stream
 * as it goes: a bomb in an entry nobody asked for must not hang the run. */
#include "etl/input/archive_entry.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"

#define ARCHIVE_BLOCK_SIZE 65536
#define RATIO_FLOOR 1048576u /* ratio checked once past 1 MiB uncompressed */

static const char *arch_msg(struct archive *a) {
  const char *m = archive_error_string(a);
  return m ? m : "unknown archive error";
}

static struct archive *arch_open(const struct etl_archive_origin *o, struct strbuf *err) {
  struct archive *a = archive_read_new();
  if (!a) {
    strbuf_addf(err, "%s: out of memory", o->name);
    return NULL;
  }
  archive_read_support_format_zip_seekable(a);
  archive_read_support_format_tar(a);
  archive_read_support_filter_gzip(a);
  int rc = o->path ? archive_read_open_filename(a, o->path, ARCHIVE_BLOCK_SIZE)
                   : archive_read_open_memory(a, o->data, o->len);
  if (rc != ARCHIVE_OK) {
    strbuf_addf(err, "%s: %s", o->name, arch_msg(a));
    archive_read_free(a);
    return NULL;
  }
  return a;
}

/* "<archive>:<entry>" or "<archive>" for messages about entry data. */
static void add_where(struct strbuf *err, const struct etl_archive_origin *o, const char *entry) {
  strbuf_addf(err, "%s%s%s", o->name, entry ? ":" : "", entry ? entry : "");
}

/* Ratio of the decompressed archive stream (filter 0) to the raw bytes read
 * (last filter); only meaningful with a compression filter. */
static int stream_ratio_check(struct archive *a, const struct etl_archive_origin *o,
                              const struct etl_input_opts *opts, const char *entry,
                              struct strbuf *err) {
  int64_t out = archive_filter_bytes(a, 0);
  int64_t in = archive_filter_bytes(a, -1);
  if (in < 1)
    in = 1;
  if (out > (int64_t)RATIO_FLOOR && (double)out > opts->max_expand_ratio * (double)in) {
    add_where(err, o, entry);
    strbuf_addf(err, ": expands past max_expand_ratio %g", opts->max_expand_ratio);
    return -1;
  }
  return 0;
}

/* Skips the data of the current entry (named `entry` in messages, NULL for
 * one that is not a regular file). */
static int skip_entry(struct archive *a, const struct etl_archive_origin *o,
                      const struct etl_input_opts *opts, const char *entry, struct strbuf *err) {
  if (archive_filter_count(a) <= 1) { /* no decompression: skipping seeks */
    if (archive_read_data_skip(a) < ARCHIVE_WARN) {
      add_where(err, o, entry);
      strbuf_addf(err, ": %s", arch_msg(a));
      return -1;
    }
    return 0;
  }
  for (;;) {
    const void *buf;
    size_t size;
    la_int64_t offset;
    int rc = archive_read_data_block(a, &buf, &size, &offset);
    if (rc == ARCHIVE_EOF)
      return 0;
    if (rc < ARCHIVE_OK) {
      add_where(err, o, entry);
      strbuf_addf(err, ": %s", arch_msg(a));
      return -1;
    }
    if (stream_ratio_check(a, o, opts, entry, err) < 0)
      return -1;
  }
}

/* Reads the next header: 1 with *e, 0 at the end, -1 on a fault. */
static int next_header(struct archive *a, const struct etl_archive_origin *o,
                       struct archive_entry **e, struct strbuf *err) {
  int rc = archive_read_next_header(a, e);
  if (rc == ARCHIVE_EOF)
    return 0;
  if (rc < ARCHIVE_WARN) {
    strbuf_addf(err, "%s: %s", o->name, arch_msg(a));
    return -1;
  }
  return 1;
}

static const char *entry_path(struct archive_entry *e) {
  const char *p = archive_entry_pathname(e);
  return p ? p : archive_entry_pathname_utf8(e);
}

int etl_archive_list(const struct etl_archive_origin *o, const struct etl_input_opts *opts,
                     struct etl_archive_member **members, size_t *n, struct strbuf *err) {
  *members = NULL;
  *n = 0;
  struct archive *a = arch_open(o, err);
  if (!a)
    return -1;
  struct etl_archive_member *list = NULL;
  size_t count = 0, cap = 0;
  int rc;
  struct archive_entry *e;
  for (size_t ordinal = 0; (rc = next_header(a, o, &e, err)) == 1; ordinal++) {
    const char *path = entry_path(e);
    bool regular = archive_entry_filetype(e) == AE_IFREG && path;
    if (regular) {
      XGROW(list, cap, count + 1);
      list[count].path = xstrdup(path);
      list[count].ordinal = ordinal;
      list[count].size = archive_entry_size_is_set(e) && archive_entry_size(e) > 0
                             ? (uint64_t)archive_entry_size(e)
                             : 0;
      count++;
    }
    if ((rc = skip_entry(a, o, opts, regular ? list[count - 1].path : NULL, err)) < 0)
      break;
  }
  archive_read_free(a);
  if (rc < 0) {
    etl_archive_members_free(list, count);
    return -1;
  }
  *members = list;
  *n = count;
  return 0;
}

void etl_archive_members_free(struct etl_archive_member *members, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(members[i].path);
  free(members);
}

struct entry_source {
  struct byte_source base;
  struct archive *a;
  int64_t raw_start;
};

static ssize_t entry_read(struct byte_source *s, void *buf, size_t cap, struct strbuf *err) {
  struct entry_source *es = (struct entry_source *)s;
  la_ssize_t n = archive_read_data(es->a, buf, cap);
  if (n < 0) {
    strbuf_addf(err, "%s", arch_msg(es->a));
    return -1;
  }
  int64_t raw = archive_filter_bytes(es->a, -1) - es->raw_start;
  s->in = raw > 0 ? (uint64_t)raw : 0;
  s->out += (uint64_t)n;
  return (ssize_t)n;
}

static void entry_free(struct byte_source *s) {
  struct entry_source *es = (struct entry_source *)s;
  archive_read_free(es->a);
  free(es);
}

static const struct byte_source_ops entry_ops = {entry_read, entry_free};

struct byte_source *etl_archive_open_member(const struct etl_archive_origin *o,
                                            const struct etl_archive_member *m,
                                            const struct etl_input_opts *opts,
                                            struct strbuf *err) {
  struct archive *a = arch_open(o, err);
  if (!a)
    return NULL;
  struct archive_entry *e;
  for (size_t ordinal = 0;; ordinal++) {
    int rc = next_header(a, o, &e, err);
    if (rc == 0)
      strbuf_addf(err, "%s: entry %s disappeared", o->name, m->path);
    if (rc <= 0)
      break;
    if (ordinal == m->ordinal) {
      const char *path = entry_path(e);
      if (!path || strcmp(path, m->path) != 0) {
        strbuf_addf(err, "%s: entry %s changed", o->name, m->path);
        break;
      }
      struct entry_source *es = xcalloc(1, sizeof(*es));
      es->base.ops = &entry_ops;
      es->base.compressed = true;
      es->a = a;
      es->raw_start = archive_filter_bytes(a, -1);
      return &es->base;
    }
    if (skip_entry(a, o, opts, archive_entry_filetype(e) == AE_IFREG ? entry_path(e) : NULL,
                   err) < 0)
      break;
  }
  archive_read_free(a);
  return NULL;
}
