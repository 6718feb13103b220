/* interp.c: the interpreter loop over the register form of code.h.
 *
 * One C function, dispatching by computed goto: each instruction starts
 * with its handler's address, so dispatch is one load and one indirect
 * jump. Wasm calls do not recurse in C: a call pushes a wasm_frame on
 * x->frames and jumps to the callee's code, so the native stack stays the
 * size of this function's frame whatever the Wasm call depth.
 *
 * Registers: ip (the instruction), fp (the frame's slots), and the current
 * instance's memory (mem, memsize, and wsize for stores: see STORE),
 * reloaded after anything that can change them: calls, returns, host
 * functions (they may begin or end a savepoint), memory.grow.
 *
 * Laid out by hand, not by clang-format: the handlers are macros that
 * expand to labels, and clang-format, not knowing that, joins them to
 * the lines around them and reads `a * b` in their arguments as a
 * pointer declaration.
 */
/* clang-format off */
#include "exec.h"
#include "code.h"
#include "fmath.h"
#include "opcodes.h"

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
      wsize = inst->mem->wbytes;                           \
    } else {                                               \
      mem = NULL;                                          \
      memsize = 0;                                         \
      wsize = 0;                                           \
    }                                                      \
  } while (0)
/* At a call or return: within one instance they are still right (only
 * memory.grow and host functions change them, and reload them). */
#define SWITCH_INST() do { if (cur->inst != inst) LOAD_INST(); } while (0)

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
/* The slow path of a store of n bytes; every store is [addr val off]. */
#define STORE_SLOW(n)                                              \
  store_slow##n: {                                                 \
    uint64_t ea = (uint64_t)R(1).i32 + (uint32_t)ip[3];            \
    if (ea + (n) > memsize) TRAP(WASM_TRAP_MEMORY_OOB);            \
    const uint16_t *marks = inst->mem->marks;                      \
    uint16_t e = *inst->mem->epoch;                                \
    if ((marks[ea >> WASM_CHUNK_SHIFT] < e ||                      \
         marks[(ea + (n) - 1) >> WASM_CHUNK_SHIFT] < e) &&         \
        !wasm_jn_mem(inst->mem, ea, (n)))                          \
      TRAP(WASM_TRAP_UNDO_FULL);                                   \
    uint64_t v = R(2).i64;                                         \
    __builtin_memcpy(mem + ea, &v, (n));                           \
    STEP(4);                                                       \
  }

/* A store checks its address against wsize: memsize, or 0 while a
 * savepoint of the memory's journal is open, so that a store then takes
 * the slow path (store_slow, below), which checks the bounds, saves the
 * chunks it touches unless marked (journal.c) and writes the value's low
 * j_n bytes (all targets are little-endian). Without a savepoint the
 * store costs what it did before the journal. */
#define STORE(opc, T, field, n)                                    \
  op_##opc: {                                                      \
    uint64_t ea = (uint64_t)R(1).i32 + (uint32_t)ip[3];            \
    if (ea + (n) > wsize) goto store_slow##n;                      \
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
  X(i32_eq, a == b)                                                       \
  X(i32_ne, a != b)                                                       \
  X(i32_lt_s, S32(a) < S32(b))                                            \
  X(i32_lt_u, a < b)                                                      \
  X(i32_gt_s, S32(a) > S32(b))                                            \
  X(i32_gt_u, a > b)                                                      \
  X(i32_le_s, S32(a) <= S32(b))                                           \
  X(i32_le_u, a <= b)                                                     \
  X(i32_ge_s, S32(a) >= S32(b))                                           \
  X(i32_ge_u, a >= b)
#define I32_ARITH(X)                                                      \
  X(i32_add, a + b)                                                       \
  X(i32_sub, a - b)                                                       \
  X(i32_mul, a * b)                                                       \
  X(i32_and, a & b)                                                       \
  X(i32_or, a | b)                                                        \
  X(i32_xor, a ^ b)                                                       \
  X(i32_shl, a << (b & 31))                                               \
  X(i32_shr_s, (uint32_t)(S32(a) >> (b & 31)))                            \
  X(i32_shr_u, a >> (b & 31))                                             \
  X(i32_rotl, rotl32(a, b))                                               \
  X(i32_rotr, rotr32(a, b))
