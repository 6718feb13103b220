/* test_wasm_fuel.c: what fuel charges in the WebAssembly engine
 * (realm/wasm/) and that every budget makes progress: charges larger than
 * a slice, the debt they leave, and work whose size is only known when it
 * runs (bulk memory and table instructions, growth, a callee's locals).
 * The module is assembled here:
 *
 *   (memory (export "mem") 2 4) (table 0 funcref)
 *   (data "...4096 bytes...")                                  ;; passive
 *   0 nops (n)             600 nops
 *   1 loopnops (n)         (loop 600 nops, n -= 1, br_if n)
 *   2 fill (n)             memory.fill 0 42 n
 *   3 copy (n)             memory.copy 65536 0 n
 *   4 init (n)             memory.init 0 0 0 n
 *   5 tfill (n)            table.fill 0 ref.null n
 *   6 tcopy (n)            table.copy 0 0 n
 *   7 tgrow (n) -> i32     table.grow ref.null n
 *   8 mgrow (n) -> i32     memory.grow n
 *   9 locals (n)           1000 i32 locals, an empty body
 *   10 nolocals (n)        an empty body
 *   11 move (d s n)        memory.copy d s n
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
#include "wasm_writer.h"

#define NOPS 600
#define DATA 4096

static wasm_writer mod; /* the module build() writes */
#define BYTES(...) WW_BYTES(&mod, __VA_ARGS__)

static const char *const names[] = {"nops",  "loopnops", "fill",     "copy",
                                    "init",  "tfill",    "tcopy",    "tgrow",
                                    "mgrow", "locals",   "nolocals", "move"};
/* t0 (i32) -> (), t1 (i32) -> (i32), t2 (i32 i32 i32) -> () */
static const uint8_t types[] = {0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 2};
#define NFUNCS (sizeof types)

/* One function: its locals' bytes, then the body before its end. */
#define FUNC(locals, ...)                                                      \
  do {                                                                         \
    size_t f_ = ww_open(&mod);                                                 \
    BYTES locals;                                                              \
    BYTES(__VA_ARGS__);                                                        \
    ww_byte(&mod, 0x0b);                                                       \
    ww_close(&mod, f_);                                                        \
  } while (0)

static void build(void) {
  ww_header(&mod);
  size_t s = ww_section(&mod, 1);
  BYTES(3, 0x60, 1, 0x7f, 0, 0x60, 1, 0x7f, 1, 0x7f, 0x60, 3, 0x7f, 0x7f, 0x7f,
        0);
  ww_close(&mod, s);
  s = ww_section(&mod, 3);
  ww_uleb(&mod, NFUNCS);
  ww_put(&mod, types, NFUNCS);
  ww_close(&mod, s);
  s = ww_section(&mod, 4);
  BYTES(1, 0x70, 0, 0);
  ww_close(&mod, s);
  s = ww_section(&mod, 5);
  BYTES(1, 1, 2, 4);
  ww_close(&mod, s);
  s = ww_section(&mod, 7);
  ww_uleb(&mod, NFUNCS + 1);
  for (uint32_t i = 0; i < NFUNCS; i++) {
    ww_uleb(&mod, (uint32_t)strlen(names[i]));
    ww_put(&mod, (const uint8_t *)names[i], strlen(names[i]));
    ww_byte(&mod, 0);
    ww_uleb(&mod, i);
  }
  BYTES(3, 'm', 'e', 'm', 2, 0);
  ww_close(&mod, s);
  s = ww_section(&mod, 12);
  ww_byte(&mod, 1);
  ww_close(&mod, s);
  s = ww_section(&mod, 10);
  ww_uleb(&mod, NFUNCS);
  size_t f = ww_open(&mod); /* nops */
  ww_byte(&mod, 0);
  for (int i = 0; i < NOPS; i++)
    ww_byte(&mod, 0x01);
  ww_byte(&mod, 0x0b);
  ww_close(&mod, f);
  f = ww_open(&mod); /* loopnops */
  BYTES(0, 0x03, 0x40);
  for (int i = 0; i < NOPS; i++)
    ww_byte(&mod, 0x01);
  BYTES(0x20, 0, 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b, 0x0b);
  ww_close(&mod, f);
  FUNC((0), 0x41, 0, 0x41, 42, 0x20, 0, 0xfc, 0x0b, 0); /* fill */
  FUNC((0), 0x41, 0x80, 0x80, 0x04, 0x41, 0, 0x20, 0, 0xfc, 0x0a, 0,
       0);                                                /* copy */
  FUNC((0), 0x41, 0, 0x41, 0, 0x20, 0, 0xfc, 0x08, 0, 0); /* init */
  FUNC((0), 0x41, 0, 0xd0, 0x70, 0x20, 0, 0xfc, 0x11, 0); /* tfill */
  FUNC((0), 0x41, 0, 0x41, 0, 0x20, 0, 0xfc, 0x0e, 0, 0); /* tcopy */
  FUNC((0), 0xd0, 0x70, 0x20, 0, 0xfc, 0x0f, 0);          /* tgrow */
  FUNC((0), 0x20, 0, 0x40, 0);                            /* mgrow */
  FUNC((1, 0xe8, 0x07, 0x7f), 0x01);                      /* locals */
  FUNC((0), 0x01);                                        /* nolocals */
  FUNC((0), 0x20, 0, 0x20, 1, 0x20, 2, 0xfc, 0x0a, 0, 0); /* move */
  ww_close(&mod, s);
  s = ww_section(&mod, 11);
  BYTES(1, 1);
  ww_uleb(&mod, DATA);
  for (uint32_t i = 0; i < DATA; i++)
    ww_byte(&mod, (uint8_t)(i * 7 + 1));
  ww_close(&mod, s);
}

