/* vectors.S (arm32): the exception vector table (at VBAR, 32-byte aligned,
 * one instruction per exception) and its entry stubs.
 *
 * IRQ: the only expected exception. The stub stores the return address and
 * SPSR straight onto the SVC stack (SRS), moves to SVC mode, where the
 * interrupted code ran, and saves what a C call may change: r0-r3, r12, lr,
 * and of the FP/SIMD registers d0-d7, d16-d31 and FPSCR (d8-d15 are kept by
 * the callee under the AAPCS, whole, unlike AArch64's v8-v15). So the
 * interrupted code's FP/SIMD state survives whatever the compiler does in
 * the handler. RFE returns and restores CPSR.
 *
 * Everything else is a panic (trap.c): the stub saves r0-r12, the
 * interrupted mode's sp and lr, its own lr (from which trap.c finds the PC)
 * and the SPSR, and calls arm32_trap(frame, kind). */
#define MODE_SVC 0x13
#define TRAP_FRAME 72 /* struct arm32_frame in trap.c */

  .text
  .arm
  .balign 32
  .global arm32_vectors
arm32_vectors:
  b trap_reset   /* 0x00 reset */
  b trap_und     /* 0x04 undefined instruction */
  b trap_svc     /* 0x08 supervisor call */
  b trap_pabt    /* 0x0c prefetch abort */
  b trap_dabt    /* 0x10 data abort */
  b trap_hyp     /* 0x14 not used outside Hyp mode */
  b irq_entry    /* 0x18 IRQ */
  b trap_fiq     /* 0x1c FIQ */

irq_entry:
  sub lr, lr, #4           /* lr_irq is the interrupted pc + 4 */
  srsdb sp!, #MODE_SVC     /* push lr_irq, spsr_irq on the SVC stack */
  cps #MODE_SVC            /* IRQs stay masked */
  push {r0-r3, r12, lr}
  and r1, sp, #4           /* the interrupted sp may be 4-aligned: make */
  sub sp, sp, r1           /* it 8 as the AAPCS asks at calls */
  vmrs r2, fpscr
  push {r1, r2}
  vpush {d0-d7}
  vpush {d16-d31}
  bl arm_irq_handler
  vpop {d16-d31}
  vpop {d0-d7}
  pop {r1, r2}
  vmsr fpscr, r2
  add sp, sp, r1
  pop {r0-r3, r12, lr}
  rfeia sp!

/* Kinds, as trap.c names them. */
.macro trap name, kind
\name:
  sub sp, sp, #TRAP_FRAME
  stmia sp, {r0-r12}
  mov r0, #\kind
  b trap_entry
.endm
  trap trap_reset, 0
  trap trap_und, 1
  trap trap_svc, 2
  trap trap_pabt, 3
  trap trap_dabt, 4
  trap trap_hyp, 5
  trap trap_fiq, 7

trap_entry:
  str lr, [sp, #60]
  mrs r1, spsr
  str r1, [sp, #64]
  /* sp and lr are banked: visit the interrupted mode (user mode's are
   * system mode's) with interrupts masked to read them. */
  mrs r2, cpsr
  and r3, r1, #0x1f
  cmp r3, #0x10
  moveq r3, #0x1f
  orr r3, r3, #0xc0
  mov r4, sp
  msr cpsr_c, r3
  mov r5, sp
  mov r6, lr
  msr cpsr_c, r2
  str r5, [r4, #52]
  str r6, [r4, #56]
  mov r1, r0
  mov r0, r4
  bic sp, sp, #7
  bl arm32_trap
1:wfi
  b 1b
