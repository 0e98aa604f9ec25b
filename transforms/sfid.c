/* Salesforce id normalization (contract §2): ids are compared in their
 * case-safe 18-character form, so a 15-character id from one export and the
 * 18-character id of the same record from another are the same key. */
#include <string.h>

#include "transforms/values.h"

static const char sfid_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/* The checksum character of one 5-character chunk: bit i is set when
 * character i is an upper-case ASCII letter. */
static char sfid_chunk_char(const char *chunk) {
  unsigned bits = 0;
  for (unsigned i = 0; i < 5; i++)
    if (chunk[i] >= 'A' && chunk[i] <= 'Z')
      bits |= 1u << i;
  return sfid_alphabet[bits];
}

size_t sfid_normalize(const char *id, size_t n, char *out) {
  if (n)
    memcpy(out, id, n);
  if (n == 15) {
    for (size_t c = 0; c < 3; c++)
      out[15 + c] = sfid_chunk_char(id + 5 * c);
    n = 18;
  }
  out[n] = '\0';
  return n;
}
