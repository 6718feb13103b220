/* compile_ops.c: locals, globals, memory, tables, references, select, and
 * the peepholes (immediates, fused compare-and-branch), validated and
 * compiled (see compile.h). */
#include "compile.h"

/* ---- locals and globals -------------------------------------------------- */

uint8_t wasm_cc_local_type(compiler *c, uint32_t x) {
  if (x < c->ft->nparams)
    return c->ft->params[x];
  if (x >= c->stack_base) {
    bad(c, "unknown local");
    return 0;
  }
  x -= c->ft->nparams;
  uint32_t lo = 0, hi = c->nlocal_runs; /* the first run that ends past x */
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (c->locals[mid].end > x)
      hi = mid;
    else
      lo = mid + 1;
  }
  return c->locals[lo].type;
}

/* local.set / local.tee x of the top value. */
void wasm_cc_set_local(compiler *c, uint32_t x, bool tee, uint32_t prev_dst) {
  uint8_t t = wasm_cc_local_type(c, x);
  if (failed(c))
    return;
  operand v = pop_raw(c, t);
  if (failed(c))
    return;
  if (dead(c)) {
    if (tee)
      push(c, t);
    return;
  }
  if (!v.is_const && prev_dst && v.loc == canon(c, c->nvs) &&
      !lazy_refs(c, x, c->nvs) && !c->full && c->code[prev_dst - 1] == v.loc) {
    c->code[prev_dst - 1] = x; /* the producer writes the local itself */
  } else {
    settle_local(c, x);
    move(c, &v, x);
  }
  if (tee) {
    operand *n = push(c, t);
    if (v.is_const) {
      n->is_const = true;
      n->k = v.k;
    } else {
      n->loc = x;
    }
  }
}

void wasm_cc_global(compiler *c, bool set) {
  uint32_t g = wr_u32(&c->r);
  if (c->r.err)
    return;
  if (g >= c->m->nglobals) {
    bad(c, "unknown global");
    return;
  }
  const wasm_globaltype *gt = &c->m->globals[g];
  if (set) {
    if (!gt->mut) {
      bad(c, "global is immutable");
      return;
    }
    operand v = pop(c, gt->type);
    if (failed(c) || dead(c))
      return;
    op(c, IOP_GLOBAL_SET);
    cell(c, g);
    cell(c, v.loc);
  } else {
    operand *v = push(c, gt->type);
    if (dead(c))
      return;
    op(c, IOP_GLOBAL_GET);
    cell(c, g);
    dst(c, v);
  }
}

/* ---- memory, tables, references ------------------------------------------ */

bool wasm_cc_need_memory(compiler *c) {
  if (c->m->nmems == 0)
    return bad(c, "unknown memory 0");
  return true;
}

bool wasm_cc_zero_byte(compiler *c) {
  if (wr_u8(&c->r) != 0 && !c->r.err)
    wr_fail(&c->r, "zero byte expected");
  return !c->r.err;
}

void wasm_cc_load_store(compiler *c, uint8_t opc) {
  uint32_t align = wr_u32(&c->r);
  uint32_t off = wr_u32(&c->r);
  if (c->r.err || !wasm_cc_need_memory(c))
    return;
  if (align > ops_natural_align(opc)) {
    bad(c, "alignment must not be larger than natural");
    return;
  }
  uint8_t vt = ops_mem_type(opc);
  uint8_t iop = ops_mem_iop(opc);
  if (ops_is_store(opc)) {
    operand v = pop(c, vt);
    operand a = pop(c, WASM_I32);
    if (failed(c) || dead(c))
      return;
    op(c, iop);
    cell(c, a.loc);
    cell(c, v.loc);
    cell(c, off);
  } else {
    operand a = pop(c, WASM_I32);
    operand *v = push(c, vt);
    if (failed(c) || dead(c))
      return;
    op(c, iop);
    cell(c, a.loc);
    cell(c, off);
    dst(c, v);
  }
}

bool wasm_cc_table_idx(compiler *c, uint32_t *t) {
  *t = wr_u32(&c->r);
  if (c->r.err)
    return false;
  if (*t >= c->m->ntables)
    return bad(c, "unknown table");
  return true;
}

static bool elem_idx(compiler *c, uint32_t *e) {
  *e = wr_u32(&c->r);
  if (c->r.err)
    return false;
  if (*e >= c->m->nelems)
    return bad(c, "unknown elem segment");
  return true;
}

/* A data index (read before by the caller). Without a data count section
 * the binary format forbids data indices (spec 5.5.16): malformed, but only
 * once validation has nothing to say, as the spec's tests expect. */
static bool data_idx(compiler *c, uint32_t d) {
  if (d >= c->m->ndatas)
    return bad(c, "unknown data segment");
  if (!c->m->has_datacount) {
    wr_fail(&c->r, "data count section required");
    return false;
  }
  return true;
}

/* Emit op with the given leading immediates and the popped operands (in
 * stack order), then an optional result. */
