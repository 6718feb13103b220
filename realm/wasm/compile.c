/* compile.c: validate a function body (spec 3.3, with the algorithm of the
 * spec's appendix "Validation Algorithm") and, in the same pass, translate
 * it into the register form of code.h. This file has the instruction loop;
 * compile.h the stack model, compile_ctrl.c and compile_ops.c the rest.
 */
#include "compile.h"
#include "opcodes.h"

#ifdef WASM_COUNT_WORK
uint64_t wasm_compile_work;
#endif

/* ---- the instruction loop ------------------------------------------------ */

static bool instr(compiler *c, uint8_t opc, uint32_t prev_dst) {
  uint32_t x;
  switch (opc) {
  case OP_unreachable:
    if (!dead(c))
      op(c, IOP_UNREACHABLE);
    set_unreachable(c);
    break;
  case OP_nop:
    break;
  case OP_block:
  case OP_loop:
  case OP_if:
    wasm_cc_enter(c, opc);
    break;
  case OP_else:
    wasm_cc_else(c);
    break;
  case OP_end:
    return wasm_cc_end(c);
  case OP_br:
    x = wr_u32(&c->r);
    if (!c->r.err)
      wasm_cc_br(c, x);
    break;
  case OP_br_if:
    x = wr_u32(&c->r);
    if (!c->r.err)
      wasm_cc_br_if(c, x);
    break;
  case OP_br_table:
    wasm_cc_br_table(c);
    break;
  case OP_return:
    wasm_cc_return(c);
    break;
  case OP_call:
    wasm_cc_call(c);
    break;
  case OP_call_indirect:
    wasm_cc_call_indirect(c);
    break;
  case OP_drop:
    pop_raw(c, T_ANY);
    break;
  case OP_select:
    wasm_cc_select(c, false);
    break;
  case OP_select_t:
    wasm_cc_select(c, true);
    break;
  case OP_local_get: {
    x = wr_u32(&c->r);
    if (c->r.err)
      break;
    uint8_t t = wasm_cc_local_type(c, x);
    if (failed(c))
      break;
    operand *v = push(c, t);
    v->loc = x;
    break;
  }
  case OP_local_set:
  case OP_local_tee:
    x = wr_u32(&c->r);
    if (!c->r.err)
      wasm_cc_set_local(c, x, opc == OP_local_tee, prev_dst);
    break;
  case OP_global_get:
    wasm_cc_global(c, false);
    break;
  case OP_global_set:
    wasm_cc_global(c, true);
    break;
  case OP_table_get:
  case OP_table_set: {
    if (!wasm_cc_table_idx(c, &x))
      break;
    uint8_t in[2] = {WASM_I32, c->m->tables[x].elem};
    if (opc == OP_table_get)
      wasm_cc_emit_n(c, IOP_TABLE_GET, 1, &x, 1, in, in[1]);
    else
      wasm_cc_emit_n(c, IOP_TABLE_SET, 1, &x, 2, in, 0);
    break;
  }
  case OP_memory_size:
    if (wasm_cc_zero_byte(c) && wasm_cc_need_memory(c))
      wasm_cc_emit_n(c, OP_memory_size, 0, NULL, 0, NULL, WASM_I32);
    break;
  case OP_memory_grow: {
    static const uint8_t in = WASM_I32;
    if (wasm_cc_zero_byte(c) && wasm_cc_need_memory(c))
      wasm_cc_emit_n(c, OP_memory_grow, 0, NULL, 1, &in, WASM_I32);
    break;
  }
  case OP_i32_const:
  case OP_f32_const: {
    uint32_t v =
        opc == OP_i32_const ? (uint32_t)wr_s32(&c->r) : wr_fixed32(&c->r);
    operand *r = push(c, opc == OP_i32_const ? WASM_I32 : WASM_F32);
    r->is_const = true; /* emitted where it is used */
    r->k = v;
    break;
  }
  case OP_i64_const:
  case OP_f64_const: {
    uint64_t v =
        opc == OP_i64_const ? (uint64_t)wr_s64(&c->r) : wr_fixed64(&c->r);
    operand *r = push(c, opc == OP_i64_const ? WASM_I64 : WASM_F64);
    r->is_const = true;
    r->k = v;
    break;
  }
  case OP_i32_reinterpret_f32:
  case OP_i64_reinterpret_f64:
  case OP_f32_reinterpret_i32:
  case OP_f64_reinterpret_i64: { /* reinterpret: the bits stay */
    uint8_t in, out;
    ops_numeric(opc, &in, &out, NULL);
    operand v = pop_raw(c, in);
    operand *r = push(c, out);
    r->loc = v.loc;
    r->is_const = v.is_const;
    r->k = v.k;
    break;
  }
  case OP_ref_null: {
    uint8_t t = wr_u8(&c->r);
    if (c->r.err)
      break;
    if (!wasm_is_reftype(t)) {
      wr_fail(&c->r, "malformed reference type");
      break;
    }
    operand *r = push(c, t);
    r->is_const = true;
    r->k = 0;
    break;
  }
  case OP_ref_is_null: {
    operand v = pop(c, T_ANY);
    if (v.type != T_ANY && !wasm_is_reftype(v.type)) {
      bad(c, "type mismatch");
      break;
    }
    operand *r = push(c, WASM_I32);
    if (failed(c) || dead(c))
      break;
    op(c, OP_i64_eqz); /* i64.eqz: null is 0 */
    cell(c, v.loc);
    dst(c, r);
    break;
  }
  case OP_ref_func:
    x = wr_u32(&c->r);
    if (c->r.err)
      break;
    if (x >= c->m->nfuncs) {
      bad(c, "unknown function");
      break;
    }
    if (!c->m->func_declared[x]) {
      bad(c, "undeclared function reference");
      break;
    }
    wasm_cc_emit_n(c, IOP_REF_FUNC, 1, &x, 0, NULL, WASM_FUNCREF);
    break;
  case OP_prefix_fc:
    wasm_cc_fc(c);
    break;
  default:
    if (opc >= OP_i32_load && opc <= OP_i64_store32) { /* spec 5.4.6 */
      wasm_cc_load_store(c, opc);
    } else if (opc >= OP_i32_eqz && opc <= OP_i64_extend32_s) { /* 5.4.7 */
      if (wasm_cc_imm_form(c, opc))
        break;
      uint8_t in, out, in2;
      ops_numeric(opc, &in, &out, &in2);
      uint8_t ins[2] = {in, in};
      wasm_cc_emit_n(c, opc, 0, NULL, in2 ? 2 : 1, ins, out);
    } else {
      wr_fail(&c->r, "illegal opcode");
    }
  }
  return false;
}

