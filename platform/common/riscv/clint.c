/* clint.c: arch_time_ns and arch_timer_arm on the CLINT's mtime and
 * mtimecmp. Time is mtime converted to ns; mtime starts at 0 at power-on, so
 * it is time since boot.
 *
 * Conversion without overflow: when the rate divides 1e9 (virt: 10 MHz,
 * 100 ns a tick) it is one multiplication, which wraps only when ktime_t
 * does (after 584 years). Otherwise whole seconds and the rest are
 * converted apart, so no product exceeds 64 bits. Deadlines round up to the
 * next tick: a timer never fires before its time. */
#include "clint.h"
#include "arch.h"

#define NS 1000000000u

static uint32_t g_hz = VIRT_TIMEBASE_HZ;
static uint32_t g_ns_per_tick = NS / VIRT_TIMEBASE_HZ; /* 0: not exact */

void clint_init(uint32_t hz) {
  g_hz = hz;
  g_ns_per_tick = NS % hz == 0 ? NS / hz : 0;
  clint_set_mtimecmp(UINT64_MAX);
}

static ktime_t ticks_to_ns(uint64_t t) {
  if (g_ns_per_tick)
    return t * g_ns_per_tick;
  return (t / g_hz) * NS + (t % g_hz) * NS / g_hz;
}

static uint64_t ns_to_ticks_up(ktime_t ns) {
  if (g_ns_per_tick)
    return ns / g_ns_per_tick + (ns % g_ns_per_tick != 0);
  uint64_t s = ns / NS, rest = ns % NS;
  if (s > UINT64_MAX / g_hz / 2) /* beyond 2^63 ticks: never */
    return UINT64_MAX;
  return s * g_hz + (rest * g_hz + NS - 1) / NS;
}

ktime_t arch_time_ns(void) { return ticks_to_ns(clint_mtime()); }

/* With -bios none, QEMU's reset code at 0x1000 jumps to us at once. */
ktime_t arch_first_ns(void) { return 0; }

void arch_timer_arm(ktime_t deadline) {
  clint_set_mtimecmp(deadline == KTIME_NEVER ? UINT64_MAX
                                             : ns_to_ticks_up(deadline));
}

void clint_timer_irq(void) { clint_set_mtimecmp(UINT64_MAX); }
