/* boot.S (arm64): the entry point. QEMU's -kernel jumps to the ELF entry at
 * EL1 (no EL2/EL3 on virt by default) with the MMU off, IRQs masked, and x0
 * = 0 for a non-Linux image: the device tree is then at the start of RAM.
 *
 *   1. mask all exceptions, stack, vector table (VBAR_EL1)
 *   2. FP/SIMD on: CPACR_EL1.FPEN (bits 21:20) = 0b11, no trapping at EL1
 *      or EL0; the compiler may use SIMD registers in any C code
 *   3. clear BSS
 *   4. identity-mapped MMU with caches (mmu.c)
 *   5. kmain(dtb): x0 if QEMU gave one, else RAM base; NULL if no FDT magic
 *      (0xd00dfeed, big-endian) is there */
  .section .text.boot, "ax"
  .global _start
_start:
  msr daifset, #0xf
  mov x19, x0
  ldr x1, =__stack_top
  mov sp, x1
  ldr x1, =arm64_vectors
  msr vbar_el1, x1
  mov x1, #(3 << 20)
  msr cpacr_el1, x1
  isb

  ldr x1, =__bss_start
  ldr x2, =__bss_end
1:cmp x1, x2
  b.hs 2f
  stp xzr, xzr, [x1], #16
  b 1b
2:
  bl arm64_mmu_init

  mov x0, x19
  cbnz x0, 3f
  ldr x0, =0x40000000
3:ldr w1, [x0]
  ldr w2, =0xedfe0dd0 /* 0xd00dfeed read little-endian */
  cmp w1, w2
  csel x0, x0, xzr, eq
  bl kmain
4:wfi
  b 4b
