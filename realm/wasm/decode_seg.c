/* decode_seg.c: constant expressions (spec 3.3.10, 5.4), element and data
 * segments, the data count and the code section (spec 5.5.12 to 5.5.16). */
#include "decode.h"
#include "opcodes.h"

#define MAX_LOCALS 50000u /* declared locals per function (an engine limit) */

/* Opcodes of 2.0 without SIMD (spec 5.4), to tell an instruction that is
 * not constant (invalid) from a byte that is no instruction (malformed). */
static bool known_op(uint8_t op) {
  static const bool known[256] = {
#define KNOWN(name, byte, run, kind, a, b) [byte] = true,
      WASM_OPCODES(KNOWN)
#undef KNOWN
  };
  return known[op] && op != OP_prefix_fc; /* the caller reads 0xfc's ops */
}

/* Skips a non-constant instruction's immediates where that is easy, so that
 * decoding can go on; false when it cannot. */
static bool skip_immediates(wasm_reader *r, uint8_t op) {
  if (op == OP_unreachable || op == OP_nop || op == OP_return ||
      op == OP_drop || op == OP_select || op == OP_ref_is_null ||
      (op >= OP_i32_eqz && op <= OP_i64_extend32_s)) /* numeric, 5.4.7 */
    return true;
  if (op == OP_br || op == OP_br_if || op == OP_call ||
      (op >= OP_local_get && op <= OP_table_set)) { /* spec 5.4.4, 5.4.5 */
    wr_u32(r);
    return !r->err;
  }
  return false;
}

/* Stops decoding with a validation error (when decoding cannot go on). */
static bool stop_invalid(wasm_decoder *d, uint32_t off, const char *why) {
  wd_invalid(d, off, why, false, 0);
  *d->err = d->inv;
  d->fatal = true;
  wr_fail(&d->r, why);
  return false;
}

/* A constant expression of type want: in 2.0 one of t.const, global.get
 * of an imported immutable global, ref.null, ref.func; then end. */
bool wd_constexpr(wasm_decoder *d, uint8_t want, wasm_constexpr *ce) {
  wasm_module *m = d->m;
  wasm_reader *r = &d->r;
  uint32_t start = wr_offset(r), n = 0;
  __builtin_memset(ce, 0, sizeof *ce);
  for (;;) {
    uint32_t off = wr_offset(r);
    uint8_t op = wr_u8(r);
    wasm_constexpr c = {.op = WASM_CE_CONST};
    if (r->err)
      return false;
    if (op == OP_end)
      break;
    switch (op) {
    case OP_i32_const:
      c.type = WASM_I32, c.bits = (uint32_t)wr_s32(r);
      break;
    case OP_i64_const:
      c.type = WASM_I64, c.bits = (uint64_t)wr_s64(r);
      break;
    case OP_f32_const:
      c.type = WASM_F32, c.bits = wr_fixed32(r);
      break;
    case OP_f64_const:
      c.type = WASM_F64, c.bits = wr_fixed64(r);
      break;
    /* C.globals holds only the imported globals (spec 3.4.10) */
    case OP_global_get:
      c.op = WASM_CE_GLOBAL_GET, c.type = want, c.idx = wr_u32(r);
      if (r->err)
        return false;
      if (c.idx >= m->nglobals_imported) {
        wd_invalid(d, off, "unknown global", true, c.idx);
      } else {
        c.type = m->globals[c.idx].type;
        if (m->globals[c.idx].mut)
          wd_invalid(d, off, "constant expression required", false, 0);
      }
      break;
    case OP_ref_null:
      c.op = WASM_CE_REF_NULL;
      if (!wd_reftype(d, &c.type))
        return false;
      break;
    case OP_ref_func:
      c.op = WASM_CE_REF_FUNC, c.type = WASM_FUNCREF, c.idx = wr_u32(r);
      if (r->err)
        return false;
      if (c.idx >= m->nfuncs)
        wd_invalid(d, off, "unknown function", true, c.idx);
      else
        m->func_declared[c.idx] = 1; /* C.refs */
      break;
    case OP_prefix_fc: {
      uint32_t sub = wr_u32(r);
      if (r->err)
        return false;
      if (sub > FC_LAST) {
        r->p = r->start + off;
        return wd_malformed(d, "illegal opcode");
      }
      return stop_invalid(d, off, "constant expression required");
    }
    default:
      if (!known_op(op)) {
        r->p--;
        return wd_malformed(d, "illegal opcode");
      }
      wd_invalid(d, off, "constant expression required", false, 0);
      if (!skip_immediates(r, op))
        return stop_invalid(d, off, "constant expression required");
      c.type = 0;
    }
    if (r->err)
      return false;
    if (n++ == 0)
      *ce = c;
  }
  if (n != 1 || ce->type != want)
    wd_invalid(d, start, "type mismatch", false, 0);
  return true;
}

