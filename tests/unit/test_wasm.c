/* test_wasm.c: what the spec tests do not cover in the WebAssembly engine
 * (realm/wasm/): fuel and resuming, call-depth exhaustion, host functions
 * and their checked memory access, the embedder's limits and their size
 * arithmetic, link errors, error reports, and the embedding API's refusals
 * (a busy context, results kept in the context, a resolver's objects after
 * a failed instantiation). test_wasm_fuel.c tests what fuel charges. The
 * module is assembled here, byte by byte:
 *
 *   (import "env" "add"  (func $add (param i32 i32) (result i32)))   ;; 0
 *   (import "env" "poke" (func $poke (param i32)))                    ;; 1
 *   (memory (export "mem") 1 2)
 *   (func (export "spin") (param $n i32) (result i32) (local $acc i32)  ;; 2
 *     (loop $l (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
 *              (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
 *     (local.get $acc))
 *   (func (export "rec") (param i32) (result i32) (call 3 (local.get 0)))  ;; 3
 *   (func (export "callhost") (param i32) (result i32)                  ;; 4
 *     (call $add (local.get 0) (i32.const 5)))
 *   (func (export "peek") (param i32) (result i32) (i32.load (local.get 0)))  ;; 5
 *   (func (export "pokeload") (param i32) (result i32)                  ;; 6
 *     (call $poke (local.get 0)) (i32.load (local.get 0)))
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wasm.h"

typedef struct buf {
  uint8_t b[1024];
  size_t n;
} buf;

static void put(buf *m, const uint8_t *p, size_t n) {
  memcpy(m->b + m->n, p, n);
  m->n += n;
}

static void section(buf *m, uint8_t id, const uint8_t *p, size_t n) {
  uint8_t h[2] = {id, (uint8_t)n}; /* every section here is < 128 bytes */
  put(m, h, 2);
  put(m, p, n);
}

#define SEC(m, id, ...)                                                        \
  do {                                                                         \
    static const uint8_t s_[] = {__VA_ARGS__};                                 \
    section(m, id, s_, sizeof s_);                                             \
  } while (0)

static void build(buf *m, uint8_t mem_min) {
  static const uint8_t hdr[8] = {0, 'a', 's', 'm', 1, 0, 0, 0};
  m->n = 0;
  put(m, hdr, 8);
  SEC(m, 1, 3, 0x60, 1, 0x7f, 1, 0x7f, /* t0 (i32)->(i32) */
      0x60, 2, 0x7f, 0x7f, 1, 0x7f,    /* t1 (i32 i32)->(i32) */
      0x60, 1, 0x7f, 0);               /* t2 (i32)->() */
  SEC(m, 2, 2, 3, 'e', 'n', 'v', 3, 'a', 'd', 'd', 0, 1, 3, 'e', 'n', 'v', 4,
      'p', 'o', 'k', 'e', 0, 2);
  SEC(m, 3, 5, 0, 0, 0, 0, 0);
  uint8_t mem[4] = {1, 1, mem_min, 2};
  section(m, 5, mem, 4);
  SEC(m, 7, 6, 4, 's', 'p', 'i', 'n', 0, 2, 3, 'r', 'e', 'c', 0, 3, 8, 'c', 'a',
      'l', 'l', 'h', 'o', 's', 't', 0, 4, 4, 'p', 'e', 'e', 'k', 0, 5, 8, 'p',
      'o', 'k', 'e', 'l', 'o', 'a', 'd', 0, 6, 3, 'm', 'e', 'm', 2, 0);
  SEC(m, 10, 5, 25, 1, 1, 0x7f, 0x03, 0x40, 0x20, 1, 0x41, 1, 0x6a, 0x21, 1,
      0x20, 0, 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b, 0x20, 1, 0x0b, /* spin */
      6, 0, 0x20, 0, 0x10, 3, 0x0b,                                  /* rec */
      8, 0, 0x20, 0, 0x41, 5, 0x10, 0, 0x0b,               /* callhost */
      7, 0, 0x20, 0, 0x28, 2, 0, 0x0b,                     /* peek */
      11, 0, 0x20, 0, 0x10, 1, 0x20, 0, 0x28, 2, 0, 0x0b); /* pokeload */
}

/* ---- host side ---- */

static int g_add_calls;

static wasm_status host_add(wasm_host_call *c, const wasm_value *args,
                            wasm_value *res) {
  int *calls = wasm_host_env(c);
  (*calls)++;
  res[0].i32 = args[0].i32 + args[1].i32;
  return WASM_OK;
}

static wasm_status host_poke(wasm_host_call *c, const wasm_value *args,
                             wasm_value *res) {
  (void)res;
  uint32_t v = 0x12345678;
  wasm_memory *m = wasm_host_memory(c);
  if (!m || !wasm_memory_write(m, args[0].i32, &v, 4))
    return WASM_TRAPPED;
  return WASM_OK;
}

