/* types.c: function type equality (spec 4.5.3: function types match when
 * equal) and the small accessors of wasm.h. */
#include "internal.h"

bool wasm_functype_eq(const wasm_functype *a, const wasm_functype *b) {
  if (a == b)
    return true;
  if (a->nparams != b->nparams || a->nresults != b->nresults)
    return false;
  if (a->nparams && __builtin_memcmp(a->params, b->params, a->nparams))
    return false;
  if (a->nresults && __builtin_memcmp(a->results, b->results, a->nresults))
    return false;
  return true;
}

const wasm_functype *wasm_func_type(const wasm_func *f) { return f->type; }

wasm_value wasm_global_get(const wasm_global *g) { return g->v; }

bool wasm_global_set(wasm_global *g, wasm_value v) {
  if (!g->mut || !wasm_jn_global(g))
    return false;
  g->v = v;
  return true;
}

uint8_t wasm_global_type(const wasm_global *g, bool *mut) {
  if (mut)
    *mut = g->mut;
  return g->type;
}
