/* opcodes.h: the WebAssembly opcodes the engine knows (spec 5.4), named
 * once. One row per opcode: X(name, byte, run, kind, a, b), the name the
 * spec's with '_' for '.', the byte its encoding. run is 1 when the
 * interpreter has a handler op_<name> that runs it as internal op <byte>
 * (code.h); the rest compile to other ops (f32.load to i32.load,
 * reinterpret to a copy, ...) or to none. wasm_run's handler table is built
 * from these rows, and the decoder's and compiler's switches name their
 * cases OP_<name>.
 *
 * kind, a, b are what validation and the compiler's tables need (ops.c
 * builds them from these columns), with I L F D for i32 i64 f32 f64:
 *   UN, in, out      numeric, one operand
 *   BIN, in, out     numeric, two operands of type in
 *   ALU, t, t        BIN with an immediate form (IOP_IMM)
 *   CMP, t, I        BIN with an immediate form, and one that fuses with a
 *                    following br_if or if (IOP_BR, IOP_BRI)
 *   TEST, t, I       eqz: UN that fuses (IOP_BR_EQZ32, ...)
 *   LOAD, t, size    a load of a value of type t from size bytes, S8..S64
 *                    (the natural alignment, spec 3.3.7)
 *   STORE, t, size   a store, the same
 *   NONE, NO, NO     the rest: the compiler's switch handles them one by one
 */
#ifndef REALM_WASM_OPCODES_H
#define REALM_WASM_OPCODES_H

