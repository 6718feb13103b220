/* arch.c: arch_init and the interrupt flag, for x32 and x64 alike. The boot
 * code (boot.S) has already set up segments, the stack, BSS, the FPU/SSE and
 * the IDT before kmain. */
#include "x86.h"

void arch_init(platform_t *p, void *boot_ctx) {
  (void)p;
  x86_uart_init();
  x86_pic_disable();
  x86_lapic_init();
  x86_ioapic_init(x86_pvh_rsdp(boot_ctx));
  x86_clock_init();
}

static inline uintptr_t flags(void) {
  uintptr_t f;
  __asm__ volatile("pushf\n\tpop %0" : "=r"(f) : : "memory");
  return f;
}

#define FLAGS_IF 0x200

uint32_t arch_irq_save(void) {
  uint32_t on = (flags() & FLAGS_IF) != 0;
  __asm__ volatile("cli" : : : "memory");
  return on;
}

void arch_irq_restore(uint32_t state) {
  if (state)
    __asm__ volatile("sti" : : : "memory");
}

/* sti delays interrupts until after the next instruction, so nothing can be
 * taken between sti and hlt: an interrupt already pending ends hlt at once
 * instead of being handled before it and sleeping past it. */
void arch_wait(void) { __asm__ volatile("sti\n\thlt\n\tcli" : : : "memory"); }

uintptr_t x86_read_cr2(void) {
  uintptr_t v;
  __asm__ volatile("mov %%cr2, %0" : "=r"(v));
  return v;
}
