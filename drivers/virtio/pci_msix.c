/* pci_msix.c: MSI-X for a PCI function (PCI Local Bus 3.0, 6.8.2), as the
 * virtio-pci transport uses it: one message, in table entry 0, for every
 * interrupt of the function (virtio points its config and queue vectors at
 * entry 0).
 *
 * Capability (id 0x11): +2 message control (le16: bits 10-0 table size
 * minus one, bit 14 function mask, bit 15 MSI-X enable); +4 table
 * offset/BIR (le32: bits 2-0 the BAR, bits 31-3 the offset in it, 8-byte
 * aligned); +8 the same for the pending bit array. A table entry is 16
 * bytes: +0 message address low, +4 high, +8 message data, +12 vector
 * control (bit 0 masked; every entry is masked after reset). With MSI-X
 * enabled the function no longer signals INTx. The table is BAR memory,
 * written with 32-bit accesses. */
#include "pci_msix.h"

#include "kapi.h"

#define CAP_MSIX 0x11u
#define MSIX_CONTROL 2
#define MSIX_TABLE 4
#define CONTROL_FUNCTION_MASK (1u << 14)
#define CONTROL_ENABLE (1u << 15)
#define TABLE_BIR_MASK 0x7u
#define ENTRY_SIZE 16u
#define ENTRY_ADDR_LO 0
#define ENTRY_ADDR_HI 1
#define ENTRY_DATA 2
#define ENTRY_CONTROL 3 /* in 32-bit words */

uint8_t pci_msix_enable(const pci_function_t *f, uint32_t *line) {
  uint8_t cap = pci_find_cap(f, CAP_MSIX, 0);
  if (cap == 0)
    return 0;
  uint32_t table = pci_read32(f, cap + MSIX_TABLE);
  uint32_t bir = table & TABLE_BIR_MASK;
  uint64_t off = table & ~TABLE_BIR_MASK;
  /* Outside input: the entry must lie in a BAR pci.c mapped. */
  if (bir >= 6 || f->bar[bir] == 0 || f->bar_size[bir] < ENTRY_SIZE ||
      off > f->bar_size[bir] - ENTRY_SIZE)
    return 0;
  uint64_t addr;
  uint32_t data, l;
  if (!drv_msi_alloc(&l, &addr, &data))
    return 0; /* *line keeps the INTx line */
  *line = l;
  volatile uint32_t *e = (volatile uint32_t *)(uintptr_t)(f->bar[bir] + off);
  e[ENTRY_ADDR_LO] = (uint32_t)addr;
  e[ENTRY_ADDR_HI] = (uint32_t)(addr >> 32);
  e[ENTRY_DATA] = data;
  e[ENTRY_CONTROL] = 0; /* unmasked */
  uint16_t ctl = pci_read16(f, cap + MSIX_CONTROL);
  pci_write16(f, cap + MSIX_CONTROL,
              (uint16_t)((ctl | CONTROL_ENABLE) & ~CONTROL_FUNCTION_MASK));
  klog(KLOG_DEBUG,
       "pci: %u:%u.%u MSI-X on, %u entries, table BAR %u + 0x%x, line %u\n",
       f->bus, f->dev, f->fn, (ctl & 0x7ffu) + 1u, bir, (unsigned)off, *line);
  return cap;
}

void pci_msix_disable(uintptr_t cfg, uint8_t cap) {
  pci_function_t f = {.cfg = cfg};
  uint16_t ctl = pci_read16(&f, cap + MSIX_CONTROL);
  pci_write16(&f, cap + MSIX_CONTROL, (uint16_t)(ctl & ~CONTROL_ENABLE));
}