#define WASM_OPCODES(X)                                                        \
  X(unreachable, 0x00, 0, NONE, NO, NO)                                        \
  X(nop, 0x01, 0, NONE, NO, NO)                                                \
  X(block, 0x02, 0, NONE, NO, NO)                                              \
  X(loop, 0x03, 0, NONE, NO, NO)                                               \
  X(if, 0x04, 0, NONE, NO, NO)                                                 \
  X(else, 0x05, 0, NONE, NO, NO)                                               \
  X(end, 0x0b, 0, NONE, NO, NO)                                                \
  X(br, 0x0c, 0, NONE, NO, NO)                                                 \
  X(br_if, 0x0d, 0, NONE, NO, NO)                                              \
  X(br_table, 0x0e, 0, NONE, NO, NO)                                           \
  X(return, 0x0f, 0, NONE, NO, NO)                                             \
  X(call, 0x10, 0, NONE, NO, NO)                                               \
  X(call_indirect, 0x11, 0, NONE, NO, NO)                                      \
  X(drop, 0x1a, 0, NONE, NO, NO)                                               \
  X(select, 0x1b, 0, NONE, NO, NO)                                             \
  X(select_t, 0x1c, 0, NONE, NO, NO)                                           \
  X(local_get, 0x20, 0, NONE, NO, NO)                                          \
  X(local_set, 0x21, 0, NONE, NO, NO)                                          \
  X(local_tee, 0x22, 0, NONE, NO, NO)                                          \
  X(global_get, 0x23, 0, NONE, NO, NO)                                         \
  X(global_set, 0x24, 0, NONE, NO, NO)                                         \
  X(table_get, 0x25, 0, NONE, NO, NO)                                          \
  X(table_set, 0x26, 0, NONE, NO, NO)                                          \
  X(i32_load, 0x28, 1, LOAD, I, S32)                                           \
  X(i64_load, 0x29, 1, LOAD, L, S64)                                           \
  X(f32_load, 0x2a, 0, LOAD, F, S32)                                           \
  X(f64_load, 0x2b, 0, LOAD, D, S64)                                           \
  X(i32_load8_s, 0x2c, 1, LOAD, I, S8)                                         \
  X(i32_load8_u, 0x2d, 1, LOAD, I, S8)                                         \
  X(i32_load16_s, 0x2e, 1, LOAD, I, S16)                                       \
  X(i32_load16_u, 0x2f, 1, LOAD, I, S16)                                       \
  X(i64_load8_s, 0x30, 1, LOAD, L, S8)                                         \
  X(i64_load8_u, 0x31, 1, LOAD, L, S8)                                         \
  X(i64_load16_s, 0x32, 1, LOAD, L, S16)                                       \
  X(i64_load16_u, 0x33, 1, LOAD, L, S16)                                       \
  X(i64_load32_s, 0x34, 1, LOAD, L, S32)                                       \
  X(i64_load32_u, 0x35, 1, LOAD, L, S32)                                       \
  X(i32_store, 0x36, 1, STORE, I, S32)                                         \
  X(i64_store, 0x37, 1, STORE, L, S64)                                         \
  X(f32_store, 0x38, 0, STORE, F, S32)                                         \
  X(f64_store, 0x39, 0, STORE, D, S64)                                         \
  X(i32_store8, 0x3a, 1, STORE, I, S8)                                         \
  X(i32_store16, 0x3b, 1, STORE, I, S16)                                       \
  X(i64_store8, 0x3c, 1, STORE, L, S8)                                         \
  X(i64_store16, 0x3d, 1, STORE, L, S16)                                       \
  X(i64_store32, 0x3e, 1, STORE, L, S32)                                       \
  X(memory_size, 0x3f, 1, NONE, NO, NO)                                        \
  X(memory_grow, 0x40, 1, NONE, NO, NO)                                        \
  X(i32_const, 0x41, 1, NONE, NO, NO)                                          \
  X(i64_const, 0x42, 1, NONE, NO, NO)                                          \
  X(f32_const, 0x43, 0, NONE, NO, NO)                                          \
  X(f64_const, 0x44, 0, NONE, NO, NO)                                          \
  X(i32_eqz, 0x45, 1, TEST, I, I)                                              \
  X(i32_eq, 0x46, 1, CMP, I, I)                                                \
  X(i32_ne, 0x47, 1, CMP, I, I)                                                \
  X(i32_lt_s, 0x48, 1, CMP, I, I)                                              \
  X(i32_lt_u, 0x49, 1, CMP, I, I)                                              \
  X(i32_gt_s, 0x4a, 1, CMP, I, I)                                              \
  X(i32_gt_u, 0x4b, 1, CMP, I, I)                                              \
  X(i32_le_s, 0x4c, 1, CMP, I, I)                                              \
  X(i32_le_u, 0x4d, 1, CMP, I, I)                                              \
  X(i32_ge_s, 0x4e, 1, CMP, I, I)                                              \
  X(i32_ge_u, 0x4f, 1, CMP, I, I)                                              \
  X(i64_eqz, 0x50, 1, TEST, L, I)                                              \
  X(i64_eq, 0x51, 1, CMP, L, I)                                                \
  X(i64_ne, 0x52, 1, CMP, L, I)                                                \
  X(i64_lt_s, 0x53, 1, CMP, L, I)                                              \
  X(i64_lt_u, 0x54, 1, CMP, L, I)                                              \
  X(i64_gt_s, 0x55, 1, CMP, L, I)                                              \
  X(i64_gt_u, 0x56, 1, CMP, L, I)                                              \
  X(i64_le_s, 0x57, 1, CMP, L, I)                                              \
  X(i64_le_u, 0x58, 1, CMP, L, I)                                              \
  X(i64_ge_s, 0x59, 1, CMP, L, I)                                              \
  X(i64_ge_u, 0x5a, 1, CMP, L, I)                                              \
  X(f32_eq, 0x5b, 1, BIN, F, I)                                                \
  X(f32_ne, 0x5c, 1, BIN, F, I)                                                \
  X(f32_lt, 0x5d, 1, BIN, F, I)                                                \
  X(f32_gt, 0x5e, 1, BIN, F, I)                                                \
  X(f32_le, 0x5f, 1, BIN, F, I)                                                \
  X(f32_ge, 0x60, 1, BIN, F, I)                                                \
  X(f64_eq, 0x61, 1, BIN, D, I)                                                \
  X(f64_ne, 0x62, 1, BIN, D, I)                                                \
  X(f64_lt, 0x63, 1, BIN, D, I)                                                \
  X(f64_gt, 0x64, 1, BIN, D, I)                                                \
  X(f64_le, 0x65, 1, BIN, D, I)                                                \
  X(f64_ge, 0x66, 1, BIN, D, I)                                                \
  X(i32_clz, 0x67, 1, UN, I, I)                                                \
  X(i32_ctz, 0x68, 1, UN, I, I)                                                \
  X(i32_popcnt, 0x69, 1, UN, I, I)                                             \
  X(i32_add, 0x6a, 1, ALU, I, I)                                               \
  X(i32_sub, 0x6b, 1, ALU, I, I)                                               \
  X(i32_mul, 0x6c, 1, ALU, I, I)                                               \
  X(i32_div_s, 0x6d, 1, BIN, I, I)                                             \
  X(i32_div_u, 0x6e, 1, BIN, I, I)                                             \
  X(i32_rem_s, 0x6f, 1, BIN, I, I)                                             \
  X(i32_rem_u, 0x70, 1, BIN, I, I)                                             \
  X(i32_and, 0x71, 1, ALU, I, I)                                               \
  X(i32_or, 0x72, 1, ALU, I, I)                                                \
  X(i32_xor, 0x73, 1, ALU, I, I)                                               \
  X(i32_shl, 0x74, 1, ALU, I, I)                                               \
  X(i32_shr_s, 0x75, 1, ALU, I, I)                                             \
  X(i32_shr_u, 0x76, 1, ALU, I, I)                                             \
  X(i32_rotl, 0x77, 1, ALU, I, I)                                              \
  X(i32_rotr, 0x78, 1, ALU, I, I)                                              \
  X(i64_clz, 0x79, 1, UN, L, L)                                                \
  X(i64_ctz, 0x7a, 1, UN, L, L)                                                \
  X(i64_popcnt, 0x7b, 1, UN, L, L)                                             \
  X(i64_add, 0x7c, 1, ALU, L, L)                                               \
  X(i64_sub, 0x7d, 1, ALU, L, L)                                               \
  X(i64_mul, 0x7e, 1, ALU, L, L)                                               \
  X(i64_div_s, 0x7f, 1, BIN, L, L)                                             \
  X(i64_div_u, 0x80, 1, BIN, L, L)                                             \
  X(i64_rem_s, 0x81, 1, BIN, L, L)                                             \
  X(i64_rem_u, 0x82, 1, BIN, L, L)                                             \
  X(i64_and, 0x83, 1, ALU, L, L)                                               \
  X(i64_or, 0x84, 1, ALU, L, L)                                                \
  X(i64_xor, 0x85, 1, ALU, L, L)                                               \
  X(i64_shl, 0x86, 1, ALU, L, L)                                               \
  X(i64_shr_s, 0x87, 1, ALU, L, L)                                             \
  X(i64_shr_u, 0x88, 1, ALU, L, L)                                             \
  X(i64_rotl, 0x89, 1, ALU, L, L)                                              \
  X(i64_rotr, 0x8a, 1, ALU, L, L)                                              \
  X(f32_abs, 0x8b, 1, UN, F, F)                                                \
  X(f32_neg, 0x8c, 1, UN, F, F)                                                \
  X(f32_ceil, 0x8d, 1, UN, F, F)                                               \
  X(f32_floor, 0x8e, 1, UN, F, F)                                              \
  X(f32_trunc, 0x8f, 1, UN, F, F)                                              \
  X(f32_nearest, 0x90, 1, UN, F, F)                                            \
  X(f32_sqrt, 0x91, 1, UN, F, F)                                               \
  X(f32_add, 0x92, 1, BIN, F, F)                                               \
  X(f32_sub, 0x93, 1, BIN, F, F)                                               \
  X(f32_mul, 0x94, 1, BIN, F, F)                                               \
  X(f32_div, 0x95, 1, BIN, F, F)                                               \
  X(f32_min, 0x96, 1, BIN, F, F)                                               \
  X(f32_max, 0x97, 1, BIN, F, F)                                               \
  X(f32_copysign, 0x98, 1, BIN, F, F)                                          \
  X(f64_abs, 0x99, 1, UN, D, D)                                                \
  X(f64_neg, 0x9a, 1, UN, D, D)                                                \
  X(f64_ceil, 0x9b, 1, UN, D, D)                                               \
  X(f64_floor, 0x9c, 1, UN, D, D)                                              \
  X(f64_trunc, 0x9d, 1, UN, D, D)                                              \
  X(f64_nearest, 0x9e, 1, UN, D, D)                                            \
  X(f64_sqrt, 0x9f, 1, UN, D, D)                                               \
  X(f64_add, 0xa0, 1, BIN, D, D)                                               \
  X(f64_sub, 0xa1, 1, BIN, D, D)                                               \
  X(f64_mul, 0xa2, 1, BIN, D, D)                                               \
  X(f64_div, 0xa3, 1, BIN, D, D)                                               \
  X(f64_min, 0xa4, 1, BIN, D, D)                                               \
  X(f64_max, 0xa5, 1, BIN, D, D)                                               \
  X(f64_copysign, 0xa6, 1, BIN, D, D)                                          \
  X(i32_wrap_i64, 0xa7, 1, UN, L, I)                                           \
  X(i32_trunc_f32_s, 0xa8, 1, UN, F, I)                                        \
  X(i32_trunc_f32_u, 0xa9, 1, UN, F, I)                                        \
  X(i32_trunc_f64_s, 0xaa, 1, UN, D, I)                                        \
  X(i32_trunc_f64_u, 0xab, 1, UN, D, I)                                        \
  X(i64_extend_i32_s, 0xac, 1, UN, I, L)                                       \
  X(i64_extend_i32_u, 0xad, 1, UN, I, L)                                       \
  X(i64_trunc_f32_s, 0xae, 1, UN, F, L)                                        \
  X(i64_trunc_f32_u, 0xaf, 1, UN, F, L)                                        \
  X(i64_trunc_f64_s, 0xb0, 1, UN, D, L)                                        \
  X(i64_trunc_f64_u, 0xb1, 1, UN, D, L)                                        \
  X(f32_convert_i32_s, 0xb2, 1, UN, I, F)                                      \
  X(f32_convert_i32_u, 0xb3, 1, UN, I, F)                                      \
  X(f32_convert_i64_s, 0xb4, 1, UN, L, F)                                      \
  X(f32_convert_i64_u, 0xb5, 1, UN, L, F)                                      \
  X(f32_demote_f64, 0xb6, 1, UN, D, F)                                         \
  X(f64_convert_i32_s, 0xb7, 1, UN, I, D)                                      \
  X(f64_convert_i32_u, 0xb8, 1, UN, I, D)                                      \
  X(f64_convert_i64_s, 0xb9, 1, UN, L, D)                                      \
  X(f64_convert_i64_u, 0xba, 1, UN, L, D)                                      \
  X(f64_promote_f32, 0xbb, 1, UN, F, D)                                        \
  X(i32_reinterpret_f32, 0xbc, 0, UN, F, I)                                    \
  X(i64_reinterpret_f64, 0xbd, 0, UN, D, L)                                    \
  X(f32_reinterpret_i32, 0xbe, 0, UN, I, F)                                    \
  X(f64_reinterpret_i64, 0xbf, 0, UN, L, D)                                    \
  X(i32_extend8_s, 0xc0, 1, UN, I, I)                                          \
  X(i32_extend16_s, 0xc1, 1, UN, I, I)                                         \
  X(i64_extend8_s, 0xc2, 1, UN, L, L)                                          \
  X(i64_extend16_s, 0xc3, 1, UN, L, L)                                         \
  X(i64_extend32_s, 0xc4, 1, UN, L, L)                                         \
  X(ref_null, 0xd0, 0, NONE, NO, NO)                                           \
  X(ref_is_null, 0xd1, 0, NONE, NO, NO)                                        \
  X(ref_func, 0xd2, 0, NONE, NO, NO)                                           \
  X(prefix_fc, 0xfc, 0, NONE, NO, NO)

