/* idt.c (x64): the interrupt descriptor table. A 64-bit interrupt gate is
 * 16 bytes: offset 0-15, selector, IST (0: stay on this stack), type and
 * attributes (0x8e: present, DPL 0, interrupt gate, so IF is cleared on
 * entry), offset 16-31, offset 32-63, reserved. */
#include "vectors.h"
#include "x86.h"

#define KERNEL_CS 0x18 /* boot.S's GDT */

struct gate {
  uint16_t off0;
  uint16_t sel;
  uint8_t ist;
  uint8_t type;
  uint16_t off1;
  uint32_t off2;
  uint32_t zero;
};

extern const char x86_isr_stubs[], x86_isr_timer[], x86_isr_spurious[];
static struct gate g_idt[256] __attribute__((aligned(16)));

static void set_gate(unsigned v, const void *handler) {
  uint64_t a = (uint64_t)(uintptr_t)handler;
  g_idt[v] = (struct gate){(uint16_t)a,         KERNEL_CS,           0, 0x8e,
                           (uint16_t)(a >> 16), (uint32_t)(a >> 32), 0};
}

void x86_idt_init(void) {
  for (unsigned v = 0; v < X86_STUB_COUNT; v++)
    set_gate(v, x86_isr_stubs + v * X86_STUB_SIZE);
  set_gate(X86_VEC_TIMER, x86_isr_timer);
  set_gate(X86_VEC_SPURIOUS, x86_isr_spurious);
  struct __attribute__((packed)) {
    uint16_t limit;
    uint64_t base;
  } idtr = {sizeof(g_idt) - 1, (uint64_t)(uintptr_t)g_idt};
  __asm__ volatile("lidt %0" : : "m"(idtr));
}
