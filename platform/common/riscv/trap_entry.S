/* trap_entry.S: mtvec (direct mode) points here for every trap.
 *
 * Traps run on their own stack: mscratch holds its top while the kernel runs
 * (boot.S), so a fault with a broken sp still gets a report. The frame
 * (trap_frame.h) keeps every x register, mepc, mcause, mtval and mstatus; the
 * FP registers too when mstatus.FS says they were written (dirty), because
 * the C handler is compiled with F and D and may use them. Interrupts stay
 * off (the hardware cleared mstatus.MIE; mret restores it from MPIE), so
 * traps do not nest, except a fault inside the handler, which ends in a
 * panic anyway. */
#include "csr.h"
#include "trap_frame.h"

  .section .text.trap, "ax"
  .align 2                     /* mtvec: 4-byte aligned */
  .globl riscv_trap_entry
riscv_trap_entry:
  csrrw sp, mscratch, sp       /* sp = trap stack, mscratch = interrupted sp */
  addi sp, sp, -TF_SIZE
  REG_S x1, TF_X(1)(sp)
  .irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  REG_S x\n, TF_X(\n)(sp)
  .endr
  csrr t0, mscratch
  REG_S t0, TF_X(2)(sp)
  addi t0, sp, TF_SIZE         /* mscratch = trap stack top again */
  csrw mscratch, t0

  csrr t0, mepc
  REG_S t0, TF_MEPC(sp)
  csrr t0, mcause
  REG_S t0, TF_MCAUSE(sp)
  csrr t0, mtval
  REG_S t0, TF_MTVAL(sp)
  csrr s0, mstatus             /* s0 survives the call */
  REG_S s0, TF_MSTATUS(sp)

  /* FS == 3 (dirty): the interrupted code has live FP registers. */
  srli s1, s0, MSTATUS_FS_SHIFT
  andi s1, s1, 3
  addi s1, s1, -3              /* s1 == 0: saved, restore them on the way out */
  bnez s1, 1f
  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  fsd f\n, TF_F(\n)(sp)
  .endr
  csrr t0, fcsr
  sw t0, TF_FCSR(sp)
1:
  mv a0, sp
  call riscv_trap

  bnez s1, 2f
  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  fld f\n, TF_F(\n)(sp)
  .endr
  lw t0, TF_FCSR(sp)
  csrw fcsr, t0
2:
  REG_L t0, TF_MEPC(sp)        /* the handler may move it (not yet used) */
  csrw mepc, t0
  REG_L x1, TF_X(1)(sp)
  .irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  REG_L x\n, TF_X(\n)(sp)
  .endr
  REG_L sp, TF_X(2)(sp)        /* last: the interrupted sp */
  mret
