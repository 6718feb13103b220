/* sha256.h: SHA-256 of FIPS 180-4 (section 6.2), for the code hash and the
 * address of a realm. Streaming (init, update as often as needed, final) or
 * in one call. Words are read and written big-endian a byte at a time, so
 * the code runs the same on every target, whatever its byte order or
 * alignment. Messages up to 2^64 - 1 bits, as the standard allows; what
 * this kernel hashes is far below that. */
#ifndef REALMOS_SHA256_H
#define REALMOS_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_BYTES 32       /* the digest */
#define SHA256_BLOCK_BYTES 64 /* the message block */

typedef struct {
  uint32_t h[8];                     /* the hash value H(i) */
  uint64_t bytes;                    /* message bytes taken so far */
  uint8_t block[SHA256_BLOCK_BYTES]; /* a partial block */
  uint32_t used;                     /* bytes of it held */
} sha256_t;

void sha256_init(sha256_t *s);
void sha256_update(sha256_t *s, const void *data, size_t len);
/* Pads, writes the digest, and leaves s to be initialised again. */
void sha256_final(sha256_t *s, uint8_t out[SHA256_BYTES]);

/* The digest of one buffer. */
void sha256(const void *data, size_t len, uint8_t out[SHA256_BYTES]);

#endif
