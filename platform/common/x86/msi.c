/* msi.c: arch_msi_alloc for x86 (arch.h). Lines X86_MSI_LINE_BASE and up
 * are MSI vectors (vectors.h): vector 0x30 + line, as for the GSIs, so the
 * handler gets the line back from the vector (trap.c).
 *
 * The message (Intel SDM vol. 3, 11.11 "Message Signalled Interrupts"):
 *  - address 0xFEExxxxx: bits 19-12 the destination APIC id, bit 3
 *    redirection hint (0), bit 2 destination mode (0: physical);
 *  - data: bits 7-0 the vector, bits 10-8 delivery mode (0: fixed), bit 15
 *    trigger mode (0: edge), bit 14 level (ignored for edge).
 * So: this CPU's LAPIC, fixed delivery, edge, one vector per line. QEMU's
 * q35 without an IOMMU has no interrupt remapping: a device's write to
 * 0xFEExxxxx goes straight to the LAPIC. Edge: the handler masks nothing,
 * only sends the LAPIC its EOI. */
#include "vectors.h"
#include "x86.h"

#define MSI_ADDR_BASE 0xfee00000u
#define MSI_ADDR_DEST_SHIFT 12

static uint32_t g_used; /* MSI lines handed out */

bool arch_msi_alloc(uint32_t *line, uint64_t *addr, uint32_t *data) {
  if (g_used == X86_MSI_LINES)
    return false;
  uint32_t dest = x86_lapic_id() & 0xffu; /* 8 bits in xAPIC mode */
  *line = X86_MSI_LINE_BASE + g_used++;
  *addr = MSI_ADDR_BASE | dest << MSI_ADDR_DEST_SHIFT;
  *data = X86_VEC_IRQ_BASE + *line;
  return true;
}

bool x86_msi_line(uint32_t irq) {
  return irq >= X86_MSI_LINE_BASE && irq - X86_MSI_LINE_BASE < X86_MSI_LINES;
}
