/* isr.S (x32): the interrupt and exception entry stubs.
 *
 * Stub v (16 bytes each, at x86_isr_stubs + 16 * v, for v below
 * X86_STUB_COUNT) pushes a zero error code when the CPU pushes none, then v,
 * and jumps to the common path. The CPU pushes an error code for vectors 8,
 * 10-14, 17, 21, 29 and 30. The timer vector has its own stub.
 *
 * The common path saves the general registers (pushal: struct x86_frame,
 * frame.h), saves the x87/SSE state with fxsave into a 16-byte aligned
 * 512-byte area below them (so C may use SSE, and the interrupted code's
 * xmm registers survive), calls x86_trap(frame) with the stack 16-byte
 * aligned at the call, and undoes all of it. Interrupt gates clear IF;
 * handlers never set it, so entries do not nest. */
#include "x86/vectors.h"

  .macro stub vec
  .balign X86_STUB_SIZE
  .if !((\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30))
  pushl $0
  .endif
  pushl $\vec
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
  pushal
  cld
  mov %esp, %ebx          /* the frame; ebx survives the call */
  sub $512, %esp
  and $-16, %esp
  fxsave (%esp)
  sub $12, %esp
  push %ebx
  call x86_trap
  add $16, %esp
  fxrstor (%esp)
  mov %ebx, %esp
  popal
  add $8, %esp            /* vector and error code */
  iretl

  /* The LAPIC spurious vector: no EOI, nothing to do. */
  .globl x86_isr_spurious
x86_isr_spurious:
  iretl

  .section .note.GNU-stack, "", @progbits