typedef struct env {
  wasm_func *add, *poke;
} env;

static bool resolve(void *e_, const char *mod, uint32_t ml, const char *name,
                    uint32_t nl, wasm_extern *out) {
  env *e = e_;
  if (ml != 3 || memcmp(mod, "env", 3))
    return false;
  out->kind = WASM_EXTERN_FUNC;
  if (nl == 3 && !memcmp(name, "add", 3))
    out->u.func = e->add;
  else if (nl == 4 && !memcmp(name, "poke", 4))
    out->u.func = e->poke;
  else
    return false;
  return out->u.func != NULL;
}

typedef struct world {
  void *mem;
  wasm_arena a;
  wasm_limits lim;
  wasm_module *m;
  wasm_instance *in;
  wasm_exec *x;
  env e;
  wasm_error err;
  buf bin;
} world;

static const uint8_t T_I32[2] = {WASM_I32, WASM_I32};

static void world_init(world *w, size_t arena, const wasm_limits *lim) {
  memset(w, 0, sizeof *w);
  w->mem = malloc(arena);
  wasm_arena_init(&w->a, w->mem, arena);
  w->lim = *lim;
  wasm_functype t_add = {2, 1, T_I32, T_I32};
  wasm_functype t_poke = {1, 0, T_I32, NULL};
  w->e.add = wasm_host_func_new(&w->a, &t_add, host_add, &g_add_calls);
  w->e.poke = wasm_host_func_new(&w->a, &t_poke, host_poke, NULL);
  w->x = wasm_exec_new(&w->a, &w->lim);
  assert_non_null(w->e.add);
  assert_non_null(w->x);
  build(&w->bin, 1);
}

static void world_load(world *w) {
  w->m = wasm_module_load(w->bin.b, w->bin.n, &w->a, &w->lim, &w->err);
  if (!w->m)
    fail_msg("load: %s at %u: %s", w->err.section, w->err.offset,
             w->err.reason);
  w->in = wasm_instantiate(w->m, &w->a, &w->lim, resolve, &w->e, w->x, &w->err);
  if (!w->in)
    fail_msg("instantiate: %s", w->err.reason);
}

static wasm_func *fn(world *w, const char *name) {
  wasm_extern e;
  assert_true(wasm_instance_export(w->in, name, (uint32_t)strlen(name), &e));
  assert_int_equal(e.kind, WASM_EXTERN_FUNC);
  return e.u.func;
}

/* The one result of the call that returned last on x. */
static wasm_value result1(wasm_exec *x) {
  uint32_t n = 0;
  const wasm_value *v = wasm_exec_results(x, &n);
  assert_non_null(v);
  assert_int_equal(n, 1);
  return v[0];
}

static wasm_status call1(world *w, const char *name, uint32_t arg,
                         uint32_t *res) {
  wasm_value a = {.i32 = arg};
  wasm_status s = wasm_call(w->x, fn(w, name), &a, 1);
  *res = s == WASM_OK ? result1(w->x).i32 : 0;
  return s;
}

static void world_free(world *w) { free(w->mem); }

/* ---- tests ---- */

static void test_runs(void **state) {
  (void)state;
  world w;
  world_init(&w, 1 << 20, &wasm_default_limits);
  world_load(&w);
  uint32_t r;
  assert_int_equal(call1(&w, "spin", 100000, &r), WASM_OK);
  assert_int_equal(r, 100000);
  g_add_calls = 0;
  assert_int_equal(call1(&w, "callhost", 7, &r), WASM_OK);
  assert_int_equal(r, 12);
  assert_int_equal(g_add_calls, 1);
  world_free(&w);
}

/* Out of fuel is not a trap, and the call resumes where it stopped: the
 * loop's count comes out right however the budget is cut. */
