/* trap_frame.h: what trap_entry.S saves on the trap stack, and C's view of
 * it. Offsets are in bytes; REGBYTES comes from the arch's xlen.h.
 *
 *   x[0..31]  general registers (x[0] unused, x[2] the interrupted sp)
 *   mepc      the interrupted (or faulting) instruction
 *   mcause    interrupt bit (XLEN-1) and cause code
 *   mtval     the faulting address or instruction bits, cause-dependent
 *   mstatus   at entry: MPIE, MPP, FS
 *   f[0..31]  FP registers and fcsr: saved only if mstatus.FS was dirty
 */
#ifndef REALMOS_RISCV_TRAP_FRAME_H
#define REALMOS_RISCV_TRAP_FRAME_H

#include "xlen.h"

#define TF_X(n) ((n)*REGBYTES)
#define TF_MEPC (32 * REGBYTES)
#define TF_MCAUSE (33 * REGBYTES)
#define TF_MTVAL (34 * REGBYTES)
#define TF_MSTATUS (35 * REGBYTES)
#define TF_F(n) (36 * REGBYTES + (n)*8)
#define TF_FCSR TF_F(32)
#define TF_SIZE ((TF_F(33) + 15) & ~15) /* sp stays 16-byte aligned */

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

typedef unsigned long xreg_t; /* XLEN bits on both ilp32 and lp64 */

typedef struct {
  xreg_t x[32];
  xreg_t mepc, mcause, mtval, mstatus;
  uint64_t f[32];
  uint64_t fcsr;
} trap_frame_t;

_Static_assert(sizeof(xreg_t) == REGBYTES, "xlen.h does not match the ABI");
_Static_assert(offsetof(trap_frame_t, mepc) == TF_MEPC, "trap frame layout");
_Static_assert(offsetof(trap_frame_t, mstatus) == TF_MSTATUS, "trap frame");
_Static_assert(offsetof(trap_frame_t, f) == TF_F(0), "trap frame layout");
_Static_assert(offsetof(trap_frame_t, fcsr) == TF_FCSR, "trap frame layout");
_Static_assert(sizeof(trap_frame_t) <= TF_SIZE, "trap frame size");

#define MCAUSE_INTERRUPT ((xreg_t)1 << (8 * REGBYTES - 1))

/* trap.c, called by trap_entry.S with interrupts off. */
void riscv_trap(trap_frame_t *tf);
/* panic_report.c: the report for an unexpected trap; powers off. */
__attribute__((noreturn)) void riscv_panic_report(const trap_frame_t *tf);

#endif
#endif
