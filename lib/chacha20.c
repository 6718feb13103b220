/* chacha20.c: RFC 8439 ChaCha20; see chacha20.h. */
#include "chacha20.h"

static uint32_t load32_le(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static void store32_le(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

static uint32_t rotl32(uint32_t v, unsigned n) {
  return (v << n) | (v >> (32 - n));
}

void chacha20_quarter_round(uint32_t s[16], unsigned a, unsigned b, unsigned c,
                            unsigned d) {
  s[a] += s[b], s[d] ^= s[a], s[d] = rotl32(s[d], 16);
  s[c] += s[d], s[b] ^= s[c], s[b] = rotl32(s[b], 12);
  s[a] += s[b], s[d] ^= s[a], s[d] = rotl32(s[d], 8);
  s[c] += s[d], s[b] ^= s[c], s[b] = rotl32(s[b], 7);
}

/* The initial state (RFC 8439 2.3): the constants "expand 32-byte k", the
 * key, the counter, the nonce. */
static void setup(uint32_t s[16], const uint8_t *key, uint32_t counter,
                  const uint8_t *nonce) {
  s[0] = 0x61707865, s[1] = 0x3320646e, s[2] = 0x79622d32, s[3] = 0x6b206574;
  for (unsigned i = 0; i < 8; i++)
    s[4 + i] = load32_le(key + 4 * i);
  s[12] = counter;
  for (unsigned i = 0; i < 3; i++)
    s[13 + i] = load32_le(nonce + 4 * i);
}

/* 20 rounds (10 column + diagonal pairs), then add the input state. */
static void block_of_state(const uint32_t in[16], uint8_t out[64]) {
  uint32_t x[16];
  for (unsigned i = 0; i < 16; i++)
    x[i] = in[i];
  for (unsigned i = 0; i < 10; i++) {
    chacha20_quarter_round(x, 0, 4, 8, 12);
    chacha20_quarter_round(x, 1, 5, 9, 13);
    chacha20_quarter_round(x, 2, 6, 10, 14);
    chacha20_quarter_round(x, 3, 7, 11, 15);
    chacha20_quarter_round(x, 0, 5, 10, 15);
    chacha20_quarter_round(x, 1, 6, 11, 12);
    chacha20_quarter_round(x, 2, 7, 8, 13);
    chacha20_quarter_round(x, 3, 4, 9, 14);
  }
  for (unsigned i = 0; i < 16; i++)
    store32_le(out + 4 * i, x[i] + in[i]);
  chacha20_wipe(x, sizeof(x));
}

void chacha20_block(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
                    const uint8_t nonce[CHACHA20_NONCE_BYTES],
                    uint8_t out[CHACHA20_BLOCK_BYTES]) {
  uint32_t s[16];
  setup(s, key, counter, nonce);
  block_of_state(s, out);
  chacha20_wipe(s, sizeof(s));
}

void chacha20_xor(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
                  const uint8_t nonce[CHACHA20_NONCE_BYTES], const uint8_t *in,
                  uint8_t *out, size_t len) {
  uint32_t s[16];
  uint8_t ks[CHACHA20_BLOCK_BYTES];
  setup(s, key, counter, nonce);
  while (len > 0) {
    block_of_state(s, ks);
    s[12]++; /* the next block; wraps after 2^32 blocks (see chacha20.h) */
    size_t n = len < sizeof(ks) ? len : sizeof(ks);
    for (size_t i = 0; i < n; i++)
      out[i] = in != NULL ? (uint8_t)(in[i] ^ ks[i]) : ks[i];
    if (in != NULL)
      in += n;
    out += n;
    len -= n;
  }
  chacha20_wipe(s, sizeof(s));
  chacha20_wipe(ks, sizeof(ks));
}

void chacha20_wipe(void *p, size_t n) {
  volatile uint8_t *b = p;
  for (size_t i = 0; i < n; i++)
    b[i] = 0;
}
