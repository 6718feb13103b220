/* kfmt.c: see kfmt.h. */
#include "kfmt.h"

#include <stdbool.h>
#include <stdint.h>

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

static void put_num(out_t *o, uint64_t v, bool neg, unsigned base, bool upper,
                    int width, bool left, bool zero) {
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = digits[v % base];
    v /= base;
  } while (v);
  int total = n + (neg ? 1 : 0);
  if (!left && !zero)
    pad(o, ' ', width - total);
  if (neg)
    put(o, '-');
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
    }
    while (*fmt >= '0' && *fmt <= '9')
      width = width * 10 + (*fmt++ - '0');
    int lng = 0; /* 0 int, 1 long, 2 long long, 3 size_t; hh/h read as int */
    if (*fmt == 'h') {
      fmt++;
      if (*fmt == 'h')
        fmt++;
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
      uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
      put_num(&o, mag, v < 0, 10, false, width, left, zero);
      break;
    }
    case 'u':
    case 'x':
    case 'X': {
      uint64_t v = lng == 1   ? va_arg(ap, unsigned long)
                   : lng == 2 ? va_arg(ap, unsigned long long)
                   : lng == 3 ? va_arg(ap, size_t)
                              : va_arg(ap, unsigned int);
      put_num(&o, v, false, *fmt == 'u' ? 10 : 16, *fmt == 'X', width, left,
              zero);
      break;
    }
    case 'p':
      put(&o, '0');
      put(&o, 'x');
      put_num(&o, (uintptr_t)va_arg(ap, void *), false, 16, false, width, left,
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
