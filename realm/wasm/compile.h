/* compile.h: what the compiler's files share (compile.c, compile_ctrl.c,
 * compile_ops.c): the compile-time operand and control stacks, and the
 * small helpers that emit code and keep those stacks.
 *
 * The operand stack is kept at compile time as entries that say where each
 * value lives: its own slot (nparams+nlocals+depth), or, for a value that
 * local.get pushed and nobody has changed since, the local's slot itself
 * ("lazy" entries: local.get emits nothing), or nowhere yet, for a
 * constant. A lazy entry is copied to its own slot before its local is
 * written, and every entry is put in its own slot at block entry, so that
 * control-flow joins only ever see values in their own slots. An
 * instruction whose result is at once stored by local.set or local.tee
 * writes the local directly.
 *
 * Load time stays linear in the body's size (issue 15): the entries below
 * `settled` are known to be in their own slots, so settling scans only
 * those above; and no more than LAZY_MAX entries stay above it (a push
 * past that settles them all), so a local.set scans at most that many.
 * What else an instruction costs is bounded by WASM_MAX_ARITY (decode.h).
 */
#ifndef REALM_WASM_COMPILE_H
#define REALM_WASM_COMPILE_H

#include "internal.h"
#include "code.h"
#include "ops.h"
#include "reader.h"

#define T_ANY 0 /* the unknown type of the polymorphic stack */
#define MAX_DEPTH 65536u
/* Entries that may wait unsettled above `settled`: far more than compiled
 * code keeps (an expression's operands), few enough that a local.set's scan
 * for lazy copies of its local is short. */
#define LAZY_MAX 64u

/* An entry of the compile-time operand stack (vs). */
typedef struct operand {
  uint8_t type;
  bool is_const; /* a constant not yet in any slot: k */
  uint32_t loc;  /* slot of the value */
  uint64_t k;
} operand;

typedef struct ctrl {
  uint8_t op;       /* 0 function, OP_block, OP_loop, OP_if, OP_else */
  bool unreachable; /* the stack is polymorphic (spec: "unreachable") */
  bool dead_in;     /* the code around it cannot run: emit nothing */
  uint32_t height;  /* operand stack height below the params */
  uint32_t nparams, nresults;
  const uint8_t *params, *results;
  uint32_t start;      /* loop: the cell branches go to */
  uint32_t fuel_chain; /* loop: the fuel cells of branches back to it, +1 */
  uint32_t fuel_from;  /* loop: instructions before it */
  uint32_t patch;      /* forward branch sites to patch at end, chained, +1 */
  uint32_t else_site;  /* if: the BR_EQZ32 offset cell, +1 */
  uint32_t table_at; /* br_table: the instruction that last took it (ninstr) */
  uint32_t table_to; /* and where its targets go: 0 not known yet, 1 the
                         label itself, 2 a stub to emit, else its cell +3 */
} ctrl;

/* A run of locals of one type: the locals before `end` (params excluded)
 * from the previous run's end. */
typedef struct local_run {
  uint32_t end;
  uint8_t type;
} local_run;

typedef struct compiler {
  wasm_module *m;
  const wasm_functype *ft;
  const wasm_funcdef *def;
  wasm_reader r;
  wasm_error *err;
  bool invalid;
  uint32_t op_offset;  /* of the instruction being compiled */
  uint32_t stack_base; /* params + locals: the operand stack's first slot */
  local_run *locals;   /* the declarations, for wasm_cc_local_type */
  uint32_t nlocal_runs;
  operand *vs;
  uint32_t nvs, capvs, maxvs;
  uint32_t settled; /* vs[0..settled) are in their own slots */
  ctrl *cs;
  uint32_t ncs, capcs;
  uintptr_t *code;
  uint32_t ncode, capcode;
  bool full;
  /* The last instruction with a result slot, for peepholes: its result
   * cell (+1), first cell and op; prev_*: as they were before the current
   * Wasm instruction. */
  uint32_t last_dst, last_start, last_iop;
  uint32_t prev_dst, prev_start, prev_iop;
  uint32_t ninstr;
  const void *const *handlers; /* interp.c's, by internal op */
} compiler;

