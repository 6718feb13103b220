/* decode_sec.c: the sections that declare the module's types, imports,
 * functions, tables, memories, globals, exports and start (spec 5.5.4 to
 * 5.5.11), with their validation (spec 3.2, 3.4). */
#include "decode.h"

/* spec 5.5.4: vec(functype), functype = 0x60 vec(valtype) vec(valtype).
 * Value types are one byte each, so params and results point into the
 * binary itself. */
static bool valtypes(wasm_decoder *d, uint32_t *n, const uint8_t **ts) {
  *n = wd_count(d);
  *ts = d->r.p;
  for (uint32_t i = 0; i < *n; i++) {
    uint8_t t;
    if (!wd_valtype(d, &t))
      return false;
  }
  return !d->r.err;
}

bool wd_types(wasm_decoder *d) {
  wasm_module *m = d->m;
  uint32_t n = wd_count(d);
  if (d->r.err || !(m->types = wd_alloc(d, n, sizeof *m->types, 8)))
    return false;
  for (uint32_t i = 0; i < n; i++) {
    wasm_functype *ft = &m->types[i];
    if (wr_sleb(&d->r, 7) != -0x20) { /* 0x60, read as the valtypes are */
      if (d->r.err)
        return false;
      d->r.p--;
      return wd_malformed(d, "malformed functype");
    }
    if (!valtypes(d, &ft->nparams, &ft->params) ||
        !valtypes(d, &ft->nresults, &ft->results))
      return false;
    if (ft->nparams > WASM_MAX_ARITY || ft->nresults > WASM_MAX_ARITY)
      return wd_limit(d, "too many params or results");
    if (ft->nparams > m->max_arity)
      m->max_arity = ft->nparams;
    if (ft->nresults > m->max_arity)
      m->max_arity = ft->nresults;
    m->ntypes = i + 1;
  }
  return true;
}

/* spec 5.3.4: limits, with a flag that is an unsigned LEB128 of one bit
 * (as the reference decoder reads it). *hasmax tells a declared max of
 * 0xffffffff from none. */
static bool limits(wasm_decoder *d, wasm_lim *l, bool *hasmax) {
  *hasmax = wr_uleb(&d->r, 1);
  l->min = wr_u32(&d->r);
  l->max = *hasmax ? wr_u32(&d->r) : UINT32_MAX;
  return !d->r.err;
}

/* spec 3.2.4, 3.2.5: table and memory types. */
static bool tabletype(wasm_decoder *d, wasm_tabletype *t) {
  uint32_t off = wr_offset(&d->r);
  bool hasmax;
  if (!wd_reftype(d, &t->elem) || !limits(d, &t->lim, &hasmax))
    return false;
  if (hasmax && t->lim.min > t->lim.max)
    wd_invalid(d, off, "size minimum must not be greater than maximum", false,
               0);
  return true;
}

static bool memtype(wasm_decoder *d, wasm_lim *l) {
  uint32_t off = wr_offset(&d->r);
  bool hasmax;
  if (!limits(d, l, &hasmax))
    return false;
  if (l->min > WASM_MAX_PAGES || (hasmax && l->max > WASM_MAX_PAGES))
    wd_invalid(d, off, "memory size must be at most 65536 pages (4GiB)", false,
               0);
  else if (hasmax && l->min > l->max)
    wd_invalid(d, off, "size minimum must not be greater than maximum", false,
               0);
  return true;
}

static bool globaltype(wasm_decoder *d, wasm_globaltype *g) {
  if (!wd_valtype(d, &g->type))
    return false;
  uint8_t mut = wr_u8(&d->r);
  if (d->r.err)
    return false;
  if (mut > 1) {
    d->r.p--;
    return wd_malformed(d, "malformed mutability");
  }
  g->mut = mut;
  return true;
}

/* 2.0 has at most one memory (spec 3.4.10). */
static void one_memory(wasm_decoder *d, uint32_t off) {
  if (d->m->nmems > 1)
    wd_invalid(d, off, "multiple memories", false, 0);
}

/* spec 5.5.5 */
static bool import(wasm_decoder *d, wasm_import *im) {
  wasm_module *m = d->m;
  if (!wd_name(d, &im->module, &im->mlen) || !wd_name(d, &im->name, &im->nlen))
    return false;
  uint32_t off = wr_offset(&d->r);
  im->kind = wr_u8(&d->r);
  if (d->r.err)
    return false;
  switch (im->kind) {
  case WASM_EXTERN_FUNC:
    im->d.type = wr_u32(&d->r);
    if (!d->r.err && im->d.type >= m->ntypes)
      wd_invalid(d, off + 1, "unknown type", true, im->d.type);
    m->nfuncs++;
    return !d->r.err;
  case WASM_EXTERN_TABLE:
    m->ntables++;
    return tabletype(d, &im->d.table);
  case WASM_EXTERN_MEMORY:
    m->nmems++;
    return memtype(d, &im->d.mem);
  case WASM_EXTERN_GLOBAL:
    m->nglobals++;
    return globaltype(d, &im->d.global);
  }
  d->r.p--;
  return wd_malformed(d, "malformed import kind");
}

