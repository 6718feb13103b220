/* fuzz_wasm.c: libFuzzer harness for the Wasm engine (realm/wasm/). Each
 * input is a module binary: wasm_module_load decodes, validates and
 * compiles it; when it loads, wasm_instantiate links it against host
 * objects, and every exported function is called with zero arguments of
 * its types, on a budget of FUEL instructions (one resume with as much
 * again, then wasm_exec_reset), so no input can hang. Seeds: tests/fuzz/
 * seeds.py.
 *
 * Imports: the spectest names (print_i32, global_i32, table, memory, ...)
 * get what the spec's test harness gives; any other name gets one of the
 * host objects below picked by a hash of the names, or nothing. Kind and
 * type often do not match: the engine must report WASM_ERR_LINK.
 *
 * The arena is one malloc'd block of ARENA bytes, so ASan sees any write
 * past it, reused by every input: a fresh one per input spent most of the
 * time in page faults of the new mapping. Inputs of odd length also get a resize hook (malloc'd,
 * freed after the input) instead of memories and tables taken whole from
 * the arena. The harness aborts when the engine breaks the API's promises:
 * a call with a wrong argument count that is not WASM_BAD_ARGS, a call
 * that returns without its results in the context or ends with a refusal,
 * a trap without its reason, a failed load or instantiation without an
 * error kind.
 *
 * Inputs whose length has bit 1 set run under a journal (wasm_journal_
 * attach, a small log so that "undo log full" happens too): each call runs
 * in a savepoint that is rolled back, and the log must be empty after. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"

#define ARENA (4u << 20)
#define FUEL 10000u
#define JOURNAL_LOG (16u << 10)

static wasm_journal journal;
static bool journaled; /* this input runs under the journal */
#define MAX_CALLS 64u

/* ---- the resize hook: allocations on a list, all freed after the input -- */
struct block {
  struct block *next, *prev;
  size_t bytes;
  max_align_t data[];
};
static struct block blocks = {&blocks, &blocks, 0};

static void *resize(void *env, void *old, size_t old_bytes, size_t new_bytes) {
  (void)env;
  struct block *b =
      old ? (struct block *)((char *)old - offsetof(struct block, data)) : NULL;
  if (b && b->bytes != old_bytes)
    abort(); /* the engine lost track of a size */
  if (new_bytes == 0) {
    if (b) {
      b->prev->next = b->next;
      b->next->prev = b->prev;
      free(b);
    }
    return NULL;
  }
  if (new_bytes > (8u << 20))
    return NULL;
  struct block *n = malloc(sizeof(*n) + new_bytes);
  if (!n)
    return NULL;
  n->bytes = new_bytes;
  memset(n->data, 0xa5, new_bytes); /* "need not be zeroed" */
  if (b) {
    memcpy(n->data, b->data, old_bytes < new_bytes ? old_bytes : new_bytes);
    b->prev->next = b->next;
    b->next->prev = b->prev;
    free(b);
  }
  n->next = blocks.next;
  n->prev = &blocks;
  blocks.next->prev = n;
  blocks.next = n;
  return n->data;
}

static void free_blocks(void) {
  while (blocks.next != &blocks) {
    struct block *b = blocks.next;
    blocks.next = b->next;
    free(b);
  }
  blocks.prev = &blocks;
}

/* ---- host objects ------------------------------------------------------- */
enum {
  I32 = WASM_I32,
  I64 = WASM_I64,
  F32 = WASM_F32,
  F64 = WASM_F64,
  FREF = WASM_FUNCREF,
  XREF = WASM_EXTERNREF
};

struct host_type {
  const char *name; /* the spectest name, or NULL */
  uint8_t np, nr, params[3], results[2];
  bool traps;
};
static const struct host_type host_types[] = {
    {"print", 0, 0, {0}, {0}, false},
    {"print_i32", 1, 0, {I32}, {0}, false},
    {"print_i64", 1, 0, {I64}, {0}, false},
    {"print_f32", 1, 0, {F32}, {0}, false},
    {"print_f64", 1, 0, {F64}, {0}, false},
    {"print_i32_f32", 2, 0, {I32, F32}, {0}, false},
    {"print_f64_f64", 2, 0, {F64, F64}, {0}, false},
    {NULL, 1, 1, {I32}, {I32}, false},
    {NULL, 2, 2, {I64, XREF}, {F64, FREF}, false},
    {NULL, 0, 1, {0}, {I32}, true},
};
#define NFUNCS (sizeof(host_types) / sizeof(host_types[0]))

