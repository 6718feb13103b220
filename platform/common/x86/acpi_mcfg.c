/* acpi_mcfg.c: the PCI Express ECAM windows of the MCFG (pure: see
 * acpi_parse.h).
 *
 * Facts used (PCI Firmware Specification 3.x, 4.1.2): after the 36-byte
 * header, 8 reserved bytes; then allocations of 16 bytes from offset 44:
 * base address (u64) at 0, PCI segment group (u16) at 8, start bus (u8) at
 * 10, end bus (u8) at 11, 4 reserved. The base is where bus 0 of the
 * segment would be, even when start bus is not 0: bus b's config space is at
 * base + (b << 20). QEMU 7.2's q35: one allocation, 0xb0000000, buses 0-255.
 */
#include "acpi_parse.h"

#define MCFG_ENTRIES 44u
#define MCFG_ENTRY_LEN 16u

unsigned acpi_mcfg_parse(const uint8_t *t, uint32_t len, acpi_ecam_t *out,
                         unsigned max) {
  unsigned n = 0;
  for (uint32_t off = MCFG_ENTRIES; off + MCFG_ENTRY_LEN <= len && n < max;
       off += MCFG_ENTRY_LEN) {
    const uint8_t *e = t + off;
    uint64_t base = acpi_le64(e);
    uint8_t start = e[10], end = e[11];
    if (base == 0 || end < start) /* refused, not fatal for the others */
      continue;
    out[n].base = base;
    out[n].segment = acpi_le16(e + 8);
    out[n].bus_start = start;
    out[n].bus_end = end;
    n++;
  }
  return n;
}