void wasm_cc_emit_n(compiler *c, unsigned iop, uint32_t nimm,
                    const uint32_t *imm, uint32_t nin, const uint8_t *in,
                    uint8_t out) {
  operand v[3];
  for (uint32_t i = 0; i < nin; i++)
    v[nin - 1 - i] = pop(c, in[nin - 1 - i]);
  operand *r = out ? push(c, out) : NULL;
  if (failed(c) || dead(c))
    return;
  op(c, iop);
  for (uint32_t i = 0; i < nimm; i++)
    cell(c, imm[i]);
  for (uint32_t i = 0; i < nin; i++)
    cell(c, v[i].loc);
  if (r)
    dst(c, r);
}

void wasm_cc_fc(compiler *c) {
  uint32_t sub = wr_u32(&c->r);
  if (c->r.err)
    return;
  static const uint8_t i3[3] = {WASM_I32, WASM_I32, WASM_I32};
  uint32_t a, b;
  switch (sub) {
  case FC_i32_trunc_sat_f32_s:
  case FC_i32_trunc_sat_f32_u:
  case FC_i32_trunc_sat_f64_s:
  case FC_i32_trunc_sat_f64_u:
  case FC_i64_trunc_sat_f32_s:
  case FC_i64_trunc_sat_f32_u:
  case FC_i64_trunc_sat_f64_s:
  case FC_i64_trunc_sat_f64_u: {
    /* the spec's order: to i32 then i64, each from f32 then f64 */
    uint8_t in = (sub & 2) ? WASM_F64 : WASM_F32;
    uint8_t out = sub < 4 ? WASM_I32 : WASM_I64;
    wasm_cc_emit_n(c, IOP_TRUNC_SAT + sub, 0, NULL, 1, &in, out);
    return;
  }
  case FC_memory_init:
    a = wr_u32(&c->r);
    if (!wasm_cc_zero_byte(c) || !wasm_cc_need_memory(c) || !data_idx(c, a))
      return;
    wasm_cc_emit_n(c, IOP_MEM_INIT, 1, &a, 3, i3, 0);
    return;
  case FC_data_drop:
    a = wr_u32(&c->r);
    if (c->r.err || !data_idx(c, a))
      return;
    wasm_cc_emit_n(c, IOP_DATA_DROP, 1, &a, 0, NULL, 0);
    return;
  case FC_memory_copy:
    if (!wasm_cc_zero_byte(c) || !wasm_cc_zero_byte(c) ||
        !wasm_cc_need_memory(c))
      return;
    wasm_cc_emit_n(c, IOP_MEM_COPY, 0, NULL, 3, i3, 0);
    return;
  case FC_memory_fill:
    if (!wasm_cc_zero_byte(c) || !wasm_cc_need_memory(c))
      return;
    wasm_cc_emit_n(c, IOP_MEM_FILL, 0, NULL, 3, i3, 0);
    return;
  case FC_table_init: { /* elem table */
    if (!elem_idx(c, &b) || !wasm_cc_table_idx(c, &a))
      return;
    if (c->m->elems[b].type != c->m->tables[a].elem) {
      bad(c, "type mismatch");
      return;
    }
    uint32_t imm[2] = {a, b};
    wasm_cc_emit_n(c, IOP_TABLE_INIT, 2, imm, 3, i3, 0);
    return;
  }
  case FC_elem_drop:
    if (!elem_idx(c, &a))
      return;
    wasm_cc_emit_n(c, IOP_ELEM_DROP, 1, &a, 0, NULL, 0);
    return;
  case FC_table_copy: { /* dst src */
    if (!wasm_cc_table_idx(c, &a) || !wasm_cc_table_idx(c, &b))
      return;
    if (c->m->tables[a].elem != c->m->tables[b].elem) {
      bad(c, "type mismatch");
      return;
    }
    uint32_t imm[2] = {a, b};
    wasm_cc_emit_n(c, IOP_TABLE_COPY, 2, imm, 3, i3, 0);
    return;
  }
  case FC_table_grow: { /* init n -> old */
    if (!wasm_cc_table_idx(c, &a))
      return;
    uint8_t in[2] = {c->m->tables[a].elem, WASM_I32};
    wasm_cc_emit_n(c, IOP_TABLE_GROW, 1, &a, 2, in, WASM_I32);
    return;
  }
  case FC_table_size:
    if (!wasm_cc_table_idx(c, &a))
      return;
    wasm_cc_emit_n(c, IOP_TABLE_SIZE, 1, &a, 0, NULL, WASM_I32);
    return;
  case FC_table_fill: { /* i val n */
    if (!wasm_cc_table_idx(c, &a))
      return;
    uint8_t in[3] = {WASM_I32, c->m->tables[a].elem, WASM_I32};
    wasm_cc_emit_n(c, IOP_TABLE_FILL, 1, &a, 3, in, 0);
    return;
  }
  default:
    wr_fail(&c->r, "illegal opcode");
  }
}

