/* scan.c: decode a function body without validating it. The spec decodes
 * a whole module before validating it, so a body that is both invalid and
 * malformed (anywhere, even after the invalid part) is malformed. compile.c
 * validates as it decodes and stops at the first invalid instruction; then
 * this scan of the rest tells whether a decoding error comes later. */
#include "internal.h"
#include "opcodes.h"
#include "reader.h"

static void zero(wasm_reader *r) {
  if (wr_u8(r) != 0 && !r->err)
    wr_fail(r, "zero byte expected");
}

static void fc(wasm_reader *r, const wasm_module *m) {
  uint32_t sub = wr_u32(r), idx = 0;
  switch (sub) {
  case FC_i32_trunc_sat_f32_s:
  case FC_i32_trunc_sat_f32_u:
  case FC_i32_trunc_sat_f64_s:
  case FC_i32_trunc_sat_f64_u:
  case FC_i64_trunc_sat_f32_s:
  case FC_i64_trunc_sat_f32_u:
  case FC_i64_trunc_sat_f64_s:
  case FC_i64_trunc_sat_f64_u:
    break;
  case FC_memory_init:
    idx = wr_u32(r);
    zero(r);
    break;
  case FC_data_drop:
    idx = wr_u32(r);
    break;
  case FC_memory_copy:
    zero(r);
    zero(r);
    break;
  case FC_memory_fill:
    zero(r);
    break;
  case FC_table_init:
  case FC_table_copy:
    wr_u32(r);
    wr_u32(r);
    break;
  case FC_elem_drop:
  case FC_table_grow:
  case FC_table_size:
  case FC_table_fill:
    wr_u32(r);
    break;
  default:
    wr_fail(r, "illegal opcode");
  }
  /* as compile.c: an unknown segment is invalid before this is malformed */
  if ((sub == FC_memory_init || sub == FC_data_drop) && !m->has_datacount &&
      idx < m->ndatas && !r->err)
    wr_fail(r, "data count section required");
}

/* The reason the body is malformed, or NULL. */
const char *wasm_scan_body(const wasm_module *m, const wasm_funcdef *def,
                           uint32_t *offset) {
  wasm_reader r = {def->body, def->body + def->body_len, m->bytes, NULL};
  uint32_t depth = 1;
  while (depth && !r.err) {
    *offset = wr_offset(&r);
    uint8_t op = wr_u8(&r);
    switch (op) {
    case OP_block:
    case OP_loop:
    case OP_if:
      if (r.p < r.end &&
          (*r.p == WASM_BLOCKTYPE_EMPTY || wasm_is_valtype(*r.p)))
        r.p++;
      else if (wr_sleb(&r, 33) < 0 && !r.err)
        wr_fail(&r, "malformed block type");
      depth++;
      break;
    case OP_end:
      depth--;
      break;
    case OP_unreachable:
    case OP_nop:
    case OP_else:
    case OP_return:
    case OP_drop:
    case OP_select:
    case OP_ref_is_null:
      break;
    case OP_br:
    case OP_br_if:
    case OP_call:
    case OP_local_get:
    case OP_local_set:
    case OP_local_tee:
    case OP_global_get:
    case OP_global_set:
    case OP_table_get:
    case OP_table_set:
    case OP_ref_func:
      wr_u32(&r);
      break;
    case OP_br_table: {
      uint32_t n = wr_u32(&r);
      for (uint64_t i = 0; i <= n && !r.err; i++)
        wr_u32(&r);
      break;
    }
    case OP_call_indirect:
      wr_u32(&r);
      wr_u32(&r);
      break;
    case OP_select_t: {
      uint32_t n = wr_u32(&r);
      for (uint32_t i = 0; i < n && !r.err; i++)
        if (!wasm_is_valtype(wr_u8(&r)) && !r.err)
          wr_fail(&r, "malformed value type");
      break;
    }
    case OP_memory_size:
    case OP_memory_grow:
      zero(&r);
      break;
    case OP_i32_const:
      wr_s32(&r);
      break;
    case OP_i64_const:
      wr_s64(&r);
      break;
    case OP_f32_const:
      wr_fixed32(&r);
      break;
    case OP_f64_const:
      wr_fixed64(&r);
      break;
    case OP_ref_null: {
      uint8_t t = wr_u8(&r);
      if (!wasm_is_reftype(t) && !r.err)
        wr_fail(&r, "malformed reference type");
      break;
    }
    case OP_prefix_fc:
      fc(&r, m);
      break;
    default:
      if (op >= OP_i32_load && op <= OP_i64_store32) { /* spec 5.4.6 */
        wr_u32(&r);
        wr_u32(&r);
      } else if (!(op >= OP_i32_eqz && op <= OP_i64_extend32_s) && !r.err) {
        wr_fail(&r, "illegal opcode");
      }
    }
  }
  if (!r.err && !wr_done(&r))
    wr_fail(&r, "section size mismatch");
  return r.err;
}
