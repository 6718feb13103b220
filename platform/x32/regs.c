/* regs.c (x32): the register part of a panic report. */
#include "x86.h"

void x86_print_frame(const struct x86_frame *f) {
  /* No privilege change: the interrupted esp is just past eflags. */
  uint32_t esp = (uint32_t)(uintptr_t)(&f->eflags + 1);
  printk("  eip 0x%08x  cs 0x%x  eflags 0x%x\n", (unsigned)f->eip,
         (unsigned)f->cs, (unsigned)f->eflags);
  printk("  eax 0x%08x  ebx 0x%08x  ecx 0x%08x  edx 0x%08x\n", (unsigned)f->eax,
         (unsigned)f->ebx, (unsigned)f->ecx, (unsigned)f->edx);
  printk("  esi 0x%08x  edi 0x%08x  ebp 0x%08x  esp 0x%08x\n", (unsigned)f->esi,
         (unsigned)f->edi, (unsigned)f->ebp, (unsigned)esp);
}
