/* float64conv.c: conversions between floats and 64-bit integers for 32-bit
 * targets, which have no instruction for them. The compiler turns (int64_t)d,
 * (uint64_t)f, (double)i64, (float)u64, ... into calls to these (the
 * libgcc/compiler-rt names); Debian ships no runtime library for bare-metal
 * rv32 or arm32, so they are here (arm32 reaches them through its RTABI
 * names, platform/arm32/aeabi_float.c; i386 converts inline with x87). The
 * Wasm engine needs them for i64.trunc_f*, f*.convert_i64_*.
 *
 * Float to integer truncates toward zero, on the bits; out of range gives
 * the nearest bound (NaN: 0), as compiler-rt does; the engine checks range
 * before converting anyway. Integer to float rounds to nearest, ties to
 * even, as the hardware would: double from two exact halves and one
 * rounding add; float by rounding the top 24 bits by hand. 64-bit targets
 * convert in hardware: nothing is compiled for them. */
#include <stdint.h>

#include "float64conv.h"

#if UINTPTR_MAX == 0xffffffffu

/* |x| truncated, from a value's fields; sat when it does not fit in bits. */
static uint64_t magnitude(uint64_t frac, int exp, int mbits, int bits,
                          uint64_t sat) {
  if (exp < 0)
    return 0;
  if (exp >= bits)
    return sat;
  uint64_t m = frac | (uint64_t)1 << mbits;
  return exp >= mbits ? m << (exp - mbits) : m >> (mbits - exp);
}

static uint64_t dbits(double d) {
  uint64_t u;
  __builtin_memcpy(&u, &d, 8);
  return u;
}

static uint32_t fbits(float f) {
  uint32_t u;
  __builtin_memcpy(&u, &f, 4);
  return u;
}

int64_t __fixdfdi(double a) {
  uint64_t u = dbits(a);
  int exp = (int)((u >> 52) & 0x7ff) - 1023;
  if (exp == 1024 && (u & 0xfffffffffffffull))
    return 0; /* NaN */
  uint64_t m =
      magnitude(u & 0xfffffffffffffull, exp, 52, 63, (uint64_t)1 << 63);
  if (u >> 63)
    return (int64_t)(0 - m); /* 2^63 gives INT64_MIN */
  return m >> 63 ? INT64_MAX : (int64_t)m;
}

uint64_t __fixunsdfdi(double a) {
  uint64_t u = dbits(a);
  int exp = (int)((u >> 52) & 0x7ff) - 1023;
  if (u >> 63 || (exp == 1024 && (u & 0xfffffffffffffull)))
    return 0; /* negative (truncates to 0 above -1) or NaN */
  return magnitude(u & 0xfffffffffffffull, exp, 52, 64, UINT64_MAX);
}

int64_t __fixsfdi(float a) {
  uint32_t u = fbits(a);
  int exp = (int)((u >> 23) & 0xff) - 127;
  if (exp == 128 && (u & 0x7fffff))
    return 0;
  uint64_t m = magnitude(u & 0x7fffff, exp, 23, 63, (uint64_t)1 << 63);
  if (u >> 31)
    return (int64_t)(0 - m);
  return m >> 63 ? INT64_MAX : (int64_t)m;
}

uint64_t __fixunssfdi(float a) {
  uint32_t u = fbits(a);
  int exp = (int)((u >> 23) & 0xff) - 127;
  if (u >> 31 || (exp == 128 && (u & 0x7fffff)))
    return 0;
  return magnitude(u & 0x7fffff, exp, 23, 64, UINT64_MAX);
}

/* hi * 2^32 and lo are exact doubles; their sum is rounded once. */
double __floatundidf(uint64_t a) {
  return (double)(uint32_t)(a >> 32) * 4294967296.0 + (double)(uint32_t)a;
}

double __floatdidf(int64_t a) {
  double d = __floatundidf(a < 0 ? 0 - (uint64_t)a : (uint64_t)a);
  return a < 0 ? -d : d;
}

/* Keep the top 24 bits, round on the rest (ties to even), then scale by
 * 2^shift: both steps exact in float. */
float __floatundisf(uint64_t a) {
  if (a < ((uint64_t)1 << 24))
    return (float)(uint32_t)a;
  int top = 63;
  while (!(a >> top))
    top--;
  int shift = top - 23;
  uint64_t m = a >> shift, rest = a & (((uint64_t)1 << shift) - 1);
  uint64_t half = (uint64_t)1 << (shift - 1);
  if (rest > half || (rest == half && (m & 1)))
    m++;
  if (m == (uint64_t)1 << 24) {
    m >>= 1;
    shift++;
  }
  uint32_t scale = (uint32_t)(127 + shift) << 23; /* 2^shift */
  float s;
  __builtin_memcpy(&s, &scale, 4);
  return (float)(uint32_t)m * s;
}

float __floatdisf(int64_t a) {
  float f = __floatundisf(a < 0 ? 0 - (uint64_t)a : (uint64_t)a);
  return a < 0 ? -f : f;
}

#endif
