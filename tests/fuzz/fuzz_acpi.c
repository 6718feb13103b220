/* fuzz_acpi.c: libFuzzer harness for the x86 ACPI parsers
 * (platform/common/x86/acpi_*.c), which read the tables firmware leaves in
 * memory. Each input is used three ways:
 *  - as an RSDP (acpi_rsdp_parse);
 *  - as one table at physical address TABLE_PA: its length field is set to
 *    the input's size and its checksum byte fixed, so that acpi_table()
 *    accepts it and the fuzzer explores the contents, then it is parsed as
 *    a MADT, an MCFG and a DSDT (the virtio-mmio device scan), whatever its
 *    signature says;
 *  - as a resource template (acpi_res_mmio).
 * The input is copied to a buffer of exactly its size, so ASan sees any
 * read past its end. Seeds: the QEMU tables in tests/data/. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../platform/common/x86/acpi_lnro.c"
#include "../../platform/common/x86/acpi_madt.c"
#include "../../platform/common/x86/acpi_mcfg.c"
#include "../../platform/common/x86/acpi_res.c"
#include "../../platform/common/x86/acpi_table.c"
#include "../../platform/common/x86/aml.c"

#define TABLE_PA 0x100000u

typedef struct {
  const uint8_t *bytes;
  uint32_t len;
} blob_t;

static const uint8_t *map(const void *ctx, uint64_t pa, uint32_t n) {
  const blob_t *b = ctx;
  if (pa < TABLE_PA || pa - TABLE_PA > b->len || n > b->len - (pa - TABLE_PA))
    return NULL;
  return b->bytes + (pa - TABLE_PA);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > ACPI_MAX_TABLE)
    return 0;
  uint8_t *buf = malloc(size ? size : 1);
  if (buf == NULL)
    return 0;
  memcpy(buf, data, size);

  acpi_root_t root;
  acpi_rsdp_parse(buf, (uint32_t)size, &root);
  acpi_mmio_res_t res;
  acpi_res_mmio(buf, (uint32_t)size, &res);

  if (size >= ACPI_HEADER_LEN) {
    buf[4] = (uint8_t)size, buf[5] = (uint8_t)(size >> 8);
    buf[6] = (uint8_t)(size >> 16), buf[7] = (uint8_t)(size >> 24);
    uint8_t sum = 0;
    buf[9] = 0;
    for (size_t i = 0; i < size; i++)
      sum = (uint8_t)(sum + buf[i]);
    buf[9] = (uint8_t)-sum;
    blob_t b = {buf, (uint32_t)size};
    acpi_mem_t mem = {map, &b};
    char sig[5] = {(char)buf[0], (char)buf[1], (char)buf[2], (char)buf[3], 0};
    uint32_t len;
    const uint8_t *t = acpi_table(&mem, TABLE_PA, sig, &len);
    if (t == NULL)
      abort(); /* a table made valid above must be accepted */
    acpi_ioapic_t io[8];
    acpi_madt_ioapics(t, len, io, 8);
    acpi_ecam_t ecam[8];
    acpi_mcfg_parse(t, len, ecam, 8);
    acpi_mmio_res_t devs[8];
    acpi_virtio_mmio_scan(t, len, devs, 8);
  }
  free(buf);
  return 0;
}
