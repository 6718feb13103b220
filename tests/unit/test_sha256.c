/* test_sha256.c: lib/sha256.c against FIPS 180-4's examples (the NIST
 * example values for SHA-256: one block, two blocks, a million 'a'), the
 * empty message, and lengths on each side of where the padding takes a
 * second block (digests from Python's hashlib of the bytes pattern()
 * makes). Streaming in any split gives the one-call digest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "sha256.h"

static void hex(const uint8_t d[SHA256_BYTES], char out[2 * SHA256_BYTES + 1]) {
  for (int i = 0; i < SHA256_BYTES; i++)
    snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void assert_hex(const uint8_t d[SHA256_BYTES], const char *want) {
  char got[2 * SHA256_BYTES + 1];
  hex(d, got);
  assert_string_equal(got, want);
}

static void assert_digest(const void *msg, size_t len, const char *want) {
  uint8_t d[SHA256_BYTES];
  sha256(msg, len, d);
  assert_hex(d, want);
}

static void test_fips_one_block(void **state) {
  (void)state;
  assert_digest(
      "abc", 3,
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_fips_two_blocks(void **state) {
  (void)state;
  const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  assert_digest(
      m, strlen(m),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  const char *m896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                     "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
  assert_digest(
      m896, strlen(m896),
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_empty_message(void **state) {
  (void)state;
  assert_digest(
      "", 0,
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* A million 'a', fed 1,000 bytes at a time. */
static void test_fips_million_a(void **state) {
  (void)state;
  uint8_t chunk[1000];
  memset(chunk, 'a', sizeof(chunk));
  sha256_t s;
  sha256_init(&s);
  for (int i = 0; i < 1000; i++)
    sha256_update(&s, chunk, sizeof(chunk));
  uint8_t d[SHA256_BYTES];
  sha256_final(&s, d);
  assert_hex(
      d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void pattern(uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    p[i] = (uint8_t)(i * 7 + 1);
}

/* 55 bytes: the padding fits the last block; 56 to 63: it takes another. */
static void test_padding_boundaries(void **state) {
  (void)state;
  static const struct {
    size_t len;
    const char *digest;
  } v[] = {
      {55, "16fa57a0a3423a715d594516339f36189d6b5f93754a9714fef202616a9fabfe"},
      {56, "c37b44e5f1b18554b36966f4f8e08bfbf3164c4b6c10374d12d89850892073c5"},
      {63, "bbba992d2c85af960fb2987a1fd05e0aa82a3db3c740dd8982a9e273b75e36a3"},
      {64, "66bd4633ed6f71c4ecfa4763bf7ba1c8ec7612de9aa6c0578a7b675207c71e0b"},
      {65, "9f7dc47107b750a1f3d35db5d9547f24ef40da5b731b9540d4f43710a154f6c9"},
      {119, "a3ed307b730fa77c07531300c6e4a282330011d4d4caf6bb7b63ae05950f4b66"},
      {120, "8e3b15d9fea7472655aa069620b7f8c2e55ee1499f763200a7515fe826e99d20"},
  };
  uint8_t m[128];
  pattern(m, sizeof(m));
  for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
    assert_digest(m, v[i].len, v[i].digest);
}

/* Every split of a 200-byte message into two updates, and byte at a time,
 * gives the one-call digest. */
static void test_streaming_any_split(void **state) {
  (void)state;
  uint8_t m[200], want[SHA256_BYTES], got[SHA256_BYTES];
  pattern(m, sizeof(m));
  sha256(m, sizeof(m), want);
  for (size_t cut = 0; cut <= sizeof(m); cut++) {
    sha256_t s;
    sha256_init(&s);
    sha256_update(&s, m, cut);
    sha256_update(&s, m + cut, sizeof(m) - cut);
    sha256_final(&s, got);
    assert_memory_equal(got, want, SHA256_BYTES);
  }
  sha256_t s;
  sha256_init(&s);
  for (size_t i = 0; i < sizeof(m); i++)
    sha256_update(&s, m + i, 1);
  sha256_final(&s, got);
  assert_memory_equal(got, want, SHA256_BYTES);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fips_one_block),
      cmocka_unit_test(test_fips_two_blocks),
      cmocka_unit_test(test_empty_message),
      cmocka_unit_test(test_fips_million_a),
      cmocka_unit_test(test_padding_boundaries),
      cmocka_unit_test(test_streaming_any_split),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
