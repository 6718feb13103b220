/* kstring.c: byte loops, kept plain; the compiler vectorises them. */
#include "kstring.h"

#include <stdint.h>

void *kmemcpy(void *dst, const void *src, size_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  while (n--)
    *d++ = *s++;
  return dst;
}

void *kmemmove(void *dst, const void *src, size_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  if ((uintptr_t)d - (uintptr_t)s >= n) /* no overlap that forward breaks */
    return kmemcpy(dst, src, n);
  while (n--)
    d[n] = s[n];
  return dst;
}

void *kmemset(void *dst, int c, size_t n) {
  unsigned char *d = dst;
  while (n--)
    *d++ = (unsigned char)c;
  return dst;
}

int kmemcmp(const void *a, const void *b, size_t n) {
  const unsigned char *x = a, *y = b;
  for (; n; n--, x++, y++)
    if (*x != *y)
      return *x < *y ? -1 : 1;
  return 0;
}

size_t kstrlen(const char *s) {
  size_t n = 0;
  while (s[n])
    n++;
  return n;
}

int kstrcmp(const char *a, const char *b) {
  while (*a && *a == *b)
    a++, b++;
  return (unsigned char)*a - (unsigned char)*b;
}
