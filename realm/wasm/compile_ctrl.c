/* compile_ctrl.c: structured control (blocks, loops, if/else, branches,
 * return) and calls, validated and compiled (see compile.h). Forward
 * branches are chained through their offset cells until their label's end
 * is reached; loops are targets already known. */
#include "compile.h"
#include "opcodes.h"

static const uint8_t vt_one[6][1] = {{WASM_I32},     {WASM_I64},
                                     {WASM_F32},     {WASM_F64},
                                     {WASM_FUNCREF}, {WASM_EXTERNREF}};

static const uint8_t *single(uint8_t t) {
  switch (t) {
  case WASM_I32:
    return vt_one[0];
  case WASM_I64:
    return vt_one[1];
  case WASM_F32:
    return vt_one[2];
  case WASM_F64:
    return vt_one[3];
  case WASM_FUNCREF:
    return vt_one[4];
  default:
    return vt_one[5];
  }
}

/* ---- control ------------------------------------------------------------- */

static uint32_t label_arity(const ctrl *f) {
  return f->op == OP_loop ? f->nparams : f->nresults;
}
static const uint8_t *label_types(const ctrl *f) {
  return f->op == OP_loop ? f->params : f->results;
}

void wasm_cc_push_ctrl(compiler *c, uint8_t opc, uint32_t np, const uint8_t *p,
                       uint32_t nr, const uint8_t *r) {
  if (c->ncs >= c->capcs) {
    bad(c, "nesting too deep");
    return;
  }
  ctrl *f = &c->cs[c->ncs++];
  *f = (ctrl){0};
  f->op = opc;
  f->nparams = np;
  f->params = p;
  f->nresults = nr;
  f->results = r;
  f->height = c->nvs - np;
  f->dead_in = c->ncs > 1 &&
               (c->cs[c->ncs - 2].unreachable || c->cs[c->ncs - 2].dead_in);
}

/* A branch site at cell `site` to label f: loops are known, the rest wait. */
static void branch_to(compiler *c, ctrl *f, uint32_t site) {
  if (c->full)
    return;
  if (f->op == OP_loop) {
    c->code[site] = (uintptr_t)((intptr_t)f->start - (intptr_t)site);
  } else {
    c->code[site] = f->patch;
    f->patch = site + 1;
  }
}

static void patch_to_here(compiler *c, uint32_t chain) {
  while (chain && !c->full) {
    uint32_t site = chain - 1;
    chain = (uint32_t)c->code[site];
    c->code[site] = (uintptr_t)((intptr_t)c->ncode - (intptr_t)site);
  }
}

/* Do the top `n` values need copying to reach label f's slots? */
static bool needs_moves(const compiler *c, const ctrl *f, uint32_t n) {
  WORK(n);
  for (uint32_t i = 0; i < n; i++) {
    const operand *v = &c->vs[c->nvs - n + i];
    if (v->is_const || v->loc != canon(c, f->height + i))
      return true;
  }
  return false;
}

/* Copy the top n values to label f's slots, in ascending order: a source is
 * a local (never a target) or a slot at least as high as its target. */
static void moves(compiler *c, const ctrl *f, uint32_t n) {
  WORK(n);
  for (uint32_t i = 0; i < n; i++)
    move(c, &c->vs[c->nvs - n + i], canon(c, f->height + i));
}

/* A branch back to loop f pays for the next iteration (fuel, see
 * docs/wasm.md): its last cell holds the loop's cost, known at its end. */
void wasm_cc_fuel_cell(compiler *c, ctrl *f) {
  uint32_t site = c->ncode;
  cell(c, f->fuel_chain);
  if (!c->full)
    f->fuel_chain = site + 1;
}

static void jump_to(compiler *c, ctrl *f) {
  op(c, f->op == OP_loop ? IOP_JMP_BACK : IOP_JMP);
  uint32_t site = c->ncode;
  cell(c, 0);
  branch_to(c, f, site);
  if (f->op == OP_loop)
    wasm_cc_fuel_cell(c, f);
}

/* Check that the top n values have types t (a polymorphic stack supplies
 * any that are missing). With `keep` (br_if) they stay, typed t: the real
 * ones on top of fresh ones; without, the caller makes the rest of the
 * block unreachable and the stack is left as it was. The check costs the
 * real values only, which the code had to push. */
