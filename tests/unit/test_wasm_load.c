/* test_wasm_load.c: loading a module costs work linear in its size (issue
 * 15). Each test builds one shape that was once quadratic, at two sizes,
 * and checks that it loads (or is refused with the engine's documented
 * limit) and that the work of loading, as counted with WASM_COUNT_WORK
 * (realm/wasm/internal.h), stays within WORK_PER_BYTE per byte of the
 * module. The same shapes, at 1 MiB, are fuzz seeds (tests/fuzz/seeds.py,
 * wasm_load_shapes) and what docs/wasm.md's load times were measured on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "wasm.h"
#include "wasm_writer.h"

extern uint64_t wasm_compile_work;

/* realm/wasm/decode.h: WASM_MAX_ARITY; compile.h: LAZY_MAX. An
 * instruction of a few bytes may cost the one (a call pushes its results)
 * plus the other (a push past LAZY_MAX settles that many entries). */
#define MAX_ARITY 128u
#define WORK_PER_BYTE (MAX_ARITY + 64u)

#define I32 0x7f

/* ---- assembling modules ---------------------------------------------------- */

/* (func (param i32 x np) (result i32 x nr)) */
static void functype(wasm_writer *s, uint32_t np, uint32_t nr) {
  ww_byte(s, 0x60);
  ww_uleb(s, np);
  ww_repeat(s, I32, np);
  ww_uleb(s, nr);
  ww_repeat(s, I32, nr);
}

/* Type 0 is () -> (), type 1 () -> (i32 x results); one function of type
 * 0 with one i32 local and the body `code` (its final end added). */
static void one_func(wasm_writer *m, uint32_t results,
                     const wasm_writer *code) {
  wasm_writer s = {0};
  ww_header(m);
  ww_uleb(&s, 2);
  functype(&s, 0, 0);
  functype(&s, 0, results);
  ww_section_from(m, 1, &s);
  ww_uleb(&s, 1);
  ww_uleb(&s, 0);
  ww_section_from(m, 3, &s);
  ww_uleb(&s, 1);
  ww_uleb(&s, code->n + 4);
  static const uint8_t locals[3] = {1, 1, I32};
  ww_put(&s, locals, 3);
  ww_put(&s, code->b, code->n);
  ww_byte(&s, 0x0b);
  ww_section_from(m, 10, &s);
  free(s.b);
}

/* n functions of type `type` with empty bodies. */
static void empty_funcs(wasm_writer *m, uint32_t n, uint32_t type,
                        bool type_i) {
  wasm_writer s = {0};
  ww_uleb(&s, n);
  for (uint32_t i = 0; i < n; i++)
    ww_uleb(&s, type_i ? i : type);
  ww_section_from(m, 3, &s);
  ww_uleb(&s, n);
  for (uint32_t i = 0; i < n; i++) {
    static const uint8_t body[3] = {2, 0, 0x0b};
    ww_put(&s, body, 3);
  }
  ww_section_from(m, 10, &s);
  free(s.b);
}

/* ---- the shapes, each about `size` bytes ----------------------------------- */

/* br_table with a target per byte into a block of `results` results. */
static void br_table_arity(wasm_writer *m, size_t size, uint32_t results) {
  wasm_writer c = {0};
  uint32_t targets = (uint32_t)(size - results - 64);
  static const uint8_t pre[6] = {0x02, 1, 0x00, 0x41, 0, 0x0e};
  ww_put(&c, pre, 6);
  ww_uleb(&c, targets);
  ww_repeat(&c, 0, targets + 1);
  ww_byte(&c, 0x0b);
  ww_byte(&c, 0x00);
  one_func(m, results, &c);
  free(c.b);
}

/* A deep stack of lazy local.gets, then `what` (tee or empty blocks). */
static void deep_stack(wasm_writer *m, size_t size, bool tees) {
  wasm_writer c = {0};
  uint32_t depth = (uint32_t)(size / 16);
  for (uint32_t i = 0; i < depth; i++)
    ww_byte(&c, 0x20), ww_byte(&c, 0);
  size_t rest = size - 2 * depth - 64;
  if (tees) {
    for (size_t i = 0; i < rest / 2; i++)
      ww_byte(&c, 0x22), ww_byte(&c, 0);
  } else {
    for (size_t i = 0; i < rest / 3; i++)
      ww_byte(&c, 0x02), ww_byte(&c, 0x40), ww_byte(&c, 0x0b);
  }
  ww_byte(&c, 0x00);
  one_func(m, 0, &c);
  free(c.b);
}

