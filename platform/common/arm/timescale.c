/* timescale.c: see timescale.h. */
#include "timescale.h"

#define NS_PER_S 1000000000ull

void timescale_init(timescale_t *ts, uint64_t freq_hz) {
  if (freq_hz == 0 || freq_hz > NS_PER_S)
    freq_hz = 62500000; /* QEMU's CNTFRQ: 1 GHz / 16 */
  /* 1e9 < 2^30 and freq <= 1e9 < 2^32: both shifts fit in 64 bits. */
  ts->ns_per_tick = (NS_PER_S << 32) / freq_hz;
  ts->ticks_per_ns = (freq_hz << 32) / NS_PER_S;
}

/* Bits 32..95 of a * b. */
static uint64_t mul_shr32(uint64_t a, uint64_t b) {
  uint64_t al = (uint32_t)a, ah = a >> 32;
  uint64_t bl = (uint32_t)b, bh = b >> 32;
  return ((ah * bh) << 32) + ah * bl + al * bh + ((al * bl) >> 32);
}

uint64_t timescale_to_ns(const timescale_t *ts, uint64_t ticks) {
  return mul_shr32(ticks, ts->ns_per_tick);
}

uint64_t timescale_to_ticks(const timescale_t *ts, uint64_t ns) {
  return mul_shr32(ns, ts->ticks_per_ns) + 1;
}
