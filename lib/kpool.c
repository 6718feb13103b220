/* kpool.c: see kpool.h. */
#include "kpool.h"

void kpool_init(kpool_t *p, uint16_t *stack, bool *out, uint32_t size) {
  p->stack = stack;
  p->out = out;
  p->size = size;
  p->nfree = 0;
  /* Highest first, so that index 0 is taken first. */
  for (uint32_t i = size; i-- > 0;) {
    out[i] = false;
    stack[p->nfree++] = (uint16_t)i;
  }
}

int32_t kpool_peek(const kpool_t *p) {
  return p->nfree ? (int32_t)p->stack[p->nfree - 1] : -1;
}

int32_t kpool_take(kpool_t *p) {
  if (p->nfree == 0)
    return -1;
  uint16_t i = p->stack[--p->nfree];
  p->out[i] = true;
  return i;
}

bool kpool_put(kpool_t *p, uint32_t index) {
  if (index >= p->size || !p->out[index])
    return false;
  p->out[index] = false;
  p->stack[p->nfree++] = (uint16_t)index;
  return true;
}