typedef struct world {
  void *mem;
  wasm_arena a;
  wasm_limits lim;
  wasm_module *m;
  wasm_instance *in;
  wasm_exec *x;
  wasm_memory *memory;
} world;

/* A world whose memory and table grow through resize (NULL: none). */
static void world_init_with(world *w, wasm_resize_fn resize) {
  memset(w, 0, sizeof *w);
  build();
  w->mem = malloc(4 << 20);
  wasm_arena_init(&w->a, w->mem, 4 << 20);
  w->lim = wasm_default_limits;
  w->lim.max_module_bytes = (uint32_t)mod.n;
  w->lim.resize = resize;
  wasm_error err;
  w->m = wasm_module_load(mod.b, mod.n, &w->a, &w->lim, &err);
  if (!w->m)
    fail_msg("load: %s at %u: %s", err.section, err.offset, err.reason);
  w->x = wasm_exec_new(&w->a, &w->lim);
  assert_non_null(w->x);
  w->in = wasm_instantiate(w->m, &w->a, &w->lim, NULL, NULL, w->x, &err);
  if (!w->in)
    fail_msg("instantiate: %s", err.reason);
  wasm_extern e;
  assert_true(wasm_instance_export(w->in, "mem", 3, &e));
  w->memory = e.u.memory;
}

static void world_init(world *w) { world_init_with(w, NULL); }

/* A resize hook that hands out a static heap and never frees (the
 * engine has no call that frees an instance's storage). */
static _Alignas(16) uint8_t heap[1 << 20];
static size_t heap_used;

static void *bump_resize(void *env, void *old, size_t old_bytes,
                         size_t new_bytes) {
  (void)env;
  if (new_bytes == 0 || new_bytes > sizeof heap - heap_used)
    return NULL;
  uint8_t *p = heap + heap_used;
  heap_used += (new_bytes + 15) & ~(size_t)15;
  if (old)
    memcpy(p, old, old_bytes < new_bytes ? old_bytes : new_bytes);
  return p;
}

static wasm_func *fn(world *w, const char *name) {
  wasm_extern e;
  assert_true(wasm_instance_export(w->in, name, (uint32_t)strlen(name), &e));
  return e.u.func;
}