/* An active segment's table (spec 3.4.6). */
static void check_table(wasm_decoder *d, uint32_t off, const wasm_elem *e) {
  if (e->table >= d->m->ntables)
    wd_invalid(d, off, "unknown table", true, e->table);
  else if (d->m->tables[e->table].elem != e->type)
    wd_invalid(d, off, "type mismatch", false, 0);
}

/* spec 5.5.12: the flags say, bit 0: passive or declarative; bit 1: a
 * table index (active) or declarative (bit 0 set); bit 2: items are
 * expressions with a reference type, else function indices with an
 * elemkind (0x00 = funcref). */
static bool elem(wasm_decoder *d, wasm_elem *e) {
  wasm_module *m = d->m;
  wasm_reader *r = &d->r;
  uint32_t off = wr_offset(r);
  uint32_t flags = wr_u32(r);
  if (r->err)
    return false;
  if (flags > 7) {
    r->p = r->start + off;
    return wd_malformed(d, "malformed elements segment kind");
  }
  bool exprs = flags & 4;
  e->type = WASM_FUNCREF;
  if (flags & 1) {
    e->mode = flags & 2 ? WASM_SEG_DECLARATIVE : WASM_SEG_PASSIVE;
  } else {
    e->mode = WASM_SEG_ACTIVE;
    if (flags & 2)
      e->table = wr_u32(r);
    if (r->err || !wd_constexpr(d, WASM_I32, &e->offset))
      return false;
  }
  if (flags & 3) { /* an elemkind or reftype is present */
    if (exprs) {
      if (!wd_reftype(d, &e->type))
        return false;
    } else if (wr_u8(r) != 0x00) {
      if (r->err)
        return false;
      r->p--;
      return wd_malformed(d, "malformed elements segment kind");
    }
  }
  if (e->mode == WASM_SEG_ACTIVE)
    check_table(d, off, e);
  e->count = wd_count(d);
  if (r->err || !(e->items = wd_alloc(d, e->count, sizeof *e->items, 8)))
    return false;
  for (uint32_t i = 0; i < e->count; i++) {
    wasm_constexpr *c = &e->items[i];
    if (exprs) {
      if (!wd_constexpr(d, e->type, c))
        return false;
      continue;
    }
    uint32_t xoff = wr_offset(r);
    c->op = WASM_CE_REF_FUNC, c->type = WASM_FUNCREF, c->idx = wr_u32(r);
    if (r->err)
      return false;
    if (c->idx >= m->nfuncs)
      wd_invalid(d, xoff, "unknown function", true, c->idx);
    else
      m->func_declared[c->idx] = 1;
  }
  return true;
}

bool wd_elems(wasm_decoder *d) {
  wasm_module *m = d->m;
  uint32_t n = wd_count(d);
  if (d->r.err || !(m->elems = wd_alloc(d, n, sizeof *m->elems, 8)))
    return false;
  for (uint32_t i = 0; i < n; i++) {
    if (!elem(d, &m->elems[i]))
      return false;
    m->nelems = i + 1;
  }
  return true;
}

/* spec 5.5.15 */
bool wd_datacount(wasm_decoder *d) {
  d->m->ndatas = wr_u32(&d->r);
  d->m->has_datacount = true;
  return !d->r.err;
}

/* The reference decoder reads a body on past its entry's end when the body
 * lacks its final end; this gives the error that reading would meet first:
 * the end of the binary, an end opcode (the entry then looks too long), or
 * something else where end was expected. */
