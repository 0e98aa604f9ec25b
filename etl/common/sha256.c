/* SHA-256 through libcrypto's EVP interface (see sha256.h). */
#include "etl/common/sha256.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

static void fatal(const char *what) {
  fprintf(stderr, "fatal: libcrypto: %s\n", what);
  exit(1);
}

void sha256_init(struct sha256 *s) {
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  if (!ctx || EVP_DigestInit_ex2(ctx, EVP_sha256(), NULL) != 1)
    fatal("cannot set up SHA-256");
  s->ctx = ctx;
}

void sha256_update(struct sha256 *s, const void *data, size_t n) {
  if (n && EVP_DigestUpdate(s->ctx, data, n) != 1)
    fatal("SHA-256 failed");
}

void sha256_final(struct sha256 *s, unsigned char out[SHA256_DIGEST_LEN]) {
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(s->ctx, out, &len) != 1 || len != SHA256_DIGEST_LEN)
    fatal("SHA-256 failed");
  sha256_discard(s);
}

void sha256_discard(struct sha256 *s) {
  EVP_MD_CTX_free(s->ctx);
  s->ctx = NULL;
}

void sha256_hex(const unsigned char digest[SHA256_DIGEST_LEN], char hex[SHA256_HEX_LEN + 1]) {
  static const char digits[] = "0123456789abcdef";
  for (int i = 0; i < SHA256_DIGEST_LEN; i++) {
    hex[2 * i] = digits[digest[i] >> 4];
    hex[2 * i + 1] = digits[digest[i] & 15];
  }
  hex[SHA256_HEX_LEN] = '\0';
}

void sha256_hex_of(const void *data, size_t n, char hex[SHA256_HEX_LEN + 1]) {
  struct sha256 s;
  unsigned char d[SHA256_DIGEST_LEN];
  sha256_init(&s);
  sha256_update(&s, data, n);
  sha256_final(&s, d);
  sha256_hex(d, hex);
}
