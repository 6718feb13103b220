/* xlen.h (rv32): what the shared RISC-V code needs to know about XLEN = 32.
 * Usable from assembly and C. */
#ifndef REALMOS_RISCV_XLEN_H
#define REALMOS_RISCV_XLEN_H

#define REGBYTES 4 /* bytes in an x register */
#define REG_S sw   /* store / load one x register */
#define REG_L lw

#endif
