/* Fuzz target for etl/input/reader.h: the bytes are read as an in-memory input
 * (plain CSV or gzip, detected by magic) and as an in-memory archive (zip,
 * tar, tar.gz) whose Lead and Contact entries are read to the end. Every
 * record is checked for the reader's promises (NUL-terminated fields of the
 * stated length, increasing lines); it must never crash, leak or hang.
 * Limits are small so that a bomb input stays quick. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "etl/input/reader.h"
#include "transforms/base/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_record(const struct etl_record *rec, uint64_t *last_line) {
  if (rec->nfields == 0 || rec->line < *last_line)
    abort();
  *last_line = rec->line;
  for (size_t i = 0; i < rec->nfields; i++) {
    if (rec->lens[i] > ETL_MAX_FIELD_BYTES || rec->fields[i][rec->lens[i]] != '\0')
      abort();
  }
}

static void drain(struct etl_reader *r) {
  const struct etl_record *h = etl_reader_header(r);
  uint64_t last = h->line;
  check_record(h, &last);
  if (etl_reader_column(r, h->fields[0]) != 0 && memchr(h->fields[0], 0, h->lens[0]) == NULL)
    abort();
  struct etl_record rec;
  int rc;
  while ((rc = etl_reader_next(r, &rec)) == ETL_READ_OK)
    check_record(&rec, &last);
  if (rc == ETL_READ_FAULT && etl_reader_error(r)[0] == '\0')
    abort();
  if (etl_reader_bytes_out(r) > 8u << 20)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct etl_input_opts opts = {8u << 20, 1000.0, (size & 1) != 0, (size & 2) != 0, 0};
  struct strbuf err = STRBUF_INIT;
  struct etl_reader *r = NULL;
  if (etl_reader_open_memory(&r, data, size, "fuzz.csv", &opts, &err) == 0)
    drain(r);
  etl_reader_free(r);
  strbuf_reset(&err);

  struct etl_container *c = NULL;
  if (etl_container_open_memory(&c, data, size, "fuzz.zip", &opts, &err) == 0) {
    const char *entities[] = {"Lead", "Contact"};
    for (size_t i = 0; i < 2; i++) {
      r = NULL;
      strbuf_reset(&err);
      if (etl_container_open_entity(c, entities[i], &r, &err) == 1)
        drain(r);
      etl_reader_free(r);
    }
  }
  etl_container_free(c);
  strbuf_release(&err);
  return 0;
}
