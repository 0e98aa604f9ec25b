/* Fuzz target for transforms/utf8.h: the repaired text is valid UTF-8,
 * repairing it again changes nothing (idempotent), valid input comes back
 * unchanged, and the replacement count is zero exactly for valid input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "transforms/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  struct strbuf once = STRBUF_INIT, twice = STRBUF_INIT;
  size_t n = utf8_repair(s, size, &once);
  bool valid = utf8_is_valid(s, size);
  if ((n == 0) != valid)
    abort();
  if (valid && (once.len != size || (size && memcmp(once.buf, s, size) != 0)))
    abort();
  if (!utf8_is_valid(strbuf_str(&once), once.len))
    abort();
  if (utf8_repair(strbuf_str(&once), once.len, &twice) != 0 || twice.len != once.len ||
      (once.len && memcmp(once.buf, twice.buf, once.len) != 0))
    abort();
  /* a replacement (3 bytes) stands for a subpart of 1 to 3 bytes */
  if (once.len < size || once.len > size + 2 * n)
    abort();
  strbuf_release(&once);
  strbuf_release(&twice);
  return 0;
}
