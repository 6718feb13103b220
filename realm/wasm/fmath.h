/* fmath.h: the float operations of Wasm that C's operators do not give
 * exactly, on bits, so that no libm is needed (spec 4.3.3). NaN results
 * come from arithmetic on a NaN operand, which quiets it ("arithmetic NaN"). */
#ifndef REALM_WASM_FMATH_H
#define REALM_WASM_FMATH_H

#include <stdint.h>

static inline uint32_t f32_bits(float f) {
  uint32_t u;
  __builtin_memcpy(&u, &f, 4);
  return u;
}
static inline float f32_from(uint32_t u) {
  float f;
  __builtin_memcpy(&f, &u, 4);
  return f;
}
static inline uint64_t f64_bits(double d) {
  uint64_t u;
  __builtin_memcpy(&u, &d, 8);
  return u;
}
static inline double f64_from(uint64_t u) {
  double d;
  __builtin_memcpy(&d, &u, 8);
  return d;
}

static inline float f32_trunc(float x) {
  uint32_t u = f32_bits(x);
  int e = (int)((u >> 23) & 0xff) - 127;
  if (e >= 23)
    return x != x ? x + x : x; /* integral, inf or NaN */
  if (e < 0)
    return f32_from(u & 0x80000000u);
  return f32_from(u & ~(0x007fffffu >> e));
}

static inline double f64_trunc(double x) {
  uint64_t u = f64_bits(x);
  int e = (int)((u >> 52) & 0x7ff) - 1023;
  if (e >= 52)
    return x != x ? x + x : x;
  if (e < 0)
    return f64_from(u & 0x8000000000000000ull);
  return f64_from(u & ~(0x000fffffffffffffull >> e));
}

static inline float f32_floor(float x) {
  float t = f32_trunc(x);
  return (x < 0 && t != x) ? t - 1.0f : t;
}
static inline double f64_floor(double x) {
  double t = f64_trunc(x);
  return (x < 0 && t != x) ? t - 1.0 : t;
}
static inline float f32_ceil(float x) {
  float t = f32_trunc(x);
  return (x > 0 && t != x) ? t + 1.0f : t;
}
static inline double f64_ceil(double x) {
  double t = f64_trunc(x);
  return (x > 0 && t != x) ? t + 1.0 : t;
}

/* Round half to even: adding and taking away 2^23 (2^52) rounds in the
 * default mode, which is to nearest even. */
static inline float f32_nearest(float x) {
  uint32_t u = f32_bits(x);
  int e = (int)((u >> 23) & 0xff) - 127;
  if (e >= 23)
    return x != x ? x + x : x;
  float a = f32_from(u & 0x7fffffffu);
  float r = (a + 8388608.0f) - 8388608.0f;
  return f32_from(f32_bits(r) | (u & 0x80000000u));
}
static inline double f64_nearest(double x) {
  uint64_t u = f64_bits(x);
  int e = (int)((u >> 52) & 0x7ff) - 1023;
  if (e >= 52)
    return x != x ? x + x : x;
  double a = f64_from(u & 0x7fffffffffffffffull);
  double r = (a + 4503599627370496.0) - 4503599627370496.0;
  return f64_from(f64_bits(r) | (u & 0x8000000000000000ull));
}

static inline float f32_min(float a, float b) {
  if (a != a || b != b)
    return a + b;
  if (a == b)
    return f32_from(f32_bits(a) | f32_bits(b)); /* -0 wins */
  return a < b ? a : b;
}
static inline float f32_max(float a, float b) {
  if (a != a || b != b)
    return a + b;
  if (a == b)
    return f32_from(f32_bits(a) & f32_bits(b)); /* +0 wins */
  return a > b ? a : b;
}
static inline double f64_min(double a, double b) {
  if (a != a || b != b)
    return a + b;
  if (a == b)
    return f64_from(f64_bits(a) | f64_bits(b));
  return a < b ? a : b;
}
static inline double f64_max(double a, double b) {
  if (a != a || b != b)
    return a + b;
  if (a == b)
    return f64_from(f64_bits(a) & f64_bits(b));
  return a > b ? a : b;
}

#endif
