/* ioapic.c: the IOAPICs, arch_irq_unmask and arch_irq_rearm. A line is a
 * GSI; GSI g is delivered as vector X86_VEC_IRQ_BASE + g to this CPU's
 * LAPIC, so the handler gets the line back from the vector.
 *
 * Registers (82093AA): IOREGSEL at base+0x00 selects, IOWIN at base+0x10
 * reads or writes; the pair is not atomic, so the loop side writes with
 * interrupts off. Register 0x01 holds the version; bits 16-23 are the number
 * of redirection entries minus one. Entry n is registers 0x10+2n (low half)
 * and 0x11+2n (high half: destination APIC id in bits 24-31). Low half:
 * vector 0-7, delivery mode 8-10 (0 fixed), destination mode 11 (0
 * physical), polarity 13 (0 active high), trigger 15 (1 level), mask 16.
 *
 * Trigger and polarity, by GSI, as QEMU's ACPI tables describe them:
 *   0-15  ISA interrupts: edge, active high.
 *   16+   q35's PCI INTx links (GSI 16-23) and microvm's virtio-mmio slots:
 *         level, active high.
 * A level line stays asserted until its driver acknowledges the device,
 * which happens in the loop, not in the handler; so the handler masks it
 * (x86_ioapic_fired) before the EOI, and arch_irq_rearm unmasks it at the
 * next platform_wfi, after the loop has polled the device. If the device
 * still asserts it then, it interrupts again: nothing is lost. */
#include "io.h"
#include "vectors.h"
#include "x86.h"

#define IOREGSEL 0x00
#define IOWIN 0x10
#define REG_VER 0x01
#define REG_REDIR 0x10
#define REDIR_LEVEL (1u << 15)
#define REDIR_MASKED (1u << 16)
#define FIRST_LEVEL_GSI 16
#define DEFAULT_BASE 0xfec00000u /* where QEMU's microvm and q35 put it */
#define MAX_IOAPICS 4

static struct {
  uintptr_t base;
  uint32_t gsi_base;
  uint32_t pins;
} g_io[MAX_IOAPICS];
static unsigned g_count;

/* Per routed line: its IOAPIC's base, its pin, the low half as unmasked. */
static struct {
  uintptr_t base;
  uint32_t pin;
  uint32_t low; /* 0: not routed */
} g_line[X86_IRQ_LINES];
static uint64_t g_masked; /* level lines masked by their handler */

static uint32_t rd(uintptr_t base, uint32_t reg) {
  x86_mmio_write32(base + IOREGSEL, reg);
  return x86_mmio_read32(base + IOWIN);
}

static void wr(uintptr_t base, uint32_t reg, uint32_t v) {
  x86_mmio_write32(base + IOREGSEL, reg);
  x86_mmio_write32(base + IOWIN, v);
}

/* From the ACPI MADT when there is one, else the default IOAPIC. Every
 * input starts masked. */
void x86_ioapic_init(uint64_t rsdp) {
  x86_ioapic_desc_t d[MAX_IOAPICS];
  unsigned n = x86_acpi_ioapics(rsdp, d, MAX_IOAPICS);
  if (n == 0) {
    d[0].addr = DEFAULT_BASE;
    d[0].gsi_base = 0;
    n = 1;
  }
  g_count = 0;
  for (unsigned i = 0; i < n; i++) {
    uintptr_t base = d[i].addr;
    uint32_t ver = rd(base, REG_VER);
    if (ver == 0xffffffffu) /* nothing there */
      continue;
    uint32_t pins = ((ver >> 16) & 0xff) + 1;
    for (uint32_t pin = 0; pin < pins; pin++) {
      wr(base, REG_REDIR + 2 * pin, REDIR_MASKED);
      wr(base, REG_REDIR + 2 * pin + 1, 0);
    }
    g_io[g_count].base = base;
    g_io[g_count].gsi_base = d[i].gsi_base;
    g_io[g_count].pins = pins;
    klog(KLOG_DEBUG, "x86: ioapic %p gsi %u-%u\n", (void *)base, d[i].gsi_base,
         d[i].gsi_base + pins - 1);
    g_count++;
  }
}

void arch_irq_unmask(uint32_t irq) {
  if (x86_msi_line(irq))
    return; /* not an IOAPIC input: the device's MSI-X entry is its mask */
  if (irq >= X86_IRQ_LINES) {
    klog(KLOG_WARN, "x86: irq %u has no vector\n", irq);
    return;
  }
  for (unsigned i = 0; i < g_count; i++) {
    if (irq < g_io[i].gsi_base || irq - g_io[i].gsi_base >= g_io[i].pins)
      continue;
    uint32_t pin = irq - g_io[i].gsi_base;
    uint32_t low = X86_VEC_IRQ_BASE + irq;
    if (irq >= FIRST_LEVEL_GSI)
      low |= REDIR_LEVEL;
    uint32_t s = arch_irq_save();
    g_line[irq].base = g_io[i].base;
    g_line[irq].pin = pin;
    g_line[irq].low = low;
    wr(g_io[i].base, REG_REDIR + 2 * pin + 1, x86_lapic_id() << 24);
    wr(g_io[i].base, REG_REDIR + 2 * pin, low);
    arch_irq_restore(s);
    return;
  }
  klog(KLOG_WARN, "x86: irq %u is on no ioapic\n", irq);
}

/* Interrupt context, before the EOI: mask a level line until the loop has
 * polled its device. */
void x86_ioapic_fired(uint32_t irq) {
  if (!(g_line[irq].low & REDIR_LEVEL))
    return;
  wr(g_line[irq].base, REG_REDIR + 2 * g_line[irq].pin,
     g_line[irq].low | REDIR_MASKED);
  g_masked |= (uint64_t)1 << irq;
}

void arch_irq_rearm(void) {
  if (*(volatile uint64_t *)&g_masked == 0) /* the usual case: no MMIO */
    return;
  uint32_t s = arch_irq_save();
  for (uint32_t irq = 0; irq < X86_IRQ_LINES; irq++)
    if (g_masked & ((uint64_t)1 << irq))
      wr(g_line[irq].base, REG_REDIR + 2 * g_line[irq].pin, g_line[irq].low);
  g_masked = 0;
  arch_irq_restore(s);
}
