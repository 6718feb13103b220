/* code.h: the internal code form that compile.c writes and exec.c runs.
 *
 * A function compiles to an array of cells (uintptr_t). An instruction is
 * its handler's address (computed goto) followed by operand cells. The form
 * is register-based: params, locals and the operand stack share one frame
 * of 8-byte slots, fp[0..nparams+nlocals+max_depth), and operands name
 * slots, so `local.get a; local.get b; i32.add; local.set c` is one
 * instruction, "add fp[a], fp[b] -> fp[c]". Operand stack position d lives
 * in slot nparams+nlocals+d; calls pass arguments in place (the callee's
 * frame starts at its first argument) and results come back there.
 *
 * Branch offsets are in cells, relative to the cell that holds them.
 * Wasm opcodes 0x28..0xC4 (memory, constants, numeric) keep their numbers as
 * internal ops; the rest are listed here.
 */
#ifndef REALM_WASM_CODE_H
#define REALM_WASM_CODE_H

#include <stdint.h>

#include "opcodes.h"

/* The forms below (IOP_IMM, IOP_BR, ...) are numbered by opcode from
 * i32.eqz, the first numeric opcode: form + (opc - IOP_FORM_BASE). */
#define IOP_FORM_BASE OP_i32_eqz

enum wasm_iop {
  /* 0x28..0x3e loads [addr off dst] and stores [addr val off];
   * 0x3f memory.size [dst]; 0x40 memory.grow [n dst];
   * 0x41 const32 [dst imm]; 0x42 const64 [dst imm64];
   * 0x45..0xc4 numeric: unary [src dst], binary [a b dst] */
  IOP_TRUNC_SAT = 0xe0, /* 0xe0..0xe7: 0xfc 0..7, unary */
  IOP_COPY = 0x100,     /* [src dst] */
  IOP_JMP,              /* [off] */
  IOP_BR_TABLE,         /* [idx n off*(n+1)] */
  IOP_RET,              /* [base]: results at fp[base..] */
  IOP_CALL,             /* [func base] */
  IOP_CALL_INDIRECT,    /* [type table idx base] */
  IOP_UNREACHABLE,      /* [] */
  IOP_SELECT,           /* [cond a b dst] */
  IOP_GLOBAL_GET,       /* [idx dst] */
  IOP_GLOBAL_SET,       /* [idx src] */
  IOP_JMP_BACK,         /* [off n]: a branch back to a loop; n is its fuel */
  IOP_TABLE_GET,        /* [table idx dst] */
  IOP_TABLE_SET,        /* [table idx val] */
  IOP_TABLE_SIZE,       /* [table dst] */
  IOP_TABLE_GROW,       /* [table init n dst] */
  IOP_TABLE_FILL,       /* [table i val n] */
  IOP_TABLE_COPY,       /* [dst_table src_table d s n] */
  IOP_TABLE_INIT,       /* [table seg d s n] */
  IOP_ELEM_DROP,        /* [seg] */
  IOP_MEM_INIT,         /* [seg d s n] */
  IOP_DATA_DROP,        /* [seg] */
  IOP_MEM_COPY,         /* [d s n] */
  IOP_MEM_FILL,         /* [d v n] */
  IOP_REF_FUNC,         /* [func dst] */
  IOP_CALL_DIRECT,      /* [wasm_func* base]: exec.c's entry trampoline */
  IOP_EXIT,             /* []: the trampoline's end, back to the embedder */
  /* Conditional branches: br_if and if (on an i32), and compile.c's
   * peephole of eqz then br_if/if (on either width). */
  IOP_BR_EQZ32, /* [a off]: branch if a == 0 */
  IOP_BR_EQZ64,
  IOP_BR_NEZ32, /* [a off]: branch if a != 0 */
  IOP_BR_NEZ64,
  IOP_BR_EQZ32_BACK, /* the four above, back to a loop: [a off n] */
  IOP_BR_EQZ64_BACK,
  IOP_BR_NEZ32_BACK,
  IOP_BR_NEZ64_BACK,
  /* The bases below, + (opc - IOP_FORM_BASE): */
  IOP_IMM = 0x140,     /* binary op with an immediate [a imm dst] */
  IOP_BR = 0x190,      /* compare and branch [a b off] */
  IOP_BRI = 0x1b0,     /* compare with immediate and branch [a imm off] */
  IOP_BR_BACK = 0x1d0, /* IOP_BR, IOP_BRI back to a loop: [a b off n] */
  IOP_BRI_BACK = 0x1f0,
  IOP_COUNT = 0x210
};

/* Cells per 64-bit immediate. */
#define WASM_IMM64_CELLS (sizeof(uintptr_t) == 8 ? 1 : 2)

/* exec.c: the handler address of each internal op. */
const void *const *wasm_handlers(void);

#endif