static bool body_unterminated(wasm_decoder *d, const uint8_t *entry_end) {
  const uint8_t *bin_end = d->r.start + d->m->len;
  d->r.p = entry_end;
  if (entry_end == bin_end)
    return wd_malformed(d, "unexpected end of section or function");
  if (*entry_end == OP_end)
    return wd_malformed(d, "section size mismatch");
  return wd_malformed(d, "END opcode expected");
}

/* spec 5.5.13: a code entry: size, vec(locals), the expression. */
static bool code_entry(wasm_decoder *d, wasm_funcdef *f) {
  wasm_reader *r = &d->r;
  uint32_t size = wr_u32(r);
  if (r->err)
    return false;
  if (size > (uint64_t)(r->end - r->p))
    return wr_fail(r, "unexpected end");
  const uint8_t *sec_end = r->end, *entry_end = r->p + size;
  r->end = entry_end;
  uint32_t ndecl = wd_count(d);
  wasm_reader again = *r;
  uint64_t total = 0;
  for (uint32_t i = 0; i < ndecl && !r->err; i++) {
    uint8_t t;
    total += wr_u32(r);
    if (total > MAX_LOCALS)
      return wd_malformed(d, "too many locals");
    if (!wd_valtype(d, &t))
      return false;
  }
  if (r->err)
    return false;
  f->nlocals = (uint32_t)total;
  f->local_decls = again.p; /* not expanded: 50,000 locals fit in 4 bytes */
  f->nlocal_decls = ndecl;
  f->body = r->p;
  f->body_len = (uint32_t)(entry_end - r->p);
  f->body_offset = wr_offset(r);
  if (f->body_len == 0 || entry_end[-1] != OP_end)
    return body_unterminated(d, entry_end);
  r->p = entry_end;
  r->end = sec_end;
  return true;
}

bool wd_code(wasm_decoder *d) {
  wasm_module *m = d->m;
  uint32_t n = wd_count(d);
  if (d->r.err)
    return false;
  if (n != d->nfuncdefs)
    return wd_malformed(d,
                        "function and code section have inconsistent lengths");
  d->has_code = true;
  for (uint32_t i = 0; i < n; i++)
    if (!code_entry(d, &m->funcdefs[i]))
      return false;
  return true;
}

/* spec 5.5.14: flags 0 (active, memory 0), 1 (passive), 2 (active, with a
 * memory index). */
static bool data(wasm_decoder *d, wasm_data *s) {
  wasm_reader *r = &d->r;
  uint32_t off = wr_offset(r);
  uint32_t flags = wr_u32(r);
  if (r->err)
    return false;
  if (flags > 2) {
    r->p = r->start + off;
    return wd_malformed(d, "malformed data segment kind");
  }
  s->mode = flags == 1 ? WASM_SEG_PASSIVE : WASM_SEG_ACTIVE;
  if (flags == 2)
    s->mem = wr_u32(r);
  if (s->mode == WASM_SEG_ACTIVE) {
    if (r->err)
      return false;
    if (s->mem >= d->m->nmems)
      wd_invalid(d, off, "unknown memory", true, s->mem);
    if (!wd_constexpr(d, WASM_I32, &s->offset))
      return false;
  }
  s->len = wr_u32(r);
  if (r->err)
    return false;
  if (s->len > (uint64_t)(r->end - r->p))
    return wr_fail(r, "unexpected end");
  s->bytes = r->p;
  r->p += s->len;
  return true;
}

bool wd_datas(wasm_decoder *d) {
  wasm_module *m = d->m;
  uint32_t n = wd_count(d);
  if (d->r.err)
    return false;
  if (m->has_datacount && n != m->ndatas)
    return wd_malformed(
        d, "data count and data section have inconsistent lengths");
  if (!(m->datas = wd_alloc(d, n, sizeof *m->datas, 8)))
    return false;
  m->ndatas = n;
  d->has_data = true;
  for (uint32_t i = 0; i < n; i++)
    if (!data(d, &m->datas[i]))
      return false;
  return true;
}
