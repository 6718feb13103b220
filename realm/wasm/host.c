/* host.c: objects the embedder makes (functions, globals, memories,
 * tables), checked access to memories, and growth (spec 4.5.3). */
#include "internal.h"

wasm_func *wasm_host_func_new(wasm_arena *a, const wasm_functype *type,
                              wasm_host_fn fn, void *env) {
  /* two counts of up to 2^32 - 1 each: their sum can overflow a 32-bit
   * size_t */
  uint64_t nvt = (uint64_t)type->nparams + type->nresults;
  if (nvt > SIZE_MAX)
    return NULL;
  wasm_func *f = wasm_arena_alloc(a, sizeof *f, _Alignof(wasm_func));
  wasm_functype *t = wasm_arena_alloc(a, sizeof *t, _Alignof(wasm_functype));
  uint8_t *vt = wasm_arena_alloc(a, (size_t)nvt, 1);
  if (!f || !t || !vt)
    return NULL;
  if (type->nparams)
    __builtin_memcpy(vt, type->params, type->nparams);
  if (type->nresults)
    __builtin_memcpy(vt + type->nparams, type->results, type->nresults);
  t->nparams = type->nparams;
  t->nresults = type->nresults;
  t->params = vt;
  t->results = vt + type->nparams;
  f->type = t;
  f->host = fn;
  f->host_env = env;
  return f;
}

wasm_global *wasm_global_new(wasm_arena *a, uint8_t type, bool mut,
                             wasm_value v) {
  wasm_global *g = wasm_arena_alloc(a, sizeof *g, _Alignof(wasm_global));
  if (!g)
    return NULL;
  g->type = type;
  g->mut = mut;
  g->v = v;
  return g;
}

static uint32_t min32(uint32_t a, uint32_t b) { return a < b ? a : b; }

/* Storage for n items of size bytes: all of it zeroed. */
static void *storage(wasm_resize_fn resize, void *env, void *old,
                     uint64_t old_n, uint64_t n, size_t size) {
  if (n > SIZE_MAX / size)
    return NULL;
  uint8_t *p = resize(env, old, (size_t)(old_n * size), (size_t)(n * size));
  if (p && n > old_n)
    __builtin_memset(p + old_n * size, 0, (size_t)((n - old_n) * size));
  return p;
}

/* max == UINT32_MAX: none. Without a resize hook the storage for the
 * effective maximum, min(declared max, lim->max_pages), is taken now. */
wasm_memory *wasm_memory_new(wasm_arena *a, const wasm_limits *lim,
                             uint32_t min_pages, uint32_t max_pages) {
  if (!lim)
    lim = &wasm_default_limits;
  uint32_t max = min32(min32(max_pages, WASM_MAX_PAGES), lim->max_pages);
  if (min_pages > max)
    return NULL;
  wasm_memory *mem = wasm_arena_alloc(a, sizeof *mem, _Alignof(wasm_memory));
  if (!mem)
    return NULL;
  mem->pages = min_pages;
  mem->bytes = (uint64_t)min_pages * WASM_PAGE;
  mem->wbytes = mem->bytes;
  mem->max = max;
  mem->declared_max = max_pages;
  mem->resize = lim->resize;
  mem->resize_env = lim->resize_env;
  mem->epoch = &wasm_journal_off;
  uint32_t cap = lim->resize ? min_pages : max;
  if (cap) {
    if (lim->resize)
      mem->data =
          storage(lim->resize, lim->resize_env, NULL, 0, cap, WASM_PAGE);
    else if ((uint64_t)cap * WASM_PAGE <= SIZE_MAX)
      mem->data = wasm_arena_alloc(a, (size_t)cap * WASM_PAGE, 16);
    if (!mem->data)
      return NULL;
  }
  mem->cap = cap;
  return mem;
}