static void test_fuel_resumes(void **state) {
  (void)state;
  world w;
  world_init(&w, 1 << 20, &wasm_default_limits);
  world_load(&w);
  wasm_value a = {.i32 = 50000};
  wasm_exec_set_fuel(w.x, 1000);
  wasm_status s = wasm_call(w.x, fn(&w, "spin"), &a, 1);
  int stops = 0;
  uint64_t spent = 0;
  while (s == WASM_OUT_OF_FUEL) {
    assert_int_equal(wasm_exec_trap(w.x), WASM_TRAP_NONE);
    spent += 1000 - wasm_exec_fuel(w.x);
    stops++;
    /* busy: another call is refused until this one ends */
    wasm_value a2 = {.i32 = 1};
    assert_int_equal(wasm_call(w.x, fn(&w, "spin"), &a2, 1), WASM_BUSY);
    assert_null(wasm_exec_results(w.x, &(uint32_t){0}));
    wasm_exec_set_fuel(w.x, 1000);
    s = wasm_resume(w.x);
  }
  assert_int_equal(s, WASM_OK);
  assert_int_equal(result1(w.x).i32, 50000);
  spent += 1000 - wasm_exec_fuel(w.x) + wasm_exec_debt(w.x);
  /* The cost model of docs/wasm.md: entering spin costs its body (13
   * instructions: loop, the 10 of the loop body with its end, local.get,
   * end) and its one local; each branch back costs the loop body (10). */
  assert_int_equal(spent, 13 + 1 + 49999 * 10);
  /* Every slice spends its whole budget (a charge that does not fit is
   * taken as a debt the next one pays): 500,004 units in 500 slices, the
   * last ending 4 in debt. */
  assert_int_equal(stops, 499);
  assert_int_equal(wasm_exec_debt(w.x), 4);
  /* a fresh call after the last resume */
  uint32_t v;
  wasm_exec_set_fuel(w.x, UINT64_MAX);
  assert_int_equal(call1(&w, "spin", 3, &v), WASM_OK);
  assert_int_equal(v, 3);
  /* too little fuel even to enter: resumable too */
  wasm_exec_set_fuel(w.x, 0);
  a.i32 = 5;
  assert_int_equal(wasm_call(w.x, fn(&w, "spin"), &a, 1), WASM_OUT_OF_FUEL);
  wasm_exec_set_fuel(w.x, UINT64_MAX);
  assert_int_equal(wasm_resume(w.x), WASM_OK);
  assert_int_equal(result1(w.x).i32, 5);
  assert_int_equal(wasm_resume(w.x), WASM_NOT_SUSPENDED);
  /* giving up an interrupted call frees the context */
  wasm_exec_set_fuel(w.x, 10);
  a.i32 = 1000;
  assert_int_equal(wasm_call(w.x, fn(&w, "spin"), &a, 1), WASM_OUT_OF_FUEL);
  assert_int_equal(wasm_exec_reset(w.x), WASM_OK);
  assert_int_equal(wasm_resume(w.x), WASM_NOT_SUSPENDED);
  wasm_exec_set_fuel(w.x, UINT64_MAX);
  assert_int_equal(call1(&w, "spin", 4, &v), WASM_OK);
  assert_int_equal(v, 4);
  world_free(&w);
}

/* Unbounded recursion stops at the embedder's depth, as a trap; the
 * context is usable after it. */
static void test_call_depth(void **state) {
  (void)state;
  world w;
  wasm_limits lim = wasm_default_limits;
  lim.max_call_depth = 100;
  world_init(&w, 1 << 20, &lim);
  world_load(&w);
  uint32_t r;
  assert_int_equal(call1(&w, "rec", 1, &r), WASM_TRAPPED);
  assert_int_equal(wasm_exec_trap(w.x), WASM_TRAP_STACK_EXHAUSTED);
  assert_string_equal(wasm_trap_string(WASM_TRAP_STACK_EXHAUSTED),
                      "call stack exhausted");
  assert_int_equal(call1(&w, "spin", 9, &r), WASM_OK);
  assert_int_equal(r, 9);
  world_free(&w);
}

/* A host function reaches the caller's memory only through checked
 * accessors; out of bounds it traps instead of writing. */
static void test_host_memory(void **state) {
  (void)state;
  world w;
  world_init(&w, 1 << 20, &wasm_default_limits);
  world_load(&w);
  uint32_t r;
  assert_int_equal(call1(&w, "pokeload", 16, &r), WASM_OK);
  assert_int_equal(r, 0x12345678);
  assert_int_equal(call1(&w, "pokeload", 65533, &r), WASM_TRAPPED);
  assert_int_equal(wasm_exec_trap(w.x), WASM_TRAP_HOST);
  assert_int_equal(call1(&w, "peek", 65536, &r), WASM_TRAPPED);
  assert_int_equal(wasm_exec_trap(w.x), WASM_TRAP_MEMORY_OOB);
  assert_int_equal(call1(&w, "peek", 65532, &r), WASM_OK);
  wasm_extern e;
  assert_true(wasm_instance_export(w.in, "mem", 3, &e));
  assert_int_equal(e.kind, WASM_EXTERN_MEMORY);
  assert_int_equal(wasm_memory_pages(e.u.memory), 1);
  world_free(&w);
}

