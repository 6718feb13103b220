/* instance.c: wasm_instantiate (spec 4.5.4, 2.0 semantics: segments are
 * applied one by one, and what was written before a trap stays) and export
 * lookup. */
#include "internal.h"

static bool fail(wasm_error *err, uint8_t kind, const char *why) {
  wasm_error_set(err, kind, "", 0, why);
  return false;
}

/* spec 4.5.2 (import matching): limits {min, max} match {min', max'} when
 * min >= min' and, if max' is given, max is given and max <= max'. A table
 * or memory brings its current size as min. */
static bool limits_match(uint32_t cur, uint32_t max, const wasm_lim *want) {
  if (cur < want->min)
    return false;
  return want->max == UINT32_MAX || (max != UINT32_MAX && max <= want->max);
}

static bool import_ok(const wasm_module *m, const wasm_import *im,
                      const wasm_extern *x) {
  if (x->kind != im->kind)
    return false;
  switch (im->kind) {
  case WASM_EXTERN_FUNC:
    return x->u.func &&
           wasm_functype_eq(x->u.func->type, &m->types[im->d.type]);
  case WASM_EXTERN_TABLE:
    return x->u.table && x->u.table->elem == im->d.table.elem &&
           limits_match(x->u.table->size, x->u.table->declared_max,
                        &im->d.table.lim);
  case WASM_EXTERN_MEMORY:
    return x->u.memory && limits_match(x->u.memory->pages,
                                       x->u.memory->declared_max, &im->d.mem);
  case WASM_EXTERN_GLOBAL:
    return x->u.global && x->u.global->type == im->d.global.type &&
           x->u.global->mut == im->d.global.mut;
  }
  return false;
}

/* Resolves and checks every import into the instance's index spaces. */
static bool link(const wasm_module *m, wasm_instance *in,
                 wasm_resolve_fn resolve, void *env, wasm_error *err) {
  uint32_t f = 0, t = 0, g = 0;
  for (uint32_t i = 0; i < m->nimports; i++) {
    const wasm_import *im = &m->imports[i];
    wasm_extern x;
    __builtin_memset(&x, 0, sizeof x);
    if (!resolve || !resolve(env, im->module, im->mlen, im->name, im->nlen, &x))
      return fail(err, WASM_ERR_LINK, "unknown import");
    if (!import_ok(m, im, &x))
      return fail(err, WASM_ERR_LINK, "incompatible import type");
    switch (im->kind) {
    case WASM_EXTERN_FUNC:
      in->funcs[f++] = x.u.func;
      break;
    case WASM_EXTERN_TABLE:
      in->tables[t++] = x.u.table;
      break;
    case WASM_EXTERN_MEMORY:
      in->mem = x.u.memory;
      break;
    case WASM_EXTERN_GLOBAL:
      in->globals[g++] = x.u.global;
      break;
    }
  }
  return true;
}

/* A constant expression's value (spec 4.5.4 step 7; ref.null is 0). */
static uint64_t eval(const wasm_instance *in, const wasm_constexpr *ce) {
  switch (ce->op) {
  case WASM_CE_CONST:
    return ce->bits;
  case WASM_CE_GLOBAL_GET:
    return in->globals[ce->idx]->v.i64;
  case WASM_CE_REF_FUNC:
    return (uint64_t)(uintptr_t)in->funcs[ce->idx];
  }
  return 0;
}

