/* test_wasm_undo.c: the WebAssembly engine's journal (realm/wasm/journal.c)
 * and suspendable host functions. Each rollback is checked against a full
 * copy of the state taken when its savepoint began: memory bytes and size,
 * table elements and size, globals, dropped flags (read from the engine's
 * objects, internal.h). The module is assembled here:
 *
 *   (import "env" "h" (func 0 (param i32) (result i32)))
 *   (memory (export "mem") 1 4) (table (export "tab") 4 32 funcref)
 *   (global (export "g") (mut i32) 7) (global (export "g64") (mut i64) 9)
 *   (elem funcref (ref.func 1) (ref.func 2))                   ;; passive
 *   (data "...256 bytes...")                                   ;; passive
 *   1 st32 (a v)   i32.store      2 st64 (a v:i64) i64.store
 *   3 st8 (a v)    i32.store8     4 st16 (a v)     i32.store16
 *   5 fill (d v n) 6 copy (d s n) 7 init (d s n)   memory.*
 *   8 gset (v)     global 0       9 g64set (_ v:i64) global 1
 *   10 tset (i)    table.set i (ref.func 1)
 *   11 tgrow (n) -> old           12 tfill (i n) (ref.func 1)
 *   13 mgrow (n) -> old           14 ddrop   15 edrop
 *   16 tinit (d s n)              17 callh (a) -> h(a) + 1
 *   18 tcopy (d s n)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "wasm_writer.h"

static wasm_writer mod;
#define BYTES(...) WW_BYTES(&mod, __VA_ARGS__)
#define DATA 256

static const char *const names[] = {
    "st32",  "st64",  "st8",    "st16",  "fill",  "copy",
    "init",  "gset",  "g64set", "tset",  "tgrow", "tfill",
    "mgrow", "ddrop", "edrop",  "tinit", "callh", "tcopy"};
/* t0 (i32 i32), t1 (i32 i64), t2 (i32 i32 i32), t3 (i32), t4 (i32)->i32,
 * t5 () */
static const uint8_t types[] = {0, 1, 0, 0, 2, 2, 2, 3, 1,
                                3, 4, 0, 4, 5, 5, 2, 4, 2};
#define NFUNCS (sizeof types)

#define FUNC(...)                                                              \
  do {                                                                         \
    size_t f_ = ww_open(&mod);                                                 \
    BYTES(0, __VA_ARGS__, 0x0b);                                               \
    ww_close(&mod, f_);                                                        \
  } while (0)

