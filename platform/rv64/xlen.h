/* xlen.h (rv64): what the shared RISC-V code needs to know about XLEN = 64.
 * Usable from assembly and C. */
#ifndef REALMOS_RISCV_XLEN_H
#define REALMOS_RISCV_XLEN_H

#define REGBYTES 8 /* bytes in an x register */
#define REG_S sd   /* store / load one x register */
#define REG_L ld

#endif