/* Runs name(arg) to its end on unlimited fuel and returns what it cost. */
static uint64_t cost(world *w, const char *name, uint32_t arg) {
  const uint64_t budget = 1ull << 40;
  wasm_value a = {.i32 = arg};
  wasm_exec_set_fuel(w->x, budget);
  assert_int_equal(wasm_call(w->x, fn(w, name), &a, 1), WASM_OK);
  assert_int_equal(wasm_exec_debt(w->x), 0);
  return budget - wasm_exec_fuel(w->x);
}

/* Runs what x has suspended in slices of budget to its end. */
static unsigned finish(world *w, uint64_t budget) {
  unsigned n = 0;
  wasm_status st = WASM_OUT_OF_FUEL;
  while (st == WASM_OUT_OF_FUEL && n < 100000) {
    wasm_exec_set_fuel(w->x, budget);
    st = wasm_resume(w->x);
    n++;
  }
  assert_int_equal(st, WASM_OK);
  return n;
}

/* Runs name(arg) in slices of budget; returns the number of slices. */
static unsigned slices(world *w, const char *name, uint32_t arg,
                       uint64_t budget) {
  wasm_value a = {.i32 = arg};
  wasm_exec_set_fuel(w->x, budget);
  wasm_status s = wasm_call(w->x, fn(w, name), &a, 1);
  if (s != WASM_OUT_OF_FUEL) {
    assert_int_equal(s, WASM_OK);
    return 1;
  }
  return 1 + finish(w, budget);
}

/* ---- tests ---- */

/* A function whose entry charge (601) is larger than every slice (500, or
 * 1) still finishes: before, each resume stopped at the same call. The
 * slices it takes are its cost over the budget, rounded up. */
static void test_function_larger_than_slice(void **state) {
  (void)state;
  world w;
  world_init(&w);
  uint64_t c = cost(&w, "nops", 0);
  assert_int_equal(c, NOPS + 1); /* the nops and end */
  assert_int_equal(slices(&w, "nops", 0, 500),
                   1); /* taken in debt, then done */
  assert_int_equal(wasm_exec_debt(w.x), c - 500);
  wasm_exec_set_fuel(w.x, UINT64_MAX); /* unlimited: no debt */
  assert_int_equal(wasm_exec_debt(w.x), 0);
  /* one unit per slice: the debt goes down by one each time */
  wasm_exec_set_fuel(w.x, 1);
  wasm_value a = {.i32 = 0};
  assert_int_equal(wasm_call(w.x, fn(&w, "nops"), &a, 1), WASM_OK);
  assert_int_equal(wasm_exec_debt(w.x), c - 1);
  wasm_exec_set_fuel(w.x, 100);
  assert_int_equal(wasm_exec_debt(w.x), c - 101);
  assert_int_equal(wasm_exec_fuel(w.x), 0);
  wasm_exec_set_fuel(w.x, c);
  assert_int_equal(wasm_exec_debt(w.x), 0);
  assert_int_equal(wasm_exec_fuel(w.x), 101);
  free(w.mem);
}

/* A loop whose body (605 units) is larger than the slice: five iterations
 * on slices of 100 finish, and spend what the same call costs at once. */
static void test_loop_larger_than_slice(void **state) {
  (void)state;
  world w;
  world_init(&w);
  uint64_t c = cost(&w, "loopnops", 5);
  assert_true(c > 5 * NOPS);
  unsigned n = slices(&w, "loopnops", 5, 100);
  /* the slices spent exactly the cost: the last may end in debt */
  assert_int_equal(
      100 * (uint64_t)n - wasm_exec_fuel(w.x) + wasm_exec_debt(w.x), c);
  assert_true(n <= c / 100 + 1);
  free(w.mem);
}

/* Work of a dynamic size costs one unit per 8 bytes written (a table
 * element, a local: 8 bytes each), and growth one per byte. Each is
 * measured as the difference between two sizes of the same call. */
