/* The decompression floor of scripts/bench: one sequential pass over every
 * input through the pipeline's own I/O layers, doing nothing with the bytes.
 *
 *   floor CRM_ZIP FILE.csv.gz...         raw: decompress only
 *   floor --csv CRM_ZIP FILE.csv.gz...   also split into CSV records
 *
 * Raw mode reads each regular entry of the CRM archive through
 * etl/input/archive_entry.h (libarchive, the entry's deflate stream) and each
 * gzip file through etl/input/gzip_stream.h over etl/input/byte_source.h (ISA-L igzip,
 * the fastest inflate here), in 1 MiB
 * reads: exactly the decompression etl-normalize pays, with no parsing.
 * --csv goes through etl/input/reader.h instead (the same layers plus libcsv
 * record splitting, line counting and the file-level limits), a floor for
 * any reader of these files. Prints the uncompressed bytes (and records) on
 * stdout; exits 1 on a read fault. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "etl/input/archive_entry.h"
#include "etl/input/byte_source.h"
#include "etl/input/gzip_stream.h"
#include "etl/input/reader.h"
#include "transforms/base/strbuf.h"

#define READ_SIZE (1u << 20)

static const struct etl_input_opts opts = {UINT64_C(68719476736), 1000.0, false, false, 0};

static const char *base_name(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

/* Reads a source to its end; returns the bytes produced or -1. */
static int64_t drain(struct byte_source *s, char *buf, const char *what, struct strbuf *err) {
  int64_t total = 0;
  for (;;) {
    ssize_t n = byte_source_read(s, buf, READ_SIZE, err);
    if (n < 0) {
      fprintf(stderr, "floor: %s: %s\n", what, strbuf_str(err));
      return -1;
    }
    if (n == 0)
      return total;
    total += n;
  }
}

static int64_t raw_archive(const char *path, char *buf, struct strbuf *err) {
  struct etl_archive_origin o = {path, NULL, 0, base_name(path)};
  struct etl_archive_member *m;
  size_t n;
  if (etl_archive_list(&o, &opts, &m, &n, err) != 0) {
    fprintf(stderr, "floor: %s\n", strbuf_str(err));
    return -1;
  }
  int64_t total = 0;
  for (size_t i = 0; i < n && total >= 0; i++) {
    struct byte_source *s = etl_archive_open_member(&o, &m[i], &opts, err);
    if (!s) {
      fprintf(stderr, "floor: %s\n", strbuf_str(err));
      total = -1;
      break;
    }
    int64_t got = drain(s, buf, m[i].path, err);
    total = got < 0 ? -1 : total + got;
    byte_source_free(s);
  }
  etl_archive_members_free(m, n);
  return total;
}

static int64_t raw_gzip(const char *path, char *buf, struct strbuf *err) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, "floor: %s: %s\n", path, strerror(errno));
    return -1;
  }
  struct byte_source *raw = byte_source_fd(fd);
  unsigned char magic[2];
  ssize_t k = byte_source_fill(raw, magic, sizeof magic, err);
  if (k < 0 || !gzip_stream_magic(magic, (size_t)k)) {
    fprintf(stderr, "floor: %s: not a gzip file\n", path);
    byte_source_free(raw);
    return -1;
  }
  struct byte_source *s = gzip_stream_new(raw, magic, (size_t)k);
  int64_t total = drain(s, buf, path, err);
  byte_source_free(s);
  return total;
}

/* CSV mode: every record of a reader. */
static int64_t records(struct etl_reader *r, int64_t *bytes) {
  struct etl_record rec;
  int64_t n = 0;
  int rc;
  while ((rc = etl_reader_next(r, &rec)) == ETL_READ_OK)
    n++;
  if (rc == ETL_READ_FAULT) {
    fprintf(stderr, "floor: %s\n", etl_reader_error(r));
    return -1;
  }
  *bytes += (int64_t)etl_reader_bytes_out(r);
  return n;
}

static const char *const entities[] = {"Account", "Campaign", "Lead", "Contact", "Opportunity",
                                       "OpportunityContactRole", "CampaignMember"};

static int64_t csv_archive(const char *path, int64_t *bytes, struct strbuf *err) {
  struct etl_container *c;
  if (etl_container_open(&c, path, &opts, err) != 0) {
    fprintf(stderr, "floor: %s\n", strbuf_str(err));
    return -1;
  }
  int64_t total = 0;
  for (size_t i = 0; i < sizeof entities / sizeof entities[0] && total >= 0; i++) {
    struct etl_reader *r;
    int rc = etl_container_open_entity(c, entities[i], &r, err);
    if (rc == 0)
      continue; /* absent (Account.csv is optional) */
    if (rc < 0) {
      fprintf(stderr, "floor: %s\n", strbuf_str(err));
      total = -1;
      break;
    }
    int64_t n = records(r, bytes);
    total = n < 0 ? -1 : total + n;
    etl_reader_free(r);
  }
  etl_container_free(c);
  return total;
}

static int64_t csv_file(const char *path, int64_t *bytes, struct strbuf *err) {
  struct etl_reader *r;
  if (etl_reader_open_path(&r, path, NULL, &opts, err) != 0) {
    fprintf(stderr, "floor: %s\n", strbuf_str(err));
    return -1;
  }
  int64_t n = records(r, bytes);
  etl_reader_free(r);
  return n;
}

int main(int argc, char **argv) {
  int csv = argc > 1 && strcmp(argv[1], "--csv") == 0;
  int first = 1 + csv;
  if (argc - first < 1 || strcmp(argv[1], "--help") == 0) {
    fputs("usage: floor [--csv] CRM_ARCHIVE [FILE.csv.gz...]\n", argc > 1 ? stdout : stderr);
    return argc > 1 ? 0 : 2;
  }
  struct strbuf err = STRBUF_INIT;
  char *buf = malloc(READ_SIZE);
  int64_t bytes = 0, recs = 0;
  int status = 0;
  for (int i = first; i < argc && buf && status == 0; i++) {
    int64_t got;
    if (csv) {
      got = i == first ? csv_archive(argv[i], &bytes, &err) : csv_file(argv[i], &bytes, &err);
      recs += got;
    } else {
      got = i == first ? raw_archive(argv[i], buf, &err) : raw_gzip(argv[i], buf, &err);
      bytes += got;
    }
    if (got < 0)
      status = 1;
  }
  if (status == 0) {
    if (csv)
      printf("floor: %" PRId64 " bytes uncompressed, %" PRId64 " records\n", bytes, recs);
    else
      printf("floor: %" PRId64 " bytes uncompressed\n", bytes);
  }
  free(buf);
  strbuf_release(&err);
  return buf ? status : 1;
}
