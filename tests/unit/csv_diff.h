/* Shared by tests/fuzz/fuzz_csv_diff.c and tests/unit/test_csv_tokenizer.c:
 * everything a reader hands out for some bytes (open status and message,
 * header, every record with its line, the end status and message, the byte
 * counters), written out as one text, through the fast tokenizer or through
 * libcsv (etl_reader_open_memory_libcsv). Two texts are equal exactly when
 * the two splits are. */
#ifndef ATTR_TEST_CSV_DIFF_H
#define ATTR_TEST_CSV_DIFF_H

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "etl/input/reader.h"
#include "transforms/base/strbuf.h"

static inline void csv_diff_record(struct strbuf *out, const char *what,
                                   const struct etl_record *rec) {
  strbuf_addf(out, "%s line=%" PRIu64 " n=%zu", what, rec->line, rec->nfields);
  for (size_t i = 0; i < rec->nfields; i++) {
    strbuf_addf(out, " %zu:", rec->lens[i]);
    strbuf_add(out, rec->fields[i], rec->lens[i]);
  }
  strbuf_addc(out, '\n');
}

/* The whole reading of data as text, into out. */
static inline void csv_diff_read(struct strbuf *out, const void *data, size_t size,
                                 const struct etl_input_opts *opts, bool libcsv) {
  struct strbuf err = STRBUF_INIT;
  struct etl_reader *r = NULL;
  int rc = libcsv ? etl_reader_open_memory_libcsv(&r, data, size, "d.csv", opts, &err)
                  : etl_reader_open_memory(&r, data, size, "d.csv", opts, &err);
  strbuf_addf(out, "open %d %s\n", rc, strbuf_str(&err));
  if (rc == 0) {
    csv_diff_record(out, "header", etl_reader_header(r));
    struct etl_record rec;
    while ((rc = etl_reader_next(r, &rec)) == ETL_READ_OK)
      csv_diff_record(out, "record", &rec);
    strbuf_addf(out, "end %d %s bytes=%" PRIu64 "/%" PRIu64 "\n", rc, etl_reader_error(r),
                etl_reader_bytes_in(r), etl_reader_bytes_out(r));
    /* a fault repeats */
    if (rc == ETL_READ_FAULT && etl_reader_next(r, &rec) != ETL_READ_FAULT)
      strbuf_adds(out, "fault did not repeat\n");
  }
  etl_reader_free(r);
  strbuf_release(&err);
}

/* 0 when both splits agree; else the byte offset + 1 where the texts part. */
static inline size_t csv_diff_compare(const void *data, size_t size,
                                      const struct etl_input_opts *opts) {
  struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
  csv_diff_read(&a, data, size, opts, false);
  csv_diff_read(&b, data, size, opts, true);
  size_t at = 0;
  if (a.len != b.len || memcmp(a.buf, b.buf, a.len) != 0) {
    while (at < a.len && at < b.len && a.buf[at] == b.buf[at])
      at++;
    at++;
  }
  strbuf_release(&a);
  strbuf_release(&b);
  return at;
}

#endif
