/* frame.h (x32): what isr.S leaves on the stack for x86_trap, lowest address
 * first: pushal's eight registers (edi first; esp_pushal is esp as pushal
 * saw it, not the interrupted one), the vector and error code (0 when the
 * CPU pushes none), then what the CPU pushed. Without a privilege change the
 * CPU pushes no ss:esp: the interrupted esp is just past eflags. */
#ifndef REALMOS_X32_FRAME_H
#define REALMOS_X32_FRAME_H

#include <stdint.h>

struct x86_frame {
  uint32_t edi, esi, ebp, esp_pushal, ebx, edx, ecx, eax;
  uint32_t vector, error;
  uint32_t eip, cs, eflags;
};

#endif