static void build(void) {
  ww_header(&mod);
  size_t s = ww_section(&mod, 1);
  BYTES(6, 0x60, 2, 0x7f, 0x7f, 0, 0x60, 2, 0x7f, 0x7e, 0, 0x60, 3, 0x7f, 0x7f,
        0x7f, 0, 0x60, 1, 0x7f, 0, 0x60, 1, 0x7f, 1, 0x7f, 0x60, 0, 0);
  ww_close(&mod, s);
  s = ww_section(&mod, 2);
  BYTES(1, 3, 'e', 'n', 'v', 1, 'h', 0, 4);
  ww_close(&mod, s);
  s = ww_section(&mod, 3);
  ww_uleb(&mod, NFUNCS);
  ww_put(&mod, types, NFUNCS);
  ww_close(&mod, s);
  s = ww_section(&mod, 4);
  BYTES(1, 0x70, 1, 4, 32);
  ww_close(&mod, s);
  s = ww_section(&mod, 5);
  BYTES(1, 1, 1, 4);
  ww_close(&mod, s);
  s = ww_section(&mod, 6);
  BYTES(2, 0x7f, 1, 0x41, 7, 0x0b, 0x7e, 1, 0x42, 9, 0x0b);
  ww_close(&mod, s);
  s = ww_section(&mod, 7);
  ww_uleb(&mod, NFUNCS + 4);
  for (uint32_t i = 0; i < NFUNCS; i++) {
    ww_uleb(&mod, (uint32_t)strlen(names[i]));
    ww_put(&mod, (const uint8_t *)names[i], strlen(names[i]));
    ww_byte(&mod, 0);
    ww_uleb(&mod, i + 1);
  }
  BYTES(3, 'm', 'e', 'm', 2, 0, 3, 't', 'a', 'b', 1, 0, 1, 'g', 3, 0, 3, 'g',
        '6', '4', 3, 1);
  ww_close(&mod, s);
  s = ww_section(&mod, 9);
  BYTES(1, 1, 0, 2, 1, 2);
  ww_close(&mod, s);
  s = ww_section(&mod, 12);
  ww_byte(&mod, 1);
  ww_close(&mod, s);
  s = ww_section(&mod, 10);
  ww_uleb(&mod, NFUNCS);
  FUNC(0x20, 0, 0x20, 1, 0x36, 2, 0);                /* st32 */
  FUNC(0x20, 0, 0x20, 1, 0x37, 3, 0);                /* st64 */
  FUNC(0x20, 0, 0x20, 1, 0x3a, 0, 0);                /* st8 */
  FUNC(0x20, 0, 0x20, 1, 0x3b, 1, 0);                /* st16 */
  FUNC(0x20, 0, 0x20, 1, 0x20, 2, 0xfc, 0x0b, 0);    /* fill */
  FUNC(0x20, 0, 0x20, 1, 0x20, 2, 0xfc, 0x0a, 0, 0); /* copy */
  FUNC(0x20, 0, 0x20, 1, 0x20, 2, 0xfc, 0x08, 0, 0); /* init */
  FUNC(0x20, 0, 0x24, 0);                            /* gset */
  FUNC(0x20, 1, 0x24, 1);                            /* g64set */
  FUNC(0x20, 0, 0xd2, 1, 0x26, 0);                   /* tset */
  FUNC(0xd2, 1, 0x20, 0, 0xfc, 0x0f, 0);             /* tgrow */
  FUNC(0x20, 0, 0xd2, 1, 0x20, 1, 0xfc, 0x11, 0);    /* tfill */
  FUNC(0x20, 0, 0x40, 0);                            /* mgrow */
  FUNC(0xfc, 0x09, 0);                               /* ddrop */
  FUNC(0xfc, 0x0d, 0);                               /* edrop */
  FUNC(0x20, 0, 0x20, 1, 0x20, 2, 0xfc, 0x0c, 0, 0); /* tinit */
  FUNC(0x20, 0, 0x10, 0, 0x41, 1, 0x6a);             /* callh */
  FUNC(0x20, 0, 0x20, 1, 0x20, 2, 0xfc, 0x0e, 0, 0); /* tcopy */
  ww_close(&mod, s);
  s = ww_section(&mod, 11);
  BYTES(1, 1);
  ww_uleb(&mod, DATA);
  for (uint32_t i = 0; i < DATA; i++)
    ww_byte(&mod, (uint8_t)(i * 3 + 1));
  ww_close(&mod, s);
}

/* ---- the host function h: doubles its argument, or suspends first ------ */

typedef struct host_state {
  int suspend; /* invocations left that return WASM_OUT_OF_FUEL */
  int calls, resumed;
  uint32_t first_arg; /* what the first invocation saw */
  bool args_same;     /* every re-invocation saw it too */
  uint64_t charge;    /* wasm_host_charge'd on each invocation */
  bool charged_ok;    /* what the last charge returned */
} host_state;

static wasm_status host_h(wasm_host_call *c, const wasm_value *args,
                          wasm_value *results) {
  host_state *h = wasm_host_env(c);
  h->calls++;
  if (wasm_host_resumed(c)) {
    h->resumed++;
    if (args[0].i32 != h->first_arg)
      h->args_same = false;
  } else {
    h->first_arg = args[0].i32;
    h->args_same = true;
  }
  if (h->charge)
    h->charged_ok = wasm_host_charge(c, h->charge);
  if (h->suspend > 0) {
    h->suspend--;
    results[0].i32 = 0xdead; /* must not be seen */
    return WASM_OUT_OF_FUEL;
  }
  results[0].i32 = args[0].i32 * 2;
  return WASM_OK;
}

/* ---- a world: the module instantiated under a journal ------------------- */

typedef struct world {
  void *heap;
  wasm_arena a;
  wasm_limits lim;
  wasm_module *m;
  wasm_instance *in;
  wasm_exec *x;
  wasm_journal j;
  uint8_t *log;
  host_state h;
  wasm_func *hf;
} world;

static world w;

static bool resolve(void *env, const char *module, uint32_t mlen,
                    const char *name, uint32_t nlen, wasm_extern *out) {
  (void)env;
  (void)module;
  (void)mlen;
  (void)name;
  (void)nlen;
  out->kind = WASM_EXTERN_FUNC;
  out->u.func = w.hf;
  return true;
}

