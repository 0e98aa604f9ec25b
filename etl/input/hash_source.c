/* SHA-256 while reading (see hash_source.h), with libcrypto's EVP
 * interface. */
#include "etl/input/hash_source.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

#include "transforms/base/xalloc.h"

struct hash_source {
  struct byte_source base;
  struct byte_source *inner;
  EVP_MD_CTX *ctx;
  struct hash_result *result;
  bool done;
};

static void finish(struct hash_source *h) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  static const char digits[] = "0123456789abcdef";
  if (EVP_DigestFinal_ex(h->ctx, md, &n) != 1 || n * 2 != HASH_SOURCE_HEX_LEN)
    return; /* no digest rather than a wrong one */
  for (unsigned int i = 0; i < n; i++) {
    h->result->hex[2 * i] = digits[md[i] >> 4];
    h->result->hex[2 * i + 1] = digits[md[i] & 15];
  }
  h->result->hex[HASH_SOURCE_HEX_LEN] = '\0';
}

static ssize_t hash_read(struct byte_source *s, void *buf, size_t cap, struct strbuf *err) {
  struct hash_source *h = (struct hash_source *)s;
  ssize_t n = byte_source_read(h->inner, buf, cap, err);
  s->in = h->inner->in;
  s->out = h->inner->out;
  s->compressed = h->inner->compressed;
  if (n > 0 && !h->done)
    EVP_DigestUpdate(h->ctx, buf, (size_t)n);
  else if (n == 0 && !h->done) {
    h->done = true;
    finish(h);
  }
  return n;
}

static void hash_free(struct byte_source *s) {
  struct hash_source *h = (struct hash_source *)s;
  byte_source_free(h->inner);
  EVP_MD_CTX_free(h->ctx);
  free(h);
}

static const struct byte_source_ops hash_ops = {hash_read, hash_free};

struct byte_source *byte_source_hash(struct byte_source *inner, struct hash_result *result) {
  struct hash_source *h = xcalloc(1, sizeof(*h));
  h->base.ops = &hash_ops;
  h->base.compressed = inner->compressed;
  h->base.in = inner->in;
  h->base.out = inner->out;
  h->inner = inner;
  h->result = result;
  result->hex[0] = '\0';
  h->ctx = EVP_MD_CTX_new();
  EVP_MD *md = EVP_MD_fetch(NULL, "SHA256", NULL);
  int ok = h->ctx && md && EVP_DigestInit_ex2(h->ctx, md, NULL) == 1;
  EVP_MD_free(md); /* the context holds its own reference */
  if (!ok) {
    fputs("fatal: libcrypto cannot set up SHA-256\n", stderr);
    exit(1);
  }
  return &h->base;
}
