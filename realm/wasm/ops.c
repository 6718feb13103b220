/* ops.c: see ops.h. */
#include "ops.h"
#include "wasm.h"

enum { I = WASM_I32, L = WASM_I64, F = WASM_F32, D = WASM_F64 };

/* Ranges of the numeric opcodes (spec 5.4.7) with their shapes. */
static const struct range {
  uint8_t first, last, in, out, binary;
} ranges[] = {
  {0x45, 0x45, I, I, 0}, {0x46, 0x4f, I, I, 1}, /* i32.eqz, i32 compares */
  {0x50, 0x50, L, I, 0}, {0x51, 0x5a, L, I, 1}, /* i64.eqz, i64 compares */
  {0x5b, 0x60, F, I, 1}, {0x61, 0x66, D, I, 1}, /* float compares */
  {0x67, 0x69, I, I, 0}, {0x6a, 0x78, I, I, 1}, /* i32 clz..popcnt, add..rotr */
  {0x79, 0x7b, L, L, 0}, {0x7c, 0x8a, L, L, 1},
  {0x8b, 0x91, F, F, 0}, {0x92, 0x98, F, F, 1}, /* f32 abs..sqrt, add.. */
  {0x99, 0x9f, D, D, 0}, {0xa0, 0xa6, D, D, 1},
  {0xa7, 0xa7, L, I, 0},                        /* i32.wrap_i64 */
  {0xa8, 0xa9, F, I, 0}, {0xaa, 0xab, D, I, 0}, /* i32.trunc_f32/f64 */
  {0xac, 0xad, I, L, 0},                        /* i64.extend_i32 */
  {0xae, 0xaf, F, L, 0}, {0xb0, 0xb1, D, L, 0}, /* i64.trunc_f32/f64 */
  {0xb2, 0xb3, I, F, 0}, {0xb4, 0xb5, L, F, 0}, {0xb6, 0xb6, D, F, 0},
  {0xb7, 0xb8, I, D, 0}, {0xb9, 0xba, L, D, 0}, {0xbb, 0xbb, F, D, 0},
  {0xbc, 0xbc, F, I, 0}, {0xbd, 0xbd, D, L, 0}, /* reinterpret */
  {0xbe, 0xbe, I, F, 0}, {0xbf, 0xbf, L, D, 0},
  {0xc0, 0xc1, I, I, 0}, {0xc2, 0xc4, L, L, 0}, /* sign extension */
};

void ops_numeric(uint8_t opc, uint8_t *in, uint8_t *out, uint8_t *in2) {
  for (unsigned i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
    const struct range *r = &ranges[i];
    if (opc >= r->first && opc <= r->last) {
      *in = r->in;
      *out = r->out;
      if (in2) *in2 = r->binary ? r->in : 0;
      return;
    }
  }
  *in = *out = 0;
  if (in2) *in2 = 0;
}

/* 0x28..0x3e: i32 i64 f32 f64 loads, the narrow loads, then the stores. */
static const uint8_t mem_align[23] = {2, 3, 2, 3, 0, 0, 1, 1, 0, 0, 1, 1, 2, 2,
                                      2, 3, 2, 3, 0, 1, 0, 1, 2};
static const uint8_t mem_type[23] = {I, L, F, D, I, I, I, I, L, L, L, L, L, L,
                                     I, L, F, D, I, I, L, L, L};

uint32_t ops_natural_align(uint8_t opc) { return mem_align[opc - 0x28]; }
uint8_t ops_mem_type(uint8_t opc) { return mem_type[opc - 0x28]; }

uint8_t ops_mem_iop(uint8_t opc) {
  switch (opc) {
  case 0x2a: return 0x28; /* f32.load: i32.load */
  case 0x2b: return 0x29;
  case 0x38: return 0x36; /* f32.store: i32.store */
  case 0x39: return 0x37;
  default: return opc;
  }
}