#define I64_CMP(X)                                                        \
  X(i64_eq, a == b)                                                       \
  X(i64_ne, a != b)                                                       \
  X(i64_lt_s, S64(a) < S64(b))                                            \
  X(i64_lt_u, a < b)                                                      \
  X(i64_gt_s, S64(a) > S64(b))                                            \
  X(i64_gt_u, a > b)                                                      \
  X(i64_le_s, S64(a) <= S64(b))                                           \
  X(i64_le_u, a <= b)                                                     \
  X(i64_ge_s, S64(a) >= S64(b))                                           \
  X(i64_ge_u, a >= b)
#define I64_ARITH(X)                                                      \
  X(i64_add, a + b)                                                       \
  X(i64_sub, a - b)                                                       \
  X(i64_mul, a * b)                                                       \
  X(i64_and, a & b)                                                       \
  X(i64_or, a | b)                                                        \
  X(i64_xor, a ^ b)                                                       \
  X(i64_shl, a << (b & 63))                                               \
  X(i64_shr_s, (uint64_t)(S64(a) >> (b & 63)))                            \
  X(i64_shr_u, a >> (b & 63))                                             \
  X(i64_rotl, rotl64(a, b))                                               \
  X(i64_rotr, rotr64(a, b))
#define BIN32(opc, expr) BIN(opc, i32, i64, uint32_t, (uint32_t)(expr))
#define BIN64(opc, expr) BIN(opc, i64, i64, uint64_t, (uint64_t)(expr))
/* handler table entries */
#define FORM(base, opc) [(base) + OP_##opc - IOP_FORM_BASE]
#define T_IMM(opc, expr) FORM(IOP_IMM, opc) = &&op_imm_##opc,
#define T_BR(opc, expr)                                                   \
  FORM(IOP_BR, opc) = &&op_br_##opc, FORM(IOP_BRI, opc) = &&op_bri_##opc,
#define T_BR_BACK(opc, expr)                                              \
  FORM(IOP_BR_BACK, opc) = &&op_brb_##opc,                                \
  FORM(IOP_BRI_BACK, opc) = &&op_brib_##opc,

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
#define HANDLER_0(name)
#define HANDLER_1(name) [OP_##name] = &&op_##name,
#define HANDLER(name, byte, run, kind, a, b) HANDLER_##run(name)
#define SAT_HANDLER(name, sub) [IOP_TRUNC_SAT + (sub)] = &&op_##name,
    WASM_OPCODES(HANDLER) WASM_TRUNC_SAT_OPCODES(SAT_HANDLER)
    [IOP_COPY] = &&op_copy, [IOP_JMP] = &&op_jmp,
    [IOP_BR_TABLE] = &&op_br_table,
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
#undef HANDLER
#undef HANDLER_0
#undef HANDLER_1
#undef SAT_HANDLER
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
  uint64_t wsize; /* memsize, or 0 under a savepoint (STORE) */
  wasm_trap trap;
  /* call setup */
  wasm_func *callee;
  wasm_value *nfp;
  const uintptr_t *ret_ip;
  LOAD_INST();
  NEXT();

  /* ---- memory ---- */
  LOAD(i32_load, uint32_t, i32, )
  LOAD(i64_load, uint64_t, i64, )
  LOAD(i32_load8_s, int8_t, i32, (uint32_t))
  LOAD(i32_load8_u, uint8_t, i32, (uint32_t))
  LOAD(i32_load16_s, int16_t, i32, (uint32_t))
  LOAD(i32_load16_u, uint16_t, i32, (uint32_t))
  LOAD(i64_load8_s, int8_t, i64, (uint64_t))
  LOAD(i64_load8_u, uint8_t, i64, (uint64_t))
  LOAD(i64_load16_s, int16_t, i64, (uint64_t))
  LOAD(i64_load16_u, uint16_t, i64, (uint64_t))
  LOAD(i64_load32_s, int32_t, i64, (uint64_t))
  LOAD(i64_load32_u, uint32_t, i64, (uint64_t))
  STORE(i32_store, uint32_t, i32, 4)
  STORE(i64_store, uint64_t, i64, 8)
  STORE(i32_store8, uint8_t, i32, 1)
  STORE(i32_store16, uint16_t, i32, 2)
  STORE(i64_store8, uint8_t, i64, 1)
  STORE(i64_store16, uint16_t, i64, 2)
  STORE(i64_store32, uint32_t, i64, 4)
op_memory_size:
  R(1).i64 = (uint32_t)(memsize / WASM_PAGE);
  STEP(2);
