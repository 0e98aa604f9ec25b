/* A set of 128-bit digests (already uniformly distributed, such as a cut
 * SHA-256): membership and insertion in one probe sequence, 16 bytes a slot
 * at a load of at most one half. The normalize stage keeps the digest of
 * every kept Marketo activity here to tell a re-exported row from a true
 * duplicate (contract §1.2) without a second table keyed by the row's id.
 * Open addressing, no deletion; allocation failure exits (xalloc.h). */
#ifndef ATTR_DIGEST_SET_H
#define ATTR_DIGEST_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DIGEST_SET_LEN 16

struct digest_set {
  uint64_t (*slots)[2]; /* a digest as two words; {0, 0} = free */
  size_t nslots;
  size_t count;
  bool has_zero; /* the all-zero digest, which cannot sit in a slot */
};

void digest_set_init(struct digest_set *s);
void digest_set_release(struct digest_set *s);
/* Adds d; returns true if it was not there yet. */
bool digest_set_add(struct digest_set *s, const unsigned char d[DIGEST_SET_LEN]);
bool digest_set_has(const struct digest_set *s, const unsigned char d[DIGEST_SET_LEN]);

#endif
