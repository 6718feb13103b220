/* frame.h (x64): what isr.S leaves on the stack for x86_trap, lowest address
 * first: the general registers it pushed (rax first, so last here), the
 * vector and error code (0 when the CPU pushes none), then what the CPU
 * pushed. In long mode the CPU always pushes ss:rsp. */
#ifndef REALMOS_X64_FRAME_H
#define REALMOS_X64_FRAME_H

#include <stdint.h>

struct x86_frame {
  uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
  uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
  uint64_t vector, error;
  uint64_t rip, cs, rflags, rsp, ss;
};

#endif
