/* pvh.h: the x86/HVM direct boot ABI (PVH), as far as realmos uses it.
 *
 * The kernel's ELF carries a note (name "Xen", type 18,
 * XEN_ELFNOTE_PHYS32_ENTRY) whose descriptor is the physical address of a
 * 32-bit entry point. QEMU's -kernel finds it (the firmware's PVH loader,
 * qboot on microvm and pvh.bin under SeaBIOS on q35, then jumps there) in
 * 32-bit protected mode, paging off, flat CS/DS/ES/SS, interrupts off, with
 * ebx = the physical address of struct hvm_start_info below.
 *
 * QEMU reads the descriptor as 32 bits for an ELF32 and 64 bits for an
 * ELF64, and finds it 4-byte aligned after the name, so the note section is
 * aligned to 4. Assembly includes this file for the constants only. */
#ifndef REALMOS_X86_PVH_H
#define REALMOS_X86_PVH_H

#define PVH_NOTE_TYPE 18            /* XEN_ELFNOTE_PHYS32_ENTRY */
#define PVH_START_MAGIC 0x336ec578u /* hvm_start_info.magic */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct hvm_start_info {
  uint32_t magic;   /* PVH_START_MAGIC */
  uint32_t version; /* 0, or 1 with the memory map */
  uint32_t flags;
  uint32_t nr_modules;
  uint64_t modlist_paddr;
  uint64_t cmdline_paddr; /* NUL-terminated */
  uint64_t rsdp_paddr;    /* ACPI RSDP, 0 if the loader did not say */
  uint64_t memmap_paddr;  /* version 1: e820-style entries */
  uint32_t memmap_entries;
  uint32_t reserved;
};
#endif

#endif