/* The module's own functions, tables, memory and globals. */
static bool define(const wasm_module *m, wasm_instance *in, wasm_arena *a,
                   const wasm_limits *lim, wasm_error *err) {
  uint32_t nf = m->nfuncs - m->nfuncs_imported;
  wasm_func *fs = wasm_arena_array(a, nf, sizeof *fs, _Alignof(wasm_func));
  if (!fs)
    return fail(err, WASM_ERR_LIMIT, "out of arena memory");
  for (uint32_t i = 0; i < nf; i++) {
    uint32_t x = m->nfuncs_imported + i;
    fs[i].type = &m->types[m->func_type[x]];
    fs[i].inst = in;
    fs[i].def = &m->funcdefs[i];
    in->funcs[x] = &fs[i];
  }
  for (uint32_t i = m->ntables_imported; i < m->ntables; i++) {
    const wasm_tabletype *tt = &m->tables[i];
    if (!(in->tables[i] =
              wasm_table_new(a, lim, tt->elem, tt->lim.min, tt->lim.max)))
      return fail(err, WASM_ERR_LIMIT, "table too large");
  }
  if (m->nmems > m->nmems_imported &&
      !(in->mem = wasm_memory_new(a, lim, m->mems[0].min, m->mems[0].max)))
    return fail(err, WASM_ERR_LIMIT, "memory too large");
  uint32_t ng = m->nglobals - m->nglobals_imported;
  wasm_global *gs = wasm_arena_array(a, ng, sizeof *gs, _Alignof(wasm_global));
  if (!gs)
    return fail(err, WASM_ERR_LIMIT, "out of arena memory");
  for (uint32_t i = 0; i < ng; i++) {
    uint32_t x = m->nglobals_imported + i;
    gs[i].type = m->globals[x].type;
    gs[i].mut = m->globals[x].mut;
    gs[i].v.i64 = eval(in, &m->global_init[i]);
    in->globals[x] = &gs[i];
  }
  return true;
}

/* Every element segment's references, evaluated once (spec 4.5.4 step 8). */
static bool eval_elems(const wasm_module *m, wasm_instance *in, wasm_arena *a,
                       wasm_error *err) {
  for (uint32_t i = 0; i < m->nelems; i++) {
    const wasm_elem *e = &m->elems[i];
    uint64_t *v = wasm_arena_array(a, e->count, 8, 8);
    if (!v)
      return fail(err, WASM_ERR_LIMIT, "out of arena memory");
    for (uint32_t k = 0; k < e->count; k++)
      v[k] = eval(in, &e->items[k]);
    in->elem_vals[i] = v;
  }
  return true;
}

static bool trap(wasm_exec *x, wasm_trap t, wasm_error *err) {
  if (x)
    wasm_exec_set_trap(x, t);
  return fail(err, WASM_ERR_TRAP, wasm_trap_string(t));
}

/* spec 4.5.4 steps 14-15: active segments as table.init / memory.init
 * followed by elem.drop / data.drop; declarative ones are dropped. */
static bool segments(const wasm_module *m, wasm_instance *in, wasm_exec *x,
                     wasm_error *err) {
  for (uint32_t i = 0; i < m->nelems; i++) {
    const wasm_elem *e = &m->elems[i];
    if (e->mode == WASM_SEG_ACTIVE) {
      wasm_table *t = in->tables[e->table];
      uint64_t off = (uint32_t)eval(in, &e->offset);
      if (off + e->count > t->size)
        return trap(x, WASM_TRAP_TABLE_OOB, err);
      if (e->count)
        __builtin_memcpy(t->elems + off, in->elem_vals[i],
                         (size_t)e->count * 8);
    }
    if (e->mode != WASM_SEG_PASSIVE)
      in->elem_dropped[i] = 1;
  }
  for (uint32_t i = 0; i < m->ndatas; i++) {
    const wasm_data *d = &m->datas[i];
    if (d->mode != WASM_SEG_ACTIVE)
      continue;
    uint64_t off = (uint32_t)eval(in, &d->offset);
    if (off + d->len > in->mem->bytes)
      return trap(x, WASM_TRAP_MEMORY_OOB, err);
    if (d->len)
      __builtin_memcpy(in->mem->data + off, d->bytes, d->len);
    in->data_dropped[i] = 1;
  }
  return true;
}

/* After a failure that wrote nothing outside the new instance (limits, the
 * arena): the storage a resize hook gave its own tables and memory goes
 * back, and so does the arena. After a segment or the start function
 * trapped this is not done: the instance's functions may be in imported
 * tables by then (spec 2.0), and stay callable. */
