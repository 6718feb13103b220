/* trap.c: where trap_entry.S hands every trap. Two interrupts are expected:
 * the machine timer (CLINT) and machine external (PLIC); their handlers
 * only acknowledge and record. Everything else is a bug: panic report. */
#include "clint.h"
#include "csr.h"
#include "plic.h"
#include "trap_frame.h"

void riscv_trap(trap_frame_t *tf) {
  if (tf->mcause & MCAUSE_INTERRUPT) {
    switch (tf->mcause & ~MCAUSE_INTERRUPT) {
    case IRQ_M_TIMER:
      clint_timer_irq();
      return;
    case IRQ_M_EXT:
      plic_irq();
      return;
    }
  }
  riscv_panic_report(tf);
}
