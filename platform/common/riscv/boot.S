/* boot.S: the first instructions, at 0x80000000 (link.ld).
 *
 * With -bios none, QEMU's reset code at 0x1000 jumps here in M-mode with
 * a0 = mhartid and a1 = the address of the flattened device tree. Hart 0
 * sets up the stacks, the trap vector, BSS and the FPU, then calls
 * kmain(fdt). Any other hart waits forever (realmos runs one loop). */
#include "csr.h"
#include "xlen.h"

  .section .text.boot, "ax"
  .globl _start
_start:
  csrw mie, zero               /* no interrupt source until arch_init */
  csrci mstatus, MSTATUS_MIE
  csrr t0, mhartid
  bnez t0, park

  la sp, __stack_top
  la t0, __trap_stack_top      /* trap_entry.S swaps sp with mscratch */
  csrw mscratch, t0
  la t0, riscv_trap_entry      /* direct mode: every trap goes there */
  csrw mtvec, t0

  la t0, __bss_start           /* link.ld aligns both ends to 16 bytes */
  la t1, __bss_end
1:
  bgeu t0, t1, 2f
  REG_S zero, 0(t0)
  addi t0, t0, REGBYTES
  j 1b
2:
  li t0, MSTATUS_FS            /* FPU on (FS = dirty) ... */
  csrs mstatus, t0
  csrw fcsr, zero              /* round to nearest, no flags */
  li t0, MSTATUS_FS_DIRTY - MSTATUS_FS_INITIAL
  csrc mstatus, t0             /* ... then "initial": until the kernel */
                               /* uses FP, traps need not save it */

  mv a0, a1                    /* boot_ctx: the device tree */
  call kmain
  /* kmain returns only after platform_shutdown, which powers off. */
park:
  wfi
  j park
