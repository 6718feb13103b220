/* scale.h: x * num / den in integers, as (x * mult) >> shift with a 32-bit
 * mult, computed once at boot. Applying it takes two 32x32->64 multiplies
 * and no division, on x32 too, and the 96-bit intermediate cannot overflow:
 * only the result is cut to 64 bits (ns since boot overflow after 584
 * years). */
#ifndef REALMOS_X86_SCALE_H
#define REALMOS_X86_SCALE_H

#include <stdint.h>

typedef struct {
  uint32_t mult;
  uint32_t shift; /* 0..32 */
} x86_scale_t;

/* The largest shift that keeps num << shift and the quotient in range, for
 * the most precision. Needs num < 2^32 and den > 0. */
static inline x86_scale_t x86_scale_make(uint64_t num, uint64_t den) {
  x86_scale_t s = {0, 32};
  for (;; s.shift--) {
    uint64_t q = (num << s.shift) / den;
    if (q <= UINT32_MAX || s.shift == 0) {
      s.mult = q > UINT32_MAX ? UINT32_MAX : (uint32_t)q;
      return s;
    }
  }
}

/* x*mult = hi*mult*2^32 + lo*mult; shifting right by s <= 32 is exact term
 * by term: (hi*mult << (32-s)) + (lo*mult >> s). */
static inline uint64_t x86_scale(uint64_t x, x86_scale_t s) {
  uint64_t hi = (x >> 32) * s.mult;
  uint64_t lo = (x & UINT32_MAX) * s.mult;
  return (hi << (32 - s.shift)) + (lo >> s.shift);
}

#endif
