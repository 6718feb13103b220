/* test_csprng.c: lib/csprng.c, ChaCha20 with fast key erasure. Each output
 * is checked against the construction written out in csprng.h, computed
 * here with chacha20_block and chacha20_xor; then the properties: the same
 * seed gives the same stream, the key changes at every request, reseeding
 * changes the stream, every length works, and consecutive requests share no
 * bytes of keystream. */
/* memmem: the unit tests build with -D_GNU_SOURCE */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "csprng.h"

#define BIG 100000
static uint8_t g_a[BIG + 64], g_b[BIG + 64], g_want[BIG + 64];

static const uint8_t ZERO_NONCE[12];

static const uint8_t SEED[32] = "a seed of thirty-two bytes, yes";

/* csprng.h's reseed, one chunk of at most 32 bytes at index i. */
static void ref_reseed_chunk(uint8_t key[32], const uint8_t *c, size_t len,
                             uint32_t i) {
  uint8_t k[32], nonce[12] = {1, 0, 0, 0}, blk[64];
  for (size_t j = 0; j < 32; j++)
    k[j] = (uint8_t)(key[j] ^ (j < len ? c[j] : 0));
  nonce[4] = (uint8_t)i, nonce[5] = (uint8_t)(i >> 8);
  nonce[6] = (uint8_t)(i >> 16), nonce[7] = (uint8_t)(i >> 24);
  nonce[8] = (uint8_t)len;
  chacha20_block(k, 0, nonce, blk);
  memcpy(key, blk, 32);
}

/* csprng.h's output step: out = Z[32..32+n), key = Z[0..32). */
static void ref_step(uint8_t key[32], uint8_t *out, size_t n) {
  static uint8_t z[32 + BIG + 64];
  assert_true(n <= BIG + 64);
  chacha20_xor(key, 0, ZERO_NONCE, NULL, z, 32 + n);
  memcpy(out, z + 32, n);
  memcpy(key, z, 32);
}

static void test_init_and_read_follow_the_definition(void **state) {
  (void)state;
  csprng_t rng;
  csprng_init(&rng, SEED, sizeof(SEED));
  uint8_t key[32] = {0};
  ref_reseed_chunk(key, SEED, sizeof(SEED), 0);
  assert_memory_equal(rng.key, key, 32);

  csprng_read(&rng, g_a, 100);
  ref_step(key, g_want, 100);
  assert_memory_equal(g_a, g_want, 100);
  assert_memory_equal(rng.key, key, 32);
}

static void test_reseed_follows_the_definition(void **state) {
  (void)state;
  uint8_t seed[70];
  for (size_t i = 0; i < sizeof(seed); i++)
    seed[i] = (uint8_t)(i * 13 + 1);
  csprng_t rng;
  csprng_init(&rng, SEED, sizeof(SEED));
  uint8_t key[32];
  memcpy(key, rng.key, 32);
  csprng_reseed(&rng, seed, sizeof(seed)); /* chunks of 32, 32 and 6 */
  ref_reseed_chunk(key, seed, 32, 0);
  ref_reseed_chunk(key, seed + 32, 32, 1);
  ref_reseed_chunk(key, seed + 64, 6, 2);
  assert_memory_equal(rng.key, key, 32);
  /* An empty seed is one empty chunk: the key still changes. */
  csprng_reseed(&rng, NULL, 0);
  ref_reseed_chunk(key, NULL, 0, 0);
  assert_memory_equal(rng.key, key, 32);
}

static void test_same_seed_same_stream(void **state) {
  (void)state;
  csprng_t a, b;
  csprng_init(&a, SEED, sizeof(SEED));
  csprng_init(&b, SEED, sizeof(SEED));
  for (size_t n = 1; n < 300; n += 37) {
    csprng_read(&a, g_a, n);
    csprng_read(&b, g_b, n);
    assert_memory_equal(g_a, g_b, n);
  }
  /* A different seed, a different stream. */
  uint8_t other[sizeof(SEED)];
  memcpy(other, SEED, sizeof(other));
  other[31] ^= 1;
  csprng_init(&a, SEED, sizeof(SEED));
  csprng_init(&b, other, sizeof(other));
  csprng_read(&a, g_a, 64);
  csprng_read(&b, g_b, 64);
  assert_memory_not_equal(g_a, g_b, 64);
}

/* Fast key erasure: after every request, even of 0 bytes, the key is the
 * head of the old key's keystream, never the old key. */
static void test_key_changes_after_every_request(void **state) {
  (void)state;
  static const size_t lens[] = {0, 1, 31, 32, 33, 64, 0, 1000};
  csprng_t rng;
  csprng_init(&rng, SEED, sizeof(SEED));
  for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
    uint8_t old[32], head[32];
    memcpy(old, rng.key, 32);
    chacha20_xor(old, 0, ZERO_NONCE, NULL, head, 32);
    csprng_read(&rng, g_a, lens[i]);
    assert_memory_not_equal(rng.key, old, 32);
    assert_memory_equal(rng.key, head, 32);
  }
}

