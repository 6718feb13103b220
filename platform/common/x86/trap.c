/* trap.c: every vector ends here, from the entry stubs of the arch's isr.S,
 * which saved the general registers (struct x86_frame) and the SSE/x87 state
 * (fxsave), so the C below may use any register.
 *
 * Device lines: mask the line if it is level-triggered (ioapic.c), LAPIC
 * EOI, push the line on the irq ring, return. MSI lines (msi.c): EOI, push.
 * The timer: EOI. Nothing else runs in interrupt context. Exceptions: a
 * panic report, then platform_halt (which powers off with a failure
 * status). */
#include "irq_ring.h"
#include "vectors.h"
#include "x86.h"

static const char *const g_names[32] = {
    "divide error (#DE)",
    "debug (#DB)",
    "NMI",
    "breakpoint (#BP)",
    "overflow (#OF)",
    "bound range (#BR)",
    "invalid opcode (#UD)",
    "device not available (#NM)",
    "double fault (#DF)",
    "coprocessor segment overrun",
    "invalid TSS (#TS)",
    "segment not present (#NP)",
    "stack fault (#SS)",
    "general protection (#GP)",
    "page fault (#PF)",
    "reserved",
    "x87 floating point (#MF)",
    "alignment check (#AC)",
    "machine check (#MC)",
    "SIMD floating point (#XM)",
    "virtualization (#VE)",
    "control protection (#CP)",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "hypervisor injection (#HV)",
    "VMM communication (#VC)",
    "security (#SX)",
    "reserved",
};

static bool g_in_panic;

/* Selector-style error codes (#TS #NP #SS #GP): bit 1 set means the fault
 * was about an IDT entry, as when a vector has no gate. (The index in bits
 * 3-15 is the vector on hardware; QEMU's TCG doubles it in long mode.) */
static void explain_error(uint32_t vector, uint64_t error) {
  if (vector == 14) {
    printk("  cr2 0x%llx (%s, %s, %s mode%s)\n",
           (unsigned long long)x86_read_cr2(),
           error & 1 ? "protection" : "not present",
           error & 2    ? "write"
           : error & 16 ? "fetch"
                        : "read",
           error & 4 ? "user" : "supervisor",
           error & 8 ? ", reserved bit" : "");
  } else if ((vector >= 10 && vector <= 13) && (error & 2)) {
    printk("  on an interrupt vector that has no gate in the IDT\n");
  }
}

static __attribute__((noreturn)) void exception(struct x86_frame *f) {
  if (g_in_panic) /* a fault inside the report: stop at once */
    arch_poweroff(true);
  g_in_panic = true;
  printk("\npanic: %s, vector %u, error 0x%llx\n", g_names[f->vector],
         (unsigned)f->vector, (unsigned long long)f->error);
  explain_error((uint32_t)f->vector, f->error);
  x86_print_frame(f);
  platform_halt();
}

void x86_trap(struct x86_frame *f) {
  uint32_t v = (uint32_t)f->vector;
  if (v < 32)
    exception(f);
  if (v >= X86_VEC_IRQ_BASE && v < X86_VEC_IRQ_BASE + X86_IRQ_LINES) {
    x86_ioapic_fired(v - X86_VEC_IRQ_BASE); /* masks a level line */
    x86_lapic_eoi();
    irq_ring_push(v - X86_VEC_IRQ_BASE);
  } else if (v >= X86_VEC_IRQ_BASE && x86_msi_line(v - X86_VEC_IRQ_BASE)) {
    x86_lapic_eoi(); /* an MSI is an edge: nothing to mask */
    irq_ring_push(v - X86_VEC_IRQ_BASE);
  } else if (v == X86_VEC_TIMER) {
    x86_lapic_eoi(); /* waking the CPU from hlt was its whole job */
  }
  /* 0x20-0x2f: a spurious 8259 interrupt (they are masked); ignore it. */
}