op_memory_grow: {
  NEED_FUEL();
  uint64_t units = wasm_memory_grow_fuel(inst->mem, R(1).i32);
  int64_t old = wasm_memory_grow(inst->mem, R(1).i32);
  if (old == -2) TRAP(WASM_TRAP_UNDO_FULL);
  if (old >= 0) PAY(units);
  R(2).i64 = (uint32_t)old;
  LOAD_INST();
  STEP(3);
}
op_i32_const:
  R(1).i64 = (uint32_t)ip[2];
  STEP(3);
op_i64_const:
  if (WASM_IMM64_CELLS == 1) R(1).i64 = (uint64_t)ip[2];
  else R(1).i64 = (uint64_t)(uint32_t)ip[2] | (uint64_t)(uint32_t)ip[3] << 32;
  STEP(2 + WASM_IMM64_CELLS);

  /* ---- comparisons ---- */
  UN(i32_eqz, i32, i64, uint32_t, a == 0)
  I32_CMP(BIN32)
  UN(i64_eqz, i64, i64, uint64_t, a == 0)
  I64_CMP(BIN64)
  BIN(f32_eq, f32, i64, float, a == b)
  BIN(f32_ne, f32, i64, float, a != b)
  BIN(f32_lt, f32, i64, float, a < b)
  BIN(f32_gt, f32, i64, float, a > b)
  BIN(f32_le, f32, i64, float, a <= b)
  BIN(f32_ge, f32, i64, float, a >= b)
  BIN(f64_eq, f64, i64, double, a == b)
  BIN(f64_ne, f64, i64, double, a != b)
  BIN(f64_lt, f64, i64, double, a < b)
  BIN(f64_gt, f64, i64, double, a > b)
  BIN(f64_le, f64, i64, double, a <= b)
  BIN(f64_ge, f64, i64, double, a >= b)

  /* ---- i32 ---- */
  UN(i32_clz, i32, i64, uint32_t, clz32(a))
  UN(i32_ctz, i32, i64, uint32_t, ctz32(a))
  UN(i32_popcnt, i32, i64, uint32_t, (uint32_t)__builtin_popcount(a))
  I32_ARITH(BIN32)
  DIV_S(i32_div_s, i32, int32_t, uint32_t, INT32_MIN)
  DIV_U(i32_div_u, i32, uint32_t)
  REM_S(i32_rem_s, i32, int32_t, uint32_t)
  REM_U(i32_rem_u, i32, uint32_t)

  /* ---- i64 ---- */
  UN(i64_clz, i64, i64, uint64_t, clz64(a))
  UN(i64_ctz, i64, i64, uint64_t, ctz64(a))
  UN(i64_popcnt, i64, i64, uint64_t, (uint64_t)__builtin_popcountll(a))
  I64_ARITH(BIN64)
  DIV_S(i64_div_s, i64, int64_t, uint64_t, INT64_MIN)
  DIV_U(i64_div_u, i64, uint64_t)
  REM_S(i64_rem_s, i64, int64_t, uint64_t)
  REM_U(i64_rem_u, i64, uint64_t)

  /* ---- f32 ---- (abs, neg and copysign work on the sign bit alone) */
  UN(f32_abs, i32, i64, uint32_t, a & 0x7fffffffu)
  UN(f32_neg, i32, i64, uint32_t, a ^ 0x80000000u)
  UN(f32_ceil, f32, f32, float, f32_ceil(a))
  UN(f32_floor, f32, f32, float, f32_floor(a))
  UN(f32_trunc, f32, f32, float, f32_trunc(a))
  UN(f32_nearest, f32, f32, float, f32_nearest(a))
  UN(f32_sqrt, f32, f32, float, __builtin_sqrtf(a))
  BIN(f32_add, f32, f32, float, a + b)
  BIN(f32_sub, f32, f32, float, a - b)
  BIN(f32_mul, f32, f32, float, a * b)
  BIN(f32_div, f32, f32, float, a / b)
  BIN(f32_min, f32, f32, float, f32_min(a, b))
  BIN(f32_max, f32, f32, float, f32_max(a, b))
  BIN(f32_copysign, f32, f32, float, f32_copysign(a, b))

  /* ---- f64 ---- */
  UN(f64_abs, i64, i64, uint64_t, a & ~(1ull << 63))
  UN(f64_neg, i64, i64, uint64_t, a ^ (1ull << 63))
  UN(f64_ceil, f64, f64, double, f64_ceil(a))
  UN(f64_floor, f64, f64, double, f64_floor(a))
  UN(f64_trunc, f64, f64, double, f64_trunc(a))
  UN(f64_nearest, f64, f64, double, f64_nearest(a))
  UN(f64_sqrt, f64, f64, double, __builtin_sqrt(a))
  BIN(f64_add, f64, f64, double, a + b)
  BIN(f64_sub, f64, f64, double, a - b)
  BIN(f64_mul, f64, f64, double, a * b)
  BIN(f64_div, f64, f64, double, a / b)
  BIN(f64_min, f64, f64, double, f64_min(a, b))
  BIN(f64_max, f64, f64, double, f64_max(a, b))
  BIN(f64_copysign, f64, f64, double, f64_copysign(a, b))

  /* ---- conversions ---- */
  UN(i32_wrap_i64, i64, i64, uint64_t, (uint32_t)a)
  TRUNC(i32_trunc_f32_s, f32, int32_t, uint32_t, -P31, P31)
  TRUNC(i32_trunc_f32_u, f32, uint32_t, uint32_t, 0.0, 4294967296.0)
  TRUNC(i32_trunc_f64_s, f64, int32_t, uint32_t, -P31, P31)
  TRUNC(i32_trunc_f64_u, f64, uint32_t, uint32_t, 0.0, 4294967296.0)
  UN(i64_extend_i32_s, i32, i64, uint32_t, (uint64_t)(int64_t)S32(a))
  UN(i64_extend_i32_u, i32, i64, uint32_t, (uint64_t)a)
  TRUNC(i64_trunc_f32_s, f32, int64_t, uint64_t, -P63, P63)
  TRUNC(i64_trunc_f32_u, f32, uint64_t, uint64_t, 0.0, P64)
  TRUNC(i64_trunc_f64_s, f64, int64_t, uint64_t, -P63, P63)
  TRUNC(i64_trunc_f64_u, f64, uint64_t, uint64_t, 0.0, P64)
  UN(f32_convert_i32_s, i32, f32, uint32_t, (float)S32(a))
  UN(f32_convert_i32_u, i32, f32, uint32_t, (float)a)
  UN(f32_convert_i64_s, i64, f32, uint64_t, (float)S64(a))
  UN(f32_convert_i64_u, i64, f32, uint64_t, (float)a)
  UN(f32_demote_f64, f64, f32, double, (float)a)
  UN(f64_convert_i32_s, i32, f64, uint32_t, (double)S32(a))
  UN(f64_convert_i32_u, i32, f64, uint32_t, (double)a)
  UN(f64_convert_i64_s, i64, f64, uint64_t, (double)S64(a))
  UN(f64_convert_i64_u, i64, f64, uint64_t, (double)a)
  UN(f64_promote_f32, f32, f64, float, (double)a)
  UN(i32_extend8_s, i32, i64, uint32_t, (uint32_t)(int32_t)(int8_t)a)
  UN(i32_extend16_s, i32, i64, uint32_t, (uint32_t)(int32_t)(int16_t)a)
  UN(i64_extend8_s, i64, i64, uint64_t, (uint64_t)(int64_t)(int8_t)a)
  UN(i64_extend16_s, i64, i64, uint64_t, (uint64_t)(int64_t)(int16_t)a)
  UN(i64_extend32_s, i64, i64, uint64_t, (uint64_t)(int64_t)(int32_t)a)
  TRUNC_SAT(i32_trunc_sat_f32_s, f32, int32_t, uint32_t,
            -P31, P31, INT32_MIN, INT32_MAX)
  TRUNC_SAT(i32_trunc_sat_f32_u, f32, uint32_t, uint32_t,
            0.0, 4294967296.0, 0, UINT32_MAX)
  TRUNC_SAT(i32_trunc_sat_f64_s, f64, int32_t, uint32_t,
            -P31, P31, INT32_MIN, INT32_MAX)
  TRUNC_SAT(i32_trunc_sat_f64_u, f64, uint32_t, uint32_t,
            0.0, 4294967296.0, 0, UINT32_MAX)
  TRUNC_SAT(i64_trunc_sat_f32_s, f32, int64_t, uint64_t,
            -P63, P63, INT64_MIN, INT64_MAX)
  TRUNC_SAT(i64_trunc_sat_f32_u, f32, uint64_t, uint64_t,
            0.0, P64, 0, UINT64_MAX)
  TRUNC_SAT(i64_trunc_sat_f64_s, f64, int64_t, uint64_t,
            -P63, P63, INT64_MIN, INT64_MAX)
  TRUNC_SAT(i64_trunc_sat_f64_u, f64, uint64_t, uint64_t,
            0.0, P64, 0, UINT64_MAX)

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
op_global_set: {
  wasm_global *g = inst->globals[ip[1]];
  if (g->journal && g->mark < g->journal->epoch && !wasm_jn_global(g))
    TRAP(WASM_TRAP_UNDO_FULL);
  g->v = R(2);
  STEP(3);
}
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
    struct wasm_host_call hc = {x, callee, inst, x->host_suspended};
    x->host_suspended = false;
    x->fuel = fuel;
    wasm_status hs = callee->host(&hc, nfp, nfp + np);
    fuel = x->fuel; /* the host function may have set it */
    LOAD_INST(); /* and begun or ended a savepoint */
    if (hs == WASM_OUT_OF_FUEL) { /* suspended: called again on resume */
      x->host_suspended = true;
      goto out_of_fuel;
    }
    if (hs != WASM_OK) TRAP(WASM_TRAP_HOST);
    for (uint32_t i = 0; i < nr; i++) nfp[i] = nfp[np + i];
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
    SWITCH_INST();
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
  SWITCH_INST();
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
  if (t->journal && !wasm_jn_table(t, i, 1)) TRAP(WASM_TRAP_UNDO_FULL);
  t->elems[i] = R(3).ref;
  STEP(4);
}
op_table_size:
  R(2).i64 = inst->tables[ip[1]]->size;
  STEP(3);
