/* SHA-256 against the FIPS 180-2 test vectors ("", "abc", the 448-bit
 * message, a million 'a'), the padding boundaries (55/56/63/64/65/119/120
 * bytes, digests from coreutils sha256sum), and split invariance: feeding a
 * message in pieces gives the same digest as one update. */
#include <stdlib.h>
#include <string.h>

#include "etl/common/sha256.h"
#include "tests/unit/check.h"

static void hex_of_a(size_t n, char hex[SHA256_HEX_LEN + 1]) {
  char *buf = malloc(n ? n : 1);
  memset(buf, 'a', n);
  sha256_hex_of(buf, n, hex);
  free(buf);
}

static void test_vectors(void) {
  char hex[SHA256_HEX_LEN + 1];
  sha256_hex_of("", 0, hex);
  CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  sha256_hex_of("abc", 3, hex);
  CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  sha256_hex_of(m448, strlen(m448), hex);
  CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  hex_of_a(1000000, hex);
  CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_padding_boundaries(void) {
  static const struct {
    size_t n;
    const char *hex;
  } cases[] = {
      {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
      {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
      {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
      {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
      {65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
      {119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
      {120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char hex[SHA256_HEX_LEN + 1];
    hex_of_a(cases[i].n, hex);
    CHECK_STR(hex, cases[i].hex);
  }
}

/* Every split point of messages up to 200 bytes, and byte-at-a-time. */
static void test_split_invariance(void) {
  unsigned char msg[200];
  for (size_t i = 0; i < sizeof msg; i++)
    msg[i] = (unsigned char)(i * 37 + 11);
  int mismatches = 0;
  for (size_t n = 0; n <= sizeof msg; n++) {
    char whole[SHA256_HEX_LEN + 1];
    sha256_hex_of(msg, n, whole);
    for (size_t cut = 0; cut <= n; cut++) {
      struct sha256 s;
      unsigned char d[SHA256_DIGEST_LEN];
      char hex[SHA256_HEX_LEN + 1];
      sha256_init(&s);
      sha256_update(&s, msg, cut);
      sha256_update(&s, msg + cut, n - cut);
      sha256_final(&s, d);
      sha256_hex(d, hex);
      mismatches += strcmp(hex, whole) != 0;
    }
    struct sha256 s;
    unsigned char d[SHA256_DIGEST_LEN];
    char hex[SHA256_HEX_LEN + 1];
    sha256_init(&s);
    for (size_t i = 0; i < n; i++)
      sha256_update(&s, msg + i, 1);
    sha256_final(&s, d);
    sha256_hex(d, hex);
    mismatches += strcmp(hex, whole) != 0;
  }
  CHECK_I64(mismatches, 0);
  /* and a different message gives a different digest */
  char a[SHA256_HEX_LEN + 1], b[SHA256_HEX_LEN + 1];
  sha256_hex_of("abc", 3, a);
  sha256_hex_of("abd", 3, b);
  CHECK(strcmp(a, b) != 0);
}

int main(void) {
  test_vectors();
  test_padding_boundaries();
  test_split_invariance();
  return check_exit();
}