static wasm_status host_fn(wasm_host_call *c, const wasm_value *args,
                           wasm_value *results) {
  const struct host_type *t = wasm_host_env(c);
  wasm_memory *m = wasm_host_memory(c);
  if (m && t->np > 0 && t->params[0] == I32) { /* touch what args[0] names */
    uint8_t *p = wasm_memory_ptr(m, args[0].i32, 8);
    if (p)
      p[7] ^= p[0];
    wasm_memory_write(m, args[0].i32, "abcd", 4);
  }
  for (uint32_t i = 0; i < t->nr; i++)
    results[i].i64 = 0;
  return t->traps ? WASM_TRAPPED : WASM_OK;
}

struct host {
  wasm_func *funcs[NFUNCS];
  wasm_global *globals[6];
  wasm_memory *memory;
  wasm_table *tables[2];
};

static const struct {
  const char *name;
  uint8_t type;
  bool mut;
} host_globals[6] = {
    {"global_i32", I32, false}, {"global_i64", I64, false},
    {"global_f32", F32, false}, {"global_f64", F64, false},
    {NULL, I32, true},          {NULL, XREF, true},
};

static void make_host(struct host *h, wasm_arena *a, const wasm_limits *lim) {
  for (size_t i = 0; i < NFUNCS; i++) {
    const struct host_type *t = &host_types[i];
    wasm_functype ft = {t->np, t->nr, t->params, t->results};
    h->funcs[i] = wasm_host_func_new(a, &ft, host_fn, (void *)t);
  }
  for (size_t i = 0; i < 6; i++) {
    wasm_value v = {.i64 = 0};
    if (host_globals[i].type == I32)
      v.i32 = 666;
    h->globals[i] =
        wasm_global_new(a, host_globals[i].type, host_globals[i].mut, v);
  }
  h->memory = wasm_memory_new(a, lim, 1, 2);
  h->tables[0] = wasm_table_new(a, lim, FREF, 10, 20);
  h->tables[1] = wasm_table_new(a, lim, XREF, 10, UINT32_MAX);
}

static bool is(const char *s, uint32_t n, const char *z) {
  return strlen(z) == n && memcmp(s, z, n) == 0;
}

static bool resolve(void *env, const char *module, uint32_t mlen,
                    const char *name, uint32_t nlen, wasm_extern *out) {
  struct host *h = env;
  for (size_t i = 0; i < NFUNCS; i++)
    if (host_types[i].name && is(name, nlen, host_types[i].name)) {
      out->kind = WASM_EXTERN_FUNC;
      out->u.func = h->funcs[i];
      return out->u.func != NULL;
    }
  for (size_t i = 0; i < 6; i++)
    if (host_globals[i].name && is(name, nlen, host_globals[i].name)) {
      out->kind = WASM_EXTERN_GLOBAL;
      out->u.global = h->globals[i];
      return out->u.global != NULL;
    }
  if (is(name, nlen, "memory")) {
    out->kind = WASM_EXTERN_MEMORY;
    out->u.memory = h->memory;
    return h->memory != NULL;
  }
  if (is(name, nlen, "table")) {
    out->kind = WASM_EXTERN_TABLE;
    out->u.table = h->tables[0];
    return h->tables[0] != NULL;
  }
  uint32_t x = 2166136261u; /* FNV-1a of both names */
  for (uint32_t i = 0; i < mlen; i++)
    x = (x ^ (uint8_t)module[i]) * 16777619u;
  for (uint32_t i = 0; i < nlen; i++)
    x = (x ^ (uint8_t)name[i]) * 16777619u;
  uint32_t pick = x % (NFUNCS + 6 + 1 + 2 + 1);
  if (pick < NFUNCS) {
    out->kind = WASM_EXTERN_FUNC;
    out->u.func = h->funcs[pick];
    return out->u.func != NULL;
  }
  pick -= NFUNCS;
  if (pick < 6) {
    out->kind = WASM_EXTERN_GLOBAL;
    out->u.global = h->globals[pick];
    return out->u.global != NULL;
  }
  pick -= 6;
  if (pick == 0) {
    out->kind = WASM_EXTERN_MEMORY;
    out->u.memory = h->memory;
    return h->memory != NULL;
  }
  if (pick <= 2) {
    out->kind = WASM_EXTERN_TABLE;
    out->u.table = h->tables[pick - 1];
    return out->u.table != NULL;
  }
  return false; /* unknown import */
}

/* ---- the export section, read again here (the API has no list) --------- */
static bool leb(const uint8_t **p, const uint8_t *end, uint32_t *v) {
  uint32_t r = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (*p >= end)
      return false;
    uint8_t b = *(*p)++;
    r |= (uint32_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *v = r;
      return true;
    }
  }
  return false;
}