op_table_grow: {
  NEED_FUEL();
  uint64_t units = wasm_table_grow_fuel(inst->tables[ip[1]], R(3).i32);
  int64_t old = wasm_table_grow(inst->tables[ip[1]], R(3).i32, R(2).ref);
  if (old == -2) TRAP(WASM_TRAP_UNDO_FULL);
  if (old >= 0) PAY(units);
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
  if (t->journal && !wasm_jn_table(t, i + at, now))
    TRAP(WASM_TRAP_UNDO_FULL);
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
    if (td->journal && !wasm_jn_table(td, d + o, now))
      TRAP(WASM_TRAP_UNDO_FULL);
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
  if (now) { /* an empty table or memory may have no storage at all */
    if (t->journal && !wasm_jn_table(t, d + at, now))
      TRAP(WASM_TRAP_UNDO_FULL);
    __builtin_memmove(t->elems + d + at, inst->elem_vals[seg] + s + at,
                      (size_t)now * 8);
  }
  BULK_END(6);
}
op_elem_drop:
  if (!wasm_jn_flag(inst->journal, &inst->elem_dropped[ip[1]]))
    TRAP(WASM_TRAP_UNDO_FULL);
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
  if (now) { /* an empty table or memory may have no storage at all */
    if (!wsize && !wasm_jn_mem(inst->mem, d + at, now))
      TRAP(WASM_TRAP_UNDO_FULL);
    __builtin_memmove(mem + d + at, ds->bytes + s + at, now);
  }
  BULK_END(5);
}
op_data_drop:
  if (!wasm_jn_flag(inst->journal, &inst->data_dropped[ip[1]]))
    TRAP(WASM_TRAP_UNDO_FULL);
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
    if (!wsize && !wasm_jn_mem(inst->mem, (uint64_t)d + o, now))
      TRAP(WASM_TRAP_UNDO_FULL);
    __builtin_memmove(mem + d + o, mem + s + o, now);
  }
  BULK_END(4);
}
op_mem_fill: {
  uint32_t d = R(1).i32, n = R(3).i32, at = x->bulk_done;
  NEED_FUEL();
  if ((uint64_t)d + n > memsize) TRAP(WASM_TRAP_MEMORY_OOB);
  BULK_TAKE(n - at, 3);
  if (now) { /* an empty table or memory may have no storage at all */
    if (!wsize && !wasm_jn_mem(inst->mem, (uint64_t)d + at, now))
      TRAP(WASM_TRAP_UNDO_FULL);
    __builtin_memset(mem + d + at, (int)(R(2).i32 & 0xff), now);
  }
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

  /* stores under a savepoint, or out of bounds (STORE) */
  STORE_SLOW(1) STORE_SLOW(2) STORE_SLOW(4) STORE_SLOW(8)

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