static void check_top(compiler *c, uint32_t n, const uint8_t *t, bool keep) {
  const ctrl *f = &c->cs[c->ncs - 1];
  uint32_t above = c->nvs - f->height;
  uint32_t real = above < n ? above : n;
  WORK(keep ? real + n : real);
  for (uint32_t i = 1; i <= real; i++) {
    uint8_t have = c->vs[c->nvs - i].type;
    if (have != T_ANY && have != t[n - i]) {
      bad(c, "type mismatch");
      return;
    }
  }
  if (real < n && !f->unreachable) {
    bad(c, "type mismatch");
    return;
  }
  if (!keep)
    return;
  uint32_t base = c->nvs - real, fresh = n - real;
  if (fresh) { /* only where the stack is polymorphic: nothing is emitted */
    if (c->capvs - base < n) {
      c->full = true;
      return;
    }
    __builtin_memmove(&c->vs[base + fresh], &c->vs[base],
                      (size_t)real * sizeof(operand));
    for (uint32_t i = 0; i < fresh; i++)
      c->vs[base + i] = (operand){t[i], false, canon(c, base + i), 0};
    if (c->settled > base)
      c->settled = base;
    c->nvs = base + n;
    if (c->nvs > c->maxvs)
      c->maxvs = c->nvs;
  }
  for (uint32_t i = 0; i < n; i++)
    c->vs[c->nvs - n + i].type = t[i];
}

static ctrl *label(compiler *c, uint32_t depth) {
  if (depth >= c->ncs) {
    bad(c, "unknown label");
    return NULL;
  }
  return &c->cs[c->ncs - 1 - depth];
}

/* The block type: empty, one value type, or a type index (s33). */
static bool blocktype(compiler *c, uint32_t *np, const uint8_t **p,
                      uint32_t *nr, const uint8_t **r) {
  if (c->r.p < c->r.end &&
      (*c->r.p == WASM_BLOCKTYPE_EMPTY || wasm_is_valtype(*c->r.p))) {
    uint8_t b = *c->r.p++;
    *np = 0;
    *p = NULL;
    *nr = b == WASM_BLOCKTYPE_EMPTY ? 0 : 1;
    *r = b == WASM_BLOCKTYPE_EMPTY ? NULL : single(b);
    return true;
  }
  int64_t x = wr_sleb(&c->r, 33);
  if (c->r.err)
    return false;
  if (x < 0) {
    wr_fail(&c->r, "malformed block type");
    return false;
  }
  if ((uint64_t)x >= c->m->ntypes)
    return bad(c, "unknown type");
  const wasm_functype *t = &c->m->types[x];
  *np = t->nparams;
  *p = t->params;
  *nr = t->nresults;
  *r = t->results;
  return true;
}

void wasm_cc_enter(compiler *c, uint8_t opc) {
  uint32_t np, nr;
  const uint8_t *p, *r;
  if (!blocktype(c, &np, &p, &nr, &r))
    return;
  operand cond = {WASM_I32, false, 0, 0};
  if (opc == OP_if)
    cond = pop(c, WASM_I32);
  uint32_t before = c->nvs;
  WORK(np);
  for (uint32_t i = 0; i < np; i++)
    pop_raw(c, p[np - 1 - i]);
  if (failed(c))
    return;
  if (before - c->nvs == np) {
    c->nvs = before; /* the params stay where they are */
  } else {
    push_n(c, np, p);
  }
  uint32_t mark = c->ncode, fused_if = 0;
  settle_all(c);
  if (opc == OP_if && !dead(c) && !failed(c) && c->ncode == mark)
    fused_if = wasm_cc_fuse(c, &cond, true, false);
  wasm_cc_push_ctrl(c, opc, np, p, nr, r);
  if (failed(c))
    return;
  ctrl *f = &c->cs[c->ncs - 1];
  if (opc == OP_loop) {
    f->start = c->ncode;
    f->fuel_from = c->ninstr;
  } else if (opc == OP_if && !dead(c)) {
    f->else_site = fused_if ? fused_if + 1 : 0;
    if (!fused_if) {
      op(c, IOP_BR_EQZ32);
      cell(c, cond.loc);
      f->else_site = c->ncode + 1;
      cell(c, 0);
    }
  }
}

/* At else and end: the results go to their own slots, the stack must hold
 * exactly them. */
