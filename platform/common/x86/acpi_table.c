/* acpi_table.c: the RSDP, table headers and checksums, and the walk from
 * the root table to one table (pure: see acpi_parse.h).
 *
 * Facts used (ACPI 6.x, section 5.2):
 *  RSDP: "RSD PTR " at 0; the first 20 bytes sum to 0; revision at 15; RSDT
 *        address (u32) at 16. Revision >= 2: length (u32, >= 36) at 20, XSDT
 *        address (u64) at 24, and all `length` bytes sum to 0.
 *  Table header: 36 bytes; signature at 0, length (u32) at 4; all bytes of
 *        the table sum to 0. RSDT entries are u32, XSDT entries u64
 *        (unaligned), after the header.
 *  FADT ("FACP"): DSDT address (u32) at 40; X_DSDT (u64) at 140 when the
 *        table is at least 148 bytes long; X_DSDT wins when it is valid.
 * QEMU 7.2: microvm gives a revision 2 RSDP with only an XSDT; q35 under
 * SeaBIOS a revision 0 RSDP with only an RSDT. */
#include "acpi_parse.h"

#define RSDP_V1_LEN 20u
#define RSDP_V2_LEN 36u
#define FADT_DSDT 40u
#define FADT_X_DSDT 140u

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

bool acpi_rsdp_parse(const uint8_t *p, uint32_t avail, acpi_root_t *out) {
  if (!p || avail < RSDP_V1_LEN || !sig_is(p, "RSD PTR ", 8) ||
      !sum_ok(p, RSDP_V1_LEN))
    return false;
  out->rsdt = acpi_le32(p + 16);
  out->xsdt = 0;
  if (p[15] >= 2) {
    if (avail < RSDP_V2_LEN)
      return false;
    uint32_t len = acpi_le32(p + 20);
    if (len < RSDP_V2_LEN || len > avail || !sum_ok(p, len))
      return false;
    out->xsdt = acpi_le64(p + 24);
  }
  return out->rsdt != 0 || out->xsdt != 0;
}

const uint8_t *acpi_table(const acpi_mem_t *m, uint64_t pa, const char *sig,
                          uint32_t *len) {
  if (pa == 0)
    return NULL;
  const uint8_t *h = m->map(m->ctx, pa, ACPI_HEADER_LEN);
  if (!h || !sig_is(h, sig, 4))
    return NULL;
  uint32_t n = acpi_le32(h + 4);
  if (n < ACPI_HEADER_LEN || n > ACPI_MAX_TABLE)
    return NULL;
  const uint8_t *t = m->map(m->ctx, pa, n);
  if (!t || !sum_ok(t, n))
    return NULL;
  *len = n;
  return t;
}

/* Search one root table (entries of `esz` bytes) for `sig`. */
static const uint8_t *search_root(const acpi_mem_t *m, uint64_t pa,
                                  const char *root_sig, unsigned esz,
                                  const char *sig, uint32_t *len) {
  uint32_t rlen;
  const uint8_t *root = acpi_table(m, pa, root_sig, &rlen);
  if (!root)
    return NULL;
  for (uint32_t off = ACPI_HEADER_LEN; off + esz <= rlen; off += esz) {
    uint64_t e = esz == 8 ? acpi_le64(root + off) : acpi_le32(root + off);
    const uint8_t *t = acpi_table(m, e, sig, len);
    if (t)
      return t;
  }
  return NULL;
}

const uint8_t *acpi_find(const acpi_mem_t *m, const acpi_root_t *r,
                         const char *sig, uint32_t *len) {
  const uint8_t *t = search_root(m, r->xsdt, "XSDT", 8, sig, len);
  if (!t)
    t = search_root(m, r->rsdt, "RSDT", 4, sig, len);
  return t;
}

const uint8_t *acpi_dsdt(const acpi_mem_t *m, const acpi_root_t *r,
                         uint32_t *len) {
  uint32_t flen;
  const uint8_t *fadt = acpi_find(m, r, "FACP", &flen);
  if (!fadt || flen < FADT_DSDT + 4)
    return NULL;
  const uint8_t *t = NULL;
  if (flen >= FADT_X_DSDT + 8)
    t = acpi_table(m, acpi_le64(fadt + FADT_X_DSDT), "DSDT", len);
  return t ? t : acpi_table(m, acpi_le32(fadt + FADT_DSDT), "DSDT", len);
}