static void world_init(size_t log_bytes) {
  memset(&w, 0, sizeof w);
  build();
  w.heap = malloc(4 << 20);
  wasm_arena_init(&w.a, w.heap, 4 << 20);
  w.lim = wasm_default_limits;
  wasm_error err;
  w.m = wasm_module_load(mod.b, mod.n, &w.a, &w.lim, &err);
  if (!w.m)
    fail_msg("load: %s at %u: %s", err.section, err.offset, err.reason);
  static const uint8_t i32t[] = {WASM_I32};
  wasm_functype ht = {1, 1, i32t, i32t};
  w.hf = wasm_host_func_new(&w.a, &ht, host_h, &w.h);
  w.x = wasm_exec_new(&w.a, &w.lim);
  assert_non_null(w.x);
  w.in = wasm_instantiate(w.m, &w.a, &w.lim, resolve, NULL, w.x, &err);
  if (!w.in)
    fail_msg("instantiate: %s", err.reason);
  w.log = malloc(log_bytes);
  wasm_journal_init(&w.j, w.log, log_bytes);
  assert_true(wasm_journal_attach(&w.j, w.in, &w.a));
}

static int teardown(void **state) {
  (void)state;
  free(w.heap);
  free(w.log);
  ww_free(&mod);
  return 0;
}

static wasm_status call_st(const char *name, const wasm_value *args,
                           uint32_t n) {
  wasm_extern e;
  assert_true(wasm_instance_export(w.in, name, (uint32_t)strlen(name), &e));
  wasm_exec_set_fuel(w.x, UINT64_MAX);
  return wasm_call(w.x, e.u.func, args, n);
}

/* name(a, b, c) must return; its i32 result, if any. */
static uint32_t call(const char *name, uint64_t a, uint64_t b, uint64_t c) {
  wasm_extern e;
  assert_true(wasm_instance_export(w.in, name, (uint32_t)strlen(name), &e));
  wasm_value args[3] = {{.i64 = a}, {.i64 = b}, {.i64 = c}};
  wasm_status s = call_st(name, args, e.u.func->type->nparams);
  if (s != WASM_OK)
    fail_msg("%s: status %d, trap %s", name, s,
             wasm_trap_string(wasm_exec_trap(w.x)));
  uint32_t n;
  const wasm_value *r = wasm_exec_results(w.x, &n);
  return n ? r[0].i32 : 0;
}

static wasm_trap call_trap(const char *name, uint64_t a, uint64_t b,
                           uint64_t c) {
  wasm_extern e;
  assert_true(wasm_instance_export(w.in, name, (uint32_t)strlen(name), &e));
  wasm_value args[3] = {{.i64 = a}, {.i64 = b}, {.i64 = c}};
  assert_int_equal(call_st(name, args, e.u.func->type->nparams), WASM_TRAPPED);
  return wasm_exec_trap(w.x);
}

/* ---- snapshots ----------------------------------------------------------- */

typedef struct snap {
  uint32_t pages, tsize;
  uint8_t *mem;
  uint64_t tab[32];
  uint64_t g[2];
  uint8_t ddrop, edrop;
} snap;

static snap take(void) {
  snap s;
  memset(&s, 0, sizeof s);
  wasm_memory *m = w.in->mem;
  wasm_table *t = w.in->tables[0];
  s.pages = m->pages;
  s.mem = malloc(m->bytes);
  memcpy(s.mem, m->data, m->bytes);
  s.tsize = t->size;
  memcpy(s.tab, t->elems, (size_t)t->size * 8);
  s.g[0] = w.in->globals[0]->v.i64;
  s.g[1] = w.in->globals[1]->v.i64;
  s.ddrop = w.in->data_dropped[0];
  s.edrop = w.in->elem_dropped[0];
  return s;
}

static bool same(const snap *a, const snap *b) {
  return a->pages == b->pages && a->tsize == b->tsize &&
         !memcmp(a->mem, b->mem, (size_t)a->pages * WASM_PAGE) &&
         !memcmp(a->tab, b->tab, (size_t)a->tsize * 8) && a->g[0] == b->g[0] &&
         a->g[1] == b->g[1] && a->ddrop == b->ddrop && a->edrop == b->edrop;
}

static void assert_state_at(const snap *want, int line) {
  snap now = take();
  bool ok = same(&now, want);
  free(now.mem);
  if (!ok)
    fail_msg("line %d: the state is not the one expected", line);
}
#define assert_state(want) assert_state_at(want, __LINE__)

static uint8_t mem_at(uint32_t addr) { return w.in->mem->data[addr]; }

/* Some state that is not all zeros (no savepoint open: nothing saved). */
static void prepare(void) {
  call("fill", 0, 0x11, 4096);
  call("tset", 1, 0, 0);
  assert_int_equal(wasm_journal_used(&w.j), 0);
  assert_int_equal(wasm_journal_depth(&w.j), 0);
}

/* ---- tests --------------------------------------------------------------- */

