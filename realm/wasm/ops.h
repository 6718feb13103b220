/* ops.h: the types of the numeric and memory instructions (spec 3.3.1,
 * 3.3.7), as tables built from opcodes.h's shape column. */
#ifndef REALM_WASM_OPS_H
#define REALM_WASM_OPS_H

#include <stdbool.h>
#include <stdint.h>

/* Numeric opcode (OP_i32_eqz..OP_i64_extend32_s): operand type, result
 * type, and (if in2 is not NULL) the second operand's type, 0 for a unary
 * op. */
void ops_numeric(uint8_t opc, uint8_t *in, uint8_t *out, uint8_t *in2);

/* A numeric op with an immediate form (ALU, CMP); one that fuses with a
 * following br_if or if (CMP, TEST). */
bool ops_has_imm(uint8_t opc);
bool ops_fuses(uint8_t opc);

/* Loads and stores (OP_i32_load..OP_i64_store32): log2 of the access size,
 * the value's type, whether it is a store, and the internal op that runs
 * it (f32/f64 use the integer ops of their width: values are bits). */
uint32_t ops_natural_align(uint8_t opc);
uint8_t ops_mem_type(uint8_t opc);
bool ops_is_store(uint8_t opc);
uint8_t ops_mem_iop(uint8_t opc);

#endif
