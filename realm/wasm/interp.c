/* interp.c: the interpreter loop over the register form of code.h.
 *
 * One C function, dispatching by computed goto: each instruction starts
 * with its handler's address, so dispatch is one load and one indirect
 * jump. Wasm calls do not recurse in C: a call pushes a wasm_frame on
 * x->frames and jumps to the callee's code, so the native stack stays the
 * size of this function's frame whatever the Wasm call depth.
 *
 * Registers: ip (the instruction), fp (the frame's slots), and the current
 * instance's memory (mem, memsize), reloaded after anything that can change
 * them: calls, returns, memory.grow.
 */
#include "exec.h"
#include "code.h"
#include "fmath.h"

#define R(k) fp[ip[k]]
#define NEXT() goto *(const void *)ip[0]
#define STEP(n) do { ip += (n); NEXT(); } while (0)
#define TRAP(t) do { trap = (t); goto trapped; } while (0)

/* Fuel (wasm.h): a charge is taken whole whenever any fuel is left, and
 * what it exceeds becomes a debt; with none left the call stops, before
 * the instruction's work, and resumes at that instruction. Work of a
 * dynamic size checks for fuel first and pays once it knows the size.
 * CHARGE (further down) is the same as NEED_FUEL then PAY, with the common
 * case, a charge that fits, first: one compare as before the debt. */
#define NEED_FUEL() do { if (!fuel) goto out_of_fuel; } while (0)
#define PAY(n) do {                                        \
    uint64_t n_ = (n);                                     \
    if (fuel >= n_) fuel -= n_;                            \
    else { x->debt += n_ - fuel; fuel = 0; }               \
  } while (0)

/* A bulk instruction (fill, copy, init) is done in slices instead: with
 * `left` items to go (x->bulk_done were done by earlier slices), it does
 * `now` of them, as many as the fuel pays at one unit per 2^sh items, and
 * when the fuel ends first it stops (`part`) and goes on at x->bulk_done
 * on resume; its operands are still in their slots. So a slice overruns
 * its budget by no bulk instruction, whatever the memory's size. */
#define BULK_TAKE(left, sh)                                \
  uint32_t now = (left);                                   \
  bool part = false;                                       \
  do {                                                     \
    uint64_t cost_ = now >> (sh);                          \
    if (cost_ <= fuel) fuel -= cost_;                      \
    else { now = (uint32_t)(fuel << (sh)); fuel = 0; part = true; } \
  } while (0)
#define BULK_END(cells) do {                               \
    if (part) { x->bulk_done += now; goto out_of_fuel; }   \
    x->bulk_done = 0;                                      \
    STEP(cells);                                           \
  } while (0)

/* Load the current function's instance. */
#define LOAD_INST() do {                                   \
    inst = cur->inst;                                      \
    if (inst && inst->mem) {                               \
      mem = inst->mem->data;                               \
      memsize = inst->mem->bytes;                          \
    } else {                                               \
      mem = NULL;                                          \
      memsize = 0;                                         \
    }                                                      \
  } while (0)

/* Effective address of an access of n bytes: the operand plus the memarg
 * offset, in 64 bits so that nothing wraps (spec 4.4.7). */
#define EA(kaddr, koff, n) \
  uint64_t ea = (uint64_t)R(kaddr).i32 + (uint32_t)ip[koff]; \
  if (ea + (n) > memsize) TRAP(WASM_TRAP_MEMORY_OOB)

#define LOAD(opc, T, field, conv)                                  \
  op_##opc: {                                                      \
    EA(1, 2, sizeof(T));                                           \
    T v;                                                           \
    __builtin_memcpy(&v, mem + ea, sizeof(T));                     \
    R(3).field = conv v;                                           \
    STEP(4);                                                       \
  }
#define STORE(opc, T, field)                                       \
  op_##opc: {                                                      \
    EA(1, 3, sizeof(T));                                           \
    T v = (T)R(2).field;                                           \
    __builtin_memcpy(mem + ea, &v, sizeof(T));                     \
    STEP(4);                                                       \
  }

#define BIN(opc, IN, OUT, T, expr) \
  op_##opc: { T a = R(1).IN, b = R(2).IN; R(3).OUT = (expr); STEP(4); }
#define UN(opc, IN, OUT, T, expr) \
  op_##opc: { T a = R(1).IN; R(2).OUT = (expr); STEP(3); }

/* Division and remainder: by zero traps, and so does the one quotient that
 * overflows (MIN / -1); the remainder of MIN % -1 is 0 (C leaves it
 * undefined). */
#define DIV_S(opc, F, ST, U, MIN)                                     \
  op_##opc: {                                                         \
    ST a = (ST)R(1).F, b = (ST)R(2).F;                                \
    if (b == 0) TRAP(WASM_TRAP_DIV_ZERO);                             \
    if (a == (MIN) && b == -1) TRAP(WASM_TRAP_INT_OVERFLOW);          \
    R(3).i64 = (U)(a / b);                                            \
    STEP(4);                                                          \
  }
#define REM_S(opc, F, ST, U)                                          \
  op_##opc: {                                                         \
    ST a = (ST)R(1).F, b = (ST)R(2).F;                                \
    if (b == 0) TRAP(WASM_TRAP_DIV_ZERO);                             \
    R(3).i64 = b == -1 ? 0 : (U)(a % b);                              \
    STEP(4);                                                          \
  }