bool wd_imports(wasm_decoder *d) {
  wasm_module *m = d->m;
  uint32_t off = wr_offset(&d->r);
  uint32_t n = wd_count(d);
  if (d->r.err || !(m->imports = wd_alloc(d, n, sizeof *m->imports, 8)))
    return false;
  for (uint32_t i = 0; i < n; i++) {
    if (!import(d, &m->imports[i]))
      return false;
    m->nimports = i + 1;
  }
  m->nfuncs_imported = m->nfuncs;
  m->ntables_imported = m->ntables;
  m->nmems_imported = m->nmems;
  m->nglobals_imported = m->nglobals;
  m->func_type = wd_alloc(d, m->nfuncs, sizeof *m->func_type, 4);
  m->func_declared = wd_alloc(d, m->nfuncs, 1, 1);
  m->tables = wd_alloc(d, m->ntables, sizeof *m->tables, 4);
  m->mems = wd_alloc(d, m->nmems, sizeof *m->mems, 4);
  m->globals = wd_alloc(d, m->nglobals, sizeof *m->globals, 1);
  if (d->fatal)
    return false;
  uint32_t f = 0, t = 0, mem = 0, g = 0;
  for (uint32_t i = 0; i < n; i++) {
    wasm_import *im = &m->imports[i];
    switch (im->kind) {
    case WASM_EXTERN_FUNC:
      m->func_type[f++] = im->d.type;
      break;
    case WASM_EXTERN_TABLE:
      m->tables[t++] = im->d.table;
      break;
    case WASM_EXTERN_MEMORY:
      m->mems[mem++] = im->d.mem;
      break;
    case WASM_EXTERN_GLOBAL:
      m->globals[g++] = im->d.global;
      break;
    }
  }
  one_memory(d, off);
  return true;
}

/* Grows an index space: a new array of have + more entries, the first
 * have copied from old. */
static void *extend(wasm_decoder *d, void *old, uint32_t have, uint32_t more,
                    size_t size, size_t align) {
  void *p = wd_alloc(d, have + more, size, align);
  if (p && have)
    __builtin_memcpy(p, old, (size_t)have * size);
  return p;
}

/* spec 5.5.6 */
bool wd_functions(wasm_decoder *d) {
  wasm_module *m = d->m;
  uint32_t n = wd_count(d);
  if (d->r.err)
    return false;
  uint32_t have = m->nfuncs;
  m->func_type = extend(d, m->func_type, have, n, sizeof *m->func_type, 4);
  m->func_declared = wd_alloc(d, have + n, 1, 1);
  m->funcdefs = wd_alloc(d, n, sizeof *m->funcdefs, 8);
  if (d->fatal)
    return false;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t off = wr_offset(&d->r);
    uint32_t t = wr_u32(&d->r);
    if (d->r.err)
      return false;
    if (t >= m->ntypes)
      wd_invalid(d, off, "unknown type", true, t);
    m->func_type[have + i] = t;
    m->funcdefs[i].type = t;
  }
  m->nfuncs = have + n;
  d->nfuncdefs = n;
  d->has_funcs = true;
  return true;
}

/* spec 5.5.7 */
bool wd_tables(wasm_decoder *d) {
  wasm_module *m = d->m;
  uint32_t n = wd_count(d);
  if (d->r.err)
    return false;
  m->tables = extend(d, m->tables, m->ntables, n, sizeof *m->tables, 4);
  if (!m->tables)
    return false;
  for (uint32_t i = 0; i < n; i++) {
    if (!tabletype(d, &m->tables[m->ntables]))
      return false;
    m->ntables++;
  }
  return true;
}

/* spec 5.5.8 */
bool wd_memories(wasm_decoder *d) {
  wasm_module *m = d->m;
  uint32_t off = wr_offset(&d->r);
  uint32_t n = wd_count(d);
  if (d->r.err)
    return false;
  m->mems = extend(d, m->mems, m->nmems, n, sizeof *m->mems, 4);
  if (!m->mems)
    return false;
  for (uint32_t i = 0; i < n; i++) {
    if (!memtype(d, &m->mems[m->nmems]))
      return false;
    m->nmems++;
  }
  one_memory(d, off);
  return true;
}

