/* trap.c (arm32): the panic report for an exception realmos does not
 * expect: which one, the fault status (DFSR or IFSR) in words, the fault
 * address (DFAR or IFAR), the PC and every general register; then
 * platform_halt(). */
#include <stdint.h>

#include "kernel.h"

struct arm32_frame { /* built by vectors.S */
  uint32_t r[13];
  uint32_t sp, lr; /* of the interrupted mode */
  uint32_t ret;    /* lr of the exception mode: the PC plus an offset */
  uint32_t spsr;   /* the interrupted CPSR */
  uint32_t pad;
};

void arm32_trap(struct arm32_frame *f, uint32_t kind);

enum { RESET, UNDEF, SVC, PABT, DABT, HYP, IRQ, FIQ };
static const char *const g_kind_names[8] = {"reset",
                                            "undefined instruction",
                                            "supervisor call",
                                            "prefetch abort",
                                            "data abort",
                                            "hyp trap",
                                            "IRQ",
                                            "FIQ"};

#define SPSR_T (1u << 5) /* the interrupted code was Thumb */

/* Short-descriptor fault status, FS = bits 10 and 3:0 (ARM ARM B4.1.52). */
static const char *fs_name(uint32_t fsr) {
  switch (((fsr >> 6) & 0x10) | (fsr & 0xf)) {
  case 0x01:
    return "alignment fault";
  case 0x02:
    return "debug event";
  case 0x03:
    return "access flag fault (section)";
  case 0x04:
    return "instruction cache maintenance fault";
  case 0x05:
    return "translation fault (section)";
  case 0x06:
    return "access flag fault (page)";
  case 0x07:
    return "translation fault (page)";
  case 0x08:
    return "synchronous external abort";
  case 0x09:
    return "domain fault (section)";
  case 0x0b:
    return "domain fault (page)";
  case 0x0c:
    return "external abort on table walk (level 1)";
  case 0x0d:
    return "permission fault (section)";
  case 0x0e:
    return "external abort on table walk (level 2)";
  case 0x0f:
    return "permission fault (page)";
  case 0x16:
    return "asynchronous external abort";
  case 0x18:
    return "asynchronous parity error";
  case 0x19:
    return "synchronous parity error";
  default:
    return "other fault";
  }
}

static uint32_t read_dfsr(void) {
  uint32_t v;
  __asm__ volatile("mrc p15, 0, %0, c5, c0, 0" : "=r"(v));
  return v;
}
static uint32_t read_ifsr(void) {
  uint32_t v;
  __asm__ volatile("mrc p15, 0, %0, c5, c0, 1" : "=r"(v));
  return v;
}
static uint32_t read_dfar(void) {
  uint32_t v;
  __asm__ volatile("mrc p15, 0, %0, c6, c0, 0" : "=r"(v));
  return v;
}
static uint32_t read_ifar(void) {
  uint32_t v;
  __asm__ volatile("mrc p15, 0, %0, c6, c0, 2" : "=r"(v));
  return v;
}

void arm32_trap(struct arm32_frame *f, uint32_t kind) {
  static bool in_panic;
  if (in_panic) /* faulted while reporting: just stop */
    platform_halt();
  in_panic = true;

  kind &= 7;
  bool thumb = f->spsr & SPSR_T;
  /* The exception mode's lr: undefined and SVC: next instruction; prefetch
   * abort: pc + 4; data abort: pc + 8 (ARM ARM B1.8.3). */
  uint32_t pc = f->ret - (kind == DABT ? 8 : (kind == PABT || !thumb) ? 4 : 2);
  if (kind == DABT) {
    uint32_t dfsr = read_dfsr();
    printk("\npanic: data abort: %s%s (DFSR 0x%08x) at pc 0x%08x, "
           "far (DFAR) 0x%08x\n",
           fs_name(dfsr), (dfsr & (1u << 11)) ? " on write" : "", dfsr, pc,
           read_dfar());
  } else if (kind == PABT) {
    uint32_t ifsr = read_ifsr();
    printk("\npanic: prefetch abort: %s (IFSR 0x%08x) at pc 0x%08x, "
           "far (IFAR) 0x%08x\n",
           fs_name(ifsr), ifsr, pc, read_ifar());
  } else {
    printk("\npanic: %s exception at pc 0x%08x\n", g_kind_names[kind], pc);
  }
  for (int i = 0; i < 12; i += 4)
    printk("  r%-2d 0x%08x  r%-2d 0x%08x  r%-2d 0x%08x  r%-2d 0x%08x\n", i,
           f->r[i], i + 1, f->r[i + 1], i + 2, f->r[i + 2], i + 3, f->r[i + 3]);
  printk("  r12 0x%08x  sp  0x%08x  lr  0x%08x  pc  0x%08x\n", f->r[12], f->sp,
         f->lr, pc);
  printk("  cpsr 0x%08x\n", f->spsr);
  platform_halt();
}
