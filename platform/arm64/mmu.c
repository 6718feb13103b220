/* mmu.c (arm64): an identity map with caches, set up once at boot.
 *
 * Why: with the MMU off every data access is Device-nGnRnE, so unaligned
 * accesses fault and nothing is cached. With this map RAM is Normal
 * write-back memory (unaligned accesses allowed, caches on, the compiler
 * free to use them) and everything else is Device memory, never executed.
 *
 * 4 KiB granule, 40-bit addresses (T0SZ = 24): one level-0 table whose
 * first two entries each point to a level-1 table of 512 1 GiB blocks.
 * QEMU virt: devices below 1 GiB, RAM from 1 GiB up to 256 GiB, the high
 * PCIe ECAM at 256 GiB and the high PCIe MMIO window at 512 GiB.
 *
 * QEMU does not model caches; on real hardware the tables, written with the
 * caches off, would also need cleaning to the point of coherency. */
#include <stdbool.h>
#include <stdint.h>

#define ENTRIES 512
#define GIB (1ull << 30)

/* Descriptor bits (ARM ARM D8.3, VMSAv8-64 translation table format). */
#define DESC_TABLE 0x3ull                 /* bits 1:0 = 0b11 at level 0 */
#define DESC_BLOCK 0x1ull                 /* bits 1:0 = 0b01 at level 1 */
#define DESC_ATTR(i) ((uint64_t)(i) << 2) /* MAIR_EL1 index */
#define DESC_SH_INNER (3ull << 8)         /* inner shareable */
#define DESC_AF (1ull << 10)  /* access flag: set, or the access faults */
#define DESC_PXN (1ull << 53) /* no execution at EL1 */
#define DESC_UXN (1ull << 54) /* no execution at EL0 */

/* MAIR_EL1: attribute 0 = Device-nGnRE (0x04), 1 = Normal, inner and outer
 * write-back, read- and write-allocate (0xff). */
#define MAIR_VALUE 0xff04ull
#define ATTR_DEVICE 0
#define ATTR_NORMAL 1

#define NORMAL (DESC_BLOCK | DESC_ATTR(ATTR_NORMAL) | DESC_SH_INNER | DESC_AF)
#define DEVICE                                                                 \
  (DESC_BLOCK | DESC_ATTR(ATTR_DEVICE) | DESC_AF | DESC_PXN | DESC_UXN)

/* TCR_EL1: T0SZ = 24 (bits 5:0), table walks inner/outer write-back
 * cacheable (IRGN0 bits 9:8 = 01, ORGN0 bits 11:10 = 01), inner shareable
 * (SH0 bits 13:12 = 11), 4 KiB granule (TG0 bits 15:14 = 00), no TTBR1
 * walks (EPD1 bit 23), IPS bits 34:32 = 010: 40-bit physical addresses. */
#define TCR_VALUE                                                              \
  (24ull | (1ull << 8) | (1ull << 10) | (3ull << 12) | (1ull << 23) |          \
   (2ull << 32))

/* SCTLR_EL1: M (bit 0) MMU on, A (1) alignment check, C (2) data cache,
 * I (12) instruction cache, WXN (19) writable implies never-execute. */
#define SCTLR_M (1ull << 0)
#define SCTLR_A (1ull << 1)
#define SCTLR_C (1ull << 2)
#define SCTLR_I (1ull << 12)
#define SCTLR_WXN (1ull << 19)

static uint64_t g_l0[ENTRIES] __attribute__((aligned(4096)));
static uint64_t g_l1[2][ENTRIES] __attribute__((aligned(4096)));

void arm64_mmu_init(void);

void arm64_mmu_init(void) {
  for (uint64_t i = 0; i < 2 * ENTRIES; i++) {
    bool ram = i >= 1 && i < 256;
    g_l1[i / ENTRIES][i % ENTRIES] = (i * GIB) | (ram ? NORMAL : DEVICE);
  }
  g_l0[0] = (uint64_t)(uintptr_t)g_l1[0] | DESC_TABLE;
  g_l0[1] = (uint64_t)(uintptr_t)g_l1[1] | DESC_TABLE;

  uint64_t sctlr;
  __asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
  sctlr |= SCTLR_M | SCTLR_C | SCTLR_I;
  sctlr &= ~(SCTLR_A | SCTLR_WXN);
  __asm__ volatile("msr mair_el1, %0\n\t"
                   "msr tcr_el1, %1\n\t"
                   "msr ttbr0_el1, %2\n\t"
                   "dsb ish\n\t"
                   "isb\n\t"
                   "tlbi vmalle1\n\t"
                   "dsb ish\n\t"
                   "isb\n\t"
                   "msr sctlr_el1, %3\n\t"
                   "isb" ::"r"(MAIR_VALUE),
                   "r"(TCR_VALUE), "r"((uint64_t)(uintptr_t)g_l0), "r"(sctlr)
                   : "memory");
}