/* n types and n functions, function i of type i. */
static void many_types(wasm_writer *m, size_t size) {
  wasm_writer s = {0};
  uint32_t n = (uint32_t)(size / 10);
  ww_header(m);
  ww_uleb(&s, n);
  for (uint32_t i = 0; i < n; i++)
    functype(&s, i % 2, 0);
  ww_section_from(m, 1, &s);
  empty_funcs(m, n, 0, true);
  free(s.b);
}

/* One type of `params` params beside many empty functions of type 1. */
static void wide_type(wasm_writer *m, size_t size, uint32_t params) {
  wasm_writer s = {0};
  ww_header(m);
  ww_uleb(&s, 2);
  functype(&s, params, 0);
  functype(&s, 0, 0);
  ww_section_from(m, 1, &s);
  empty_funcs(m, (uint32_t)((size - params - 64) / 4), 1, false);
  free(s.b);
}

/* Calls of a function of `results` results, each dropped by unreachable. */
static void call_results(wasm_writer *m, size_t size, uint32_t results) {
  wasm_writer s = {0};
  ww_header(m);
  ww_uleb(&s, 2);
  functype(&s, 0, 0);
  functype(&s, 0, results);
  ww_section_from(m, 1, &s);
  ww_uleb(&s, 2);
  ww_uleb(&s, 0);
  ww_uleb(&s, 1);
  ww_section_from(m, 3, &s);
  wasm_writer c = {0};
  for (size_t i = 0; i < (size - results - 64) / 3; i++)
    ww_byte(&c, 0x10), ww_byte(&c, 1), ww_byte(&c, 0x00);
  ww_uleb(&s, 2);
  ww_uleb(&s, c.n + 2);
  ww_byte(&s, 0);
  ww_put(&s, c.b, c.n);
  ww_byte(&s, 0x0b);
  static const uint8_t trap[4] = {3, 0, 0x00, 0x0b};
  ww_put(&s, trap, 4);
  ww_section_from(m, 10, &s);
  free(s.b);
  free(c.b);
}

/* Nested blocks of `results` results, a br_table naming each once; their
 * ends then pass the results out, each checked. */
static void br_table_labels(wasm_writer *m, size_t size, uint32_t results) {
  wasm_writer c = {0};
  uint32_t n = (uint32_t)((size - results - 64) / 7);
  for (uint32_t i = 0; i < n; i++)
    ww_byte(&c, 0x02), ww_byte(&c, 1);
  static const uint8_t pre[4] = {0x00, 0x41, 0, 0x0e};
  ww_put(&c, pre, 4);
  ww_uleb(&c, n - 1);
  for (uint32_t i = 0; i < n; i++)
    ww_uleb(&c, i);
  ww_repeat(&c, 0x0b, n);
  ww_byte(&c, 0x00);
  one_func(m, results, &c);
  free(c.b);
}

/* Many functions, each declaring 50,000 locals in 4 bytes and reading
 * the last. */
static void many_locals(wasm_writer *m, size_t size, uint32_t a) {
  (void)a;
  wasm_writer s = {0};
  uint32_t n = (uint32_t)((size - 64) / 12);
  ww_header(m);
  ww_uleb(&s, 1);
  functype(&s, 0, 0);
  ww_section_from(m, 1, &s);
  ww_uleb(&s, n);
  ww_repeat(&s, 0, n);
  ww_section_from(m, 3, &s);
  ww_uleb(&s, n);
  for (uint32_t i = 0; i < n; i++) {
    static const uint8_t body[11] = {11,   1,    0xd0, 0x86, 0x03, I32,
                                     0x20, 0xcf, 0x86, 0x03, 0x1a};
    ww_put(&s, body, sizeof body);
    ww_byte(&s, 0x0b);
  }
  ww_section_from(m, 10, &s);
  free(s.b);
}

/* n exports of function 0 whose names (4 ASCII bytes) collide in the low
 * bits of FNV-1a, which a hash set of the names once used: its low k bits
 * depend on the low k bits of the state alone, and the odd multiplier is
 * invertible, so the last byte fixes bits 0-7 and the byte before must
 * bring bits 8 and up to the target's. */
