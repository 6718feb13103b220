/* sha256.c: see sha256.h. Section numbers are FIPS 180-4's. */
#include "sha256.h"

#include "byteorder.h"
#include "kstring.h"

/* 4.2.2: the first 32 bits of the fractional parts of the cube roots of the
 * first 64 primes. */
static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t rotr(uint32_t x, unsigned n) {
  return (x >> n) | (x << (32 - n));
}

/* 6.2.2: one 512-bit block into the hash value. */
static void compress(uint32_t h[8], const uint8_t *p) {
  uint32_t w[64];
  for (int t = 0; t < 16; t++)
    w[t] = get_be32(p + 4 * t);
  for (int t = 16; t < 64; t++) {
    uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
    uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
  uint32_t e = h[4], f = h[5], g = h[6], hh = h[7];
  for (int t = 0; t < 64; t++) {
    uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) +
                  ((e & f) ^ (~e & g)) + K[t] + w[t];
    uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) +
                  ((a & b) ^ (a & c) ^ (b & c));
    hh = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
  h[5] += f;
  h[6] += g;
  h[7] += hh;
}

void sha256_init(sha256_t *s) {
  /* 5.3.3: the first 32 bits of the fractional parts of the square roots
   * of the first 8 primes. */
  static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
                                 0xa54ff53a, 0x510e527f, 0x9b05688c,
                                 0x1f83d9ab, 0x5be0cd19};
  kmemcpy(s->h, h0, sizeof(h0));
  s->bytes = 0;
  s->used = 0;
}

void sha256_update(sha256_t *s, const void *data, size_t len) {
  const uint8_t *p = data;
  s->bytes += len;
  if (s->used > 0) {
    size_t n = SHA256_BLOCK_BYTES - s->used;
    if (n > len)
      n = len;
    kmemcpy(s->block + s->used, p, n);
    s->used += (uint32_t)n;
    p += n;
    len -= n;
    if (s->used < SHA256_BLOCK_BYTES)
      return;
    compress(s->h, s->block);
    s->used = 0;
  }
  for (; len >= SHA256_BLOCK_BYTES;
       p += SHA256_BLOCK_BYTES, len -= SHA256_BLOCK_BYTES)
    compress(s->h, p);
  kmemcpy(s->block, p, len);
  s->used = (uint32_t)len;
}

/* 5.1.1: a 1 bit, zeros up to 448 bits mod 512, then the message length in
 * bits as a 64-bit big-endian number. */
void sha256_final(sha256_t *s, uint8_t out[SHA256_BYTES]) {
  uint64_t bits = s->bytes * 8;
  s->block[s->used++] = 0x80;
  if (s->used > SHA256_BLOCK_BYTES - 8) {
    kmemset(s->block + s->used, 0, SHA256_BLOCK_BYTES - s->used);
    compress(s->h, s->block);
    s->used = 0;
  }
  kmemset(s->block + s->used, 0, SHA256_BLOCK_BYTES - 8 - s->used);
  put_be32(s->block + 56, (uint32_t)(bits >> 32));
  put_be32(s->block + 60, (uint32_t)bits);
  compress(s->h, s->block);
  for (int i = 0; i < 8; i++)
    put_be32(out + 4 * i, s->h[i]);
  kmemset(s, 0, sizeof(*s));
}

void sha256(const void *data, size_t len, uint8_t out[SHA256_BYTES]) {
  sha256_t s;
  sha256_init(&s);
  sha256_update(&s, data, len);
  sha256_final(&s, out);
}
