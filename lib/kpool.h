/* kpool.h: a pool of buffer indices 0..size-1, for buffers a device hands out
 * and takes back (receive buffers of a standing receive). Take and put are
 * O(1); putting back an index that is not out is refused, so a double release
 * is an error, not a corrupted free list. The caller gives the storage. */
#ifndef REALMOS_KPOOL_H
#define REALMOS_KPOOL_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
  uint16_t *stack; /* free indices; the next one to take is on top */
  bool *out;       /* out[i]: index i is taken */
  uint32_t size, nfree;
} kpool_t;

/* All `size` indices start free; stack and out hold `size` entries each. */
void kpool_init(kpool_t *p, uint16_t *stack, bool *out, uint32_t size);
/* The index the next kpool_take will return, or -1 when none is free. */
int32_t kpool_peek(const kpool_t *p);
/* Take a free index, or -1 when none is free. */
int32_t kpool_take(kpool_t *p);
/* Give an index back; false if it is out of range or not taken. */
bool kpool_put(kpool_t *p, uint32_t index);

#endif
