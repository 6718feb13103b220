/* ops.h: the types of the numeric and memory instructions (spec 3.3.1,
 * 3.3.7), as tables. */
#ifndef REALM_WASM_OPS_H
#define REALM_WASM_OPS_H

#include <stdint.h>

/* Numeric opcode 0x45..0xc4: operand type, result type, and (if in2 is not
 * NULL) the second operand's type, 0 for a unary op. */
void ops_numeric(uint8_t opc, uint8_t *in, uint8_t *out, uint8_t *in2);

/* Loads 0x28..0x35 and stores 0x36..0x3e: log2 of the access size, the
 * value's type, and the internal op that runs it (f32/f64 use the integer
 * ops of their width: values are bits). */
uint32_t ops_natural_align(uint8_t opc);
uint8_t ops_mem_type(uint8_t opc);
uint8_t ops_mem_iop(uint8_t opc);

#endif