#define DIV_U(opc, F, U)                                              \
  op_##opc: {                                                         \
    U a = R(1).F, b = R(2).F;                                         \
    if (b == 0) TRAP(WASM_TRAP_DIV_ZERO);                             \
    R(3).i64 = a / b;                                                 \
    STEP(4);                                                          \
  }
#define REM_U(opc, F, U)                                              \
  op_##opc: {                                                         \
    U a = R(1).F, b = R(2).F;                                         \
    if (b == 0) TRAP(WASM_TRAP_DIV_ZERO);                             \
    R(3).i64 = a % b;                                                 \
    STEP(4);                                                          \
  }

/* Float to integer type T: the value truncated (in a double, which holds
 * every f32 exactly) must lie in [lo, hi); both bounds are powers of two,
 * exact as doubles. Trapping: NaN and out of range trap. Saturating: NaN
 * is 0, out of range clamps. */
/* Powers of two, the bounds of the integer types as doubles. */
#define P31 2147483648.0
#define P63 9223372036854775808.0
#define P64 18446744073709551616.0
#define TRUNC(opc, IN, T, U, lo, hi)                                 \
  op_##opc: {                                                        \
    double t = f64_trunc((double)R(1).IN);                           \
    if (t != t) TRAP(WASM_TRAP_INVALID_CONVERSION);                  \
    if (!(t >= (lo) && t < (hi))) TRAP(WASM_TRAP_INT_OVERFLOW);      \
    R(2).i64 = (U)(T)t;                                              \
    STEP(3);                                                         \
  }
#define TRUNC_SAT(opc, IN, T, U, lo, hi, minv, maxv)                 \
  op_##opc: {                                                        \
    double t = f64_trunc((double)R(1).IN);                           \
    T r;                                                             \
    if (t != t) r = 0;                                               \
    else if (t < (lo)) r = (minv);                                   \
    else if (t >= (hi)) r = (maxv);                                  \
    else r = (T)t;                                                   \
    R(2).i64 = (U)r;                                                 \
    STEP(3);                                                         \
  }

/* Peephole forms: the second operand an immediate (a sign-extended cell),
 * and compares fused with the branch that follows them. The operands: */
#define OPS32 uint32_t a = R(1).i32, b = R(2).i32
#define OPS32I uint32_t a = R(1).i32, b = (uint32_t)ip[2]
#define OPS64 uint64_t a = R(1).i64, b = R(2).i64
#define OPS64I uint64_t a = R(1).i64, b = (uint64_t)(int64_t)(intptr_t)ip[2]
#define IMM32(opc, expr) \
  op_imm_##opc: { OPS32I; R(3).i64 = (uint32_t)(expr); STEP(4); }
#define IMM64(opc, expr) op_imm_##opc: { OPS64I; R(3).i64 = (expr); STEP(4); }

/* [a b off] or, back to a loop, [a b off n]. A branch back pays for the
 * next iteration when it is taken (n: the loop's cost); out of fuel, the
 * call stops at the branch, which runs again on resume. The 2-operand
 * forms [cond off (n)] serve br_if, eqz and nez. */
#define CHARGE(n) do {                                     \
    uint64_t c_ = (n);                                     \
    if (__builtin_expect(fuel > c_, 1)) fuel -= c_;        \
    else if (!fuel) goto out_of_fuel;                      \
    else { x->debt += c_ - fuel; fuel = 0; }               \
  } while (0)
#define BRANCH_IF(cond) \
  do { if (cond) { ip = &ip[3] + (intptr_t)ip[3]; NEXT(); } STEP(4); } while (0)
#define BRANCH_BACK_IF2(cond)                                                  \
  do {                                                                         \
    if (cond) {                                                                \
      CHARGE(ip[3]);                                                           \
      ip = &ip[2] + (intptr_t)ip[2];                                           \
      NEXT();                                                                  \
    }                                                                          \
    STEP(4);                                                                   \
  } while (0)
#define BRANCH_BACK_IF3(cond)                                                  \
  do {                                                                         \
    if (cond) {                                                                \
      CHARGE(ip[4]);                                                           \
      ip = &ip[3] + (intptr_t)ip[3];                                           \
      NEXT();                                                                  \
    }                                                                          \
    STEP(5);                                                                   \
  } while (0)
#define CMP_BRANCH(label, OPS, BRANCH, expr) label: { OPS; BRANCH(expr); }
#define BR32(opc, expr) CMP_BRANCH(op_br_##opc, OPS32, BRANCH_IF, expr)
#define BRI32(opc, expr) CMP_BRANCH(op_bri_##opc, OPS32I, BRANCH_IF, expr)
#define BR64(opc, expr) CMP_BRANCH(op_br_##opc, OPS64, BRANCH_IF, expr)
#define BRI64(opc, expr) CMP_BRANCH(op_bri_##opc, OPS64I, BRANCH_IF, expr)
#define BACK_IF BRANCH_BACK_IF3
#define BR32_BACK(opc, expr) CMP_BRANCH(op_brb_##opc, OPS32, BACK_IF, expr)
#define BRI32_BACK(opc, expr) CMP_BRANCH(op_brib_##opc, OPS32I, BACK_IF, expr)
#define BR64_BACK(opc, expr) CMP_BRANCH(op_brb_##opc, OPS64, BACK_IF, expr)
#define BRI64_BACK(opc, expr) CMP_BRANCH(op_brib_##opc, OPS64I, BACK_IF, expr)

