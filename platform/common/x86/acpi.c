/* acpi.c: just enough ACPI to find the IOAPICs: RSDP -> XSDT (or RSDT) ->
 * MADT ("APIC") -> its IOAPIC entries. Every table is checked (signature,
 * length bounds, checksum) before it is trusted; anything wrong means "no
 * ACPI", and ioapic.c falls back to one IOAPIC at 0xfec00000.
 *
 * Facts used (ACPI 6.x, section 5.2):
 *  RSDP: "RSD PTR " at a 16-byte boundary; checksum over 20 bytes; revision
 *        at 15; RSDT address (u32) at 16; revision >= 2: XSDT address (u64)
 *        at 24. QEMU 7.2's microvm gives revision 2 with only an XSDT.
 *  Table header: 36 bytes; signature at 0, length (u32) at 4; all bytes of
 *        the table sum to 0. RSDT entries are u32, XSDT entries u64
 *        (unaligned), after the header.
 *  MADT: entries from offset 44, each {type u8, length u8, ...}; type 1 is
 *        an IOAPIC: id u8 at 2, address u32 at 4, GSI base u32 at 8.
 * Without an RSDP from the loader, it is searched for in the first KiB of the
 * EBDA (segment at 0x40e) and in 0xe0000-0xfffff. */
#include <stddef.h>

#include "x86.h"

#define MAX_TABLE (64u * 1024u) /* no table realmos reads is larger */

static uint32_t le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p) {
  return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static bool sum_ok(const uint8_t *p, uint32_t n) {
  uint8_t s = 0;
  for (uint32_t i = 0; i < n; i++)
    s = (uint8_t)(s + p[i]);
  return s == 0;
}

static bool sig_is(const uint8_t *p, const char *sig, unsigned n) {
  for (unsigned i = 0; i < n; i++)
    if (p[i] != (uint8_t)sig[i])
      return false;
  return true;
}

/* Physical memory is identity mapped below 4 GiB on both arches. */
static const uint8_t *phys(uint64_t pa) {
  if (pa == 0 || pa >= 0x100000000ull)
    return NULL;
  return (const uint8_t *)(uintptr_t)pa;
}

static const uint8_t *rsdp_at(uint64_t pa) {
  const uint8_t *p = phys(pa);
  if (!p || !sig_is(p, "RSD PTR ", 8) || !sum_ok(p, 20))
    return NULL;
  return p;
}

static const uint8_t *rsdp_scan(uint32_t start, uint32_t len) {
  for (uint32_t a = start & ~15u; a < start + len; a += 16) {
    const uint8_t *p = rsdp_at(a);
    if (p)
      return p;
  }
  return NULL;
}

static const uint8_t *find_rsdp(uint64_t hint) {
  const uint8_t *p = rsdp_at(hint);
  if (p)
    return p;
  uint32_t ebda = (uint32_t)(*(const volatile uint16_t *)0x40e) << 4;
  if (ebda >= 0x80000 && ebda < 0xa0000 && (p = rsdp_scan(ebda, 1024)))
    return p;
  return rsdp_scan(0xe0000, 0x20000);
}

/* A table with a valid header, length and checksum, or NULL. */
static const uint8_t *table_at(uint64_t pa, const char *sig) {
  const uint8_t *t = phys(pa);
  if (!t || !sig_is(t, sig, 4))
    return NULL;
  uint32_t len = le32(t + 4);
  if (len < 36 || len > MAX_TABLE || !sum_ok(t, len))
    return NULL;
  return t;
}

static const uint8_t *find_madt(const uint8_t *rsdp) {
  bool x = rsdp[15] >= 2 && le64(rsdp + 24) != 0;
  const uint8_t *root = x ? table_at(le64(rsdp + 24), "XSDT")
                          : table_at(le32(rsdp + 16), "RSDT");
  if (!root)
    return NULL;
  unsigned esz = x ? 8 : 4;
  uint32_t len = le32(root + 4);
  for (uint32_t off = 36; off + esz <= len; off += esz) {
    uint64_t pa = x ? le64(root + off) : le32(root + off);
    const uint8_t *t = table_at(pa, "APIC");
    if (t)
      return t;
  }
  return NULL;
}

unsigned x86_acpi_ioapics(uint64_t rsdp_hint, x86_ioapic_desc_t *out,
                          unsigned max) {
  const uint8_t *rsdp = find_rsdp(rsdp_hint);
  const uint8_t *madt = rsdp ? find_madt(rsdp) : NULL;
  if (!madt)
    return 0;
  uint32_t len = le32(madt + 4);
  unsigned n = 0;
  for (uint32_t off = 44; off + 2 <= len && n < max;) {
    uint8_t type = madt[off], elen = madt[off + 1];
    if (elen < 2 || off + elen > len)
      break;
    if (type == 1 && elen >= 12) {
      out[n].addr = le32(madt + off + 4);
      out[n].gsi_base = le32(madt + off + 8);
      n++;
    }
    off += elen;
  }
  return n;
}
