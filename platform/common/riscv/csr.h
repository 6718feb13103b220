/* csr.h: the machine-mode CSR bits realmos uses (RISC-V privileged spec),
 * and C accessors. The constants are usable from assembly too. */
#ifndef REALMOS_RISCV_CSR_H
#define REALMOS_RISCV_CSR_H

/* mstatus */
#define MSTATUS_MIE 0x8 /* bit 3: M-mode interrupts enabled */
/* Bits 14:13, FS, the FPU state: 0 off (FP instructions trap), 1 initial,
 * 2 clean, 3 dirty. Any write to an f register or fcsr makes it dirty. */
#define MSTATUS_FS_SHIFT 13
#define MSTATUS_FS (3 << 13)
#define MSTATUS_FS_INITIAL (1 << 13)
#define MSTATUS_FS_DIRTY (3 << 13)

/* mie / mip: one bit per interrupt cause; mcause code of the interrupt */
#define IRQ_M_TIMER 7 /* machine timer interrupt (mtime >= mtimecmp) */
#define IRQ_M_EXT 11  /* machine external interrupt (PLIC context 0) */
#define MIE_MTIE (1 << IRQ_M_TIMER)
#define MIE_MEIE (1 << IRQ_M_EXT)

/* mcause: the top bit (bit XLEN-1) says interrupt; the rest is the code. */

#ifndef __ASSEMBLER__

#define CSR_STR_(x) #x
#define CSR_STR(x) CSR_STR_(x)

/* Each accessor is a compiler barrier: memory accesses are not moved across
 * a change of the interrupt state. */
#define csr_read(csr)                                                          \
  ({                                                                           \
    unsigned long v_;                                                          \
    __asm__ volatile("csrr %0, " CSR_STR(csr) : "=r"(v_)::"memory");           \
    v_;                                                                        \
  })
#define csr_write(csr, v)                                                      \
  __asm__ volatile("csrw " CSR_STR(csr) ", %0" ::"r"((unsigned long)(v))       \
                   : "memory")
#define csr_set(csr, bits)                                                     \
  __asm__ volatile("csrs " CSR_STR(csr) ", %0" ::"r"((unsigned long)(bits))    \
                   : "memory")
#define csr_clear(csr, bits)                                                   \
  __asm__ volatile("csrc " CSR_STR(csr) ", %0" ::"r"((unsigned long)(bits))    \
                   : "memory")
/* Clear bits and return the old value, in one instruction. */
#define csr_read_clear(csr, bits)                                              \
  ({                                                                           \
    unsigned long v_;                                                          \
    __asm__ volatile("csrrc %0, " CSR_STR(csr) ", %1"                          \
                     : "=r"(v_)                                                \
                     : "r"((unsigned long)(bits))                              \
                     : "memory");                                              \
    v_;                                                                        \
  })

#endif
#endif
