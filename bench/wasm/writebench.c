/* writebench.c: a write-heavy Wasm workload for `make bench-undo` (undo.c),
 * built as a module like cpubench.c (no libc, "run" exported). Its memory
 * is two 256 KiB arrays. run(iterations) does, per iteration:
 *   fill    a word store to every word of a (64 Ki stores, in order)
 *   scatter byte stores to 16 Ki places of b spread by a multiplicative step
 *   copy    a word-by-word copy of a into b (a memcpy written as a loop)
 * and folds a few words of b into a checksum. */
#include <stdint.h>

uint32_t run(uint32_t iterations);

#define WORDS (256u * 1024 / 4)

static uint32_t a[WORDS], b[WORDS];

/* A loop the compiler must not turn into a call to memcpy (there is no
 * libc, and the point is the stores). */
__attribute__((noinline)) static void
copy_words(uint32_t *restrict d, const uint32_t *restrict s, uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    d[i] = s[i];
}

uint32_t run(uint32_t iterations) {
  uint32_t h = 0;
  for (uint32_t it = 0; it < iterations; it++) {
    for (uint32_t i = 0; i < WORDS; i++)
      a[i] = i * 2654435761u + it;
    uint8_t *bb = (uint8_t *)b;
    for (uint32_t i = 0, at = it; i < 16384; i++) {
      at = (at + 40503u) & (sizeof b - 1);
      bb[at] = (uint8_t)(i ^ h);
    }
    copy_words(b, a, WORDS);
    h = (h ^ b[it % WORDS] ^ b[(it * 7919u) % WORDS]) * 16777619u;
  }
  return h;
}
