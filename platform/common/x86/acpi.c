/* acpi.c: the machine's side of the ACPI parsers (acpi_parse.h): physical
 * memory as an acpi_mem_t, finding the RSDP, and the IOAPICs of the MADT
 * for ioapic.c. Anything wrong means "no ACPI": ioapic.c then falls back to
 * one IOAPIC at 0xfec00000, and discovery finds no devices.
 *
 * The RSDP comes from the PVH start_info when the loader filled it in (QEMU
 * 7.2: qboot on microvm and SeaBIOS's pvh.bin on q35 both do); otherwise it
 * is searched for, at 16-byte boundaries, in the first KiB of the EBDA (its
 * segment is the u16 at 0x40e) and in 0xe0000-0xfffff (ACPI 6.x, 5.2.5.1).
 */
#include "x86.h"

#define RSDP_READ 36u /* the revision 2 size; a longer RSDP is refused */
#define FOUR_GIB 0x100000000ull

/* x64 identity-maps the low 4 GiB; x32 runs with paging off. */
static const uint8_t *phys(const void *ctx, uint64_t pa, uint32_t n) {
  (void)ctx;
  if (pa == 0 || pa >= FOUR_GIB || n > FOUR_GIB - pa)
    return NULL;
  return (const uint8_t *)(uintptr_t)pa;
}

const acpi_mem_t x86_acpi_mem = {phys, NULL};

static bool rsdp_at(uint64_t pa, acpi_root_t *r) {
  return acpi_rsdp_parse(phys(NULL, pa, RSDP_READ), RSDP_READ, r);
}

static bool rsdp_scan(uint32_t start, uint32_t len, acpi_root_t *r) {
  for (uint32_t a = start & ~15u; a < start + len; a += 16)
    if (rsdp_at(a, r))
      return true;
  return false;
}

bool x86_acpi_root(uint64_t hint, acpi_root_t *r) {
  if (rsdp_at(hint, r))
    return true;
  uint32_t ebda = (uint32_t)(*(const volatile uint16_t *)0x40e) << 4;
  if (ebda >= 0x80000 && ebda < 0xa0000 && rsdp_scan(ebda, 1024, r))
    return true;
  return rsdp_scan(0xe0000, 0x20000, r);
}

unsigned x86_acpi_ioapics(uint64_t rsdp_hint, x86_ioapic_desc_t *out,
                          unsigned max) {
  acpi_root_t r;
  uint32_t len;
  const uint8_t *madt;
  if (!x86_acpi_root(rsdp_hint, &r) ||
      !(madt = acpi_find(&x86_acpi_mem, &r, "APIC", &len)))
    return 0;
  return acpi_madt_ioapics(madt, len, out, max);
}
