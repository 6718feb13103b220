/* mmu.c (arm32): an identity map with caches, set up once at boot.
 *
 * Why: with the MMU off every data access is Strongly-ordered, so unaligned
 * accesses fault and nothing is cached. With this map RAM is Normal
 * write-back memory (unaligned single loads and stores allowed with
 * SCTLR.A = 0, caches on) and everything else is Device memory, never
 * executed.
 *
 * Short-descriptor format (ARM ARM B3.5): one first-level table of 4096
 * 1 MiB sections covers the 32-bit space. QEMU virt with highmem=off:
 * devices below 1 GiB (PCIe ECAM at 0x3f000000, its windows below it), RAM
 * from 1 GiB up to 4 GiB.
 *
 * QEMU does not model caches; on real hardware the table, written with the
 * caches off, would also need cleaning to the point of coherency. */
#include <stdint.h>

#define SECTIONS 4096
#define RAM_FIRST 0x400 /* section of 0x40000000 */

/* Section descriptor bits with TEX remap off (SCTLR.TRE = 0). */
#define SEC 0x2u /* bits 1:0 = 0b10: a 1 MiB section */
#define SEC_B (1u << 2)
#define SEC_C (1u << 3)
#define SEC_XN (1u << 4)     /* execute never */
#define SEC_AP_RW (3u << 10) /* AP[1:0] = 11, AP[2] = 0: read/write */
#define SEC_TEX(x) ((uint32_t)(x) << 12)
#define SEC_S (1u << 16) /* shareable */
/* TEX 001, C, B: Normal, inner and outer write-back write-allocate. */
#define NORMAL (SEC | SEC_TEX(1) | SEC_C | SEC_B | SEC_AP_RW | SEC_S)
/* TEX 000, B: shareable Device. */
#define DEVICE (SEC | SEC_B | SEC_XN | SEC_AP_RW)

/* TTBR0 walk attributes (multiprocessing extensions): IRGN = 01 (bit 6 set,
 * bit 0 clear) inner write-back write-allocate, RGN bits 4:3 = 01 outer the
 * same, S (bit 1) shareable. */
#define TTBR_ATTRS ((1u << 6) | (1u << 3) | (1u << 1))

/* SCTLR: M (bit 0) MMU, A (1) alignment check, C (2) data cache, Z (11)
 * branch prediction, I (12) instruction cache, V (13) high vectors,
 * TRE (28) TEX remap, AFE (29) access flag. */
#define SCTLR_M (1u << 0)
#define SCTLR_A (1u << 1)
#define SCTLR_C (1u << 2)
#define SCTLR_Z (1u << 11)
#define SCTLR_I (1u << 12)
#define SCTLR_V (1u << 13)
#define SCTLR_TRE (1u << 28)
#define SCTLR_AFE (1u << 29)

static uint32_t g_table[SECTIONS] __attribute__((aligned(16384)));

void arm32_mmu_init(void);

void arm32_mmu_init(void) {
  for (uint32_t i = 0; i < SECTIONS; i++)
    g_table[i] = (i << 20) | (i >= RAM_FIRST ? NORMAL : DEVICE);

  uint32_t sctlr;
  __asm__ volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(sctlr));
  sctlr |= SCTLR_M | SCTLR_C | SCTLR_Z | SCTLR_I;
  sctlr &= ~(SCTLR_A | SCTLR_V | SCTLR_TRE | SCTLR_AFE);
  __asm__ volatile("mcr p15, 0, %0, c2, c0, 2\n\t" /* TTBCR = 0: TTBR0 only,
                                                       short descriptors */
                   "mcr p15, 0, %1, c2, c0, 0\n\t" /* TTBR0 */
                   "mcr p15, 0, %2, c3, c0, 0\n\t" /* DACR: all clients */
                   "dsb\n\t"
                   "isb\n\t"
                   "mcr p15, 0, %0, c8, c7, 0\n\t" /* TLBIALL */
                   "mcr p15, 0, %0, c7, c5, 0\n\t" /* ICIALLU */
                   "mcr p15, 0, %0, c7, c5, 6\n\t" /* BPIALL */
                   "dsb\n\t"
                   "isb\n\t"
                   "mcr p15, 0, %3, c1, c0, 0\n\t" /* SCTLR */
                   "isb" ::"r"(0u),
                   "r"((uint32_t)(uintptr_t)g_table | TTBR_ATTRS),
                   "r"(0x55555555u), "r"(sctlr)
                   : "memory");
}
