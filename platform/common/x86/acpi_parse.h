/* acpi_parse.h: the pure ACPI parsers of realmos. Bytes in, results out:
 * they touch no hardware and no global state, so the unit tests and the
 * fuzzers run them on the host. Tables are outside input: every offset and
 * length is checked, and anything malformed is refused, never trusted.
 *
 * Physical memory is reached only through an acpi_mem_t, which says whether
 * a range is readable: on the machine it is the identity map (acpi.c), in
 * the tests a few captured blobs at their original addresses. */
#ifndef REALMOS_X86_ACPI_PARSE_H
#define REALMOS_X86_ACPI_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_HEADER_LEN 36u
#define ACPI_MAX_TABLE (1024u * 1024u) /* a sanity bound, not a spec limit */

static inline uint16_t acpi_le16(const uint8_t *p) {
  return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t acpi_le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static inline uint64_t acpi_le64(const uint8_t *p) {
  return (uint64_t)acpi_le32(p) | (uint64_t)acpi_le32(p + 4) << 32;
}

/* `n` readable bytes at physical address `pa`, or NULL. */
typedef struct {
  const uint8_t *(*map)(const void *ctx, uint64_t pa, uint32_t n);
  const void *ctx;
} acpi_mem_t;

/* What the RSDP points to (0: absent). */
typedef struct {
  uint64_t xsdt;
  uint32_t rsdt;
} acpi_root_t;

/* ---- acpi_table.c: RSDP, table headers, the root table walk ---------- */

/* An RSDP in `avail` bytes at `p`: signature, the 20-byte checksum and, for
 * revision >= 2, the extended length and checksum. */
bool acpi_rsdp_parse(const uint8_t *p, uint32_t avail, acpi_root_t *out);

/* The table at `pa` if its signature is `sig` (4 chars), its length is
 * within [36, ACPI_MAX_TABLE] and all its bytes sum to 0; else NULL.
 * *len gets its length. */
const uint8_t *acpi_table(const acpi_mem_t *m, uint64_t pa, const char *sig,
                          uint32_t *len);

/* The first valid table `sig` listed by the XSDT, or by the RSDT when there
 * is no valid XSDT or it does not list one. */
const uint8_t *acpi_find(const acpi_mem_t *m, const acpi_root_t *r,
                         const char *sig, uint32_t *len);

/* The DSDT, through the FADT ("FACP"): X_DSDT when it is a valid DSDT,
 * else DSDT. */
const uint8_t *acpi_dsdt(const acpi_mem_t *m, const acpi_root_t *r,
                         uint32_t *len);

/* ---- acpi_madt.c: IOAPICs ------------------------------------------- */

typedef struct {
  uint32_t addr;     /* physical MMIO base */
  uint32_t gsi_base; /* first GSI of its inputs */
} acpi_ioapic_t;

/* The IOAPIC entries of a checked MADT (up to max); returns the count. */
unsigned acpi_madt_ioapics(const uint8_t *t, uint32_t len, acpi_ioapic_t *out,
                           unsigned max);

/* ---- acpi_mcfg.c: PCI Express ECAM windows --------------------------- */

typedef struct {
  uint64_t base; /* ECAM address of bus 0 of the segment (not bus_start) */
  uint16_t segment;
  uint8_t bus_start, bus_end;
} acpi_ecam_t;

/* The allocations of a checked MCFG (up to max); returns the count. */
unsigned acpi_mcfg_parse(const uint8_t *t, uint32_t len, acpi_ecam_t *out,
                         unsigned max);

/* ---- acpi_res.c: resource templates (the bytes of a _CRS buffer) ----- */

typedef struct {
  uint64_t base; /* Memory32Fixed */
  uint32_t size;
  uint32_t gsi; /* the first interrupt of an Extended Interrupt */
} acpi_mmio_res_t;

/* A Memory32Fixed and an Extended Interrupt descriptor, both required. */
bool acpi_res_mmio(const uint8_t *b, uint32_t n, acpi_mmio_res_t *out);

/* ---- acpi_lnro.c: the virtio-mmio devices of a DSDT ------------------- */

/* Every device with _HID "LNRO0005" whose _CRS (a Name, a Buffer) decodes
 * with acpi_res_mmio, in table order; up to max; returns the count. */
unsigned acpi_virtio_mmio_scan(const uint8_t *dsdt, uint32_t len,
                               acpi_mmio_res_t *out, unsigned max);

#endif