void wasm_cc_select(compiler *c, bool typed) {
  uint8_t t = T_ANY;
  if (typed) {
    uint32_t n = wr_u32(&c->r);
    if (c->r.err)
      return;
    if (n != 1) {
      bad(c, "invalid result arity");
      return;
    }
    t = wr_u8(&c->r);
    if (c->r.err)
      return;
    if (!wasm_is_valtype(t)) {
      wr_fail(&c->r, "malformed value type");
      return;
    }
  }
  operand cond = pop(c, WASM_I32);
  operand b = pop(c, t);
  operand a = pop(c, t);
  uint8_t rt = t;
  if (!typed) {
    if (wasm_is_reftype(a.type) || wasm_is_reftype(b.type) ||
        (a.type != b.type && a.type != T_ANY && b.type != T_ANY)) {
      bad(c, "type mismatch");
      return;
    }
    rt = a.type != T_ANY ? a.type : b.type;
  }
  operand *r = push(c, rt);
  if (failed(c) || dead(c))
    return;
  op(c, IOP_SELECT);
  cell(c, cond.loc);
  cell(c, a.loc);
  cell(c, b.loc);
  dst(c, r);
}

/* ---- immediates and fused branches --------------------------------------- */

/* `x op const`, for the binary integer ops with an immediate form
 * (compares, add, sub, mul, the bitwise ops and shifts: ALU and CMP in
 * opcodes.h): one instruction with the constant in the code. An i64
 * constant qualifies if it is a sign-extended 32-bit value (one cell). */
bool wasm_cc_imm_form(compiler *c, uint8_t opc) {
  if (!ops_has_imm(opc) || dead(c) || c->nvs == 0)
    return false;
  operand *top = &c->vs[c->nvs - 1];
  if (!top->is_const || c->nvs - 1 < c->cs[c->ncs - 1].height)
    return false;
  uint8_t in, out;
  ops_numeric(opc, &in, &out, NULL);
  if (top->type != in)
    return false;
  if (in == WASM_I64 && top->k != (uint64_t)(int64_t)(int32_t)top->k)
    return false;
  operand b = pop_raw(c, in);
  operand a = pop(c, in);
  operand *r = push(c, out);
  if (failed(c))
    return true;
  op(c, IOP_IMM + (opc - IOP_FORM_BASE));
  cell(c, a.loc);
  cell(c, (uintptr_t)(intptr_t)(int32_t)b.k);
  dst(c, r);
  return true;
}

/* Integer compares and eqz, and the compares' immediate forms, fuse with
 * a following br_if or if (CMP and TEST in opcodes.h). */
static bool fusable(uint32_t iop) {
  if (iop >= IOP_IMM && iop < IOP_BR)
    iop = iop - IOP_IMM + IOP_FORM_BASE;
  return iop <= 0xff && ops_fuses((uint8_t)iop);
}

/* The compare with the opposite outcome (for `if`, which branches when
 * the condition is false): eq/ne, lt/ge, gt/le. Each width's ten compares
 * are in the spec's order eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u. */
static uint32_t inverse(uint32_t iop) {
  bool imm = iop >= IOP_IMM;
  uint32_t o = imm ? iop - IOP_IMM + IOP_FORM_BASE : iop; /* the opcode */
  uint32_t first = o >= OP_i64_eq ? OP_i64_eq : OP_i32_eq;
  static const uint8_t inv[10] = {1, 0, 8, 9, 6, 7, 4, 5, 2, 3};
  uint32_t r = first + inv[o - first];
  return imm ? IOP_IMM + (r - IOP_FORM_BASE) : r;
}

/* br_if or if right after a compare whose result is only the condition:
 * the compare becomes the branch (its result cell holds the offset).
 * Returns the offset cell, or 0. */
uint32_t wasm_cc_fuse(compiler *c, const operand *cond, bool when_false,
                      bool back) {
  if (c->full || cond->is_const || !c->prev_dst || !fusable(c->prev_iop) ||
      cond->loc != canon(c, c->nvs) || c->code[c->prev_dst - 1] != cond->loc ||
      c->ncode != c->prev_dst) /* the compare's result cell is the last one */
    return 0;
  uint32_t iop = c->prev_iop;
  if (iop == OP_i32_eqz || iop == OP_i64_eqz) {
    iop = (iop == OP_i32_eqz ? IOP_BR_EQZ32 : IOP_BR_EQZ64) +
          (when_false ? 2 : 0);
    if (back)
      iop += IOP_BR_EQZ32_BACK - IOP_BR_EQZ32;
  } else {
    if (when_false)
      iop = inverse(iop);
    if (iop >= IOP_IMM)
      iop = (back ? IOP_BRI_BACK : IOP_BRI) + (iop - IOP_IMM);
    else
      iop = (back ? IOP_BR_BACK : IOP_BR) + (iop - IOP_FORM_BASE);
  }
  c->code[c->prev_start] = (uintptr_t)c->handlers[iop];
  c->code[c->prev_dst - 1] = 0; /* now a branch site, not yet linked */
  c->last_dst = 0;
  return c->prev_dst - 1;
}
