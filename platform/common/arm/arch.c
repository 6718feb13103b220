/* arch.c: arch.h for both ARM platforms on QEMU's virt board: PL011 console,
 * GICv2 (and its GICv2m frame for MSI, gicv2m.c, which also implements
 * arch_msi_alloc), the virtual generic timer, PSCI power-off. The instructions that
 * differ between AArch32 and AArch64 are in each platform's arm_cpu.h. */
#include "arch.h"

#include "arm_cpu.h"
#include "entry.h"
#include "gicv2.h"
#include "gicv2m.h"
#include "irq_ring.h"
#include "pl011.h"
#include "timescale.h"
#include "virt.h"

/* Delays beyond this (2^56 ns, 2.3 years) are cut to it; the loop re-arms
 * when the timer fires. Keeps the tick arithmetic inside 64 bits. */
#define MAX_DELAY_NS (1ull << 56)

static timescale_t g_scale;

void arch_init(platform_t *p, void *boot_ctx) {
  (void)p;
  pl011_init();
  timescale_init(&g_scale, cpu_counter_freq());
  cpu_timer_off();
  gic_init();
  gic_enable(VIRT_TIMER_INTID, false);
  gicv2m_init(boot_ctx); /* the device tree */
}

void arch_uart_write(const char *s, size_t n) { pl011_write(s, n); }

/* The virtual counter is QEMU's virtual clock, which starts with the
 * machine; -kernel starts the CPU at the ELF's entry point, so the counter
 * reads about 0 at our first instruction. */
ktime_t arch_time_ns(void) { return timescale_to_ns(&g_scale, cpu_counter()); }

ktime_t arch_first_ns(void) { return 0; }

void arch_timer_arm(ktime_t deadline) {
  if (deadline == KTIME_NEVER) {
    cpu_timer_off();
    return;
  }
  uint64_t now_ticks = cpu_counter();
  ktime_t now = timescale_to_ns(&g_scale, now_ticks);
  ktime_t delay = deadline > now ? deadline - now : 0;
  if (delay > MAX_DELAY_NS)
    delay = MAX_DELAY_NS;
  /* A compare value in the past fires at once. */
  cpu_timer_set(delay ? now_ticks + timescale_to_ticks(&g_scale, delay)
                      : now_ticks);
}

void arch_irq_rearm(void) {
  gic_release(); /* lines held since the devices were polled */
}

void arch_wait(void) { cpu_wait_then_take(); }

uint32_t arch_irq_save(void) { return cpu_irq_save(); }

void arch_irq_restore(uint32_t state) {
  if (state)
    cpu_irq_enable();
  else
    cpu_irq_disable();
}

void arch_irq_unmask(uint32_t irq) { gic_enable(irq, gicv2m_owns(irq)); }

void arch_poweroff(bool failed) {
  (void)failed; /* PSCI SYSTEM_OFF has no exit status: QEMU exits with 0 */
  cpu_irq_disable();
  cpu_psci_call(PSCI_SYSTEM_OFF);
  for (;;) /* not reached when PSCI works */
    cpu_wfi();
}

/* Called by the IRQ entry stub, interrupts masked, FP/SIMD state already
 * saved. Takes every pending interrupt: the timer is quieted (it is
 * level-triggered and stays asserted until re-armed), device lines are held
 * masked until the loop has polled them (gicv2.h), MSIs (gicv2m.c) are not,
 * and each INTID goes into the ring. */
void arm_irq_handler(void) {
  for (;;) {
    uint32_t iar = gic_ack();
    uint32_t intid = iar & 0x3ff;
    if (intid >= 1020) /* 1023: nothing (left) pending */
      return;
    if (intid == VIRT_TIMER_INTID)
      cpu_timer_off();
    else if (!gicv2m_owns(intid)) /* an MSI is an edge: no hold */
      gic_hold(intid);
    irq_ring_push(intid);
    gic_eoi(iar);
  }
}
