/* boot.S (x32): from the PVH entry (32-bit protected mode, paging off,
 * ebx = hvm_start_info) to kmain(start_info). Paging stays off: all of
 * physical memory, the LAPIC and the IOAPICs included, is addressed
 * directly.
 *
 *  1. Our own GDT (flat 4 GiB code and data); clear BSS; a stack.
 *  2. FPU and SSE on: CR0.MP and NE set, EM and TS clear; CR4.OSFXSR and
 *     OSXMMEXCPT set; fninit. The kernel may use floating point.
 *  3. The IDT (idt.c), then kmain. */
#include "x86/pvh.h"

#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_TS (1 << 3)
#define CR0_NE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)

#define CODE 0x08
#define DATA 0x10
#define STACK_SIZE 16384

/* The PVH note: the 32-bit entry point, 32 bits wide in an ELF32. */
  .section .note.Xen, "a", @note
  .balign 4
  .long 4                 /* namesz: "Xen\0" */
  .long 4                 /* descsz */
  .long PVH_NOTE_TYPE
  .asciz "Xen"
  .balign 4
  .long pvh_start32
  .balign 4

  .section .text.boot, "ax"
  .globl pvh_start32
pvh_start32:
  cli
  cld
  rdtsc                   /* the boot report's first instruction (clock.c) */
  mov %eax, x86_boot_tsc
  mov %edx, x86_boot_tsc + 4
  mov %ebx, %esi          /* start_info, kept in esi until kmain */
  lgdt gdt_ptr
  ljmpl $CODE, $1f
1:
  mov $DATA, %eax
  mov %eax, %ds
  mov %eax, %es
  mov %eax, %ss
  mov %eax, %fs
  mov %eax, %gs

  mov $__bss_start, %edi
  mov $__bss_end, %ecx
  sub %edi, %ecx
  xor %eax, %eax
  rep stosb
  mov $boot_stack_top, %esp

  mov %cr0, %eax
  and $~(CR0_EM | CR0_TS), %eax
  or $(CR0_MP | CR0_NE), %eax
  mov %eax, %cr0
  mov %cr4, %eax
  or $(CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
  mov %eax, %cr4
  fninit

  call x86_idt_init
  sub $12, %esp           /* the argument at a 16-byte aligned esp */
  push %esi
  call kmain
2:
  cli
  hlt
  jmp 2b

  .section .rodata
  .balign 8
gdt:
  .quad 0
  .quad 0x00cf9a000000ffff  /* 0x08: 32-bit code, flat */
  .quad 0x00cf92000000ffff  /* 0x10: data, flat */
gdt_end:
gdt_ptr:
  .word gdt_end - gdt - 1
  .long gdt

  /* In .data, not .bss: written before BSS is cleared. */
  .data
  .balign 8
  .globl x86_boot_tsc
x86_boot_tsc:
  .quad 0

  .bss
  .balign 16
boot_stack:
  .skip STACK_SIZE
boot_stack_top:

  .section .note.GNU-stack, "", @progbits