/* count items of size bytes from the arena as wasm_arena_alloc gives
 * them, but not zeroed; NULL when they do not fit (or their size does not
 * fit a size_t, as on 32-bit targets a body's count could make it). */
static void *scratch(wasm_arena *a, size_t count, size_t size, size_t align) {
  if (size && count > SIZE_MAX / size)
    return NULL;
  size_t n = count * size;
  uintptr_t at = (uintptr_t)a->base + a->used;
  size_t pad = (size_t)(-at & (align - 1));
  size_t left = a->size - a->used;
  if (pad > left || n > left - pad)
    return NULL;
  void *p = a->base + a->used + pad;
  a->used += pad + n;
  return p;
}

bool wasm_compile(wasm_module *m, uint32_t defidx, wasm_arena *a,
                  wasm_error *err) {
  wasm_funcdef *def = &m->funcdefs[defidx];
  compiler c = {0};
  c.m = m;
  c.def = def;
  c.ft = &m->types[def->type];
  c.err = err;
  c.handlers = wasm_handlers();
  c.stack_base = c.ft->nparams + def->nlocals;
  c.r = (wasm_reader){def->body, def->body + def->body_len, m->bytes, NULL};

  /* Scratch first (operand and control stacks), then the code takes the
   * rest of the arena; at the end the code moves down over the scratch.
   * The scratch is not zeroed (every entry is written before it is read),
   * so that its size, which the module's widest type multiplies, costs
   * nothing when a small body leaves it unused. */
  size_t mark = a->used;
  uint64_t capvs =
      (uint64_t)def->body_len * (m->max_arity ? m->max_arity : 1) + 16;
  c.capvs = capvs > MAX_DEPTH ? MAX_DEPTH : (uint32_t)capvs;
  c.capcs = def->body_len / 2 + 2;
  c.vs = scratch(a, c.capvs, sizeof(operand), 8);
  c.cs = scratch(a, c.capcs, sizeof(ctrl), 8);
  c.locals = scratch(a, def->nlocal_decls, sizeof(local_run), 8);
  c.code = scratch(a, 0, 1, sizeof(uintptr_t));
  if (!c.vs || !c.cs || !c.locals || !c.code) {
    a->used = mark;
    wasm_error_set(err, WASM_ERR_LIMIT, "code", def->body_offset,
                   "out of memory");
    return false;
  }
  wasm_reader decls = {def->local_decls, def->body, m->bytes, NULL};
  WORK(def->nlocal_decls);
  for (uint32_t i = 0, end = 0; i < def->nlocal_decls; i++) {
    end += wr_u32(&decls); /* checked when decoded: at most MAX_LOCALS */
    c.locals[i] = (local_run){end, wr_u8(&decls)};
  }
  c.nlocal_runs = def->nlocal_decls;
  c.capcode = (uint32_t)((a->size - a->used) / sizeof(uintptr_t) > 0xfffffff0u
                             ? 0xfffffff0u
                             : (a->size - a->used) / sizeof(uintptr_t));

  wasm_cc_push_ctrl(&c, 0, 0, NULL, c.ft->nresults, c.ft->results);
  bool done = false;
  while (!done && !failed(&c)) {
    if (wr_done(&c.r)) {
      wr_fail(&c.r, "unexpected end");
      break;
    }
    c.op_offset = wr_offset(&c.r);
    uint32_t prev = c.last_dst;
    c.prev_dst = c.last_dst;
    c.prev_start = c.last_start;
    c.prev_iop = c.last_iop;
    c.last_dst = 0;
    uint8_t opc = wr_u8(&c.r);
    c.ninstr++;
    WORK(1);
    done = instr(&c, opc, prev);
  }
  if (done && !wr_done(&c.r))
    wr_fail(&c.r, "section size mismatch");
  if (!failed(&c) && c.maxvs > MAX_DEPTH - 1)
    c.full = true;

  if (failed(&c)) {
    a->used = mark;
    uint32_t at = 0;
    const char *malformed = c.invalid ? wasm_scan_body(m, def, &at) : NULL;
    if (malformed)
      wasm_error_set(err, WASM_ERR_MALFORMED, "code", at, malformed);
    else if (c.r.err)
      wasm_error_set(err, WASM_ERR_MALFORMED, "code", c.op_offset, c.r.err);
    else if (c.full)
      wasm_error_set(err, WASM_ERR_LIMIT, "code", def->body_offset,
                     "out of memory");
    return false;
  }
  uintptr_t *dst = (uintptr_t *)(a->base + ((mark + sizeof(uintptr_t) - 1) &
                                            ~(sizeof(uintptr_t) - 1)));
  __builtin_memmove(dst, c.code, (size_t)c.ncode * sizeof(uintptr_t));
  a->used = (size_t)((uint8_t *)(dst + c.ncode) - a->base);
  def->code = dst;
  def->code_len = c.ncode;
  def->frame_slots = c.stack_base + c.maxvs;
  def->entry_fuel = c.ninstr;
  return true;
}