static void test_dynamic_charges(void **state) {
  (void)state;
  world w;
  world_init(&w);
  assert_int_equal(cost(&w, "fill", 65536) - cost(&w, "fill", 0), 65536 / 8);
  assert_int_equal(cost(&w, "copy", 65536) - cost(&w, "copy", 0), 65536 / 8);
  assert_int_equal(cost(&w, "init", 4096) - cost(&w, "init", 0), 4096 / 8);
  assert_int_equal(cost(&w, "tgrow", 1000) - cost(&w, "tgrow", 0), 1000 * 8);
  assert_int_equal(cost(&w, "tfill", 1000) - cost(&w, "tfill", 0), 1000);
  assert_int_equal(cost(&w, "tcopy", 1000) - cost(&w, "tcopy", 0), 1000);
  assert_int_equal(cost(&w, "mgrow", 1) - cost(&w, "mgrow", 0), 65536);
  assert_int_equal(cost(&w, "locals", 0) - cost(&w, "nolocals", 0), 1000);
  /* a grow that fails does no work and pays none */
  assert_int_equal(cost(&w, "mgrow", 100) - cost(&w, "mgrow", 0), 0);
  /* a bulk instruction that traps pays only itself */
  wasm_value a = {.i32 = 1u << 20};
  wasm_exec_set_fuel(w.x, 1000);
  assert_int_equal(wasm_call(w.x, fn(&w, "fill"), &a, 1), WASM_TRAPPED);
  assert_int_equal(wasm_exec_trap(w.x), WASM_TRAP_MEMORY_OOB);
  assert_int_equal(1000 - wasm_exec_fuel(w.x), cost(&w, "fill", 0));
  free(w.mem);
}

/* Growth that a resize hook gives costs 8 units per byte of new storage
 * (its time per byte is about 10 to 20 times an arithmetic unit's), growth
 * without one 1 (test_dynamic_charges): a page is 8 * 65536 units, a table
 * element 8 * 8. A grow that fails calls no hook and pays none. One grow's
 * charge, far larger than a slice, is taken whole in debt: the call ends
 * in its first slice and the next budgets pay the debt off. */
static void test_growth_through_hook(void **state) {
  (void)state;
  world w;
  heap_used = 0;
  world_init_with(&w, bump_resize);
  assert_int_equal(wasm_memory_pages(w.memory), 2);
  assert_int_equal(cost(&w, "mgrow", 1) - cost(&w, "mgrow", 0), 8 * 65536);
  assert_int_equal(cost(&w, "tgrow", 1000) - cost(&w, "tgrow", 0),
                   8 * 1000 * 8);
  assert_int_equal(cost(&w, "mgrow", 100) - cost(&w, "mgrow", 0), 0);
  assert_int_equal(wasm_memory_pages(w.memory), 3);
  uint64_t c = cost(&w, "mgrow", 0) + 8 * 65536;
  assert_int_equal(slices(&w, "mgrow", 1, 1000), 1);
  assert_int_equal(wasm_memory_pages(w.memory), 4);
  assert_int_equal(wasm_exec_debt(w.x), c - 1000);
  unsigned n = 1;
  while (wasm_exec_debt(w.x)) {
    wasm_exec_set_fuel(w.x, 1000);
    n++;
  }
  assert_int_equal(n, (c + 999) / 1000);
  free(w.mem);
}

/* A bulk instruction needs fuel left to start, and then does as much as
 * the fuel pays (8 bytes a unit) and goes on where it stopped: a slice
 * never overruns its budget by a whole fill, however large. */