static void test_stores_roll_back(void **state) {
  (void)state;
  world_init(1 << 20);
  prepare();
  snap before = take();
  wasm_savepoint sp;
  wasm_journal_begin(&w.j, &sp);
  call("st32", 100, 0xa1a2a3a4, 0);
  call("st64", 200, 0xb1b2b3b4b5b6b7b8ull, 0);
  call("st8", 301, 0xc1, 0);
  call("st16", 403, 0xd1d2, 0);
  call("st32", 62, 0xe1e2e3e4, 0);              /* chunks 0 and 1 */
  call("st64", 1020, 0xf1f2f3f4f5f6f7f8ull, 0); /* chunks 15 and 16 */
  call("st32", 65532, 0x12345678, 0);           /* the last word */
  assert_int_equal(mem_at(100), 0xa4);
  assert_int_equal(mem_at(62), 0xe4);
  assert_int_equal(mem_at(65), 0xe1);
  assert_int_equal(mem_at(1027), 0xf1);
  /* chunks 1, 3, 4, 6, 0, 15, 16, 1023: 8 saved (64 bytes each + a
   * header) */
  size_t used = wasm_journal_used(&w.j);
  assert_true(used >= 8 * 64 && used <= 8 * (64 + 32));
  call("st32", 104, 1, 0); /* same chunk again: nothing more saved */
  assert_int_equal(wasm_journal_used(&w.j), used);
  wasm_journal_rollback(&w.j, &sp);
  assert_state(&before);
  assert_int_equal(wasm_journal_used(&w.j), 0);
  /* committed, the writes stand */
  wasm_journal_begin(&w.j, &sp);
  call("st16", 403, 0xd1d2, 0);
  wasm_journal_commit(&w.j, &sp);
  assert_int_equal(mem_at(403), 0xd2);
  assert_int_equal(mem_at(404), 0xd1);
  assert_int_equal(wasm_journal_used(&w.j), 0);
  /* no savepoint open: nothing is saved */
  call("st32", 3000, 5, 0);
  assert_int_equal(wasm_journal_used(&w.j), 0);
  free(before.mem);
}

static void test_bulk_rolls_back(void **state) {
  (void)state;
  world_init(1 << 20);
  prepare();
  for (uint32_t i = 0; i < 64; i++)
    call("st32", 8192 + 4 * i, i * 0x01010101u, 0);
  snap before = take();
  wasm_savepoint sp;
  wasm_journal_begin(&w.j, &sp);
  call("fill", 1000, 0xab, 5000);
  call("copy", 8200, 8192, 200); /* overlapping, upwards */
  call("init", 30001, 5, 100);
  assert_int_equal(mem_at(1000), 0xab);
  assert_int_equal(mem_at(30001), 5 * 3 + 1);
  wasm_journal_rollback(&w.j, &sp);
  assert_state(&before);
  /* in slices of fuel: each slice saves its own range */
  wasm_journal_begin(&w.j, &sp);
  wasm_extern e;
  assert_true(wasm_instance_export(w.in, "fill", 4, &e));
  wasm_value args[3] = {{.i32 = 10}, {.i32 = 0x5a}, {.i32 = 40000}};
  wasm_exec_set_fuel(w.x, 300);
  wasm_status s = wasm_call(w.x, e.u.func, args, 3);
  int slices = 1;
  while (s == WASM_OUT_OF_FUEL) {
    wasm_exec_set_fuel(w.x, 300);
    s = wasm_resume(w.x);
    slices++;
  }
  assert_int_equal(s, WASM_OK);
  assert_true(slices > 10);
  assert_int_equal(mem_at(40009), 0x5a);
  wasm_journal_rollback(&w.j, &sp);
  assert_state(&before);
  free(before.mem);
}

static void test_globals_and_tables_roll_back(void **state) {
  (void)state;
  world_init(1 << 20);
  prepare();
  snap before = take();
  wasm_savepoint sp;
  wasm_journal_begin(&w.j, &sp);
  call("gset", 99, 0, 0);
  call("g64set", 0, 0x123456789abcull, 0);
  call("tset", 3, 0, 0);
  assert_int_equal(call("tgrow", 6, 0, 0), 4);
  call("tfill", 2, 8, 0);
  call("tcopy", 0, 1, 9);
  call("tinit", 7, 0, 2);
  assert_int_equal(w.in->globals[0]->v.i32, 99);
  assert_int_equal(w.in->tables[0]->size, 10);
  /* the host's writes through the API are undone too */
  wasm_value v = {.i32 = 1234};
  assert_true(wasm_global_set(w.in->globals[0], v));
  assert_true(wasm_memory_write(w.in->mem, 50, "abcdef", 6));
  wasm_journal_rollback(&w.j, &sp);
  assert_state(&before);
  assert_int_equal(w.in->globals[0]->v.i32, 7);
  assert_int_equal(w.in->globals[1]->v.i64, 9);
  assert_int_equal(w.in->tables[0]->size, 4);
  /* the rolled-back growth exposed nothing: grown again, it holds null
   * where nothing was written and the new init value elsewhere */
  assert_int_equal(call("tgrow", 2, 0, 0), 4);
  assert_int_equal(w.in->tables[0]->size, 6);
  free(before.mem);
}

