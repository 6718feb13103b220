/* isr.S (x64): the interrupt and exception entry stubs.
 *
 * Stub v (16 bytes each, at x86_isr_stubs + 16 * v, for v below
 * X86_STUB_COUNT) pushes a zero error code when the CPU pushes none, then v,
 * and jumps to the common path. The CPU pushes an error code for vectors 8,
 * 10-14, 17, 21, 29 and 30. The timer vector has its own stub.
 *
 * The common path pushes the general registers (struct x86_frame, frame.h),
 * saves the x87/SSE state with fxsave into a 16-byte aligned 512-byte area
 * below them (so C may use SSE, and the interrupted code's xmm registers
 * survive), calls x86_trap(frame), and undoes all of it. Interrupt gates
 * clear IF; handlers never set it, so entries do not nest. */
#include "x86/vectors.h"

  .macro stub vec
  .balign X86_STUB_SIZE
  .if !((\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30))
  pushq $0
  .endif
  pushq $\vec
  jmp isr_common
  .endm

  .text
  .balign X86_STUB_SIZE
  .globl x86_isr_stubs
x86_isr_stubs:
  .irp hi, 0,1,2,3,4,5,6
  .irp lo, 0,1,2,3,4,5,6,7,8,9,a,b,c,d,e,f
  stub 0x\hi\lo
  .endr
  .endr
  .if (0x70 != X86_STUB_COUNT)
  .error "isr.S: the stub list above must cover X86_STUB_COUNT vectors"
  .endif

  .globl x86_isr_timer
x86_isr_timer:
  stub X86_VEC_TIMER

isr_common:
  pushq %rax
  pushq %rbx
  pushq %rcx
  pushq %rdx
  pushq %rsi
  pushq %rdi
  pushq %rbp
  pushq %r8
  pushq %r9
  pushq %r10
  pushq %r11
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  cld
  mov %rsp, %rbx          /* the frame; rbx survives the call */
  sub $512, %rsp
  and $-16, %rsp
  fxsave (%rsp)
  mov %rbx, %rdi
  call x86_trap
  fxrstor (%rsp)
  mov %rbx, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %r11
  popq %r10
  popq %r9
  popq %r8
  popq %rbp
  popq %rdi
  popq %rsi
  popq %rdx
  popq %rcx
  popq %rbx
  popq %rax
  add $16, %rsp           /* vector and error code */
  iretq

  /* The LAPIC spurious vector: no EOI, nothing to do. */
  .globl x86_isr_spurious
x86_isr_spurious:
  iretq

  .section .note.GNU-stack, "", @progbits
