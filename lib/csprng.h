/* csprng.h: a CSPRNG on ChaCha20 with fast key erasure.
 *
 * The state is one 32-byte key K. With B(K, c, N) the ChaCha20 block of
 * chacha20.h (key K, block counter c, nonce N) and S(K, c, N) the keystream
 * that starts at block c:
 *
 * csprng_read(out, n) takes one step per CSPRNG_STEP_MAX bytes of output (and
 * one step for n == 0), each of t bytes:
 *     Z = S(K, 0, N0), Z of 32 + t bytes, N0 = twelve zero bytes
 *     K <- Z[0..32)        the old key is gone before the output is used
 *     out <- Z[32..32+t)
 * Each step uses a fresh key, so no (key, counter) pair is ever used twice,
 * and the bytes handed out cannot be recomputed from the state that follows
 * (backtracking resistance).
 *
 * csprng_reseed(seed, n) mixes seed material in. The seed is cut into 32-byte
 * chunks C_0 .. C_m-1 (m = 1 when n == 0; the last chunk may be short), and
 * for each chunk, in order:
 *     K <- B(K XOR pad(C_i), 0, N1(i, len C_i))[0..32)
 * where pad() fills with zero bytes up to 32 and N1(i, len) is the nonce of
 * the little-endian 32-bit words 1, i, len. The word 1 keeps reseed blocks
 * apart from output blocks (nonce word 0 is 0 there); i and len make chunk
 * boundaries and trailing zero bytes count.
 *
 * csprng_init sets K to 32 zero bytes, then reseeds with the seed. The
 * output is only as unpredictable as the seeds put in. Every buffer that
 * held a key or keystream is wiped before the call returns. */
#ifndef REALMOS_CSPRNG_H
#define REALMOS_CSPRNG_H

#include <stddef.h>
#include <stdint.h>

#include "chacha20.h"

/* Output bytes per key: a request for more takes several steps. */
#define CSPRNG_STEP_MAX ((size_t)1 << 20)

typedef struct {
  uint8_t key[CHACHA20_KEY_BYTES];
} csprng_t;

void csprng_init(csprng_t *rng, const uint8_t *seed, size_t n);
void csprng_reseed(csprng_t *rng, const uint8_t *seed, size_t n);
void csprng_read(csprng_t *rng, uint8_t *out, size_t n);
/* Set the key to zero bytes; reseed before reading again. */
void csprng_wipe(csprng_t *rng);

#endif