static void test_memory_grow_rolls_back(void **state) {
  (void)state;
  world_init(1 << 20);
  prepare();
  snap before = take();
  wasm_savepoint sp;
  wasm_journal_begin(&w.j, &sp);
  size_t used0 = wasm_journal_used(&w.j);
  assert_int_equal(call("mgrow", 2, 0, 0), 1);
  size_t used1 = wasm_journal_used(&w.j);
  call("fill", 65536, 0x77, 2 * 65536); /* fresh pages: not saved */
  call("st32", 3 * 65536 - 4, 0x99999999, 0);
  assert_int_equal(wasm_journal_used(&w.j), used1);
  assert_true(used1 > used0 && used1 - used0 <= 32);
  wasm_journal_rollback(&w.j, &sp);
  assert_state(&before);
  assert_int_equal(wasm_memory_pages(w.in->mem), 1);
  /* grown again (outside any savepoint), the pages are zero */
  assert_int_equal(call("mgrow", 3, 0, 0), 1);
  for (uint32_t a = 65536; a < 4 * 65536; a += 61)
    if (mem_at(a))
      fail_msg("byte %u is %u after the growth was rolled back", a, mem_at(a));
  free(before.mem);
}

static void test_drops_roll_back(void **state) {
  (void)state;
  world_init(1 << 20);
  snap before = take();
  wasm_savepoint sp;
  wasm_journal_begin(&w.j, &sp);
  call("ddrop", 0, 0, 0);
  call("edrop", 0, 0, 0);
  assert_int_equal(call_trap("init", 0, 0, 1), WASM_TRAP_MEMORY_OOB);
  assert_int_equal(call_trap("tinit", 0, 0, 1), WASM_TRAP_TABLE_OOB);
  wasm_journal_rollback(&w.j, &sp);
  assert_state(&before);
  call("init", 0, 0, 1);
  call("tinit", 0, 0, 1);
  free(before.mem);
}

/* outer, middle, inner: the inner rolls back, the middle commits (its
 * writes stand), the outer commits. */
static void test_nested_inner_rollback(void **state) {
  (void)state;
  world_init(1 << 20);
  prepare();
  snap s0 = take();
  wasm_savepoint outer, middle, inner;
  wasm_journal_begin(&w.j, &outer);
  call("st32", 0, 0xaaaaaaaa, 0);
  call("gset", 1, 0, 0);
  wasm_journal_begin(&w.j, &middle);
  call("st32", 4, 0xbbbbbbbb, 0); /* the outer's chunk: saved again */
  call("st32", 640, 0xbbbbbbbb, 0);
  call("gset", 2, 0, 0);
  snap s2 = take();
  size_t used2 = wasm_journal_used(&w.j);
  wasm_journal_begin(&w.j, &inner);
  assert_int_equal(wasm_journal_depth(&w.j), 3);
  call("st32", 8, 0xcccccccc, 0);
  call("st32", 6400, 0xcccccccc, 0);
  call("gset", 3, 0, 0);
  call("tset", 0, 0, 0);
  assert_int_equal(call("mgrow", 1, 0, 0), 1);
  wasm_journal_rollback(&w.j, &inner);
  assert_state(&s2);
  assert_int_equal(wasm_journal_used(&w.j), used2);
  assert_int_equal(wasm_journal_depth(&w.j), 2);
  /* the middle's marks are back: its chunks are not saved again */
  call("st32", 12, 0xdddddddd, 0);
  call("st32", 644, 0xdddddddd, 0);
  call("gset", 4, 0, 0);
  assert_int_equal(wasm_journal_used(&w.j), used2);
  snap s2b = take();
  wasm_journal_commit(&w.j, &middle);
  assert_int_equal(wasm_journal_depth(&w.j), 1);
  /* the middle's entries are the outer's now: a write to their chunks
   * saves nothing more */
  call("st32", 648, 1, 0);
  assert_int_equal(wasm_journal_used(&w.j), used2);
  call("st32", 648, 0x11111111, 0);
  assert_state(&s2b);
  wasm_journal_commit(&w.j, &outer);
  assert_int_equal(wasm_journal_used(&w.j), 0);
  assert_state(&s2b);
  assert_false(same(&s2b, &s0));
  free(s0.mem);
  free(s2.mem);
  free(s2b.mem);
}

/* outer, middle, inner: the inner commits, the middle commits, the outer
 * rolls back everything. */