static void undo(const wasm_module *m, wasm_instance *in, wasm_arena *a,
                 size_t mark) {
  for (uint32_t i = m->ntables_imported; i < m->ntables; i++) {
    wasm_table *t = in->tables[i];
    if (t && t->resize && t->elems)
      t->resize(t->resize_env, t->elems, (size_t)t->cap * 8, 0);
  }
  wasm_memory *mem = m->nmems > m->nmems_imported ? in->mem : NULL;
  if (mem && mem->resize && mem->data)
    mem->resize(mem->resize_env, mem->data, (size_t)mem->cap * WASM_PAGE, 0);
  a->used = mark;
}

wasm_instance *wasm_instantiate(const wasm_module *m, wasm_arena *a,
                                const wasm_limits *lim, wasm_resolve_fn resolve,
                                void *resolve_env, wasm_exec *x,
                                wasm_error *err) {
  wasm_error spare;
  if (!err)
    err = &spare;
  if (!lim)
    lim = &wasm_default_limits;
  wasm_error_set(err, WASM_ERR_NONE, "", 0, "");
  size_t mark = a->used;
  wasm_instance *in = wasm_arena_alloc(a, sizeof *in, _Alignof(wasm_instance));
  if (!in)
    return fail(err, WASM_ERR_LIMIT, "out of arena memory"), NULL;
  in->m = m;
  in->funcs = wasm_arena_array(a, m->nfuncs, sizeof(void *), sizeof(void *));
  in->tables = wasm_arena_array(a, m->ntables, sizeof(void *), sizeof(void *));
  in->globals =
      wasm_arena_array(a, m->nglobals, sizeof(void *), sizeof(void *));
  in->elem_vals =
      wasm_arena_array(a, m->nelems, sizeof(void *), sizeof(void *));
  in->elem_dropped = wasm_arena_alloc(a, m->nelems, 1);
  in->data_dropped = wasm_arena_alloc(a, m->ndatas, 1);
  if (!in->funcs || !in->tables || !in->globals || !in->elem_vals ||
      !in->elem_dropped || !in->data_dropped) {
    a->used = mark;
    return fail(err, WASM_ERR_LIMIT, "out of arena memory"), NULL;
  }
  /* The resolver may make host objects in this arena: if it did, a failure
   * rewinds no further than to just after them (what came before, the
   * instance's arrays, stays taken and unused). */
  size_t before_link = a->used;
  bool linked = link(m, in, resolve, resolve_env, err);
  if (a->used != before_link)
    mark = a->used;
  if (!linked) {
    a->used = mark; /* nothing was made yet */
    return NULL;
  }
  if (!define(m, in, a, lim, err) || !eval_elems(m, in, a, err)) {
    undo(m, in, a, mark);
    return NULL;
  }
  if (!segments(m, in, x, err))
    return NULL;
  if (m->has_start) {
    if (!x)
      return fail(err, WASM_ERR_LIMIT, "no exec for the start function"), NULL;
    wasm_status s = wasm_call(x, in->funcs[m->start], NULL, 0);
    if (s == WASM_TRAPPED)
      return fail(err, WASM_ERR_TRAP, wasm_trap_string(wasm_exec_trap(x))),
             NULL;
    if (s == WASM_OUT_OF_FUEL)
      wasm_exec_reset(x); /* the call cannot go on: free the context */
    if (s != WASM_OK)
      return fail(err, WASM_ERR_LIMIT,
                  s == WASM_OUT_OF_FUEL ? "out of fuel in the start function"
                                        : "start function not run"),
             NULL;
  }
  return in;
}

bool wasm_instance_export(const wasm_instance *in, const char *name,
                          uint32_t len, wasm_extern *out) {
  const wasm_module *m = in->m;
  for (uint32_t i = 0; i < m->nexports; i++) {
    const wasm_export *e = &m->exports[i];
    if (e->len != len || (len && __builtin_memcmp(e->name, name, len)))
      continue;
    out->kind = e->kind;
    switch (e->kind) {
    case WASM_EXTERN_FUNC:
      out->u.func = in->funcs[e->idx];
      break;
    case WASM_EXTERN_TABLE:
      out->u.table = in->tables[e->idx];
      break;
    case WASM_EXTERN_MEMORY:
      out->u.memory = in->mem;
      break;
    case WASM_EXTERN_GLOBAL:
      out->u.global = in->globals[e->idx];
      break;
    }
    return true;
  }
  return false;
}