static void test_bulk_in_slices(void **state) {
  (void)state;
  world w;
  world_init(&w);
  uint64_t entry = cost(&w, "fill", 0); /* all of it is the entry charge */
  wasm_value a = {.i32 = 4096};
  uint8_t *m = wasm_memory_ptr(w.memory, 0, 65536 * 2);
  assert_non_null(m);
  wasm_exec_set_fuel(w.x, entry); /* just the entry: 0 left at the fill */
  assert_int_equal(wasm_call(w.x, fn(&w, "fill"), &a, 1), WASM_OUT_OF_FUEL);
  assert_int_equal(m[0], 0);
  wasm_exec_set_fuel(w.x, 1);
  assert_int_equal(wasm_resume(w.x), WASM_OUT_OF_FUEL);
  assert_int_equal(m[7], 42);
  assert_int_equal(m[8], 0);
  wasm_exec_set_fuel(w.x, 100);
  assert_int_equal(wasm_resume(w.x), WASM_OUT_OF_FUEL);
  assert_int_equal(m[807], 42);
  assert_int_equal(m[808], 0);
  assert_int_equal(finish(&w, 100), 5); /* the other 411 units */
  assert_int_equal(m[4095], 42);
  assert_int_equal(m[4096], 0);
  assert_int_equal(wasm_exec_debt(w.x), 0);

  /* memory.init in slices of 10 units: the segment's bytes, all of them */
  a.i32 = DATA;
  wasm_exec_set_fuel(w.x, 10);
  assert_int_equal(wasm_call(w.x, fn(&w, "init"), &a, 1), WASM_OUT_OF_FUEL);
  finish(&w, 10);
  for (uint32_t i = 0; i < DATA; i++)
    if (m[i] != (uint8_t)(i * 7 + 1))
      fail_msg("init: byte %u is %u", i, m[i]);

  /* overlapping memory.copy both ways, in slices of 7 units: what memmove
   * gives */
  static const uint32_t moves[][3] = {
      {100, 0, 3001}, {0, 100, 3001}, {5, 5, 64}};
  for (unsigned k = 0; k < 3; k++) {
    static uint8_t want[8192];
    for (uint32_t i = 0; i < 8192; i++)
      m[i] = (uint8_t)(i * 13 + k);
    memcpy(want, m, sizeof want);
    memmove(want + moves[k][0], want + moves[k][1], moves[k][2]);
    wasm_value args[3] = {
        {.i32 = moves[k][0]}, {.i32 = moves[k][1]}, {.i32 = moves[k][2]}};
    wasm_exec_set_fuel(w.x, 7);
    wasm_status st = wasm_call(w.x, fn(&w, "move"), args, 3);
    if (st == WASM_OUT_OF_FUEL)
      finish(&w, 7);
    assert_memory_equal(m, want, sizeof want);
  }

  /* table.fill and table.copy of 1000 elements in slices of 7 */
  assert_int_equal(cost(&w, "tgrow", 1000), cost(&w, "tgrow", 0) + 8000);
  uint64_t tf = cost(&w, "tfill", 1000);
  a.i32 = 1000;
  wasm_exec_set_fuel(w.x, 7);
  assert_int_equal(wasm_call(w.x, fn(&w, "tfill"), &a, 1), WASM_OUT_OF_FUEL);
  assert_int_equal(finish(&w, 7), (tf + 6) / 7 - 1);
  wasm_exec_set_fuel(w.x, 7);
  assert_int_equal(wasm_call(w.x, fn(&w, "tcopy"), &a, 1), WASM_OUT_OF_FUEL);
  finish(&w, 7);
  free(w.mem);
}

/* A bulk instruction that traps out of bounds writes nothing, in slices or
 * not: bounds come first. */
static void test_bulk_trap_writes_nothing(void **state) {
  (void)state;
  world w;
  world_init(&w);
  uint8_t *m = wasm_memory_ptr(w.memory, 0, 65536 * 2);
  wasm_value a = {.i32 = 2 * 65536 + 1};
  wasm_exec_set_fuel(w.x, cost(&w, "fill", 0) + 1); /* one unit at the fill */
  assert_int_equal(wasm_call(w.x, fn(&w, "fill"), &a, 1), WASM_TRAPPED);
  assert_int_equal(m[0], 0);
  assert_int_equal(m[2 * 65536 - 1], 0);
  free(w.mem);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_function_larger_than_slice),
      cmocka_unit_test(test_loop_larger_than_slice),
      cmocka_unit_test(test_dynamic_charges),
      cmocka_unit_test(test_growth_through_hook),
      cmocka_unit_test(test_bulk_in_slices),
      cmocka_unit_test(test_bulk_trap_writes_nothing),
  };
  alarm(120); /* a call that fuel fails to stop ends the run */
  return cmocka_run_group_tests(tests, NULL, NULL);
}
