/* Fuzz target for the pre-split files of etl-split (etl/input/presplit.h)
 * and their replay through etl/input/reader.h. The first byte chooses how
 * the rest is read: odd, its frames' CRCs and the trailer's length are
 * recomputed first, so that the fuzzer reaches the parsers of the payloads
 * (which random bytes would never do past a CRC); even, the bytes are read
 * as they are. The file is opened from memory; every stream is replayed
 * both through the stream cursor and through a reader (or, for a CRM part,
 * a replayed container and each entity it records), and every record is
 * checked for the reader's promises (at least one field, NUL-terminated
 * fields of the stated length, no field over 1 MiB); a fault always has a
 * message. It must never crash, leak or hang. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "etl/input/presplit.h"
#include "etl/input/presplit_frame.h"
#include "etl/input/reader.h"
#include "transforms/base/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_record(const struct etl_record *rec) {
  if (rec->nfields == 0)
    abort();
  for (size_t i = 0; i < rec->nfields; i++)
    if (rec->lens[i] > ETL_MAX_FIELD_BYTES || rec->fields[i][rec->lens[i]] != '\0')
      abort();
}

static void drain_reader(struct etl_reader *r) {
  check_record(etl_reader_header(r));
  struct etl_record rec;
  int rc;
  while ((rc = etl_reader_next(r, &rec)) == ETL_READ_OK)
    check_record(&rec);
  if (rc == ETL_READ_FAULT && etl_reader_error(r)[0] == '\0')
    abort();
  (void)etl_reader_sha256(r);
  (void)etl_reader_bytes_out(r);
}

static void replay(const struct presplit_file *f) {
  struct strbuf err = STRBUF_INIT;
  for (size_t i = 0; i < presplit_file_streams(f); i++) {
    struct presplit_stream *s = NULL;
    strbuf_reset(&err);
    if (presplit_stream_open(&s, f, i, &err) == 0) {
      struct etl_record rec;
      int rc;
      while ((rc = presplit_stream_next(s, &rec)) == ETL_READ_OK)
        check_record(&rec);
      if (rc == ETL_READ_FAULT && presplit_stream_error(s)[0] == '\0')
        abort();
      presplit_stream_free(s);
    }
  }
  struct etl_input_opts opts;
  memset(&opts, 0, sizeof(opts));
  opts.max_input_bytes = 8u << 20;
  opts.max_expand_ratio = 1000.0;
  opts.row_digests = true;
  if (!presplit_file_head(f)->crm) {
    struct etl_reader *r = NULL;
    strbuf_reset(&err);
    if (etl_reader_open_presplit(&r, f, 0, "fuzz.csv", &opts, &err) == 0)
      drain_reader(r);
    etl_reader_free(r);
  } else {
    struct etl_container *c = NULL;
    strbuf_reset(&err);
    if (etl_container_open_presplit(&c, f, "fuzz.zip", &opts, &err) == 0) {
      const char *entities[] = {"Campaign", "Lead", "Contact", "Opportunity"};
      for (size_t k = 0; k < 4; k++) {
        size_t index = 0;
        struct etl_reader *r = NULL;
        strbuf_reset(&err);
        if (etl_container_find(c, entities[k], &index, &err) == 1 &&
            etl_container_open_at(c, index, &r, &err) == 0)
          drain_reader(r);
        etl_reader_free(r);
      }
    }
    etl_container_free(c);
  }
  strbuf_release(&err);
}

static void fuzz_put_le(uint8_t *p, uint64_t v, int n) {
  for (int i = 0; i < n; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

/* Recomputes each frame's CRC from offset 8 on while frames fit, and the
 * trailer's total length. */
static void fix_up(uint8_t *d, size_t n) {
  if (n < 8 + 24)
    return;
  size_t end = n - 24, off = 8;
  while (end - off >= 9) {
    size_t len = (size_t)d[off + 1] | (size_t)d[off + 2] << 8 | (size_t)d[off + 3] << 16 |
                 (size_t)d[off + 4] << 24;
    if (len > end - off - 9)
      break;
    fuzz_put_le(d + off + 5, presplit_crc((char)d[off], d + off + 9, len), 4);
    off += 9 + len;
  }
  fuzz_put_le(d + n - 16, n, 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  size_t n = size - 1;
  uint8_t *copy = malloc(n ? n : 1);
  if (!copy)
    return 0;
  if (n)
    memcpy(copy, data + 1, n);
  if (data[0] & 1)
    fix_up(copy, n);
  struct presplit_file *f = NULL;
  struct strbuf err = STRBUF_INIT;
  if (presplit_file_open_memory(&f, copy, n, "fuzz.rec", &err) == 0)
    replay(f);
  else if (err.len == 0)
    abort();
  presplit_file_free(f);
  strbuf_release(&err);
  free(copy);
  return 0;
}
