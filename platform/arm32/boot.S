/* boot.S (arm32): the entry point. QEMU's -kernel jumps to the ELF entry in
 * SVC mode (no EL2/EL3 on virt by default) with the MMU off and IRQs and
 * FIQs masked. A non-Linux image gets no registers set (r2 would hold the
 * device tree for Linux): the device tree is then at the start of RAM.
 *
 *   1. a stack for each mode we use (banked SPs: IRQ, abort, undefined, FIQ,
 *      SVC), the vector table (VBAR; SCTLR.V is 0 at reset)
 *   2. FP/SIMD on: CPACR bits 23:20 = full access to cp10 and cp11 (VFP
 *      and Advanced SIMD), then FPEXC.EN (bit 30)
 *   3. clear BSS
 *   4. identity-mapped MMU with caches (mmu.c)
 *   5. kmain(dtb): r2 if set, else RAM base; NULL if no FDT magic
 *      (0xd00dfeed, big-endian) is there */
#define MODE_FIQ 0x11
#define MODE_IRQ 0x12
#define MODE_SVC 0x13
#define MODE_ABT 0x17
#define MODE_UND 0x1b

  .section .text.boot, "ax"
  .arm
  .global _start
_start:
  cpsid aif
  mov r10, r2
  cps #MODE_IRQ
  ldr sp, =__irq_stack_top
  cps #MODE_ABT
  ldr sp, =__trap_stack_top
  cps #MODE_UND
  ldr sp, =__trap_stack_top
  cps #MODE_FIQ
  ldr sp, =__trap_stack_top
  cps #MODE_SVC
  ldr sp, =__stack_top
  ldr r0, =arm32_vectors
  mcr p15, 0, r0, c12, c0, 0   /* VBAR */

  mrc p15, 0, r0, c1, c0, 2    /* CPACR */
  orr r0, r0, #(0xf << 20)
  mcr p15, 0, r0, c1, c0, 2
  isb
  mov r0, #(1 << 30)
  vmsr fpexc, r0

  ldr r0, =__bss_start
  ldr r1, =__bss_end
  mov r2, #0
  mov r3, #0
1:cmp r0, r1
  strdlo r2, r3, [r0], #8
  blo 1b

  bl arm32_mmu_init

  movs r0, r10
  ldreq r0, =0x40000000
  ldr r1, [r0]
  ldr r2, =0xedfe0dd0 /* 0xd00dfeed read little-endian */
  cmp r1, r2
  movne r0, #0
  bl kmain
2:wfi
  b 2b
