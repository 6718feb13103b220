/* kfmt.h: printf-style formatting into a buffer, for freestanding code.
 *
 * Conversions: %d %i %u %x %X %p %s %c %%; length modifiers hh h l ll z;
 * flags '-' and '0'; a field width (digits or *, at most 4096). No precision.
 * Always NUL-terminates when
 * size > 0; returns the length the whole output would have had. */
#ifndef REALMOS_KFMT_H
#define REALMOS_KFMT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

size_t kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
size_t ksnprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* An IPv4 address held as a number, most significant byte first (kip4_t),
 * as dotted-quad text ("10.0.2.15") in buf; returns buf, for a "%s". */
#define KFMT_IP4_LEN 16 /* "255.255.255.255" and its NUL */
const char *kfmt_ip4(char buf[KFMT_IP4_LEN], uint32_t addr);

#endif