/* The integer operations that also have an immediate form (and, for
 * compares, a fused compare-and-branch form), each written once. */
#define I32_CMP(X)                                                        \
  X(0x46, a == b) X(0x47, a != b) X(0x48, S32(a) < S32(b)) X(0x49, a < b)  \
  X(0x4a, S32(a) > S32(b)) X(0x4b, a > b) X(0x4c, S32(a) <= S32(b))       \
  X(0x4d, a <= b) X(0x4e, S32(a) >= S32(b)) X(0x4f, a >= b)
#define I32_ARITH(X)                                                      \
  X(0x6a, a + b) X(0x6b, a - b) X(0x6c, a * b) X(0x71, a & b)             \
  X(0x72, a | b) X(0x73, a ^ b) X(0x74, a << (b & 31))                    \
  X(0x75, (uint32_t)(S32(a) >> (b & 31))) X(0x76, a >> (b & 31))           \
  X(0x77, rotl32(a, b)) X(0x78, rotr32(a, b))
#define I64_CMP(X)                                                        \
  X(0x51, a == b) X(0x52, a != b) X(0x53, S64(a) < S64(b)) X(0x54, a < b)  \
  X(0x55, S64(a) > S64(b)) X(0x56, a > b) X(0x57, S64(a) <= S64(b))       \
  X(0x58, a <= b) X(0x59, S64(a) >= S64(b)) X(0x5a, a >= b)
#define I64_ARITH(X)                                                      \
  X(0x7c, a + b) X(0x7d, a - b) X(0x7e, a * b) X(0x83, a & b)             \
  X(0x84, a | b) X(0x85, a ^ b) X(0x86, a << (b & 63))                    \
  X(0x87, (uint64_t)(S64(a) >> (b & 63))) X(0x88, a >> (b & 63))           \
  X(0x89, rotl64(a, b)) X(0x8a, rotr64(a, b))

#define BIN32(opc, expr) BIN(opc, i32, i64, uint32_t, (uint32_t)(expr))
#define BIN64(opc, expr) BIN(opc, i64, i64, uint64_t, (uint64_t)(expr))
/* handler table entries */
#define T_IMM(opc, expr) [IOP_IMM + (opc) - 0x45] = &&op_imm_##opc,
#define T_BR(opc, expr) [IOP_BR + (opc) - 0x45] = &&op_br_##opc, \
                        [IOP_BRI + (opc) - 0x45] = &&op_bri_##opc,
#define T_BR_BACK(opc, expr) [IOP_BR_BACK + (opc) - 0x45] = &&op_brb_##opc, \
                             [IOP_BRI_BACK + (opc) - 0x45] = &&op_brib_##opc,

static uint32_t rotl32(uint32_t a, uint32_t b) {
  b &= 31;
  return (a << b) | (a >> ((32 - b) & 31));
}
static uint32_t rotr32(uint32_t a, uint32_t b) {
  b &= 31;
  return (a >> b) | (a << ((32 - b) & 31));
}
static uint64_t rotl64(uint64_t a, uint64_t b) {
  b &= 63;
  return (a << b) | (a >> ((64 - b) & 63));
}
static uint64_t rotr64(uint64_t a, uint64_t b) {
  b &= 63;
  return (a >> b) | (a << ((64 - b) & 63));
}
static uint32_t clz32(uint32_t a) {
  return a ? (uint32_t)__builtin_clz(a) : 32;
}
static uint32_t ctz32(uint32_t a) {
  return a ? (uint32_t)__builtin_ctz(a) : 32;
}
static uint64_t clz64(uint64_t a) {
  return a ? (uint64_t)__builtin_clzll(a) : 64;
}
static uint64_t ctz64(uint64_t a) {
  return a ? (uint64_t)__builtin_ctzll(a) : 64;
}
static float f32_copysign(float a, float b) {
  return f32_from((f32_bits(a) & 0x7fffffffu) | (f32_bits(b) & 0x80000000u));
}
static double f64_copysign(double a, double b) {
  return f64_from((f64_bits(a) & ~(1ull << 63)) | (f64_bits(b) & (1ull << 63)));
}

/* A (T) cast of a wasm_value field: i32 fields are unsigned. */
#define S32(x) ((int32_t)(x))
#define S64(x) ((int64_t)(x))

/* The handler table; set up by wasm_run(NULL). */
static const void *const *handlers;

const void *const *wasm_handlers(void) {
  if (!handlers) wasm_run(NULL);
  return handlers;
}

