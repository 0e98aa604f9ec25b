/* Differential fuzz target: the reader's fast CSV tokenizer
 * (etl/input/csv_tokenizer.h) against libcsv, the parser of record. The
 * bytes are read both ways (tests/unit/csv_diff.h), with `null` as text and
 * as empty; any difference in fields, quotes, records, line numbers, faults
 * or their messages aborts. Without libFuzzer the corpus
 * (tests/fuzz/corpus/fuzz_csv_diff/) is replayed under ctest. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/unit/csv_diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  for (int null_is_empty = 0; null_is_empty < 2; null_is_empty++) {
    struct etl_input_opts opts = {8u << 20, 1000.0, null_is_empty != 0, false, 0};
    size_t at = csv_diff_compare(data, size, &opts);
    if (at) {
      fprintf(stderr, "fuzz_csv_diff: the tokenizer and libcsv differ (null_is_empty=%d, "
              "text offset %zu)\n", null_is_empty, at - 1);
      abort();
    }
  }
  return 0;
}