/* The saturating truncations, 0xfc then a sub-opcode 0..7: each runs as
 * internal op IOP_TRUNC_SAT + sub (code.h). X(name, sub). */
#define WASM_TRUNC_SAT_OPCODES(X)                                              \
  X(i32_trunc_sat_f32_s, 0)                                                    \
  X(i32_trunc_sat_f32_u, 1)                                                    \
  X(i32_trunc_sat_f64_s, 2)                                                    \
  X(i32_trunc_sat_f64_u, 3)                                                    \
  X(i64_trunc_sat_f32_s, 4)                                                    \
  X(i64_trunc_sat_f32_u, 5)                                                    \
  X(i64_trunc_sat_f64_s, 6)                                                    \
  X(i64_trunc_sat_f64_u, 7)

/* The other 0xfc instructions, bulk memory and tables (spec 5.4.5,
 * 5.4.6): X(name, sub). */
#define WASM_FC_OPCODES(X)                                                     \
  X(memory_init, 8)                                                            \
  X(data_drop, 9)                                                              \
  X(memory_copy, 10)                                                           \
  X(memory_fill, 11)                                                           \
  X(table_init, 12)                                                            \
  X(elem_drop, 13)                                                             \
  X(table_copy, 14)                                                            \
  X(table_grow, 15)                                                            \
  X(table_size, 16)                                                            \
  X(table_fill, 17)

/* FC_<name>: the sub-opcode after 0xfc. */
enum wasm_fc_opcode {
#define WASM_FC_ENUM(name, sub) FC_##name = sub,
  WASM_TRUNC_SAT_OPCODES(WASM_FC_ENUM) WASM_FC_OPCODES(WASM_FC_ENUM)
#undef WASM_FC_ENUM
      FC_LAST = FC_table_fill
};

/* The block type of a block without params or results (spec 5.4.1). */
#define WASM_BLOCKTYPE_EMPTY 0x40

enum wasm_opcode {
#define WASM_OPCODE_ENUM(name, byte, run, kind, a, b) OP_##name = byte,
  WASM_OPCODES(WASM_OPCODE_ENUM)
#undef WASM_OPCODE_ENUM
};

#endif