static inline bool bad(compiler *c, const char *why) {
  if (!c->invalid && !c->r.err) {
    c->invalid = true;
    wasm_error_set(c->err, WASM_ERR_INVALID, "code", c->op_offset, why);
  }
  c->r.p = c->r.end;
  return false;
}

static inline bool failed(const compiler *c) {
  return c->invalid || c->r.err || c->full;
}

/* ---- emitting ------------------------------------------------------------ */

static inline bool dead(const compiler *c) {
  const ctrl *f = &c->cs[c->ncs - 1];
  return f->unreachable || f->dead_in;
}

static inline void cell(compiler *c, uintptr_t v) {
  if (c->ncode >= c->capcode) {
    c->full = true;
    return;
  }
  c->code[c->ncode++] = v;
}

static inline void op(compiler *c, unsigned iop) {
  c->last_start = c->ncode;
  c->last_iop = iop;
  cell(c, (uintptr_t)c->handlers[iop]);
}

static inline void imm64(compiler *c, uint64_t v) {
  if (WASM_IMM64_CELLS == 1) {
    cell(c, (uintptr_t)v);
  } else {
    cell(c, (uintptr_t)(uint32_t)v);
    cell(c, (uintptr_t)(uint32_t)(v >> 32));
  }
}

static inline void copy(compiler *c, uint32_t src, uint32_t dst) {
  if (src == dst)
    return;
  op(c, IOP_COPY);
  cell(c, src);
  cell(c, dst);
}

static inline bool is_32(uint8_t t) { return t == WASM_I32 || t == WASM_F32; }

static inline void emit_const(compiler *c, uint8_t t, uint64_t k,
                              uint32_t dst) {
  op(c, is_32(t) ? OP_i32_const : OP_i64_const);
  cell(c, dst);
  if (is_32(t))
    cell(c, (uint32_t)k);
  else
    imm64(c, k);
}

/* Put value v in slot dst. */
static inline void move(compiler *c, const operand *v, uint32_t dst) {
  if (v->is_const)
    emit_const(c, v->type, v->k, dst);
  else
    copy(c, v->loc, dst);
}

/* ---- the operand stack --------------------------------------------------- */

static inline uint32_t canon(const compiler *c, uint32_t depth) {
  return c->stack_base + depth;
}

/* Put entry i in its own slot. */
static inline void settle(compiler *c, uint32_t i) {
  uint32_t own = canon(c, i);
  if (c->vs[i].is_const || c->vs[i].loc != own) {
    if (!dead(c))
      move(c, &c->vs[i], own);
    c->vs[i].loc = own;
    c->vs[i].is_const = false;
  }
}

/* The first entry that may not be in its own slot. */
static inline uint32_t unsettled(const compiler *c) {
  return c->settled < c->nvs ? c->settled : c->nvs;
}

static inline void settle_all(compiler *c) {
  WORK(c->nvs - unsettled(c));
  for (uint32_t i = unsettled(c); i < c->nvs; i++)
    settle(c, i);
  c->settled = c->nvs;
}

/* A new entry on top, in its own slot (the caller may make it lazy or a
 * constant). Pushing past LAZY_MAX unsettled entries settles them first:
 * the code for them comes before the instruction that pushes. */
static inline operand *push(compiler *c, uint8_t t) {
  if (c->nvs >= c->capvs) {
    c->full = true;
    c->nvs = 0; /* keep going harmlessly until the caller sees `full` */
  }
  if (c->nvs - unsettled(c) >= LAZY_MAX)
    settle_all(c);
  if (c->settled > c->nvs)
    c->settled = c->nvs;
  operand *v = &c->vs[c->nvs];
  v->type = t;
  v->is_const = false;
  v->loc = canon(c, c->nvs);
  v->k = 0;
  c->nvs++;
  if (c->nvs > c->maxvs)
    c->maxvs = c->nvs;
  return v;
}

/* Push n values of types t, each in its own slot (results, params): one
 * bound check, and they need no settling. */