static void finish_arm(compiler *c) {
  ctrl *f = &c->cs[c->ncs - 1];
  check_top(c, f->nresults, f->results, false);
  if (c->nvs - f->height > f->nresults)
    bad(c, "type mismatch");
  if (failed(c))
    return;
  if (!f->unreachable) {
    settle_all(c); /* the results: what is below them was settled at entry */
  } else {
    c->nvs = f->height;
    push_n(c, f->nresults, f->results);
  }
}

void wasm_cc_else(compiler *c) {
  ctrl *f = &c->cs[c->ncs - 1];
  if (f->op != OP_if) {
    bad(c, "else without if");
    return;
  }
  finish_arm(c);
  if (failed(c))
    return;
  if (!dead(c))
    jump_to(c, f);
  if (f->else_site && !c->full)
    patch_to_here(c, f->else_site);
  f->else_site = 0;
  f->op = OP_else;
  f->unreachable = false;
  c->nvs = f->height;
  push_n(c, f->nparams, f->params);
}

/* Returns true when the function's final end was reached. */
bool wasm_cc_end(compiler *c) {
  ctrl *f = &c->cs[c->ncs - 1];
  if (f->op == OP_if && f->nparams != f->nresults) {
    bad(c, "type mismatch"); /* an if without else passes its params through */
    return false;
  }
  if (f->op == OP_if) {
    WORK(f->nparams);
    for (uint32_t i = 0; i < f->nparams; i++)
      if (f->params[i] != f->results[i])
        bad(c, "type mismatch");
  }
  finish_arm(c);
  if (failed(c))
    return false;
  if (f->op == OP_loop)
    for (uint32_t chain = f->fuel_chain; chain && !c->full;) {
      /* a branch back: what one more iteration costs */
      uint32_t site = chain - 1;
      chain = (uint32_t)c->code[site];
      c->code[site] = c->ninstr - f->fuel_from;
    }
  if (f->else_site)
    patch_to_here(c, f->else_site);
  patch_to_here(c, f->patch);
  uint32_t nr = f->nresults;
  c->ncs--;
  if (c->ncs == 0) {
    op(c, IOP_RET);
    cell(c, canon(c, 0));
    return true;
  }
  (void)nr;
  return false;
}

void wasm_cc_br(compiler *c, uint32_t depth) {
  ctrl *f = label(c, depth);
  if (!f)
    return;
  uint32_t n = label_arity(f);
  check_top(c, n, label_types(f), false);
  if (failed(c))
    return;
  if (!dead(c)) {
    moves(c, f, n);
    jump_to(c, f);
  }
  set_unreachable(c);
}

void wasm_cc_br_if(compiler *c, uint32_t depth) {
  operand cond = pop(c, WASM_I32);
  ctrl *f = label(c, depth);
  if (!f)
    return;
  uint32_t n = label_arity(f);
  check_top(c, n, label_types(f), true);
  if (failed(c) || dead(c))
    return;
  if (n <= c->nvs && !needs_moves(c, f, n)) {
    bool back = f->op == OP_loop;
    uint32_t site = wasm_cc_fuse(c, &cond, false, back);
    if (!site) {
      op(c, back ? IOP_BR_NEZ32_BACK : IOP_BR_NEZ32);
      cell(c, cond.loc);
      site = c->ncode;
      cell(c, 0);
    }
    branch_to(c, f, site);
    if (back)
      wasm_cc_fuel_cell(c, f);
    return;
  }
  op(c, IOP_BR_EQZ32);
  cell(c, cond.loc);
  uint32_t skip = c->ncode;
  cell(c, 0);
  moves(c, f, n);
  jump_to(c, f);
  patch_to_here(c, skip + 1);
}

/* Each label is checked, and gets its stub, once per br_table however many
 * targets name it (ctrl.table_at): the work is the targets plus the
 * labels' arities, not their product. */
