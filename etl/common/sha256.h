/* SHA-256 (FIPS 180-4) for the manifest's checksums of the config and of
 * every output. Small and self-contained so the pipeline needs no crypto
 * library; speed is secondary (outputs are hashed once per run). */
#ifndef ATTR_SHA256_H
#define ATTR_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN 64 /* without the NUL */

struct sha256 {
  uint32_t h[8];
  uint64_t total; /* bytes hashed so far */
  unsigned char block[64];
  size_t used; /* bytes in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
/* Writes the digest; s must be re-initialized before reuse. */
void sha256_final(struct sha256 *s, unsigned char out[SHA256_DIGEST_LEN]);
/* Lower-case hex of a digest into hex (65 bytes with the NUL). */
void sha256_hex(const unsigned char digest[SHA256_DIGEST_LEN], char hex[SHA256_HEX_LEN + 1]);
/* One-shot: hex digest of data. */
void sha256_hex_of(const void *data, size_t n, char hex[SHA256_HEX_LEN + 1]);

#endif
