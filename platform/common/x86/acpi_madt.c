/* acpi_madt.c: the IOAPICs of the MADT ("APIC") (pure: see acpi_parse.h).
 *
 * Facts used (ACPI 6.x, 5.2.12): after the 36-byte header come the local
 * APIC address (u32) and flags (u32); entries start at offset 44, each
 * {type u8, length u8, ...}. Type 1 is an I/O APIC: id u8 at 2, address u32
 * at 4, GSI base u32 at 8 (length 12). */
#include "acpi_parse.h"

#define MADT_ENTRIES 44u
#define MADT_IOAPIC 1u
#define IOAPIC_LEN 12u

unsigned acpi_madt_ioapics(const uint8_t *t, uint32_t len, acpi_ioapic_t *out,
                           unsigned max) {
  unsigned n = 0;
  for (uint32_t off = MADT_ENTRIES; off + 2 <= len && n < max;) {
    uint8_t type = t[off], elen = t[off + 1];
    if (elen < 2 || elen > len - off) /* malformed: stop, keep what we have */
      break;
    if (type == MADT_IOAPIC && elen >= IOAPIC_LEN) {
      out[n].addr = acpi_le32(t + off + 4);
      out[n].gsi_base = acpi_le32(t + off + 8);
      n++;
    }
    off += elen;
  }
  return n;
}
