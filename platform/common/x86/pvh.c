/* pvh.c: what realmos reads from the PVH start_info (pvh.h). */
#include "pvh.h"
#include "x86.h"

/* The ACPI RSDP's physical address, or 0 when there is no valid start_info
 * or the loader did not fill it in (acpi.c then scans the BIOS areas). */
uint64_t x86_pvh_rsdp(const void *boot_ctx) {
  const struct hvm_start_info *si = boot_ctx;
  if (!si || si->magic != PVH_START_MAGIC)
    return 0;
  return si->rsdp_paddr;
}
