/* divide64.c: 64-bit division for 32-bit targets. The compiler turns a / b
 * and a % b on 64-bit operands into calls to these (the libgcc/compiler-rt
 * names); Debian ships no runtime library for bare-metal rv32 or arm32, so
 * they are here. Shift-and-subtract: at most 64 steps, no division
 * instruction needed. Division by zero returns all ones (quotient) and the
 * dividend (remainder), as RISC-V's divu does, instead of trapping. */
#include <stdint.h>

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
int64_t __divdi3(int64_t n, int64_t d);
int64_t __moddi3(int64_t n, int64_t d);

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem) {
  if (d == 0) {
    if (rem)
      *rem = n;
    return UINT64_MAX;
  }
  uint64_t q = 0, r = 0;
  for (int i = 63; i >= 0; i--) {
    r = (r << 1) | ((n >> i) & 1);
    if (r >= d) {
      r -= d;
      q |= (uint64_t)1 << i;
    }
  }
  if (rem)
    *rem = r;
  return q;
}

uint64_t __udivdi3(uint64_t n, uint64_t d) { return __udivmoddi4(n, d, 0); }

uint64_t __umoddi3(uint64_t n, uint64_t d) {
  uint64_t r;
  __udivmoddi4(n, d, &r);
  return r;
}

static uint64_t magnitude(int64_t v) {
  return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

int64_t __divdi3(int64_t n, int64_t d) {
  uint64_t q = __udivmoddi4(magnitude(n), magnitude(d), 0);
  return (n < 0) != (d < 0) ? (int64_t)((uint64_t)0 - q) : (int64_t)q;
}

int64_t __moddi3(int64_t n, int64_t d) {
  uint64_t r;
  __udivmoddi4(magnitude(n), magnitude(d), &r);
  return n < 0 ? (int64_t)((uint64_t)0 - r) : (int64_t)r;
}