static void test_nested_outer_rollback(void **state) {
  (void)state;
  world_init(1 << 20);
  prepare();
  snap s0 = take();
  wasm_savepoint outer, middle, inner;
  wasm_journal_begin(&w.j, &outer);
  call("st32", 0, 0xaaaaaaaa, 0);
  wasm_journal_begin(&w.j, &middle);
  call("st32", 0, 0xbbbbbbbb, 0);
  call("mgrow", 1, 0, 0);
  call("st32", 70000, 0xbbbbbbbb, 0);
  wasm_journal_begin(&w.j, &inner);
  call("st32", 0, 0xcccccccc, 0);
  call("st32", 70000, 0xcccccccc, 0);
  call("fill", 100, 1, 20000);
  call("gset", 3, 0, 0);
  call("tfill", 0, 4, 0);
  call("ddrop", 0, 0, 0);
  wasm_journal_commit(&w.j, &inner);
  wasm_journal_commit(&w.j, &middle);
  call("st32", 0, 0xdddddddd, 0);
  wasm_journal_rollback(&w.j, &outer);
  assert_state(&s0);
  assert_int_equal(wasm_journal_used(&w.j), 0);
  assert_int_equal(wasm_journal_depth(&w.j), 0);
  /* closing the outer while inner ones are open closes them too */
  wasm_journal_begin(&w.j, &outer);
  call("st32", 0, 1, 0);
  wasm_journal_begin(&w.j, &inner);
  call("st32", 64, 1, 0);
  wasm_journal_rollback(&w.j, &outer);
  assert_state(&s0);
  assert_int_equal(wasm_journal_depth(&w.j), 0);
  free(s0.mem);
}

/* An entry is the saved bytes plus a 24-byte header (64-bit hosts): a
 * chunk 88 bytes, a global 32, a growth 24. A log of 1000 bytes holds 11
 * chunks and a global. */
static void test_log_full_traps(void **state) {
  (void)state;
  world_init(1000);
  prepare();
  snap before = take();
  wasm_savepoint sp;
  wasm_journal_begin(&w.j, &sp);
  uint32_t a = 0;
  wasm_value args[2] = {{.i32 = 0}, {.i32 = 0x5555aaaa}};
  wasm_status s;
  for (;;) {
    args[0].i32 = a;
    s = call_st("st32", args, 2);
    if (s != WASM_OK)
      break;
    a += 64;
  }
  assert_int_equal(s, WASM_TRAPPED);
  assert_int_equal(wasm_exec_trap(w.x), WASM_TRAP_UNDO_FULL);
  assert_string_equal(wasm_trap_string(WASM_TRAP_UNDO_FULL), "undo log full");
  assert_int_equal(a, 11 * 64);
  assert_int_equal(wasm_journal_used(&w.j), 11 * 88);
  /* the store that trapped wrote nothing */
  assert_int_equal(mem_at(a), 0x11);
  /* nor does anything else that would need a chunk saved */
  assert_int_equal(call_trap("fill", a - 8, 0, 64), WASM_TRAP_UNDO_FULL);
  assert_int_equal(mem_at(a), 0x11);
  assert_false(wasm_memory_write(w.in->mem, a, "x", 1));
  assert_int_equal(mem_at(a), 0x11);
  call("st32", 0, 1, 0); /* a chunk already saved: no log needed */
  call("gset", 5, 0, 0); /* the last 32 bytes */
  assert_int_equal(wasm_journal_used(&w.j), 1000);
  wasm_value g = {.i64 = 5};
  assert_false(wasm_global_set(w.in->globals[1], g));
  assert_int_equal(w.in->globals[1]->v.i64, 9);
  assert_int_equal(call_trap("mgrow", 1, 0, 0), WASM_TRAP_UNDO_FULL);
  assert_int_equal(wasm_memory_pages(w.in->mem), 1);
  assert_int_equal(call_trap("tgrow", 1, 0, 0), WASM_TRAP_UNDO_FULL);
  assert_int_equal(w.in->tables[0]->size, 4);
  assert_int_equal(call_trap("ddrop", 0, 0, 0), WASM_TRAP_UNDO_FULL);
  assert_int_equal(w.in->data_dropped[0], 0);
  wasm_journal_rollback(&w.j, &sp);
  assert_state(&before);
  free(before.mem);
}

/* Epochs are 16 bits: when they run out every mark is cleared, in the
 * objects and in the log, and rollback stays exact. */