/* The embedder's limits: module size, pages, and the arena itself. */
static void test_limits(void **state) {
  (void)state;
  world w;
  wasm_limits lim = wasm_default_limits;
  lim.max_module_bytes = 50;
  world_init(&w, 1 << 20, &lim);
  assert_null(wasm_module_load(w.bin.b, w.bin.n, &w.a, &w.lim, &w.err));
  assert_int_equal(w.err.kind, WASM_ERR_LIMIT);
  world_free(&w);

  lim = wasm_default_limits;
  lim.max_pages = 2;
  world_init(&w, 1 << 20, &lim);
  build(&w.bin, 3); /* memory 3 2: invalid (min > max) */
  assert_null(wasm_module_load(w.bin.b, w.bin.n, &w.a, &w.lim, &w.err));
  assert_int_equal(w.err.kind, WASM_ERR_INVALID);
  world_free(&w);

  lim = wasm_default_limits;
  lim.max_pages = 0;
  world_init(&w, 1 << 20, &lim);
  w.m = wasm_module_load(w.bin.b, w.bin.n, &w.a, &w.lim, &w.err);
  assert_non_null(w.m);
  assert_null(wasm_instantiate(w.m, &w.a, &w.lim, resolve, &w.e, w.x, &w.err));
  assert_int_equal(w.err.kind, WASM_ERR_LIMIT);
  world_free(&w);

  /* Every arena size up to what the module needs: a clean refusal, never
   * a crash; the first size that suffices runs it. */
  bool ran = false;
  for (size_t size = 64; size < 300000 && !ran; size += size / 8) {
    world_init(&w, size + 200000, &wasm_default_limits);
    w.a.size = w.a.used + size; /* what is left for the module */
    w.m = wasm_module_load(w.bin.b, w.bin.n, &w.a, &w.lim, &w.err);
    if (w.m)
      w.in = wasm_instantiate(w.m, &w.a, &w.lim, resolve, &w.e, w.x, &w.err);
    if (w.m && w.in) {
      uint32_t r;
      assert_int_equal(call1(&w, "spin", 5, &r), WASM_OK);
      assert_int_equal(r, 5);
      ran = true;
    } else {
      assert_int_equal(w.err.kind, WASM_ERR_LIMIT);
    }
    world_free(&w);
  }
  assert_true(ran);
}

static void test_link_errors(void **state) {
  (void)state;
  world w;
  world_init(&w, 1 << 20, &wasm_default_limits);
  w.m = wasm_module_load(w.bin.b, w.bin.n, &w.a, &w.lim, &w.err);
  assert_non_null(w.m);
  wasm_func *add = w.e.add;
  w.e.add = NULL; /* unknown import */
  assert_null(wasm_instantiate(w.m, &w.a, &w.lim, resolve, &w.e, w.x, &w.err));
  assert_int_equal(w.err.kind, WASM_ERR_LINK);
  w.e.add = w.e.poke; /* (i32)->() where (i32 i32)->(i32) is wanted */
  assert_null(wasm_instantiate(w.m, &w.a, &w.lim, resolve, &w.e, w.x, &w.err));
  assert_int_equal(w.err.kind, WASM_ERR_LINK);
  w.e.add = add;
  assert_non_null(
      wasm_instantiate(w.m, &w.a, &w.lim, resolve, &w.e, w.x, &w.err));
  world_free(&w);
}

/* Errors say where and why. */
static void test_errors(void **state) {
  (void)state;
  world w;
  world_init(&w, 1 << 20, &wasm_default_limits);
  /* cut inside the export section */
  size_t cut = w.bin.n - 60;
  assert_null(wasm_module_load(w.bin.b, cut, &w.a, &w.lim, &w.err));
  assert_int_equal(w.err.kind, WASM_ERR_MALFORMED);
  assert_true(w.err.offset <= cut);
  assert_true(w.err.reason[0] != 0);
  /* spin's `i32.add` becomes `i64.add`: a type mismatch in the code */
  uint8_t *p = memchr(w.bin.b + 40, 0x6a, w.bin.n - 40);
  while (p && !(p[-1] == 1 && p[-2] == 0x41))
    p = memchr(p + 1, 0x6a, (size_t)(w.bin.b + w.bin.n - p - 1));
  assert_non_null(p);
  *p = 0x7c;
  assert_null(wasm_module_load(w.bin.b, w.bin.n, &w.a, &w.lim, &w.err));
  assert_int_equal(w.err.kind, WASM_ERR_INVALID);
  assert_string_equal(w.err.section, "code");
  assert_int_equal(w.err.offset, (uint32_t)(p - w.bin.b));
  assert_string_equal(w.err.reason, "type mismatch");
  world_free(&w);
}

/* A mutable global shared by host and module:
 *   (import "env" "g" (global $g (mut i32)))
 *   (func (export "inc") (global.set $g (i32.add (global.get $g) (i32.const 1)))) */
static const uint8_t g_inc_module[] = {
    0,  'a', 's', 'm', 1, 0,    0,   0,    1,   4,    1,    0x60, 0,
    0,  2,   10,  1,   3, 'e',  'n', 'v',  1,   'g',  3,    0x7f, 1,
    3,  2,   1,   0,   7, 7,    1,   3,    'i', 'n',  'c',  0,    0,
    10, 11,  1,   9,   0, 0x23, 0,   0x41, 1,   0x6a, 0x24, 0,    0x0b,
};

static bool resolve_global(void *g, const char *mod, uint32_t ml,
                           const char *name, uint32_t nl, wasm_extern *out) {
  (void)mod, (void)ml, (void)name, (void)nl;
  out->kind = WASM_EXTERN_GLOBAL;
  out->u.global = g;
  return true;
}

