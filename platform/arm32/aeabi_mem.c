/* aeabi_mem.c (arm32): the memory entry points of the ARM run-time ABI
 * (RTABI, IHI 0043, 4.3.4). For struct copies and zeroing that it does not
 * inline, clang on arm-none-eabi calls these rather than memcpy/memset
 * (the Wasm engine does: its values and frames). The 4 and 8 forms promise
 * aligned pointers; plain loops serve them all. Note the argument order of
 * __aeabi_memset: (dest, n, c). */
#include <stddef.h>

#include "kstring.h"

void __aeabi_memcpy(void *d, const void *s, size_t n);
void __aeabi_memcpy4(void *d, const void *s, size_t n);
void __aeabi_memcpy8(void *d, const void *s, size_t n);
void __aeabi_memmove(void *d, const void *s, size_t n);
void __aeabi_memmove4(void *d, const void *s, size_t n);
void __aeabi_memmove8(void *d, const void *s, size_t n);
void __aeabi_memset(void *d, size_t n, int c);
void __aeabi_memset4(void *d, size_t n, int c);
void __aeabi_memset8(void *d, size_t n, int c);
void __aeabi_memclr(void *d, size_t n);
void __aeabi_memclr4(void *d, size_t n);
void __aeabi_memclr8(void *d, size_t n);

void __aeabi_memcpy(void *d, const void *s, size_t n) { kmemcpy(d, s, n); }
void __aeabi_memcpy4(void *d, const void *s, size_t n) { kmemcpy(d, s, n); }
void __aeabi_memcpy8(void *d, const void *s, size_t n) { kmemcpy(d, s, n); }
void __aeabi_memmove(void *d, const void *s, size_t n) { kmemmove(d, s, n); }
void __aeabi_memmove4(void *d, const void *s, size_t n) { kmemmove(d, s, n); }
void __aeabi_memmove8(void *d, const void *s, size_t n) { kmemmove(d, s, n); }
void __aeabi_memset(void *d, size_t n, int c) { kmemset(d, c, n); }
void __aeabi_memset4(void *d, size_t n, int c) { kmemset(d, c, n); }
void __aeabi_memset8(void *d, size_t n, int c) { kmemset(d, c, n); }
void __aeabi_memclr(void *d, size_t n) { kmemset(d, 0, n); }
void __aeabi_memclr4(void *d, size_t n) { kmemset(d, 0, n); }
void __aeabi_memclr8(void *d, size_t n) { kmemset(d, 0, n); }