wasm_table *wasm_table_new(wasm_arena *a, const wasm_limits *lim, uint8_t elem,
                           uint32_t min, uint32_t max) {
  if (!lim)
    lim = &wasm_default_limits;
  uint32_t emax = min32(max, lim->max_table_size);
  if (min > emax)
    return NULL;
  wasm_table *t = wasm_arena_alloc(a, sizeof *t, _Alignof(wasm_table));
  if (!t)
    return NULL;
  t->elem = elem;
  t->size = min;
  t->max = emax;
  t->declared_max = max;
  t->resize = lim->resize;
  t->resize_env = lim->resize_env;
  uint32_t cap = lim->resize ? min : emax;
  if (cap) {
    if (lim->resize)
      t->elems = storage(lim->resize, lim->resize_env, NULL, 0, cap, 8);
    else
      t->elems = wasm_arena_array(a, cap, 8, 8);
    if (!t->elems)
      return NULL;
  }
  t->cap = cap;
  return t;
}

/* memory.grow (spec 4.5.3.9): the old size in pages, or -1. Pages past the
 * current size are zero: arena storage is zeroed when taken and never
 * written there; resized storage is zeroed by storage(). */
uint64_t wasm_memory_grow_fuel(const wasm_memory *mem, uint32_t delta) {
  uint64_t bytes = (uint64_t)delta * WASM_PAGE;
  bool hook = (uint64_t)mem->pages + delta > mem->cap;
  return hook ? bytes * WASM_GROW_HOOK_UNITS : bytes;
}

int64_t wasm_memory_grow(wasm_memory *mem, uint32_t delta) {
  uint32_t old = mem->pages;
  if (delta > mem->max - old)
    return -1;
  uint32_t n = old + delta;
  if (n > mem->cap) {
    if (!mem->resize || !wasm_jn_mem_marks(mem, n))
      return -1;
    uint8_t *p = storage(mem->resize, mem->resize_env, mem->data, mem->cap, n,
                         WASM_PAGE);
    if (!p)
      return -1;
    mem->data = p;
    mem->cap = n;
  }
  mem->pages = n;
  mem->bytes = (uint64_t)n * WASM_PAGE;
  if (!wasm_jn_mem_grow(mem, old)) { /* the new pages are still zero */
    mem->pages = old;
    mem->bytes = (uint64_t)old * WASM_PAGE;
    return -2;
  }
  wasm_memory_sync(mem);
  return old;
}

/* table.grow (spec 4.5.3.8): the old size, or -1; new elements get init. */
uint64_t wasm_table_grow_fuel(const wasm_table *t, uint32_t delta) {
  uint64_t bytes = (uint64_t)delta * 8;
  bool hook = (uint64_t)t->size + delta > t->cap;
  return hook ? bytes * WASM_GROW_HOOK_UNITS : bytes;
}

int64_t wasm_table_grow(wasm_table *t, uint32_t delta, uint64_t init) {
  uint32_t old = t->size;
  if (delta > t->max - old)
    return -1;
  uint32_t n = old + delta;
  if (n > t->cap) {
    if (!t->resize || !wasm_jn_table_marks(t, n))
      return -1;
    uint64_t *p = storage(t->resize, t->resize_env, t->elems, t->cap, n, 8);
    if (!p)
      return -1;
    t->elems = p;
    t->cap = n;
  }
  if (!wasm_jn_table_grow(t, old))
    return -2;
  for (uint32_t i = old; i < n; i++)
    t->elems[i] = init;
  t->size = n;
  return old;
}

void *wasm_memory_ptr(wasm_memory *m, uint64_t addr, uint64_t len) {
  if (!m || addr > m->bytes || len > m->bytes - addr || !m->data)
    return NULL;
  return m->data + addr;
}

bool wasm_memory_read(wasm_memory *m, uint64_t addr, void *dst, uint64_t len) {
  if (!m || addr > m->bytes || len > m->bytes - addr)
    return false;
  if (len)
    __builtin_memcpy(dst, m->data + addr, (size_t)len);
  return true;
}

bool wasm_memory_write(wasm_memory *m, uint64_t addr, const void *src,
                       uint64_t len) {
  if (!m || addr > m->bytes || len > m->bytes - addr)
    return false;
  if (m->journal && !wasm_jn_mem(m, addr, len))
    return false;
  if (len)
    __builtin_memcpy(m->data + addr, src, (size_t)len);
  return true;
}

uint32_t wasm_memory_pages(const wasm_memory *m) { return m ? m->pages : 0; }