static void test_shared_global(void **state) {
  (void)state;
  world w;
  world_init(&w, 1 << 20, &wasm_default_limits);
  w.m =
      wasm_module_load(g_inc_module, sizeof g_inc_module, &w.a, &w.lim, &w.err);
  if (!w.m)
    fail_msg("load: %s", w.err.reason);
  wasm_value v = {.i32 = 41};
  wasm_global *fixed = wasm_global_new(&w.a, WASM_I32, false, v);
  wasm_global *g = wasm_global_new(&w.a, WASM_I32, true, v);
  bool mut = false;
  assert_int_equal(wasm_global_type(g, &mut), WASM_I32);
  assert_true(mut);
  assert_false(wasm_global_set(fixed, v));
  /* an immutable global where a mutable one is imported: link error */
  assert_null(
      wasm_instantiate(w.m, &w.a, &w.lim, resolve_global, fixed, w.x, &w.err));
  assert_int_equal(w.err.kind, WASM_ERR_LINK);
  w.in = wasm_instantiate(w.m, &w.a, &w.lim, resolve_global, g, w.x, &w.err);
  assert_non_null(w.in);
  wasm_func *inc = fn(&w, "inc");
  assert_int_equal(wasm_call(w.x, inc, NULL, 0), WASM_OK);
  assert_int_equal(wasm_call(w.x, inc, NULL, 0), WASM_OK);
  assert_int_equal(wasm_global_get(g).i32, 43);
  v.i32 = 100;
  assert_true(wasm_global_set(g, v));
  assert_int_equal(wasm_call(w.x, inc, NULL, 0), WASM_OK);
  assert_int_equal(wasm_global_get(g).i32, 101);
  world_free(&w);
}

/* Every way back to a loop pays fuel, so none of these runs forever:
 *   l0: (loop (br 0))                              a plain branch back
 *   l1: (loop (br_if 0 (i32.const 1)))             br_if on a value
 *   l2: (loop (br_table 0 0 (local.get 0)))        br_table
 *   l3: (loop (br_if 0 (i32.eqz (local.get 0))))   fused with eqz
 *   l4: (loop (br_if 0 (i32.lt_u (local.get 0) (i32.const 5))))  fused, immediate */
static const uint8_t g_loops_module[] = {
    0,    'a',  's',  'm',  1,    0,    0,    0,    1,    5,    1,    0x60,
    1,    0x7f, 0,    3,    6,    5,    0,    0,    0,    0,    0,    7,
    26,   5,    2,    'l',  '0',  0,    0,    2,    'l',  '1',  0,    1,
    2,    'l',  '2',  0,    2,    2,    'l',  '3',  0,    3,    2,    'l',
    '4',  0,    4,    10,   55,   5,    7,    0,    0x03, 0x40, 0x0c, 0,
    0x0b, 0x0b, 9,    0,    0x03, 0x40, 0x41, 1,    0x0d, 0,    0x0b, 0x0b,
    11,   0,    0x03, 0x40, 0x20, 0,    0x0e, 1,    0,    0,    0x0b, 0x0b,
    10,   0,    0x03, 0x40, 0x20, 0,    0x45, 0x0d, 0,    0x0b, 0x0b, 12,
    0,    0x03, 0x40, 0x20, 0,    0x41, 5,    0x49, 0x0d, 0,    0x0b, 0x0b,
};

static void test_fuel_stops_loops(void **state) {
  (void)state;
  world w;
  world_init(&w, 1 << 20, &wasm_default_limits);
  w.m = wasm_module_load(g_loops_module, sizeof g_loops_module, &w.a, &w.lim,
                         &w.err);
  if (!w.m)
    fail_msg("load: %s at %u: %s", w.err.section, w.err.offset, w.err.reason);
  w.in = wasm_instantiate(w.m, &w.a, &w.lim, resolve, &w.e, w.x, &w.err);
  assert_non_null(w.in);
  static const char *names[] = {"l0", "l1", "l2", "l3", "l4"};
  for (unsigned i = 0; i < 5; i++) {
    wasm_value a = {.i32 = 0};
    wasm_exec_set_fuel(w.x, 100000);
    assert_int_equal(wasm_call(w.x, fn(&w, names[i]), &a, 1), WASM_OUT_OF_FUEL);
    assert_true(wasm_exec_fuel(w.x) <
                10); /* it ran until the budget was spent */
    wasm_exec_set_fuel(w.x, 1000);
    assert_int_equal(wasm_resume(w.x), WASM_OUT_OF_FUEL);
    wasm_exec_reset(w.x);
  }
  world_free(&w);
}

