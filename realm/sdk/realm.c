/* realm.c: compiled into every realm (realm/realm.mk): the inbox, and the
 * memory functions clang emits calls to. Plain byte loops: a realm's
 * writes are recorded for undo by the engine, and these keep every write
 * an ordinary store. */
#include "realm.h"

/* The kernel copies bytes arguments, datagrams and random bytes here. */
static uint8_t inbox[REALM_INBOX_BYTES] __attribute__((aligned(16)));

REALM_EXPORT(realm_inbox) int32_t realm_inbox(void) {
  return (int32_t)(uintptr_t)inbox;
}

REALM_EXPORT(realm_inbox_cap) int32_t realm_inbox_cap(void) {
  return (int32_t)sizeof(inbox);
}

void *memcpy(void *dst, const void *src, size_t n) {
  uint8_t *d = dst;
  const uint8_t *s = src;
  while (n--)
    *d++ = *s++;
  return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
  uint8_t *d = dst;
  const uint8_t *s = src;
  if (d <= s || d >= s + n)
    return memcpy(dst, src, n);
  while (n--)
    d[n] = s[n];
  return dst;
}

void *memset(void *dst, int c, size_t n) {
  uint8_t *d = dst;
  while (n--)
    *d++ = (uint8_t)c;
  return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
  const uint8_t *x = a, *y = b;
  for (; n; n--, x++, y++)
    if (*x != *y)
      return *x < *y ? -1 : 1;
  return 0;
}

size_t strlen(const char *s) {
  size_t n = 0;
  while (s[n])
    n++;
  return n;
}