static void colliding_exports(wasm_writer *m, size_t size, uint32_t a) {
  (void)a;
  const uint32_t P = 16777619u, target = 0x2b5a3;
  uint32_t n = (uint32_t)((size - 64) / 8), cap = 16, k = 4;
  while (cap < 2 * n)
    cap *= 2, k++;
  uint32_t mask = cap - 1, pinv = P; /* P^-1 mod 2^32 by Newton's method */
  for (int i = 0; i < 5; i++)
    pinv *= 2 - P * pinv;
  uint32_t u = (target * pinv) & mask; /* the state before the last byte ^ b */
  wasm_writer s = {0}, e = {0};
  uint32_t count = 0;
  for (uint32_t p = 0; p < 128 * 128 && count < n; p++) {
    uint8_t name[4] = {(uint8_t)(p >> 7), (uint8_t)(p & 127), 0, 0};
    uint32_t h0 = 2166136261u;
    h0 = (h0 ^ name[0]) * P;
    h0 = (h0 ^ name[1]) * P;
    for (uint32_t b1 = 0; b1 < 128 && count < n; b1++) {
      uint32_t h1 = (h0 ^ b1) * P;
      if (((h1 ^ u) & mask) >> 8)
        continue;
      uint32_t b2 = (h1 ^ u) & 0xff;
      if (b2 >= 128)
        continue;
      name[2] = (uint8_t)b1;
      name[3] = (uint8_t)b2;
      assert_int_equal(((h1 ^ b2) * P) & mask, target & mask);
      ww_byte(&e, 4);
      ww_put(&e, name, 4);
      ww_byte(&e, 0);
      ww_byte(&e, 0);
      count++;
    }
  }
  ww_header(m);
  ww_uleb(&s, 1);
  functype(&s, 0, 0);
  ww_section_from(m, 1, &s);
  ww_uleb(&s, 1);
  ww_uleb(&s, 0);
  ww_section_from(m, 3, &s);
  ww_uleb(&s, count);
  ww_put(&s, e.b, e.n);
  ww_section_from(m, 7, &s);
  static const uint8_t code[4] = {1, 2, 0, 0x0b};
  ww_put(&s, code, 4);
  ww_section_from(m, 10, &s);
  free(s.b);
  free(e.b);
}

/* ---- loading ---------------------------------------------------------------- */

#define ARENA (64u << 20)

static uint8_t *arena_mem;

static wasm_module *load(const wasm_writer *m, wasm_error *err) {
  static wasm_arena a;
  wasm_arena_init(&a, arena_mem, ARENA);
  wasm_limits lim = wasm_default_limits;
  lim.max_module_bytes = 4u << 20;
  wasm_compile_work = 0;
  return wasm_module_load(m->b, m->n, &a, &lim, err);
}

/* The shape loads at both sizes, within the bound per byte. */
static void loads_linearly(void (*shape)(wasm_writer *, size_t, uint32_t),
                           uint32_t arity) {
  wasm_writer m = {0};
  for (size_t size = 64u << 10; size <= (128u << 10); size *= 2) {
    shape(&m, size, arity);
    wasm_error err;
    wasm_module *mod = load(&m, &err);
    if (!mod)
      print_error("refused: %s at %u: %s\n", err.section, err.offset,
                  err.reason);
    assert_non_null(mod);
    if (wasm_compile_work > (uint64_t)WORK_PER_BYTE * m.n)
      print_error("%zu bytes: work %llu\n", m.n,
                  (unsigned long long)wasm_compile_work);
    assert_true(wasm_compile_work <= (uint64_t)WORK_PER_BYTE * m.n);
  }
  free(m.b);
}

static void refused_limit(void (*shape)(wasm_writer *, size_t, uint32_t),
                          uint32_t arity) {
  wasm_writer m = {0};
  shape(&m, 1u << 20, arity);
  assert_true(m.n <= (1u << 20));
  wasm_error err;
  assert_null(load(&m, &err));
  assert_int_equal(err.kind, WASM_ERR_LIMIT);
  assert_string_equal(err.section, "type");
  assert_string_equal(err.reason, "too many params or results");
  free(m.b);
}

static void tees(wasm_writer *m, size_t size, uint32_t a) {
  (void)a;
  deep_stack(m, size, true);
}
static void blocks(wasm_writer *m, size_t size, uint32_t a) {
  (void)a;
  deep_stack(m, size, false);
}
static void types(wasm_writer *m, size_t size, uint32_t a) {
  (void)a;
  many_types(m, size);
}

static void test_br_table_arity(void **state) {
  (void)state;
  refused_limit(br_table_arity, 30000);
  refused_limit(br_table_arity, MAX_ARITY + 1);
  loads_linearly(br_table_arity, MAX_ARITY);
}

static void test_local_tee_deep(void **state) {
  (void)state;
  loads_linearly(tees, 0);
}

static void test_block_entry_deep(void **state) {
  (void)state;
  loads_linearly(blocks, 0);
}

