/* csprng.c: ChaCha20 with fast key erasure; the construction is defined in
 * csprng.h. */
#include "csprng.h"

static const uint8_t g_nonce0[CHACHA20_NONCE_BYTES];

static void store32_le(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

void csprng_reseed(csprng_t *rng, const uint8_t *seed, size_t n) {
  uint8_t k[CHACHA20_KEY_BYTES], nonce[CHACHA20_NONCE_BYTES];
  uint8_t blk[CHACHA20_BLOCK_BYTES];
  uint32_t i = 0;
  do {
    size_t len = n < CHACHA20_KEY_BYTES ? n : CHACHA20_KEY_BYTES;
    for (size_t j = 0; j < CHACHA20_KEY_BYTES; j++)
      k[j] = (uint8_t)(rng->key[j] ^ (j < len ? seed[j] : 0));
    store32_le(nonce, 1);
    store32_le(nonce + 4, i);
    store32_le(nonce + 8, (uint32_t)len);
    chacha20_block(k, 0, nonce, blk);
    for (size_t j = 0; j < CHACHA20_KEY_BYTES; j++)
      rng->key[j] = blk[j];
    n -= len;
    if (n > 0) /* seed may be NULL when n == 0: no arithmetic on it then */
      seed += len;
    i++;
  } while (n > 0);
  chacha20_wipe(k, sizeof(k));
  chacha20_wipe(blk, sizeof(blk));
}

void csprng_init(csprng_t *rng, const uint8_t *seed, size_t n) {
  chacha20_wipe(rng->key, sizeof(rng->key));
  csprng_reseed(rng, seed, n);
}

/* One step: a new key from block 0, then t bytes of output. */
static void step(csprng_t *rng, uint8_t *out, size_t t) {
  uint8_t k[CHACHA20_KEY_BYTES], blk[CHACHA20_BLOCK_BYTES];
  for (size_t j = 0; j < sizeof(k); j++)
    k[j] = rng->key[j];
  chacha20_block(k, 0, g_nonce0, blk);
  for (size_t j = 0; j < sizeof(k); j++)
    rng->key[j] = blk[j];
  size_t head = t < CHACHA20_BLOCK_BYTES - CHACHA20_KEY_BYTES
                    ? t
                    : CHACHA20_BLOCK_BYTES - CHACHA20_KEY_BYTES;
  for (size_t j = 0; j < head; j++)
    out[j] = blk[CHACHA20_KEY_BYTES + j];
  if (t > head)
    chacha20_xor(k, 1, g_nonce0, NULL, out + head, t - head);
  chacha20_wipe(k, sizeof(k));
  chacha20_wipe(blk, sizeof(blk));
}

void csprng_read(csprng_t *rng, uint8_t *out, size_t n) {
  do {
    size_t t = n < CSPRNG_STEP_MAX ? n : CSPRNG_STEP_MAX;
    step(rng, out, t);
    n -= t;
    if (n > 0) /* out may be NULL when n == 0 */
      out += t;
  } while (n > 0);
}

void csprng_wipe(csprng_t *rng) { chacha20_wipe(rng->key, sizeof(rng->key)); }