/* Bulk instructions of length 0 on a memory and a table that have no
 * storage at all (0 pages, 0 elements, storage from a resize hook): they do
 * nothing, with no pointer arithmetic on NULL (found by fuzz_wasm).
 *   (memory 0) (table 0 funcref)
 *   (func (export "z") (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))
 *     (memory.copy (i32.const 0) (i32.const 0) (i32.const 0))
 *     (table.fill 0 (i32.const 0) (ref.null func) (i32.const 0))
 *     (table.copy 0 0 (i32.const 0) (i32.const 0) (i32.const 0))) */
static const uint8_t g_empty_module[] = {
    0,    'a',  's',  'm',  1,    0,    0,    0,    1,    4,    1, 0x60,
    0,    0,    3,    2,    1,    0,    4,    4,    1,    0x70, 0, 0,
    5,    3,    1,    0,    0,    7,    5,    1,    1,    'z',  0, 0,
    10,   42,   1,    40,   0,    0x41, 0,    0x41, 0,    0x41, 0, 0xfc,
    11,   0,    0x41, 0,    0x41, 0,    0x41, 0,    0xfc, 10,   0, 0,
    0x41, 0,    0xd0, 0x70, 0x41, 0,    0xfc, 17,   0,    0x41, 0, 0x41,
    0,    0x41, 0,    0xfc, 14,   0,    0,    0x0b,
};

static void *test_resize(void *env, void *old, size_t old_bytes,
                         size_t new_bytes) {
  (void)env, (void)old_bytes;
  if (!new_bytes) {
    free(old);
    return NULL;
  }
  return realloc(old, new_bytes);
}

static void test_empty_bulk(void **state) {
  (void)state;
  world w;
  wasm_limits lim = wasm_default_limits;
  lim.resize = test_resize;
  world_init(&w, 1 << 20, &lim);
  w.m = wasm_module_load(g_empty_module, sizeof g_empty_module, &w.a, &w.lim,
                         &w.err);
  if (!w.m)
    fail_msg("load: %s at %u: %s", w.err.section, w.err.offset, w.err.reason);
  w.in = wasm_instantiate(w.m, &w.a, &w.lim, resolve, &w.e, w.x, &w.err);
  assert_non_null(w.in);
  assert_int_equal(wasm_call(w.x, fn(&w, "z"), NULL, 0), WASM_OK);
  world_free(&w);
}

/* A start function that never ends, on a budget: instantiation fails with
 * a limit error and the context is free again.
 *   (func $s (loop (br 0))) (start $s) */
static const uint8_t g_start_loop_module[] = {
    0, 'a', 's', 'm', 1, 0,  0, 0, 1, 4, 1,    0x60, 0,    0, 3,    2,
    1, 0,   8,   1,   0, 10, 9, 1, 7, 0, 0x03, 0x40, 0x0c, 0, 0x0b, 0x0b,
};

static void test_start_out_of_fuel(void **state) {
  (void)state;
  world w;
  world_init(&w, 1 << 20, &wasm_default_limits);
  wasm_module *m = wasm_module_load(
      g_start_loop_module, sizeof g_start_loop_module, &w.a, &w.lim, &w.err);
  assert_non_null(m);
  wasm_exec_set_fuel(w.x, 1000);
  assert_null(wasm_instantiate(m, &w.a, &w.lim, resolve, &w.e, w.x, &w.err));
  assert_int_equal(w.err.kind, WASM_ERR_LIMIT);
  wasm_exec_set_fuel(w.x, UINT64_MAX);
  world_load(&w);
  uint32_t r;
  assert_int_equal(call1(&w, "spin", 7, &r), WASM_OK); /* not WASM_BUSY */
  assert_int_equal(r, 7);
  world_free(&w);
}

/* An instantiation that runs out of arena gives everything back: the arena
 * and what a resize hook gave its table and memory.
 *   (table 1 funcref) (memory 1) (global i32 (i32.const 7))
 *   (func (export "g") (result i32) (global.get 0)) */
static const uint8_t g_own_module[] = {
    0,    'a', 's', 'm', 1, 0,    0, 0,    1,    5,    1,    0x60, 0, 1,
    0x7f, 3,   2,   1,   0, 4,    4, 1,    0x70, 0,    1,    5,    3, 1,
    0,    1,   6,   6,   1, 0x7f, 0, 0x41, 7,    0x0b, 7,    5,    1, 1,
    'g',  0,   0,   10,  6, 1,    4, 0,    0x23, 0,    0x0b,
};

static long g_live;       /* bytes the counting hook has handed out */
static void *g_blocks[8]; /* and where */

static void *counting_resize(void *env, void *old, size_t old_bytes,
                             size_t new_bytes) {
  (void)env;
  void *p = test_resize(NULL, old, old_bytes, new_bytes);
  g_live += (long)new_bytes - (long)old_bytes;
  for (unsigned i = 0; i < 8; i++)
    if (g_blocks[i] == old) {
      g_blocks[i] = p;
      return p;
    }
  for (unsigned i = 0; i < 8; i++)
    if (!g_blocks[i]) {
      g_blocks[i] = p;
      break;
    }
  return p;
}

