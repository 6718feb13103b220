/* chacha20.h: the ChaCha20 block function and stream cipher of RFC 8439
 * (sections 2.1 to 2.4): a 256-bit key, a 32-bit block counter and a 96-bit
 * nonce. Words are loaded and stored little-endian one byte at a time, so the
 * code runs the same on every target, whatever its byte order or alignment.
 *
 * One key and nonce give 2^32 blocks of 64 bytes (256 GiB); the counter
 * wraps after that, and avoiding it is the caller's job. */
#ifndef REALMOS_CHACHA20_H
#define REALMOS_CHACHA20_H

#include <stddef.h>
#include <stdint.h>

#define CHACHA20_KEY_BYTES 32
#define CHACHA20_NONCE_BYTES 12
#define CHACHA20_BLOCK_BYTES 64

/* The quarter round of RFC 8439 2.2 on words a, b, c, d of state s. */
void chacha20_quarter_round(uint32_t s[16], unsigned a, unsigned b, unsigned c,
                            unsigned d);

/* One 64-byte keystream block (RFC 8439 2.3). */
void chacha20_block(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
                    const uint8_t nonce[CHACHA20_NONCE_BYTES],
                    uint8_t out[CHACHA20_BLOCK_BYTES]);

/* Encrypt or decrypt (RFC 8439 2.4): out = in XOR the keystream that starts
 * at block `counter`. in == out is allowed; in == NULL writes the keystream
 * itself. */
void chacha20_xor(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
                  const uint8_t nonce[CHACHA20_NONCE_BYTES], const uint8_t *in,
                  uint8_t *out, size_t len);

/* Overwrite n bytes with zeros through a volatile pointer, so the compiler
 * keeps the stores even when the buffer is dead afterwards. For keys and
 * keystream left on the stack. */
void chacha20_wipe(void *p, size_t n);

#endif
