/* boot.S (x64): from the PVH entry (32-bit protected mode, paging off,
 * ebx = hvm_start_info) to long mode and kmain(start_info).
 *
 *  1. Our own GDT; clear BSS; a stack.
 *  2. Page tables: identity map of the first 4 GiB with 2 MiB pages (one
 *     PML4 entry, one PDPT with 4 entries, 4 page directories). From 2 GiB
 *     up are devices: q35's ECAM (0xb0000000), PCI MMIO, the IOAPICs
 *     (0xfec00000), the LAPIC (0xfee00000); so that half is mapped
 *     cache-disabled (PCD|PWT). RAM (-m 128M) sits far below 2 GiB.
 *  3. CR4.PAE, EFER.LME, CR0.PG: long mode, entered by a far jump to a
 *     64-bit code segment.
 *  4. FPU and SSE on: CR0.MP and NE set, EM and TS clear; CR4.OSFXSR and
 *     OSXMMEXCPT set; fninit. The kernel may use floating point.
 *  5. The IDT (idt.c), then kmain. */
#include "x86/pvh.h"

#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_TS (1 << 3)
#define CR0_NE (1 << 5)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define PTE_P 0x01
#define PTE_RW 0x02
#define PTE_PWT 0x08
#define PTE_PCD 0x10
#define PTE_PS 0x80 /* in a page directory: a 2 MiB page */

#define CODE32 0x08
#define DATA 0x10
#define CODE64 0x18
#define STACK_SIZE 16384

/* The PVH note: the 32-bit entry point, 64 bits wide in an ELF64. */
  .section .note.Xen, "a", @note
  .balign 4
  .long 4                 /* namesz: "Xen\0" */
  .long 8                 /* descsz */
  .long PVH_NOTE_TYPE
  .asciz "Xen"
  .balign 4
  .quad pvh_start32
  .balign 4

  .section .text.boot, "ax"
  .code32
  .globl pvh_start32
pvh_start32:
  cli
  cld
  rdtsc                   /* the boot report's first instruction (clock.c) */
  mov %eax, x86_boot_tsc
  mov %edx, x86_boot_tsc + 4
  mov %ebx, %esi          /* start_info, kept in esi until kmain */
  lgdt gdt_ptr
  ljmpl $CODE32, $1f
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

  /* PML4[0] -> pdpt; pdpt[0..3] -> pd + 4096 * i */
  mov $pdpt + (PTE_P | PTE_RW), %eax
  mov %eax, pml4
  mov $pd + (PTE_P | PTE_RW), %eax
  xor %ecx, %ecx
2:
  mov %eax, pdpt(, %ecx, 8)
  add $4096, %eax
  inc %ecx
  cmp $4, %ecx
  jb 2b
  /* pd[i] = i * 2 MiB, for the 2048 entries of the four directories */
  mov $(PTE_P | PTE_RW | PTE_PS), %eax
  xor %ecx, %ecx
3:
  mov %eax, %edx
  cmp $1024, %ecx         /* 2 GiB and up: devices */
  jb 4f
  or $(PTE_PCD | PTE_PWT), %edx
4:
  mov %edx, pd(, %ecx, 8)
  add $0x200000, %eax
  inc %ecx
  cmp $2048, %ecx
  jb 3b

  mov $pml4, %eax
  mov %eax, %cr3
  mov %cr4, %eax
  or $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
  mov %eax, %cr4
  mov $MSR_EFER, %ecx
  rdmsr
  or $EFER_LME, %eax
  wrmsr
  mov %cr0, %eax
  and $~(CR0_EM | CR0_TS), %eax
  or $(CR0_PE | CR0_MP | CR0_NE | CR0_PG), %eax
  mov %eax, %cr0
  ljmpl $CODE64, $long_mode

  .code64
long_mode:
  mov $DATA, %eax
  mov %eax, %ds
  mov %eax, %es
  mov %eax, %ss
  xor %eax, %eax
  mov %eax, %fs
  mov %eax, %gs
  mov $boot_stack_top, %rsp
  fninit
  push %rsi               /* start_info; keeps rsp 16-byte aligned */
  push %rsi
  call x86_idt_init
  pop %rdi
  pop %rdi
  call kmain
5:
  cli
  hlt
  jmp 5b

  .section .rodata
  .balign 8
gdt:
  .quad 0
  .quad 0x00cf9a000000ffff  /* 0x08: 32-bit code, flat */
  .quad 0x00cf92000000ffff  /* 0x10: data, flat */
  .quad 0x00af9a000000ffff  /* 0x18: 64-bit code (L=1) */
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
  .balign 4096
pml4:
  .skip 4096
pdpt:
  .skip 4096
pd:
  .skip 4096 * 4
  .balign 16
boot_stack:
  .skip STACK_SIZE
boot_stack_top:

  .section .note.GNU-stack, "", @progbits
