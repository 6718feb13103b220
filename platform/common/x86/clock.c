/* clock.c: time from the TSC, the timer from the LAPIC, both calibrated
 * once at boot against the PIT (pit.c) over 5 ms.
 *
 * Why these: the TSC is read without a VM exit and counts at a constant
 * rate (TCG reads the host's TSC; KVM gives the host's, offset and maybe
 * scaled; hosts of today have an invariant TSC); the LAPIC timer in
 * one-shot mode exists everywhere, TCG included (TSC-deadline mode is not in
 * TCG's default CPU models). Neither rate is known in advance (QEMU's TCG TSC
 * is the host's), so both are measured: ns = tsc_ticks * mult >> shift and
 * lapic_ticks = ns * mult >> shift (scale.h), no division after boot. */
#include "io.h"
#include "scale.h"
#include "x86.h"

#define PIT_HZ 1193182u
/* 5 ms of PIT: the boot waits for all of it. The count's 838 ns tick and a
 * bracket of a few us at each end are well under 0.1% of it. */
#define CAL_PIT_TICKS 5966u
#define CAL_GIVE_UP (1ull << 36) /* TSC ticks: >= 20 s at up to 3.4 GHz */
#define MAX_ARM_NS (1ull << 35)  /* 34 s: below the LAPIC's 32-bit reach */

extern uint64_t x86_boot_tsc;   /* boot.S: the TSC at our first instruction */
static x86_scale_t g_tsc_to_ns; /* zero until calibrated: time stays 0 */
static x86_scale_t g_ns_to_lapic;
static ktime_t g_armed = KTIME_NEVER;

/* The ends of the measurement: a count and the TSC when it was taken, from
 * the narrowest of a few TSC brackets around the read. Under TCG a port or
 * LAPIC access may wait for QEMU's global lock, for up to milliseconds
 * while its main thread is busy at startup: a wide bracket means the count
 * was taken at an unknown time, and is not used. The PIT count is latched by
 * the first port write of x86_pit_read, at the start of its bracket; the
 * LAPIC count is its one MMIO read, in the middle. */
#define SAMPLE_TRIES 8

static uint16_t pit_sample(uint64_t *t) {
  uint64_t best = UINT64_MAX;
  uint16_t count = 0;
  for (int i = 0; i < SAMPLE_TRIES; i++) {
    uint64_t a = x86_rdtsc();
    uint16_t c = x86_pit_read();
    uint64_t w = x86_rdtsc() - a;
    if (w < best) {
      best = w;
      *t = a;
      count = c;
    }
  }
  return count;
}

static uint32_t lapic_sample(uint64_t *t) {
  uint64_t best = UINT64_MAX;
  uint32_t count = 0;
  for (int i = 0; i < SAMPLE_TRIES; i++) {
    uint64_t a = x86_rdtsc();
    uint32_t c = x86_lapic_timer_count();
    uint64_t w = x86_rdtsc() - a;
    if (w < best) {
      best = w;
      *t = a + w / 2;
      count = c;
    }
  }
  return count;
}

void x86_clock_init(void) {
  x86_lapic_timer_irq(false); /* it counts, masked */
  x86_lapic_timer_start(UINT32_MAX);
  x86_pit_start();
  uint64_t p0, p1, l0, l1;
  uint16_t prev = pit_sample(&p0);
  uint32_t c0 = lapic_sample(&l0);
  uint32_t elapsed = 0; /* PIT ticks, summed: the count wraps every 55 ms */
  while (elapsed < CAL_PIT_TICKS) {
    uint16_t c = x86_pit_read();
    elapsed += (uint16_t)(prev - c);
    prev = c;
    if (x86_rdtsc() - p0 > CAL_GIVE_UP)
      kpanic("x86: the PIT does not count (microvm needs pit=on)");
  }
  uint32_t c1 = lapic_sample(&l1);
  elapsed += (uint16_t)(prev - pit_sample(&p1));
  x86_pit_stop();
  x86_lapic_timer_start(0);

  uint64_t ns = ((uint64_t)elapsed * 1000000000u + PIT_HZ / 2) / PIT_HZ;
  g_tsc_to_ns = x86_scale_make(ns, p1 - p0);
  g_ns_to_lapic = x86_scale_make(c0 - c1, x86_scale(l1 - l0, g_tsc_to_ns));
  x86_lapic_timer_irq(true);
  klog(KLOG_DEBUG, "x86: tsc %llu kHz, lapic timer %llu kHz\n",
       (unsigned long long)((p1 - p0) * 1000000u / ns),
       (unsigned long long)((uint64_t)(c0 - c1) * 1000000u /
                            x86_scale(l1 - l0, g_tsc_to_ns)));
}

/* The TSC starts at 0 with the machine: TCG counts it from the VM's start,
 * KVM sets it to 0 at the vCPU's reset. Before calibration, time is 0. */
ktime_t arch_time_ns(void) { return x86_scale(x86_rdtsc(), g_tsc_to_ns); }

ktime_t arch_first_ns(void) { return x86_scale(x86_boot_tsc, g_tsc_to_ns); }

/* Rounded up, and 1/1024 (0.1%) more, about twice the spread of the LAPIC
 * calibration: an interrupt before `deadline` costs the loop a wasted turn.
 * A long wait is cut to MAX_ARM_NS and the loop simply arms again. */
void arch_timer_arm(ktime_t deadline) {
  if (deadline == KTIME_NEVER) {
    if (g_armed != KTIME_NEVER)
      x86_lapic_timer_start(0);
    g_armed = KTIME_NEVER;
    return;
  }
  ktime_t now = arch_time_ns();
  uint64_t ticks = 1;
  if (deadline > now) {
    uint64_t delta = deadline - now;
    ticks = x86_scale(delta < MAX_ARM_NS ? delta : MAX_ARM_NS, g_ns_to_lapic);
    ticks += (ticks >> 10) + 1;
  }
  x86_lapic_timer_start(ticks > UINT32_MAX ? UINT32_MAX : (uint32_t)ticks);
  g_armed = deadline;
}