/* spec 5.5.9: globaltype, then a constant expression of its type. */
bool wd_globals(wasm_decoder *d) {
  wasm_module *m = d->m;
  uint32_t n = wd_count(d);
  if (d->r.err)
    return false;
  m->globals = extend(d, m->globals, m->nglobals, n, sizeof *m->globals, 1);
  m->global_init = wd_alloc(d, n, sizeof *m->global_init, 8);
  if (d->fatal)
    return false;
  for (uint32_t i = 0; i < n; i++) {
    wasm_globaltype *g = &m->globals[m->nglobals];
    if (!globaltype(d, g) || !wd_constexpr(d, g->type, &m->global_init[i]))
      return false;
    m->nglobals++;
  }
  return true;
}

/* Export names ordered by length, then bytes. */
static int name_cmp(const wasm_export *a, const wasm_export *b) {
  WORK(1);
  if (a->len != b->len)
    return a->len < b->len ? -1 : 1;
  return a->len ? __builtin_memcmp(a->name, b->name, a->len) : 0;
}

/* Heap sort's sift-down of ix[root] within ix[0..n). */
static void sift(const wasm_export *e, uint32_t *ix, uint32_t root,
                 uint32_t n) {
  for (;;) {
    uint32_t child = 2 * root + 1;
    if (child >= n)
      return;
    if (child + 1 < n && name_cmp(&e[ix[child]], &e[ix[child + 1]]) < 0)
      child++;
    if (name_cmp(&e[ix[root]], &e[ix[child]]) >= 0)
      return;
    uint32_t t = ix[root];
    ix[root] = ix[child];
    ix[child] = t;
    root = child;
  }
}

/* spec 3.4.8 and 3.4.10: export names are distinct. The names are sorted
 * (heap sort: no recursion, n log n comparisons whatever the names) and
 * neighbours compared. A hash set was linear only for names it had not
 * been chosen against: FNV-1a's low bits depend on the low bits alone, so
 * colliding names are cheap to make, and each probed all the others. */
static bool unique_names(wasm_decoder *d, uint32_t off) {
  wasm_module *m = d->m;
  uint32_t n = m->nexports;
  uint32_t *ix = wd_alloc(d, n, sizeof *ix, 4);
  if (!ix)
    return false;
  for (uint32_t i = 0; i < n; i++)
    ix[i] = i;
  for (uint32_t i = n / 2; i-- > 0;)
    sift(m->exports, ix, i, n);
  for (uint32_t end = n; end > 1; end--) {
    uint32_t t = ix[0];
    ix[0] = ix[end - 1];
    ix[end - 1] = t;
    sift(m->exports, ix, 0, end - 1);
  }
  for (uint32_t i = 1; i < n; i++)
    if (name_cmp(&m->exports[ix[i - 1]], &m->exports[ix[i]]) == 0) {
      wd_invalid(d, off, "duplicate export name", false, 0);
      break;
    }
  return true;
}

/* spec 5.5.10 */
bool wd_exports(wasm_decoder *d) {
  static const char *const unknown[4] = {
      "unknown function",
      "unknown table",
      "unknown memory",
      "unknown global",
  };
  wasm_module *m = d->m;
  uint32_t sec_off = wr_offset(&d->r);
  uint32_t n = wd_count(d);
  if (d->r.err || !(m->exports = wd_alloc(d, n, sizeof *m->exports, 8)))
    return false;
  for (uint32_t i = 0; i < n; i++) {
    wasm_export *e = &m->exports[i];
    if (!wd_name(d, &e->name, &e->len))
      return false;
    uint32_t off = wr_offset(&d->r);
    e->kind = wr_u8(&d->r);
    e->idx = wr_u32(&d->r);
    if (d->r.err)
      return false;
    if (e->kind > WASM_EXTERN_GLOBAL) {
      d->r.p = d->r.start + off;
      return wd_malformed(d, "malformed export kind");
    }
    uint32_t count[4] = {m->nfuncs, m->ntables, m->nmems, m->nglobals};
    if (e->idx >= count[e->kind])
      wd_invalid(d, off, unknown[e->kind], true, e->idx);
    else if (e->kind == WASM_EXTERN_FUNC)
      m->func_declared[e->idx] = 1; /* C.refs, spec 3.4.10 */
    m->nexports = i + 1;
  }
  return unique_names(d, sec_off);
}

/* spec 5.5.11, 3.4.9: the start function has type [] -> []. */
bool wd_start(wasm_decoder *d) {
  wasm_module *m = d->m;
  uint32_t off = wr_offset(&d->r);
  uint32_t x = wr_u32(&d->r);
  if (d->r.err)
    return false;
  m->has_start = true;
  m->start = x;
  if (x >= m->nfuncs) {
    wd_invalid(d, off, "unknown function", true, x);
  } else if (m->func_type[x] < m->ntypes) {
    const wasm_functype *ft = &m->types[m->func_type[x]];
    if (ft->nparams || ft->nresults)
      wd_invalid(d, off, "start function", false, 0);
  }
  return true;
}