static void test_epoch_wrap(void **state) {
  (void)state;
  world_init(16 << 20); /* each inner savepoint saves its chunk again */
  prepare();
  wasm_savepoint outer, inner;
  w.j.last = UINT16_MAX - 2;
  wasm_journal_begin(&w.j, &outer); /* marks chunk 0 with 65534 */
  call("st32", 0, 1, 0);
  wasm_journal_commit(&w.j, &outer);
  snap s0 = take();
  wasm_journal_begin(&w.j, &outer); /* the last epoch: saves mark 65534 */
  call("st32", 0, 1, 0);
  call("gset", 1, 0, 0);
  call("tset", 0, 0, 0);
  wasm_journal_begin(&w.j, &inner); /* the wrap */
  assert_int_equal(w.j.last, 1);
  call("st32", 0, 2, 0);
  call("st32", 128, 2, 0);
  call("gset", 2, 0, 0);
  wasm_journal_commit(&w.j, &inner);
  call("st32", 0, 3, 0);
  call("st32", 128, 3, 0);
  wasm_journal_rollback(&w.j, &outer);
  assert_state(&s0);
  /* after the wrap, a new savepoint saves again what the rollback
   * restored */
  wasm_journal_begin(&w.j, &outer);
  call("st32", 0, 4, 0);
  call("gset", 4, 0, 0);
  wasm_journal_rollback(&w.j, &outer);
  assert_state(&s0);
  /* and many savepoints in a row (more than one wrap), inside one */
  wasm_journal_begin(&w.j, &outer);
  for (uint32_t i = 0; i < 140000; i++) {
    wasm_journal_begin(&w.j, &inner);
    call("st32", (i % 50) * 64, i, 0);
    if (i % 3)
      wasm_journal_commit(&w.j, &inner);
    else
      wasm_journal_rollback(&w.j, &inner);
  }
  wasm_journal_rollback(&w.j, &outer);
  assert_state(&s0);
  free(s0.mem);
}

static void test_host_suspends(void **state) {
  (void)state;
  world_init(1 << 20);
  w.h.suspend = 2;
  wasm_extern e;
  assert_true(wasm_instance_export(w.in, "callh", 5, &e));
  wasm_value arg = {.i32 = 21};
  wasm_exec_set_fuel(w.x, 1000);
  assert_int_equal(wasm_call(w.x, e.u.func, &arg, 1), WASM_OUT_OF_FUEL);
  arg.i32 = 0; /* what the embedder passed need not outlive the call */
  uint32_t n;
  assert_null(wasm_exec_results(w.x, &n));
  assert_int_equal(wasm_exec_trap(w.x), WASM_TRAP_NONE);
  /* busy while suspended */
  assert_int_equal(wasm_call(w.x, e.u.func, &arg, 1), WASM_BUSY);
  assert_int_equal(wasm_resume(w.x), WASM_OUT_OF_FUEL);
  assert_int_equal(wasm_resume(w.x), WASM_OK);
  const wasm_value *r = wasm_exec_results(w.x, &n);
  assert_int_equal(n, 1);
  assert_int_equal(r[0].i32, 43);
  assert_int_equal(w.h.calls, 3);
  assert_int_equal(w.h.resumed, 2);
  assert_true(w.h.args_same);
  /* given up while suspended: the next call starts afresh */
  w.h = (host_state){.suspend = 1};
  arg.i32 = 5;
  assert_int_equal(wasm_call(w.x, e.u.func, &arg, 1), WASM_OUT_OF_FUEL);
  assert_int_equal(wasm_exec_reset(w.x), WASM_OK);
  assert_int_equal(wasm_resume(w.x), WASM_NOT_SUSPENDED);
  assert_int_equal(wasm_call(w.x, e.u.func, &arg, 1), WASM_OK);
  assert_int_equal(w.h.calls, 2);
  assert_int_equal(w.h.resumed, 0);
  assert_int_equal(wasm_exec_results(w.x, &n)[0].i32, 11);
}