void wasm_cc_br_table(compiler *c) {
  uint32_t n = wr_u32(&c->r);
  if (c->r.err)
    return;
  if (n > (uint32_t)(c->r.end - c->r.p)) {
    wr_fail(&c->r, "unexpected end");
    return;
  }
  const uint8_t *targets = c->r.p;
  WORK(3 * ((uint64_t)n + 1)); /* three passes over the targets */
  for (uint32_t i = 0; i <= n; i++)
    wr_u32(&c->r);
  if (c->r.err)
    return;
  operand idx = pop(c, WASM_I32);
  wasm_reader t = {targets, c->r.end, c->r.start, NULL};
  uint32_t d = wr_u32(&t);
  for (uint32_t i = 0; i < n; i++)
    d = wr_u32(&t); /* the default is last */
  ctrl *def = label(c, d);
  if (!def)
    return;
  uint32_t arity = label_arity(def), me = c->ninstr;
  t.p = targets;
  for (uint32_t i = 0; i <= n; i++) {
    ctrl *f = label(c, wr_u32(&t));
    if (!f)
      return;
    if (label_arity(f) != arity) {
      bad(c, "type mismatch");
      return;
    }
    if (f->table_at == me)
      continue;
    f->table_at = me;
    f->table_to = 0;
    check_top(c, arity, label_types(f), false);
    if (failed(c))
      return;
  }
  if (!dead(c)) {
    op(c, IOP_BR_TABLE);
    cell(c, idx.loc);
    cell(c, n);
    uint32_t table = c->ncode;
    for (uint32_t i = 0; i <= n; i++)
      cell(c, 0);
    /* Targets whose values must move, and loops (which take fuel), go to
     * a stub after the table, one per label. */
    t.p = targets;
    for (uint32_t i = 0; i <= n && !c->full; i++) {
      ctrl *f = label(c, wr_u32(&t));
      if (!f->table_to)
        f->table_to = f->op != OP_loop && !needs_moves(c, f, arity) ? 1 : 2;
      if (f->table_to == 1) {
        branch_to(c, f, table + i);
        continue;
      }
      if (f->table_to == 2) {
        f->table_to = c->ncode + 3;
        moves(c, f, arity);
        jump_to(c, f);
      }
      c->code[table + i] =
          (uintptr_t)((intptr_t)(f->table_to - 3) - (intptr_t)(table + i));
    }
  }
  set_unreachable(c);
}

void wasm_cc_return(compiler *c) {
  uint32_t n = c->ft->nresults;
  check_top(c, n, c->ft->results, false);
  if (failed(c))
    return;
  if (!dead(c)) {
    WORK(n);
    for (uint32_t i = c->nvs - n; i < c->nvs; i++)
      settle(c, i);
    op(c, IOP_RET);
    cell(c, canon(c, c->nvs - n));
  }
  set_unreachable(c);
}

/* ---- calls --------------------------------------------------------------- */

/* Pop the arguments of t (they must sit in their own slots, in order) and
 * push its results; returns the first argument's slot. */
static uint32_t call_args(compiler *c, const wasm_functype *t) {
  WORK(2 * (uint64_t)t->nparams);
  for (uint32_t i = 0; i < t->nparams; i++)
    pop_raw(c, t->params[t->nparams - 1 - i]);
  uint32_t base = c->nvs;
  if (!dead(c) && !failed(c)) {
    c->nvs += t->nparams;
    for (uint32_t i = base; i < c->nvs; i++)
      settle(c, i);
    c->nvs = base;
  }
  push_n(c, t->nresults, t->results);
  return canon(c, base);
}

void wasm_cc_call(compiler *c) {
  uint32_t x = wr_u32(&c->r);
  if (c->r.err)
    return;
  if (x >= c->m->nfuncs) {
    bad(c, "unknown function");
    return;
  }
  const wasm_functype *t = &c->m->types[c->m->func_type[x]];
  uint32_t base = call_args(c, t);
  if (failed(c) || dead(c))
    return;
  op(c, IOP_CALL);
  cell(c, x);
  cell(c, base);
}

void wasm_cc_call_indirect(compiler *c) {
  uint32_t ti = wr_u32(&c->r);
  uint32_t tab = wr_u32(&c->r);
  if (c->r.err)
    return;
  if (tab >= c->m->ntables) {
    bad(c, "unknown table");
    return;
  }
  if (ti >= c->m->ntypes) {
    bad(c, "unknown type");
    return;
  }
  if (c->m->tables[tab].elem != WASM_FUNCREF) {
    bad(c, "type mismatch");
    return;
  }
  operand idx = pop(c, WASM_I32);
  uint32_t base = call_args(c, &c->m->types[ti]);
  if (failed(c) || dead(c))
    return;
  op(c, IOP_CALL_INDIRECT);
  cell(c, ti);
  cell(c, tab);
  cell(c, idx.loc);
  cell(c, base);
}