static inline bool push_n(compiler *c, uint32_t n, const uint8_t *t) {
  if (c->capvs - c->nvs < n) {
    c->full = true;
    return false;
  }
  bool clean = unsettled(c) == c->nvs;
  WORK(n);
  for (uint32_t i = 0; i < n; i++)
    c->vs[c->nvs + i] = (operand){t[i], false, canon(c, c->nvs + i), 0};
  c->nvs += n;
  if (c->nvs > c->maxvs)
    c->maxvs = c->nvs;
  if (clean)
    c->settled = c->nvs;
  return true;
}

/* Pop for validation only: a constant stays a constant. */
static inline operand pop_raw(compiler *c, uint8_t expect) {
  ctrl *f = &c->cs[c->ncs - 1];
  if (c->nvs == f->height) {
    if (!f->unreachable)
      bad(c, "type mismatch");
    return (operand){T_ANY, false, canon(c, c->nvs), 0};
  }
  operand v = c->vs[--c->nvs];
  if (expect != T_ANY && v.type != T_ANY && v.type != expect)
    bad(c, "type mismatch");
  return v;
}

/* Pop an operand: a constant is put in its own slot first. */
static inline operand pop(compiler *c, uint8_t expect) {
  operand v = pop_raw(c, expect);
  if (v.is_const) {
    v.loc = canon(c, c->nvs);
    if (!dead(c))
      emit_const(c, v.type, v.k, v.loc);
    v.is_const = false;
  }
  return v;
}

/* Before local x is written: entries that read it lazily get their own copy. */
static inline void settle_local(compiler *c, uint32_t x) {
  WORK(c->nvs - unsettled(c));
  for (uint32_t i = unsettled(c); i < c->nvs; i++)
    if (!c->vs[i].is_const && c->vs[i].loc == x)
      settle(c, i);
}

static inline bool lazy_refs(const compiler *c, uint32_t x, uint32_t below) {
  uint32_t from = c->settled < below ? c->settled : below;
  WORK(below - from);
  for (uint32_t i = from; i < below; i++)
    if (!c->vs[i].is_const && c->vs[i].loc == x)
      return true;
  return false;
}

/* The result slot of a value-producing instruction: emit it and remember the
 * cell so that a following local.set can retarget it. */
static inline void dst(compiler *c, const operand *v) {
  if (dead(c))
    return;
  c->last_dst = c->ncode + 1;
  cell(c, v->loc);
}

static inline void set_unreachable(compiler *c) {
  ctrl *f = &c->cs[c->ncs - 1];
  c->nvs = f->height;
  f->unreachable = true;
}

/* compile_ctrl.c: blocks, branches, calls. */
void wasm_cc_push_ctrl(compiler *c, uint8_t opc, uint32_t np, const uint8_t *p,
                       uint32_t nr, const uint8_t *r);
void wasm_cc_fuel_cell(compiler *c, ctrl *f);
void wasm_cc_enter(compiler *c, uint8_t opc);
void wasm_cc_else(compiler *c);
bool wasm_cc_end(compiler *c);
void wasm_cc_br(compiler *c, uint32_t depth);
void wasm_cc_br_if(compiler *c, uint32_t depth);
void wasm_cc_br_table(compiler *c);
void wasm_cc_return(compiler *c);
void wasm_cc_call(compiler *c);
void wasm_cc_call_indirect(compiler *c);

/* compile_ops.c: locals, globals, memory, tables, and the peepholes. */
uint8_t wasm_cc_local_type(compiler *c, uint32_t x);
void wasm_cc_set_local(compiler *c, uint32_t x, bool tee, uint32_t prev_dst);
void wasm_cc_global(compiler *c, bool set);
bool wasm_cc_need_memory(compiler *c);
bool wasm_cc_zero_byte(compiler *c);
void wasm_cc_load_store(compiler *c, uint8_t opc);
bool wasm_cc_table_idx(compiler *c, uint32_t *t);
void wasm_cc_emit_n(compiler *c, unsigned iop, uint32_t nimm,
                    const uint32_t *imm, uint32_t nin, const uint8_t *in,
                    uint8_t out);
void wasm_cc_fc(compiler *c);
void wasm_cc_select(compiler *c, bool typed);
bool wasm_cc_imm_form(compiler *c, uint8_t opc);
uint32_t wasm_cc_fuse(compiler *c, const operand *cond, bool when_false,
                      bool back);

#endif