wasm_status wasm_run(wasm_exec *x) {
  static const void *const table[IOP_COUNT] = {
#define H(opc) [opc] = &&op_##opc
    H(0x28), H(0x29), H(0x2c), H(0x2d), H(0x2e), H(0x2f), H(0x30), H(0x31),
    H(0x32), H(0x33), H(0x34), H(0x35), H(0x36), H(0x37), H(0x3a), H(0x3b),
    H(0x3c), H(0x3d), H(0x3e), H(0x3f), H(0x40), H(0x41), H(0x42),
    H(0x45), H(0x46), H(0x47), H(0x48), H(0x49), H(0x4a), H(0x4b), H(0x4c),
    H(0x4d), H(0x4e), H(0x4f), H(0x50), H(0x51), H(0x52), H(0x53), H(0x54),
    H(0x55), H(0x56), H(0x57), H(0x58), H(0x59), H(0x5a), H(0x5b), H(0x5c),
    H(0x5d), H(0x5e), H(0x5f), H(0x60), H(0x61), H(0x62), H(0x63), H(0x64),
    H(0x65), H(0x66), H(0x67), H(0x68), H(0x69), H(0x6a), H(0x6b), H(0x6c),
    H(0x6d), H(0x6e), H(0x6f), H(0x70), H(0x71), H(0x72), H(0x73), H(0x74),
    H(0x75), H(0x76), H(0x77), H(0x78), H(0x79), H(0x7a), H(0x7b), H(0x7c),
    H(0x7d), H(0x7e), H(0x7f), H(0x80), H(0x81), H(0x82), H(0x83), H(0x84),
    H(0x85), H(0x86), H(0x87), H(0x88), H(0x89), H(0x8a), H(0x8b), H(0x8c),
    H(0x8d), H(0x8e), H(0x8f), H(0x90), H(0x91), H(0x92), H(0x93), H(0x94),
    H(0x95), H(0x96), H(0x97), H(0x98), H(0x99), H(0x9a), H(0x9b), H(0x9c),
    H(0x9d), H(0x9e), H(0x9f), H(0xa0), H(0xa1), H(0xa2), H(0xa3), H(0xa4),
    H(0xa5), H(0xa6), H(0xa7), H(0xa8), H(0xa9), H(0xaa), H(0xab), H(0xac),
    H(0xad), H(0xae), H(0xaf), H(0xb0), H(0xb1), H(0xb2), H(0xb3), H(0xb4),
    H(0xb5), H(0xb6), H(0xb7), H(0xb8), H(0xb9), H(0xba), H(0xbb),
    H(0xc0), H(0xc1), H(0xc2), H(0xc3), H(0xc4),
    H(0xe0), H(0xe1), H(0xe2), H(0xe3), H(0xe4), H(0xe5), H(0xe6), H(0xe7),
    [IOP_COPY] = &&op_copy, [IOP_JMP] = &&op_jmp, [IOP_BR_TABLE] = &&op_br_table,
    [IOP_RET] = &&op_ret, [IOP_CALL] = &&op_call,
    [IOP_CALL_INDIRECT] = &&op_call_indirect,
    [IOP_UNREACHABLE] = &&op_unreachable,
    [IOP_SELECT] = &&op_select, [IOP_GLOBAL_GET] = &&op_global_get,
    [IOP_GLOBAL_SET] = &&op_global_set, [IOP_JMP_BACK] = &&op_jmp_back,
    [IOP_TABLE_GET] = &&op_table_get, [IOP_TABLE_SET] = &&op_table_set,
    [IOP_TABLE_SIZE] = &&op_table_size, [IOP_TABLE_GROW] = &&op_table_grow,
    [IOP_TABLE_FILL] = &&op_table_fill, [IOP_TABLE_COPY] = &&op_table_copy,
    [IOP_TABLE_INIT] = &&op_table_init, [IOP_ELEM_DROP] = &&op_elem_drop,
    [IOP_MEM_INIT] = &&op_mem_init, [IOP_DATA_DROP] = &&op_data_drop,
    [IOP_MEM_COPY] = &&op_mem_copy, [IOP_MEM_FILL] = &&op_mem_fill,
    [IOP_REF_FUNC] = &&op_ref_func, [IOP_CALL_DIRECT] = &&op_call_direct,
    [IOP_EXIT] = &&op_exit,
    I32_CMP(T_IMM) I32_ARITH(T_IMM) I64_CMP(T_IMM) I64_ARITH(T_IMM)
    I32_CMP(T_BR) I64_CMP(T_BR) I32_CMP(T_BR_BACK) I64_CMP(T_BR_BACK)
    [IOP_BR_EQZ32_BACK] = &&op_br_eqz32_back,
    [IOP_BR_EQZ64_BACK] = &&op_br_eqz64_back,
    [IOP_BR_NEZ32_BACK] = &&op_br_nez32_back,
    [IOP_BR_NEZ64_BACK] = &&op_br_nez64_back,
    [IOP_BR_EQZ32] = &&op_br_eqz32,
    [IOP_BR_EQZ64] = &&op_br_eqz64,
    [IOP_BR_NEZ32] = &&op_br_nez32,
    [IOP_BR_NEZ64] = &&op_br_nez64,
#undef H
  };
  if (!x) {
    handlers = table;
    return WASM_OK;
  }

  const uintptr_t *ip = x->ip;
  wasm_value *fp = x->fp;
  wasm_func *cur = x->func;
  uint64_t fuel = x->fuel;
  wasm_instance *inst;
  uint8_t *mem;
  uint64_t memsize;
  wasm_trap trap;
  /* call setup */
  wasm_func *callee;
  wasm_value *nfp;
  const uintptr_t *ret_ip;
  LOAD_INST();
  NEXT();

  /* ---- memory ---- */
  LOAD(0x28, uint32_t, i32, )
  LOAD(0x29, uint64_t, i64, )
  LOAD(0x2c, int8_t, i32, (uint32_t))
  LOAD(0x2d, uint8_t, i32, (uint32_t))
  LOAD(0x2e, int16_t, i32, (uint32_t))
  LOAD(0x2f, uint16_t, i32, (uint32_t))
  LOAD(0x30, int8_t, i64, (uint64_t))
  LOAD(0x31, uint8_t, i64, (uint64_t))
  LOAD(0x32, int16_t, i64, (uint64_t))
  LOAD(0x33, uint16_t, i64, (uint64_t))
  LOAD(0x34, int32_t, i64, (uint64_t))
  LOAD(0x35, uint32_t, i64, (uint64_t))
  STORE(0x36, uint32_t, i32)
  STORE(0x37, uint64_t, i64)
  STORE(0x3a, uint8_t, i32)
  STORE(0x3b, uint16_t, i32)
  STORE(0x3c, uint8_t, i64)
  STORE(0x3d, uint16_t, i64)
  STORE(0x3e, uint32_t, i64)
op_0x3f:
  R(1).i64 = (uint32_t)(memsize / WASM_PAGE);
  STEP(2);
op_0x40: {
  NEED_FUEL();
  int64_t old = wasm_memory_grow(inst->mem, R(1).i32);
  if (old >= 0) PAY((uint64_t)R(1).i32 * WASM_PAGE); /* a unit per byte */
  R(2).i64 = (uint32_t)old;
  LOAD_INST();
  STEP(3);
}
op_0x41:
  R(1).i64 = (uint32_t)ip[2];
  STEP(3);
op_0x42:
  if (WASM_IMM64_CELLS == 1) R(1).i64 = (uint64_t)ip[2];
  else R(1).i64 = (uint64_t)(uint32_t)ip[2] | (uint64_t)(uint32_t)ip[3] << 32;
  STEP(2 + WASM_IMM64_CELLS);

  /* ---- comparisons ---- */
  UN(0x45, i32, i64, uint32_t, a == 0)
  I32_CMP(BIN32)
  UN(0x50, i64, i64, uint64_t, a == 0)
  I64_CMP(BIN64)
  BIN(0x5b, f32, i64, float, a == b)
  BIN(0x5c, f32, i64, float, a != b)
  BIN(0x5d, f32, i64, float, a < b)
  BIN(0x5e, f32, i64, float, a > b)
  BIN(0x5f, f32, i64, float, a <= b)
  BIN(0x60, f32, i64, float, a >= b)
  BIN(0x61, f64, i64, double, a == b)
  BIN(0x62, f64, i64, double, a != b)
  BIN(0x63, f64, i64, double, a < b)
  BIN(0x64, f64, i64, double, a > b)
  BIN(0x65, f64, i64, double, a <= b)
  BIN(0x66, f64, i64, double, a >= b)

  /* ---- i32 ---- */
  UN(0x67, i32, i64, uint32_t, clz32(a))
  UN(0x68, i32, i64, uint32_t, ctz32(a))
  UN(0x69, i32, i64, uint32_t, (uint32_t)__builtin_popcount(a))
  I32_ARITH(BIN32)
  DIV_S(0x6d, i32, int32_t, uint32_t, INT32_MIN)
  DIV_U(0x6e, i32, uint32_t)
  REM_S(0x6f, i32, int32_t, uint32_t)
  REM_U(0x70, i32, uint32_t)

  /* ---- i64 ---- */
  UN(0x79, i64, i64, uint64_t, clz64(a))
  UN(0x7a, i64, i64, uint64_t, ctz64(a))
  UN(0x7b, i64, i64, uint64_t, (uint64_t)__builtin_popcountll(a))
  I64_ARITH(BIN64)
  DIV_S(0x7f, i64, int64_t, uint64_t, INT64_MIN)
  DIV_U(0x80, i64, uint64_t)
  REM_S(0x81, i64, int64_t, uint64_t)
  REM_U(0x82, i64, uint64_t)

  /* ---- f32 ---- (abs, neg and copysign work on the sign bit alone) */
  UN(0x8b, i32, i64, uint32_t, a & 0x7fffffffu)
  UN(0x8c, i32, i64, uint32_t, a ^ 0x80000000u)
  UN(0x8d, f32, f32, float, f32_ceil(a))
  UN(0x8e, f32, f32, float, f32_floor(a))
  UN(0x8f, f32, f32, float, f32_trunc(a))
  UN(0x90, f32, f32, float, f32_nearest(a))
  UN(0x91, f32, f32, float, __builtin_sqrtf(a))
  BIN(0x92, f32, f32, float, a + b)
  BIN(0x93, f32, f32, float, a - b)
  BIN(0x94, f32, f32, float, a * b)
  BIN(0x95, f32, f32, float, a / b)
  BIN(0x96, f32, f32, float, f32_min(a, b))
  BIN(0x97, f32, f32, float, f32_max(a, b))
  BIN(0x98, f32, f32, float, f32_copysign(a, b))

  /* ---- f64 ---- */
  UN(0x99, i64, i64, uint64_t, a & ~(1ull << 63))
  UN(0x9a, i64, i64, uint64_t, a ^ (1ull << 63))
  UN(0x9b, f64, f64, double, f64_ceil(a))
  UN(0x9c, f64, f64, double, f64_floor(a))
  UN(0x9d, f64, f64, double, f64_trunc(a))
  UN(0x9e, f64, f64, double, f64_nearest(a))
  UN(0x9f, f64, f64, double, __builtin_sqrt(a))
  BIN(0xa0, f64, f64, double, a + b)
  BIN(0xa1, f64, f64, double, a - b)
  BIN(0xa2, f64, f64, double, a * b)
  BIN(0xa3, f64, f64, double, a / b)
  BIN(0xa4, f64, f64, double, f64_min(a, b))
  BIN(0xa5, f64, f64, double, f64_max(a, b))
  BIN(0xa6, f64, f64, double, f64_copysign(a, b))

  /* ---- conversions ---- */
  UN(0xa7, i64, i64, uint64_t, (uint32_t)a)
  TRUNC(0xa8, f32, int32_t, uint32_t, -P31, P31)
  TRUNC(0xa9, f32, uint32_t, uint32_t, 0.0, 4294967296.0)
  TRUNC(0xaa, f64, int32_t, uint32_t, -P31, P31)
  TRUNC(0xab, f64, uint32_t, uint32_t, 0.0, 4294967296.0)
  UN(0xac, i32, i64, uint32_t, (uint64_t)(int64_t)S32(a))
  UN(0xad, i32, i64, uint32_t, (uint64_t)a)
  TRUNC(0xae, f32, int64_t, uint64_t, -P63, P63)
  TRUNC(0xaf, f32, uint64_t, uint64_t, 0.0, P64)
  TRUNC(0xb0, f64, int64_t, uint64_t, -P63, P63)
  TRUNC(0xb1, f64, uint64_t, uint64_t, 0.0, P64)
  UN(0xb2, i32, f32, uint32_t, (float)S32(a))
  UN(0xb3, i32, f32, uint32_t, (float)a)
  UN(0xb4, i64, f32, uint64_t, (float)S64(a))
  UN(0xb5, i64, f32, uint64_t, (float)a)
  UN(0xb6, f64, f32, double, (float)a)
  UN(0xb7, i32, f64, uint32_t, (double)S32(a))
  UN(0xb8, i32, f64, uint32_t, (double)a)
  UN(0xb9, i64, f64, uint64_t, (double)S64(a))
  UN(0xba, i64, f64, uint64_t, (double)a)
  UN(0xbb, f32, f64, float, (double)a)
  UN(0xc0, i32, i64, uint32_t, (uint32_t)(int32_t)(int8_t)a)
  UN(0xc1, i32, i64, uint32_t, (uint32_t)(int32_t)(int16_t)a)
  UN(0xc2, i64, i64, uint64_t, (uint64_t)(int64_t)(int8_t)a)
  UN(0xc3, i64, i64, uint64_t, (uint64_t)(int64_t)(int16_t)a)
  UN(0xc4, i64, i64, uint64_t, (uint64_t)(int64_t)(int32_t)a)
  TRUNC_SAT(0xe0, f32, int32_t, uint32_t, -P31, P31, INT32_MIN, INT32_MAX)
  TRUNC_SAT(0xe1, f32, uint32_t, uint32_t, 0.0, 4294967296.0, 0, UINT32_MAX)
  TRUNC_SAT(0xe2, f64, int32_t, uint32_t, -P31, P31, INT32_MIN, INT32_MAX)
  TRUNC_SAT(0xe3, f64, uint32_t, uint32_t, 0.0, 4294967296.0, 0, UINT32_MAX)
  TRUNC_SAT(0xe4, f32, int64_t, uint64_t, -P63, P63, INT64_MIN, INT64_MAX)
  TRUNC_SAT(0xe5, f32, uint64_t, uint64_t, 0.0, P64, 0, UINT64_MAX)
  TRUNC_SAT(0xe6, f64, int64_t, uint64_t, -P63, P63, INT64_MIN, INT64_MAX)
  TRUNC_SAT(0xe7, f64, uint64_t, uint64_t, 0.0, P64, 0, UINT64_MAX)

  /* ---- moves and control ---- */
op_copy:
  R(2) = R(1);
  STEP(3);
op_jmp:
  ip = &ip[1] + (intptr_t)ip[1];
  NEXT();
op_br_nez32:
  if (R(1).i32) { ip = &ip[2] + (intptr_t)ip[2]; NEXT(); }
  STEP(3);
op_br_eqz32:
  if (!R(1).i32) { ip = &ip[2] + (intptr_t)ip[2]; NEXT(); }
  STEP(3);
op_br_table: {
  uint32_t i = R(1).i32, n = (uint32_t)ip[2];
  const uintptr_t *c = &ip[3 + (i < n ? i : n)];
  ip = c + (intptr_t)*c;
  NEXT();
}
op_select:
  R(4) = R(1).i32 ? R(2) : R(3);
  STEP(5);
op_unreachable:
  TRAP(WASM_TRAP_UNREACHABLE);
op_jmp_back:
  CHARGE(ip[2]);
  ip = &ip[1] + (intptr_t)ip[1];
  NEXT();
op_br_nez32_back:
  BRANCH_BACK_IF2(R(1).i32);
op_global_get:
  R(2) = inst->globals[ip[1]]->v;
  STEP(3);
op_global_set:
  inst->globals[ip[1]]->v = R(2);
  STEP(3);
op_ref_func:
  R(2).ref = (uint64_t)(uintptr_t)inst->funcs[ip[1]];
  STEP(3);

  /* ---- calls ---- */
op_call_direct: /* the entry trampoline of exec.c */
  callee = (wasm_func *)ip[1];
  nfp = fp + ip[2];
  ret_ip = ip + 3;
  goto call;
op_exit: /* the results are at fp[0..), the stack's bottom */
  x->fuel = fuel;
  x->state = WASM_EXEC_IDLE;
  x->has_results = true;
  return WASM_OK;
op_call:
  callee = inst->funcs[ip[1]];
  nfp = fp + ip[2];
  ret_ip = ip + 3;
  goto call;
op_call_indirect: {
  wasm_table *t = inst->tables[ip[2]];
  uint32_t i = R(3).i32;
  if (i >= t->size) TRAP(WASM_TRAP_UNDEFINED_ELEMENT);
  callee = (wasm_func *)(uintptr_t)t->elems[i];
  if (!callee) TRAP(WASM_TRAP_UNINITIALIZED_ELEMENT);
  const wasm_functype *want = &inst->m->types[ip[1]];
  if (callee->type != want && !wasm_functype_eq(callee->type, want))
    TRAP(WASM_TRAP_INDIRECT_CALL_TYPE);
  nfp = fp + ip[4];
  ret_ip = ip + 5;
  goto call;
}
call:
  if (callee->host) {
    /* Results are written above the arguments, then moved down. */
    uint32_t np = callee->type->nparams, nr = callee->type->nresults;
    if ((size_t)(x->stack_end - nfp) < (size_t)np + nr)
      TRAP(WASM_TRAP_STACK_EXHAUSTED);
    struct wasm_host_call hc = {x, callee, inst};
    x->fuel = fuel;
    wasm_status hs = callee->host(&hc, nfp, nfp + np);
    fuel = x->fuel; /* the host function may have set it */
    if (hs != WASM_OK) TRAP(WASM_TRAP_HOST);
    for (uint32_t i = 0; i < nr; i++) nfp[i] = nfp[np + i];
    LOAD_INST();
    ip = ret_ip;
    NEXT();
  } else {
    const wasm_funcdef *d = callee->def;
    if (x->depth >= x->max_depth ||
        (size_t)(x->stack_end - nfp) < d->frame_slots)
      TRAP(WASM_TRAP_STACK_EXHAUSTED);
    /* the body, and the locals zeroed below; out of fuel, ip is still the
     * call */
    CHARGE((uint64_t)d->entry_fuel + d->nlocals);
    x->frames[x->depth++] = (wasm_frame){ret_ip, fp, cur};
    uint32_t np = callee->type->nparams;
    for (uint32_t i = np; i < np + d->nlocals; i++) nfp[i].i64 = 0;
    fp = nfp;
    cur = callee;
    LOAD_INST();
    ip = d->code;
    NEXT();
  }
op_ret: {
  uint32_t base = (uint32_t)ip[1], n = cur->type->nresults;
  if (base)
    for (uint32_t i = 0; i < n; i++) fp[i] = fp[base + i];
  wasm_frame *f = &x->frames[--x->depth];
  ip = f->ret_ip;
  fp = f->fp;
  cur = f->func;
  LOAD_INST();
  NEXT();
}

  /* ---- tables ---- */
op_table_get: {
  wasm_table *t = inst->tables[ip[1]];
  uint32_t i = R(2).i32;
  if (i >= t->size) TRAP(WASM_TRAP_TABLE_OOB);
  R(3).ref = t->elems[i];
  STEP(4);
}
op_table_set: {
  wasm_table *t = inst->tables[ip[1]];
  uint32_t i = R(2).i32;
  if (i >= t->size) TRAP(WASM_TRAP_TABLE_OOB);
  t->elems[i] = R(3).ref;
  STEP(4);
}
op_table_size:
  R(2).i64 = inst->tables[ip[1]]->size;
  STEP(3);
op_table_grow: {
  NEED_FUEL();
  int64_t old = wasm_table_grow(inst->tables[ip[1]], R(3).i32, R(2).ref);
  if (old >= 0) PAY((uint64_t)R(3).i32 * 8); /* a unit per byte */
  R(4).i64 = (uint32_t)old;
  STEP(5);
}
op_table_fill: {
  wasm_table *t = inst->tables[ip[1]];
  uint32_t i = R(2).i32, n = R(4).i32, at = x->bulk_done;
  uint64_t v = R(3).ref;
  NEED_FUEL();
  if ((uint64_t)i + n > t->size) TRAP(WASM_TRAP_TABLE_OOB);
  BULK_TAKE(n - at, 0);
  for (uint32_t k = at; k < at + now; k++) t->elems[i + k] = v;
  BULK_END(5);
}
op_table_copy: {
  wasm_table *td = inst->tables[ip[1]], *ts = inst->tables[ip[2]];
  uint32_t d = R(3).i32, s = R(4).i32, n = R(5).i32, at = x->bulk_done;
  NEED_FUEL();
  if ((uint64_t)d + n > td->size || (uint64_t)s + n > ts->size)
    TRAP(WASM_TRAP_TABLE_OOB);
  BULK_TAKE(n - at, 0);
  if (now) { /* an empty table or memory may have no storage at all */
    /* overlapping with d > s: the slices go from the end */
    uint32_t o = d <= s ? at : n - at - now;
    __builtin_memmove(td->elems + d + o, ts->elems + s + o, (size_t)now * 8);
  }
  BULK_END(6);
}
op_table_init: {
  wasm_table *t = inst->tables[ip[1]];
  uint32_t seg = (uint32_t)ip[2];
  uint32_t d = R(3).i32, s = R(4).i32, n = R(5).i32, at = x->bulk_done;
  uint32_t len = inst->elem_dropped[seg] ? 0 : inst->m->elems[seg].count;
  NEED_FUEL();
  if ((uint64_t)s + n > len || (uint64_t)d + n > t->size)
    TRAP(WASM_TRAP_TABLE_OOB);
  BULK_TAKE(n - at, 0);
  if (now) /* an empty table or memory may have no storage at all */
    __builtin_memmove(t->elems + d + at, inst->elem_vals[seg] + s + at,
                      (size_t)now * 8);
  BULK_END(6);
}
op_elem_drop:
  inst->elem_dropped[ip[1]] = 1;
  STEP(2);

  /* ---- bulk memory ---- */
op_mem_init: {
  uint32_t seg = (uint32_t)ip[1];
  uint32_t d = R(2).i32, s = R(3).i32, n = R(4).i32, at = x->bulk_done;
  const wasm_data *ds = &inst->m->datas[seg];
  uint32_t len = inst->data_dropped[seg] ? 0 : ds->len;
  NEED_FUEL();
  if ((uint64_t)s + n > len || (uint64_t)d + n > memsize)
    TRAP(WASM_TRAP_MEMORY_OOB);
  BULK_TAKE(n - at, 3);
  if (now) /* an empty table or memory may have no storage at all */
    __builtin_memmove(mem + d + at, ds->bytes + s + at, now);
  BULK_END(5);
}
op_data_drop:
  inst->data_dropped[ip[1]] = 1;
  STEP(2);
op_mem_copy: {
  uint32_t d = R(1).i32, s = R(2).i32, n = R(3).i32, at = x->bulk_done;
  NEED_FUEL();
  if ((uint64_t)s + n > memsize || (uint64_t)d + n > memsize)
    TRAP(WASM_TRAP_MEMORY_OOB);
  BULK_TAKE(n - at, 3);
  if (now) { /* an empty table or memory may have no storage at all */
    /* overlapping with d > s: the slices go from the end */
    uint32_t o = d <= s ? at : n - at - now;
    __builtin_memmove(mem + d + o, mem + s + o, now);
  }
  BULK_END(4);
}
op_mem_fill: {
  uint32_t d = R(1).i32, n = R(3).i32, at = x->bulk_done;
  NEED_FUEL();
  if ((uint64_t)d + n > memsize) TRAP(WASM_TRAP_MEMORY_OOB);
  BULK_TAKE(n - at, 3);
  if (now) /* an empty table or memory may have no storage at all */
    __builtin_memset(mem + d + at, (int)(R(2).i32 & 0xff), now);
  BULK_END(4);
}

  /* ---- peepholes: immediates, fused compare-and-branch (compile.c) ---- */
  I32_CMP(IMM32) I32_ARITH(IMM32) I64_CMP(IMM64) I64_ARITH(IMM64)
  I32_CMP(BR32) I32_CMP(BRI32) I64_CMP(BR64) I64_CMP(BRI64)
  I32_CMP(BR32_BACK) I32_CMP(BRI32_BACK) I64_CMP(BR64_BACK) I64_CMP(BRI64_BACK)
op_br_eqz32_back:
  BRANCH_BACK_IF2(!R(1).i32);
op_br_eqz64_back:
  BRANCH_BACK_IF2(!R(1).i64);
op_br_nez64_back:
  BRANCH_BACK_IF2(R(1).i64);
op_br_eqz64:
  if (!R(1).i64) { ip = &ip[2] + (intptr_t)ip[2]; NEXT(); }
  STEP(3);
op_br_nez64:
  if (R(1).i64) { ip = &ip[2] + (intptr_t)ip[2]; NEXT(); }
  STEP(3);

out_of_fuel:
  x->ip = ip;
  x->fp = fp;
  x->func = cur;
  x->fuel = fuel;
  x->state = WASM_EXEC_SUSPENDED;
  return WASM_OUT_OF_FUEL;

trapped:
  x->trap = trap;
  x->fuel = fuel;
  x->depth = 0;
  x->bulk_done = 0;
  x->state = WASM_EXEC_IDLE;
  return WASM_TRAPPED;
}