static void test_reseed_changes_the_stream(void **state) {
  (void)state;
  static const uint8_t s1[] = "more entropy", s2[] = "more entropz";
  csprng_t a, b, c;
  csprng_init(&a, SEED, sizeof(SEED));
  csprng_init(&b, SEED, sizeof(SEED));
  csprng_init(&c, SEED, sizeof(SEED));
  csprng_reseed(&b, s1, sizeof(s1));
  csprng_reseed(&c, s2, sizeof(s2));
  csprng_read(&a, g_a, 64);
  csprng_read(&b, g_b, 64);
  csprng_read(&c, g_want, 64);
  assert_memory_not_equal(g_a, g_b, 64);
  assert_memory_not_equal(g_b, g_want, 64);
  /* Trailing zero bytes count: "x" and "x\0" are different seeds. */
  csprng_init(&a, SEED, sizeof(SEED));
  csprng_init(&b, SEED, sizeof(SEED));
  csprng_reseed(&a, (const uint8_t *)"x", 1);
  csprng_reseed(&b, (const uint8_t *)"x", 2);
  assert_memory_not_equal(a.key, b.key, 32);
}

static void test_any_length(void **state) {
  (void)state;
  static const size_t lens[] = {0, 1, 63, 64, 65, 4096, BIG};
  csprng_t rng;
  csprng_init(&rng, SEED, sizeof(SEED));
  uint8_t key[32];
  memcpy(key, rng.key, 32);
  for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
    size_t n = lens[i];
    memset(g_a, 0xa5, n + 64);
    csprng_read(&rng, g_a, n);
    ref_step(key, g_want, n);
    assert_memory_equal(g_a, g_want, n);
    for (size_t j = n; j < n + 64; j++) /* nothing past the end */
      assert_int_equal(g_a[j], 0xa5);
  }
  /* NULL is fine for no bytes. */
  csprng_read(&rng, NULL, 0);
}

/* A request longer than CSPRNG_STEP_MAX takes one step per CSPRNG_STEP_MAX
 * bytes, each with its own key. */
static void test_long_request_takes_several_steps(void **state) {
  (void)state;
  static uint8_t out[CSPRNG_STEP_MAX + 100], z[32 + CSPRNG_STEP_MAX];
  csprng_t rng;
  csprng_init(&rng, SEED, sizeof(SEED));
  uint8_t key[32];
  memcpy(key, rng.key, 32);
  csprng_read(&rng, out, sizeof(out));
  chacha20_xor(key, 0, ZERO_NONCE, NULL, z, 32 + CSPRNG_STEP_MAX);
  assert_memory_equal(out, z + 32, CSPRNG_STEP_MAX);
  memcpy(key, z, 32);
  chacha20_xor(key, 0, ZERO_NONCE, NULL, z, 32 + 100);
  assert_memory_equal(out + CSPRNG_STEP_MAX, z + 32, 100);
  assert_memory_equal(rng.key, z, 32);
}

/* Two requests in a row share no keystream: no 16-byte piece of the second
 * occurs anywhere in the first, and the key left behind is in neither. */
static void test_consecutive_requests_do_not_overlap(void **state) {
  (void)state;
  static const size_t lens[] = {1, 63, 64, 65, 4096, BIG};
  csprng_t rng;
  csprng_init(&rng, SEED, sizeof(SEED));
  for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
    size_t n = lens[i];
    csprng_read(&rng, g_a, n);
    csprng_read(&rng, g_b, n);
    if (n == 1) {
      uint8_t first = g_a[0];
      bool all_same = true; /* 1-byte requests: not a constant stream */
      for (int j = 0; j < 16; j++) {
        csprng_read(&rng, g_a, 1);
        all_same = all_same && g_a[0] == first;
      }
      assert_false(all_same);
      continue;
    }
    assert_memory_not_equal(g_a, g_b, n);
    for (size_t off = 0; off + 16 <= n; off += 16)
      assert_null(memmem(g_a, n, g_b + off, 16));
    if (n >= 32) {
      assert_null(memmem(g_a, n, rng.key, 32));
      assert_null(memmem(g_b, n, rng.key, 32));
    }
  }
}

static void test_wipe_forgets_the_key(void **state) {
  (void)state;
  csprng_t rng;
  csprng_init(&rng, SEED, sizeof(SEED));
  csprng_wipe(&rng);
  static const uint8_t zero[32];
  assert_memory_equal(rng.key, zero, 32);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_init_and_read_follow_the_definition),
      cmocka_unit_test(test_reseed_follows_the_definition),
      cmocka_unit_test(test_same_seed_same_stream),
      cmocka_unit_test(test_key_changes_after_every_request),
      cmocka_unit_test(test_reseed_changes_the_stream),
      cmocka_unit_test(test_any_length),
      cmocka_unit_test(test_long_request_takes_several_steps),
      cmocka_unit_test(test_consecutive_requests_do_not_overlap),
      cmocka_unit_test(test_wipe_forgets_the_key),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