/* The embedder owns what its hook handed out: here, freed at the end. */
static void free_blocks(void) {
  for (unsigned i = 0; i < 8; i++) {
    free(g_blocks[i]);
    g_blocks[i] = NULL;
  }
}

static void test_instantiate_undo(void **state) {
  (void)state;
  bool ran = false;
  for (size_t size = 0; size < 4096 && !ran; size += 8) {
    world w;
    wasm_limits lim = wasm_default_limits;
    lim.resize = counting_resize;
    world_init(&w, 1 << 20, &lim);
    w.m = wasm_module_load(g_own_module, sizeof g_own_module, &w.a, &w.lim,
                           &w.err);
    assert_non_null(w.m);
    size_t before = w.a.used;
    w.a.size = before + size; /* what instantiation may take */
    g_live = 0;
    w.in = wasm_instantiate(w.m, &w.a, &w.lim, resolve, &w.e, w.x, &w.err);
    if (w.in) {
      assert_int_equal(g_live, 65536 + 8); /* one page, one table element */
      assert_int_equal(wasm_call(w.x, fn(&w, "g"), NULL, 0), WASM_OK);
      assert_int_equal(result1(w.x).i32, 7);
      free_blocks();
      ran = true;
    } else {
      assert_int_equal(w.err.kind, WASM_ERR_LIMIT);
      assert_int_equal(w.a.used, before);
      assert_int_equal(g_live, 0);
    }
    world_free(&w);
  }
  assert_true(ran);
}

/* A host function on the context that runs it: every call that would
 * disturb the running interpreter is refused with WASM_BUSY, and the call
 * goes on undisturbed (7 + 5 = 12 comes back). */
typedef struct meddler {
  wasm_exec *x;
  wasm_func *victim;
  wasm_status reset, call, resume;
} meddler;

static wasm_status host_meddle(wasm_host_call *c, const wasm_value *args,
                               wasm_value *res) {
  meddler *m = wasm_host_env(c);
  wasm_value a = {.i32 = 3};
  m->reset = wasm_exec_reset(m->x);
  m->call = wasm_call(m->x, m->victim, &a, 1);
  m->resume = wasm_resume(m->x);
  res[0].i32 = args[0].i32 + args[1].i32;
  return WASM_OK;
}

static void test_busy_inside_host(void **state) {
  (void)state;
  world w;
  world_init(&w, 1 << 20, &wasm_default_limits);
  static meddler m;
  wasm_functype t_add = {2, 1, T_I32, T_I32};
  w.e.add = wasm_host_func_new(&w.a, &t_add, host_meddle, &m);
  world_load(&w);
  m.x = w.x;
  m.victim = fn(&w, "spin");
  uint32_t r;
  wasm_exec_set_fuel(w.x, 1000);
  assert_int_equal(call1(&w, "callhost", 7, &r), WASM_OK);
  assert_int_equal(r, 12);
  assert_int_equal(m.reset, WASM_BUSY);
  assert_int_equal(m.call, WASM_BUSY);
  assert_int_equal(m.resume, WASM_BUSY);
  /* and the context is idle and whole after it */
  assert_int_equal(call1(&w, "spin", 9, &r), WASM_OK);
  assert_int_equal(r, 9);
  world_free(&w);
}

/* Results stay in the context until the next call; a call that fails or
 * is suspended has none; a wrong argument count is WASM_BAD_ARGS. */
static void test_results_in_context(void **state) {
  (void)state;
  world w;
  world_init(&w, 1 << 20, &wasm_default_limits);
  world_load(&w);
  uint32_t r, n = 99;
  assert_null(wasm_exec_results(w.x, &n)); /* no call yet */
  assert_int_equal(n, 0);
  assert_int_equal(call1(&w, "spin", 11, &r), WASM_OK);
  assert_int_equal(result1(w.x).i32, 11); /* asked again: the same */
  wasm_value a = {.i32 = 1};
  assert_int_equal(wasm_call(w.x, fn(&w, "spin"), &a, 0), WASM_BAD_ARGS);
  assert_int_equal(wasm_call(w.x, NULL, &a, 1), WASM_BAD_ARGS);
  assert_int_equal(result1(w.x).i32, 11); /* a refused call changes nothing */
  a.i32 = 1u << 20;                       /* out of bounds */
  assert_int_equal(wasm_call(w.x, fn(&w, "peek"), &a, 1), WASM_TRAPPED);
  assert_null(wasm_exec_results(w.x, &n));
  /* suspended, then resumed from "a later callback": the results are in
   * the context, not in a caller's frame long gone */
  a.i32 = 1000;
  wasm_exec_set_fuel(w.x, 100);
  assert_int_equal(wasm_call(w.x, fn(&w, "spin"), &a, 1), WASM_OUT_OF_FUEL);
  assert_null(wasm_exec_results(w.x, &n));
  wasm_exec_set_fuel(w.x, UINT64_MAX);
  assert_int_equal(wasm_resume(w.x), WASM_OK);
  assert_int_equal(result1(w.x).i32, 1000);
  world_free(&w);
}

