/* ops.c: see ops.h. */
#include "ops.h"
#include "opcodes.h"
#include "wasm.h"

/* One byte per opcode (opcodes.h's kind, a, b): bits 0-1 the (first)
 * operand's or the memory value's type, bits 2-3 the result's type or a
 * memory access's log2 size, bits 4-7 the flags. */
enum { NO = 0, I = 0, L, F, D };
enum { S8, S16, S32, S64 };
enum { BINARY = 0x10, IMM = 0x20, FUSE = 0x40, STORE_OP = 0x80 };
#define SHAPE(a, b, flags) ((a) | (b) << 2 | (flags))
#define NONE(a, b) 0
#define UN(in, out) SHAPE(in, out, 0)
#define BIN(in, out) SHAPE(in, out, BINARY)
#define ALU(t, t_) SHAPE(t, t, BINARY | IMM)
#define CMP(t, i32) SHAPE(t, i32, BINARY | IMM | FUSE)
#define TEST(t, i32) SHAPE(t, i32, FUSE)
#define LOAD(t, size) SHAPE(t, size, 0)
#define STORE(t, size) SHAPE(t, size, STORE_OP)

static const uint8_t shapes[256] = {
#define ROW(name, byte, run, kind, a, b) [byte] = kind(a, b),
    WASM_OPCODES(ROW)
#undef ROW
};

static const uint8_t valtype[4] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64};

void ops_numeric(uint8_t opc, uint8_t *in, uint8_t *out, uint8_t *in2) {
  uint8_t s = shapes[opc];
  *in = valtype[s & 3];
  *out = valtype[s >> 2 & 3];
  if (in2)
    *in2 = (s & BINARY) ? *in : 0;
}

bool ops_has_imm(uint8_t opc) { return shapes[opc] & IMM; }
bool ops_fuses(uint8_t opc) { return shapes[opc] & FUSE; }

uint32_t ops_natural_align(uint8_t opc) { return shapes[opc] >> 2 & 3; }
uint8_t ops_mem_type(uint8_t opc) { return valtype[shapes[opc] & 3]; }
bool ops_is_store(uint8_t opc) { return shapes[opc] & STORE_OP; }

uint8_t ops_mem_iop(uint8_t opc) {
  switch (opc) {
  case OP_f32_load:
    return OP_i32_load;
  case OP_f64_load:
    return OP_i64_load;
  case OP_f32_store:
    return OP_i32_store;
  case OP_f64_store:
    return OP_i64_store;
  default:
    return opc;
  }
}
