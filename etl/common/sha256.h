/* SHA-256 for the manifest's checksums of the config and of every output,
 * and the report's of its page. A thin wrapper over libcrypto (OpenSSL),
 * whose SHA-256 uses the CPU's SHA extensions where it has them (about
 * 1.7 GB/s here, against 0.2 GB/s for the portable code this replaced):
 * the manifest hashes every table of every run, touch_credits.csv.gz
 * included, so a backfill pays for it each time. */
#ifndef ATTR_SHA256_H
#define ATTR_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN 64 /* without the NUL */

/* Owns a libcrypto context from sha256_init until sha256_final or
 * sha256_discard. */
struct sha256 {
  void *ctx; /* EVP_MD_CTX */
};

/* Exits (like an allocation failure) when libcrypto has no SHA-256. */
void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
/* Writes the digest and frees the context; s must be re-initialized before
 * reuse. */
void sha256_final(struct sha256 *s, unsigned char out[SHA256_DIGEST_LEN]);
/* Frees the context of a hash that is abandoned (an error while reading). */
void sha256_discard(struct sha256 *s);
/* Lower-case hex of a digest into hex (65 bytes with the NUL). */
void sha256_hex(const unsigned char digest[SHA256_DIGEST_LEN], char hex[SHA256_HEX_LEN + 1]);
/* One-shot: hex digest of data. */
void sha256_hex_of(const void *data, size_t n, char hex[SHA256_HEX_LEN + 1]);

#endif
