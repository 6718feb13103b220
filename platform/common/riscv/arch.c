/* arch.c: arch_init, the global interrupt mask and arch_wait for RISC-V in
 * M-mode. The global mask is mstatus.MIE; the two sources the loop needs are
 * enabled in mie once, at init: MTIE (CLINT timer) and MEIE (PLIC). */
#include "arch.h"
#include "clint.h"
#include "csr.h"
#include "fdt.h"
#include "plic.h"
#include "uart.h"

void arch_init(platform_t *p, void *boot_ctx) {
  (void)p;
  uart_init();
  uint32_t hz = fdt_timebase_hz(boot_ctx);
  clint_init(hz ? hz : VIRT_TIMEBASE_HZ);
  plic_init();
  csr_set(mie, MIE_MTIE | MIE_MEIE);
}

uint32_t arch_irq_save(void) {
  return (csr_read_clear(mstatus, MSTATUS_MIE) & MSTATUS_MIE) != 0;
}

void arch_irq_restore(uint32_t state) {
  if (state)
    csr_set(mstatus, MSTATUS_MIE);
}

/* wfi wakes when an interrupt is pending and enabled in mie, whatever
 * mstatus.MIE says: with MIE clear there is no window in which an interrupt
 * is taken before the sleep and then slept through. Setting MIE afterwards
 * lets the trap be taken on the next instruction. */
void arch_wait(void) {
  __asm__ volatile("wfi" ::: "memory");
  csr_set(mstatus, MSTATUS_MIE);
  csr_clear(mstatus, MSTATUS_MIE);
}