/* A resolver that makes its host functions in the instance's arena, as
 * they are asked for. */
static bool resolve_in_arena(void *e_, const char *mod, uint32_t ml,
                             const char *name, uint32_t nl, wasm_extern *out) {
  world *w = e_;
  wasm_functype t_add = {2, 1, T_I32, T_I32};
  wasm_functype t_poke = {1, 0, T_I32, NULL};
  if (ml != 3 || memcmp(mod, "env", 3))
    return false;
  out->kind = WASM_EXTERN_FUNC;
  if (nl == 3 && !memcmp(name, "add", 3))
    out->u.func = w->e.add =
        wasm_host_func_new(&w->a, &t_add, host_add, &g_add_calls);
  else if (nl == 4 && !memcmp(name, "poke", 4))
    out->u.func = w->e.poke =
        wasm_host_func_new(&w->a, &t_poke, host_poke, NULL);
  else
    return false;
  return out->u.func != NULL;
}

/* An instantiation that fails after resolving (here: its memory is over
 * the limit) does not give back the arena under the objects the resolver
 * made during the call: they stay whole when the arena is used again. */
static void test_failed_instantiate_keeps_resolved(void **state) {
  (void)state;
  world w;
  world_init(&w, 1 << 20, &wasm_default_limits);
  w.m = wasm_module_load(w.bin.b, w.bin.n, &w.a, &w.lim, &w.err);
  assert_non_null(w.m);
  wasm_limits small = w.lim;
  small.max_pages = 0; /* the module's memory needs 1 */
  size_t before = w.a.used;
  assert_null(
      wasm_instantiate(w.m, &w.a, &small, resolve_in_arena, &w, w.x, &w.err));
  assert_int_equal(w.err.kind, WASM_ERR_LIMIT);
  assert_non_null(w.e.add);
  assert_true(w.a.used > before);
  assert_true((uint8_t *)w.e.poke < w.a.base + w.a.used);
  /* the arena's next bytes (zeroed when taken) are not the host objects' */
  assert_non_null(wasm_arena_alloc(&w.a, 4096, 8));
  const wasm_functype *t = wasm_func_type(w.e.add);
  assert_non_null(t);
  assert_int_equal(t->nparams, 2);
  assert_int_equal(t->nresults, 1);
  /* a resolver that made nothing gets everything back, as before */
  size_t again = w.a.used;
  assert_null(wasm_instantiate(w.m, &w.a, &small, resolve, &w.e, w.x, &w.err));
  assert_int_equal(w.a.used, again);
  world_free(&w);
}

/* engine-internal (arena.c): sized arrays refuse n * size past SIZE_MAX */
void *wasm_arena_array(wasm_arena *a, size_t n, size_t size, size_t align);

static void test_size_overflow(void **state) {
  (void)state;
  static uint8_t mem[4096];
  wasm_arena a;
  wasm_arena_init(&a, mem, sizeof mem);
  assert_null(wasm_arena_array(&a, SIZE_MAX / 8 + 2, 8, 8)); /* wraps to 8 */
  assert_int_equal(a.used, 0);
  assert_non_null(wasm_arena_array(&a, 2, 8, 8));
  /* limits past the address space: refused (on i386 too, limits.c of the
   * spec runner) */
  wasm_limits lim = wasm_default_limits;
  lim.max_call_depth = UINT32_MAX;
  assert_null(wasm_exec_new(&a, &lim));
  /* a host function type whose counts overflow a 32-bit sum */
  wasm_functype huge = {UINT32_MAX, 2, T_I32, T_I32};
  if (sizeof(size_t) == 4)
    assert_null(wasm_host_func_new(&a, &huge, host_add, NULL));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_runs),
      cmocka_unit_test(test_fuel_resumes),
      cmocka_unit_test(test_call_depth),
      cmocka_unit_test(test_host_memory),
      cmocka_unit_test(test_limits),
      cmocka_unit_test(test_link_errors),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_shared_global),
      cmocka_unit_test(test_fuel_stops_loops),
      cmocka_unit_test(test_empty_bulk),
      cmocka_unit_test(test_start_out_of_fuel),
      cmocka_unit_test(test_instantiate_undo),
      cmocka_unit_test(test_busy_inside_host),
      cmocka_unit_test(test_results_in_context),
      cmocka_unit_test(test_failed_instantiate_keeps_resolved),
      cmocka_unit_test(test_size_overflow),
  };
  alarm(120); /* a loop that fuel fails to stop ends the run, not the suite */
  return cmocka_run_group_tests(tests, NULL, NULL);
}