static void test_many_types(void **state) {
  (void)state;
  loads_linearly(types, 0);
}

static void test_wide_type(void **state) {
  (void)state;
  refused_limit(wide_type, 65535);
  loads_linearly(wide_type, MAX_ARITY);
}

static void test_call_results(void **state) {
  (void)state;
  loads_linearly(call_results, MAX_ARITY);
}

static void test_br_table_labels(void **state) {
  (void)state;
  loads_linearly(br_table_labels, MAX_ARITY);
}

/* ---- what the bound must not change: values pushed lazily stay right ------- */

/* (func (param i32) (result i32)): n x local.get 0, local.set 0 to 7, then
 * add them all and the new local 0: n * p + 7. More than LAZY_MAX lazy
 * entries get settled early; the local's old value must stay in them. */
/* Export names are checked distinct in n log n comparisons, not n^2. */
static void test_colliding_exports(void **state) {
  (void)state;
  loads_linearly(colliding_exports, 0);
}

/* Declared locals are not expanded: the arena a module takes follows its
 * size, not its locals. */
static void test_many_locals(void **state) {
  (void)state;
  loads_linearly(many_locals, 0);
  wasm_writer m = {0};
  many_locals(&m, 128u << 10, 0);
  wasm_error err;
  static wasm_arena a;
  wasm_arena_init(&a, arena_mem, ARENA);
  assert_non_null(wasm_module_load(m.b, m.n, &a, NULL, &err));
  assert_true(a.used < 16 * m.n);
  free(m.b);
}

static void test_lazy_past_bound(void **state) {
  (void)state;
  const uint32_t n = 200;
  wasm_writer m = {0}, s = {0}, c = {0};
  ww_header(&m);
  ww_uleb(&s, 1);
  functype(&s, 1, 1);
  ww_section_from(&m, 1, &s);
  ww_uleb(&s, 1);
  ww_uleb(&s, 0);
  ww_section_from(&m, 3, &s);
  ww_uleb(&s, 1);
  ww_byte(&s, 1);
  ww_byte(&s, 'f');
  ww_byte(&s, 0);
  ww_byte(&s, 0);
  ww_section_from(&m, 7, &s);
  for (uint32_t i = 0; i < n; i++)
    ww_byte(&c, 0x20), ww_byte(&c, 0);
  ww_byte(&c, 0x41), ww_byte(&c, 7), ww_byte(&c, 0x21), ww_byte(&c, 0);
  for (uint32_t i = 1; i < n; i++)
    ww_byte(&c, 0x6a);
  ww_byte(&c, 0x20), ww_byte(&c, 0), ww_byte(&c, 0x6a), ww_byte(&c, 0x0b);
  ww_uleb(&s, 1);
  ww_uleb(&s, c.n + 1);
  ww_byte(&s, 0);
  ww_put(&s, c.b, c.n);
  ww_section_from(&m, 10, &s);

  wasm_error err;
  static wasm_arena a;
  wasm_arena_init(&a, arena_mem, ARENA);
  wasm_module *mod = wasm_module_load(m.b, m.n, &a, NULL, &err);
  assert_non_null(mod);
  wasm_exec *x = wasm_exec_new(&a, &wasm_default_limits);
  assert_non_null(x);
  wasm_instance *in =
      wasm_instantiate(mod, &a, &wasm_default_limits, NULL, NULL, x, &err);
  assert_non_null(in);
  wasm_extern e;
  assert_true(wasm_instance_export(in, "f", 1, &e));
  wasm_value arg = {.i32 = 3};
  assert_int_equal(wasm_call(x, e.u.func, &arg, 1), WASM_OK);
  uint32_t nres = 0;
  const wasm_value *res = wasm_exec_results(x, &nres);
  assert_int_equal(nres, 1);
  assert_int_equal(res[0].i32, n * 3 + 7);
  free(m.b);
  free(s.b);
  free(c.b);
}

int main(void) {
  arena_mem = malloc(ARENA);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_br_table_arity),
      cmocka_unit_test(test_local_tee_deep),
      cmocka_unit_test(test_block_entry_deep),
      cmocka_unit_test(test_many_types),
      cmocka_unit_test(test_wide_type),
      cmocka_unit_test(test_call_results),
      cmocka_unit_test(test_br_table_labels),
      cmocka_unit_test(test_colliding_exports),
      cmocka_unit_test(test_many_locals),
      cmocka_unit_test(test_lazy_past_bound),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  free(arena_mem);
  return rc;
}
