/* regs.c (x64): the register part of a panic report. */
#include "x86.h"

void x86_print_frame(const struct x86_frame *f) {
  printk("  rip 0x%016llx  cs 0x%llx  rflags 0x%llx\n",
         (unsigned long long)f->rip, (unsigned long long)f->cs,
         (unsigned long long)f->rflags);
  printk("  rax 0x%016llx  rbx 0x%016llx  rcx 0x%016llx\n",
         (unsigned long long)f->rax, (unsigned long long)f->rbx,
         (unsigned long long)f->rcx);
  printk("  rdx 0x%016llx  rsi 0x%016llx  rdi 0x%016llx\n",
         (unsigned long long)f->rdx, (unsigned long long)f->rsi,
         (unsigned long long)f->rdi);
  printk("  rbp 0x%016llx  rsp 0x%016llx  ss 0x%llx\n",
         (unsigned long long)f->rbp, (unsigned long long)f->rsp,
         (unsigned long long)f->ss);
  printk("  r8  0x%016llx  r9  0x%016llx  r10 0x%016llx\n",
         (unsigned long long)f->r8, (unsigned long long)f->r9,
         (unsigned long long)f->r10);
  printk("  r11 0x%016llx  r12 0x%016llx  r13 0x%016llx\n",
         (unsigned long long)f->r11, (unsigned long long)f->r12,
         (unsigned long long)f->r13);
  printk("  r14 0x%016llx  r15 0x%016llx\n", (unsigned long long)f->r14,
         (unsigned long long)f->r15);
}
