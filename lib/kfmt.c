/* kfmt.c: see kfmt.h. */
#include "kfmt.h"

#include <stdbool.h>
#include <stdint.h>

#define MAX_WIDTH 4096 /* wider fields are cut to this */

typedef struct {
  char *buf;
  size_t size, len;
} out_t;

static void put(out_t *o, char c) {
  if (o->len + 1 < o->size)
    o->buf[o->len] = c;
  o->len++;
}

static void pad(out_t *o, char c, int n) {
  while (n-- > 0)
    put(o, c);
}

static void put_str(out_t *o, const char *s, size_t n, int width, bool left) {
  if (!left)
    pad(o, ' ', width - (int)n);
  for (size_t i = 0; i < n; i++)
    put(o, s[i]);
  if (left)
    pad(o, ' ', width - (int)n);
}

/* A number with an optional prefix ("-", "0x"): spaces go before the prefix,
 * zeros after it, and the width counts both. */
static void put_num(out_t *o, uint64_t v, const char *prefix, unsigned base,
                    bool upper, int width, bool left, bool zero) {
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = digits[v % base];
    v /= base;
  } while (v);
  int plen = 0;
  while (prefix[plen])
    plen++;
  int total = n + plen;
  if (!left && !zero)
    pad(o, ' ', width - total);
  for (int i = 0; i < plen; i++)
    put(o, prefix[i]);
  if (!left && zero)
    pad(o, '0', width - total);
  while (n)
    put(o, tmp[--n]);
  if (left)
    pad(o, ' ', width - total);
}

size_t kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap) {
  out_t o = {buf, size, 0};
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      put(&o, *fmt);
      continue;
    }
    fmt++;
    bool left = false, zero = false;
    for (;; fmt++) {
      if (*fmt == '-')
        left = true;
      else if (*fmt == '0')
        zero = true;
      else
        break;
    }
    int width = 0;
    if (*fmt == '*') {
      width = va_arg(ap, int);
      fmt++;
      if (width < 0) { /* as in C: a negative width is '-' and its size */
        left = true;
        width = width < -MAX_WIDTH ? MAX_WIDTH : -width;
      }
    }
    while (*fmt >= '0' && *fmt <= '9') {
      width = width * 10 + (*fmt++ - '0');
      if (width > MAX_WIDTH)
        width = MAX_WIDTH;
    }
    if (width > MAX_WIDTH)
      width = MAX_WIDTH;
    /* 0 int, 1 long, 2 long long, 3 size_t, -1 short, -2 char */
    int lng = 0;
    if (*fmt == 'h') {
      lng = -1;
      if (*++fmt == 'h') {
        lng = -2;
        fmt++;
      }
    } else if (*fmt == 'l') {
      lng = 1;
      if (*++fmt == 'l') {
        lng = 2;
        fmt++;
      }
    } else if (*fmt == 'z') {
      lng = 3;
      fmt++;
    }
    switch (*fmt) {
    case 'd':
    case 'i': {
      int64_t v = lng == 1   ? va_arg(ap, long)
                  : lng == 2 ? va_arg(ap, long long)
                  : lng == 3 ? (int64_t)va_arg(ap, size_t)
                             : va_arg(ap, int);
      if (lng == -1)
        v = (short)v;
      else if (lng == -2)
        v = (signed char)v;
      uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
      put_num(&o, mag, v < 0 ? "-" : "", 10, false, width, left, zero);
      break;
    }
    case 'u':
    case 'x':
    case 'X': {
      uint64_t v = lng == 1   ? va_arg(ap, unsigned long)
                   : lng == 2 ? va_arg(ap, unsigned long long)
                   : lng == 3 ? va_arg(ap, size_t)
                              : va_arg(ap, unsigned int);
      if (lng == -1)
        v = (unsigned short)v;
      else if (lng == -2)
        v = (unsigned char)v;
      put_num(&o, v, "", *fmt == 'u' ? 10 : 16, *fmt == 'X', width, left, zero);
      break;
    }
    case 'p':
      put_num(&o, (uintptr_t)va_arg(ap, void *), "0x", 16, false, width, left,
              zero);
      break;
    case 's': {
      const char *s = va_arg(ap, const char *);
      if (s == NULL)
        s = "(null)";
      size_t n = 0;
      while (s[n])
        n++;
      put_str(&o, s, n, width, left);
      break;
    }
    case 'c': {
      char c = (char)va_arg(ap, int);
      put_str(&o, &c, 1, width, left);
      break;
    }
    case '%':
      put(&o, '%');
      break;
    case '\0':
      fmt--; /* a lone '%' at the end */
      break;
    default: /* unknown conversion: print it as written */
      put(&o, '%');
      put(&o, *fmt);
      break;
    }
  }
  if (size)
    buf[o.len < size ? o.len : size - 1] = '\0';
  return o.len;
}

size_t ksnprintf(char *buf, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  size_t n = kvsnprintf(buf, size, fmt, ap);
  va_end(ap);
  return n;
}

/* Written out rather than through ksnprintf: a kernel that prints
 * addresses but nothing else of its own then does not link ksnprintf. */
const char *kfmt_ip4(char buf[KFMT_IP4_LEN], uint32_t addr) {
  char *p = buf;
  for (int shift = 24; shift >= 0; shift -= 8) {
    unsigned b = (addr >> shift) & 0xffu;
    if (b >= 100)
      *p++ = (char)('0' + b / 100);
    if (b >= 10)
      *p++ = (char)('0' + b / 10 % 10);
    *p++ = (char)('0' + b % 10);
    *p++ = shift ? '.' : '\0';
  }
  return buf;
}
