/* timescale.h: generic-timer ticks <-> nanoseconds without overflow.
 *
 * ticks * 1e9 overflows 64 bits after 2^64 / 1e9 ticks: under 5 minutes at
 * QEMU's 62.5 MHz. Instead each direction multiplies by a 32.32 fixed-point
 * factor and keeps bits 32..95 of the 128-bit product, built from 32-bit
 * halves (no 128-bit type on arm32, no division at run time). ns since boot
 * then wrap only after 2^64 ns, 584 years. The factor is exact when the
 * frequency divides 1e9 (62.5 MHz: 16 ns a tick); otherwise it is off by
 * under 2^-32 relative, a few ms a year. */
#ifndef REALMOS_ARM_TIMESCALE_H
#define REALMOS_ARM_TIMESCALE_H

#include <stdint.h>

typedef struct {
  uint64_t ns_per_tick;  /* 32.32 fixed point */
  uint64_t ticks_per_ns; /* 32.32 fixed point */
} timescale_t;

/* freq_hz: CNTFRQ, at most 1 GHz. */
void timescale_init(timescale_t *ts, uint64_t freq_hz);
uint64_t timescale_to_ns(const timescale_t *ts, uint64_t ticks);
/* Rounded up, so a timer set this far ahead never fires early. */
uint64_t timescale_to_ticks(const timescale_t *ts, uint64_t ns);

#endif
