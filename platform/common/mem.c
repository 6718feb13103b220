/* mem.c: the four functions a C compiler may call on its own (struct copies,
 * zeroing) even in freestanding code. Linked on bare metal only: the hosted
 * build gets them from libc. */
#include <stddef.h>

#include "kstring.h"

void *memcpy(void *dst, const void *src, size_t n) {
  return kmemcpy(dst, src, n);
}

void *memmove(void *dst, const void *src, size_t n) {
  return kmemmove(dst, src, n);
}

void *memset(void *dst, int c, size_t n) { return kmemset(dst, c, n); }

int memcmp(const void *a, const void *b, size_t n) { return kmemcmp(a, b, n); }