static void use_export(wasm_instance *in, wasm_exec *x, const char *name,
                       uint32_t len, unsigned *calls) {
  wasm_extern e;
  if (!wasm_instance_export(in, name, len, &e))
    abort(); /* it loaded, so the export exists */
  if (e.kind == WASM_EXTERN_GLOBAL) {
    wasm_global_get(e.u.global);
    return;
  }
  if (e.kind == WASM_EXTERN_MEMORY) {
    uint32_t pages = wasm_memory_pages(e.u.memory);
    uint64_t bytes = (uint64_t)pages << 16;
    uint8_t b[4];
    if (wasm_memory_read(e.u.memory, bytes, b, 1))
      abort(); /* one past the end */
    if (pages && !wasm_memory_read(e.u.memory, bytes - 4, b, 4))
      abort();
    return;
  }
  if (e.kind != WASM_EXTERN_FUNC || ++*calls > MAX_CALLS)
    return;
  const wasm_functype *t = wasm_func_type(e.u.func);
  wasm_value *args = calloc(t->nparams + 1, sizeof(wasm_value));
  if (!args)
    abort();
  if (wasm_call(x, e.u.func, args, t->nparams + 1) != WASM_BAD_ARGS)
    abort();
  wasm_exec_set_fuel(x, FUEL);
  wasm_savepoint sp;
  if (journaled)
    wasm_journal_begin(&journal, &sp);
  wasm_status s = wasm_call(x, e.u.func, args, t->nparams);
  if (s == WASM_OUT_OF_FUEL) {
    wasm_exec_set_fuel(x, FUEL);
    s = wasm_resume(x);
    if (s == WASM_OUT_OF_FUEL)
      wasm_exec_reset(x);
  }
  if (journaled) {
    wasm_journal_rollback(&journal, &sp);
    if (wasm_journal_used(&journal) || wasm_journal_depth(&journal))
      abort();
  }
  if (s == WASM_TRAPPED) {
    wasm_trap trap = wasm_exec_trap(x);
    if (trap == WASM_TRAP_NONE || !wasm_trap_string(trap))
      abort();
  } else if (s == WASM_OK) {
    uint32_t n;
    if (!wasm_exec_results(x, &n) || n != t->nresults)
      abort();
  } else if (s != WASM_OUT_OF_FUEL) {
    abort();
  }
  free(args);
}

static void call_exports(const uint8_t *data, size_t size, wasm_instance *in,
                         wasm_exec *x) {
  const uint8_t *p = data + 8, *end = data + size;
  unsigned calls = 0;
  while (p < end) {
    uint8_t id = *p++;
    uint32_t n;
    if (!leb(&p, end, &n) || n > (size_t)(end - p))
      return;
    if (id != 7) {
      p += n;
      continue;
    }
    const uint8_t *q = p, *qend = p + n;
    uint32_t count;
    if (!leb(&q, qend, &count))
      return;
    for (uint32_t i = 0; i < count; i++) {
      uint32_t len, index;
      if (!leb(&q, qend, &len) || len > (size_t)(qend - q))
        return;
      const char *name = (const char *)q;
      q += len;
      if (q >= qend)
        return;
      q++; /* kind */
      if (!leb(&q, qend, &index))
        return;
      use_export(in, x, name, len, &calls);
    }
    return;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* A copy of exactly the input's size: ASan sees reads past its end. */
  static uint8_t *mem;
  if (!mem)
    mem = malloc(ARENA);
  uint8_t *bytes = malloc(size ? size : 1);
  if (!bytes || !mem)
    abort();
  memcpy(bytes, data, size);
  wasm_limits lim = wasm_default_limits;
  lim.max_module_bytes = 1u << 20;
  lim.max_pages = 4;
  lim.max_table_size = 1000;
  lim.max_call_depth = 200;
  lim.max_stack_slots = 4096;
  if (size & 1) {
    lim.resize = resize;
    lim.resize_env = NULL;
  }
  wasm_arena a;
  wasm_arena_init(&a, mem, ARENA);
  wasm_error err;
  memset(&err, 0, sizeof(err));
  wasm_module *m = wasm_module_load(bytes, size, &a, &lim, &err);
  if (!m) {
    if (err.kind == WASM_ERR_NONE)
      abort();
    goto out;
  }
  struct host h;
  make_host(&h, &a, &lim);
  wasm_exec *x = wasm_exec_new(&a, &lim);
  if (!x)
    goto out;
  wasm_exec_set_fuel(x, FUEL); /* for the start function */
  memset(&err, 0, sizeof(err));
  wasm_instance *in = wasm_instantiate(m, &a, &lim, resolve, &h, x, &err);
  if (!in) {
    if (err.kind == WASM_ERR_NONE)
      abort();
    wasm_exec_reset(x);
    goto out;
  }
  static uint8_t *log;
  if (!log)
    log = malloc(JOURNAL_LOG);
  if (!log)
    abort();
  wasm_journal_init(&journal, log, JOURNAL_LOG);
  journaled = (size & 2) && wasm_journal_attach(&journal, in, &a);
  call_exports(bytes, size, in, x);
out:
  free_blocks();
  free(bytes);
  return 0;
}