static void test_host_charges(void **state) {
  (void)state;
  world_init(1 << 20);
  wasm_extern e;
  assert_true(wasm_instance_export(w.in, "callh", 5, &e));
  wasm_value arg = {.i32 = 1};
  /* the cost of callh without a charge */
  wasm_exec_set_fuel(w.x, 1000);
  assert_int_equal(wasm_call(w.x, e.u.func, &arg, 1), WASM_OK);
  uint64_t base = 1000 - wasm_exec_fuel(w.x);
  w.h.charge = 300;
  wasm_exec_set_fuel(w.x, 1000);
  assert_int_equal(wasm_call(w.x, e.u.func, &arg, 1), WASM_OK);
  assert_true(w.h.charged_ok);
  assert_int_equal(1000 - wasm_exec_fuel(w.x), base + 300);
  assert_int_equal(wasm_exec_debt(w.x), 0);
  /* more than is left: taken whole, the rest a debt */
  w.h.charge = 5000;
  wasm_exec_set_fuel(w.x, 1000);
  assert_int_equal(wasm_call(w.x, e.u.func, &arg, 1), WASM_OK);
  assert_false(w.h.charged_ok);
  assert_int_equal(wasm_exec_fuel(w.x), 0);
  assert_int_equal(wasm_exec_debt(w.x), base + 5000 - 1000);
  /* the debt is paid first from the next budget */
  wasm_exec_set_fuel(w.x, 10000);
  assert_int_equal(wasm_exec_fuel(w.x), 10000 - (base + 4000));
  /* a suspending host function that charges each time: the call stops
   * there and the debt carries over */
  w.h = (host_state){.suspend = 1, .charge = 100};
  wasm_exec_set_fuel(w.x, 50);
  assert_int_equal(wasm_call(w.x, e.u.func, &arg, 1), WASM_OUT_OF_FUEL);
  assert_false(w.h.charged_ok);
  assert_true(wasm_exec_debt(w.x) > 0);
  wasm_exec_set_fuel(w.x, 1000);
  assert_int_equal(wasm_resume(w.x), WASM_OK);
  assert_true(w.h.charged_ok);
}

/* A savepoint begun and ended by a host function inside the call: the
 * interpreter sees the new epoch when the host function returns. */
static wasm_savepoint host_sp;
static int host_mode;
static wasm_status host_journal(wasm_host_call *c, const wasm_value *args,
                                wasm_value *results) {
  (void)c;
  if (host_mode == 0)
    wasm_journal_begin(&w.j, &host_sp);
  else
    wasm_journal_rollback(&w.j, &host_sp);
  host_mode ^= 1;
  results[0].i32 = args[0].i32;
  return WASM_OK;
}

static void test_savepoint_from_host(void **state) {
  (void)state;
  world_init(1 << 20);
  prepare();
  snap s0 = take();
  w.hf->host = host_journal;
  host_mode = 0;
  call("callh", 0, 0, 0); /* begins */
  call("st32", 0, 0xffffffff, 0);
  assert_true(wasm_journal_used(&w.j) > 0);
  call("callh", 0, 0, 0); /* rolls back */
  assert_state(&s0);
  free(s0.mem);
}

static void test_attach_rules(void **state) {
  (void)state;
  world_init(1 << 20);
  wasm_journal other;
  uint8_t log[256];
  wasm_journal_init(&other, log, sizeof log);
  assert_true(wasm_journal_attach(&w.j, w.in, &w.a)); /* again: fine */
  assert_false(wasm_journal_attach(&other, w.in, &w.a));
  assert_false(wasm_journal_attach_memory(&other, w.in->mem, &w.a));
  /* the marks come from the arena: a full one refuses */
  wasm_memory *m = wasm_memory_new(&w.a, &w.lim, 1, 16);
  assert_non_null(m);
  wasm_arena small;
  uint8_t tiny[64];
  wasm_arena_init(&small, tiny, sizeof tiny);
  assert_false(wasm_journal_attach_memory(&other, m, &small));
  assert_true(wasm_journal_attach_memory(&other, m, &w.a));
  /* a host memory under the journal: its writes through the API undone */
  wasm_savepoint sp;
  wasm_journal_begin(&other, &sp);
  assert_true(wasm_memory_write(m, 16 * 65536 - 8, "12345678", 8) == false);
  assert_true(wasm_memory_write(m, 65536 - 8, "12345678", 8));
  wasm_journal_rollback(&other, &sp);
  uint8_t back[8];
  assert_true(wasm_memory_read(m, 65536 - 8, back, 8));
  assert_memory_equal(back, "\0\0\0\0\0\0\0\0", 8);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_stores_roll_back, teardown),
      cmocka_unit_test_teardown(test_bulk_rolls_back, teardown),
      cmocka_unit_test_teardown(test_globals_and_tables_roll_back, teardown),
      cmocka_unit_test_teardown(test_memory_grow_rolls_back, teardown),
      cmocka_unit_test_teardown(test_drops_roll_back, teardown),
      cmocka_unit_test_teardown(test_nested_inner_rollback, teardown),
      cmocka_unit_test_teardown(test_nested_outer_rollback, teardown),
      cmocka_unit_test_teardown(test_log_full_traps, teardown),
      cmocka_unit_test_teardown(test_epoch_wrap, teardown),
      cmocka_unit_test_teardown(test_host_suspends, teardown),
      cmocka_unit_test_teardown(test_host_charges, teardown),
      cmocka_unit_test_teardown(test_savepoint_from_host, teardown),
      cmocka_unit_test_teardown(test_attach_rules, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
