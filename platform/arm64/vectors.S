/* vectors.S (arm64): the EL1 exception vector table and its entry stubs.
 *
 * VBAR_EL1 points at a 2 KiB-aligned table of 16 slots of 0x80 bytes: four
 * groups (from the current EL on SP_EL0, current EL on SP_ELx, a lower EL in
 * AArch64, a lower EL in AArch32) of four kinds (synchronous, IRQ, FIQ,
 * SError). realmos runs at EL1 on SP_EL1, so only slot 5 (current EL, SP_ELx,
 * IRQ) is expected; every other slot is a panic (trap.c) told its slot.
 *
 * IRQ: the stub saves what a C call may change, the caller-saved x0-x18 and
 * x30, ELR_EL1 and SPSR_EL1, and all of q0-q31 with FPCR and FPSR (the ABI
 * keeps only the low 64 bits of v8-v15 across calls, so the full vectors are
 * saved: the interrupted code's FP/SIMD state survives whatever the compiler
 * does in the handler). 704 bytes on the interrupted stack. */

/* IRQ frame: x0-x18 and x30 at 0, ELR and SPSR at 160, FPCR and FPSR at
 * 176, q0-q31 at 192. */
#define IRQ_FRAME 704
#define TRAP_FRAME 288 /* struct arm64_frame in trap.c */

/* A slot that panics: keep x0/x1, pass the slot number in x0. */
.macro trap_slot n
  .balign 0x80
  sub sp, sp, #TRAP_FRAME
  stp x0, x1, [sp, #0]
  mov x0, #\n
  b trap_entry
.endm

  .text
  .balign 0x800
  .global arm64_vectors
arm64_vectors:
  trap_slot 0
  trap_slot 1
  trap_slot 2
  trap_slot 3
  trap_slot 4
  .balign 0x80
  b irq_entry
  trap_slot 6
  trap_slot 7
  trap_slot 8
  trap_slot 9
  trap_slot 10
  trap_slot 11
  trap_slot 12
  trap_slot 13
  trap_slot 14
  trap_slot 15

irq_entry:
  sub sp, sp, #IRQ_FRAME
  stp x0, x1, [sp, #0]
  stp x2, x3, [sp, #16]
  stp x4, x5, [sp, #32]
  stp x6, x7, [sp, #48]
  stp x8, x9, [sp, #64]
  stp x10, x11, [sp, #80]
  stp x12, x13, [sp, #96]
  stp x14, x15, [sp, #112]
  stp x16, x17, [sp, #128]
  stp x18, x30, [sp, #144]
  mrs x0, elr_el1
  mrs x1, spsr_el1
  stp x0, x1, [sp, #160]
  mrs x0, fpcr
  mrs x1, fpsr
  stp x0, x1, [sp, #176]
  add x0, sp, #192
  stp q0, q1, [x0, #0]
  stp q2, q3, [x0, #32]
  stp q4, q5, [x0, #64]
  stp q6, q7, [x0, #96]
  stp q8, q9, [x0, #128]
  stp q10, q11, [x0, #160]
  stp q12, q13, [x0, #192]
  stp q14, q15, [x0, #224]
  stp q16, q17, [x0, #256]
  stp q18, q19, [x0, #288]
  stp q20, q21, [x0, #320]
  stp q22, q23, [x0, #352]
  stp q24, q25, [x0, #384]
  stp q26, q27, [x0, #416]
  stp q28, q29, [x0, #448]
  stp q30, q31, [x0, #480]

  bl arm_irq_handler

  add x0, sp, #192
  ldp q0, q1, [x0, #0]
  ldp q2, q3, [x0, #32]
  ldp q4, q5, [x0, #64]
  ldp q6, q7, [x0, #96]
  ldp q8, q9, [x0, #128]
  ldp q10, q11, [x0, #160]
  ldp q12, q13, [x0, #192]
  ldp q14, q15, [x0, #224]
  ldp q16, q17, [x0, #256]
  ldp q18, q19, [x0, #288]
  ldp q20, q21, [x0, #320]
  ldp q22, q23, [x0, #352]
  ldp q24, q25, [x0, #384]
  ldp q26, q27, [x0, #416]
  ldp q28, q29, [x0, #448]
  ldp q30, q31, [x0, #480]
  ldp x0, x1, [sp, #176]
  msr fpcr, x0
  msr fpsr, x1
  ldp x0, x1, [sp, #160]
  msr elr_el1, x0
  msr spsr_el1, x1
  ldp x0, x1, [sp, #0]
  ldp x2, x3, [sp, #16]
  ldp x4, x5, [sp, #32]
  ldp x6, x7, [sp, #48]
  ldp x8, x9, [sp, #64]
  ldp x10, x11, [sp, #80]
  ldp x12, x13, [sp, #96]
  ldp x14, x15, [sp, #112]
  ldp x16, x17, [sp, #128]
  ldp x18, x30, [sp, #144]
  add sp, sp, #IRQ_FRAME
  eret

/* The rest of struct arm64_frame: x2-x30, the interrupted sp, ELR, SPSR,
 * ESR, FAR; then arm64_trap(frame, slot), which does not return. */
trap_entry:
  stp x2, x3, [sp, #16]
  stp x4, x5, [sp, #32]
  stp x6, x7, [sp, #48]
  stp x8, x9, [sp, #64]
  stp x10, x11, [sp, #80]
  stp x12, x13, [sp, #96]
  stp x14, x15, [sp, #112]
  stp x16, x17, [sp, #128]
  stp x18, x19, [sp, #144]
  stp x20, x21, [sp, #160]
  stp x22, x23, [sp, #176]
  stp x24, x25, [sp, #192]
  stp x26, x27, [sp, #208]
  stp x28, x29, [sp, #224]
  add x1, sp, #TRAP_FRAME
  stp x30, x1, [sp, #240]
  mrs x1, elr_el1
  mrs x2, spsr_el1
  stp x1, x2, [sp, #256]
  mrs x1, esr_el1
  mrs x2, far_el1
  stp x1, x2, [sp, #272]
  mov x1, x0
  mov x0, sp
  bl arm64_trap
1:wfi
  b 1b
