/* idt.c (x32): the interrupt descriptor table. A 32-bit interrupt gate is
 * 8 bytes: offset 0-15, selector, zero, type and attributes (0x8e: present,
 * DPL 0, 32-bit interrupt gate, so IF is cleared on entry), offset 16-31. */
#include "vectors.h"
#include "x86.h"

#define KERNEL_CS 0x08 /* boot.S's GDT */

struct gate {
  uint16_t off0;
  uint16_t sel;
  uint8_t zero;
  uint8_t type;
  uint16_t off1;
};

extern const char x86_isr_stubs[], x86_isr_timer[], x86_isr_spurious[];
static struct gate g_idt[256] __attribute__((aligned(8)));

static void set_gate(unsigned v, const void *handler) {
  uint32_t a = (uint32_t)(uintptr_t)handler;
  g_idt[v] =
      (struct gate){(uint16_t)a, KERNEL_CS, 0, 0x8e, (uint16_t)(a >> 16)};
}

void x86_idt_init(void) {
  for (unsigned v = 0; v < X86_STUB_COUNT; v++)
    set_gate(v, x86_isr_stubs + v * X86_STUB_SIZE);
  set_gate(X86_VEC_TIMER, x86_isr_timer);
  set_gate(X86_VEC_SPURIOUS, x86_isr_spurious);
  struct __attribute__((packed)) {
    uint16_t limit;
    uint32_t base;
  } idtr = {sizeof(g_idt) - 1, (uint32_t)(uintptr_t)g_idt};
  __asm__ volatile("lidt %0" : : "m"(idtr));
}
