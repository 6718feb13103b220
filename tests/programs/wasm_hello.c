/* wasm_hello.c: the Wasm engine on the kernel, with a static arena.
 * Loads a hand-assembled module (below), links its one import to a host
 * function, and checks:
 *  - fib(20) = 6765, recursive, run in slices of 500 fuel (wasm_resume);
 *  - fact(20) = 2432902008176640000 in i64, recursive;
 *  - squares(100) = 328350: a loop storing i*i to memory, one summing them
 *    back, then env.record(1, sum); the host reads word 99 (9801);
 *  - conv(123456789012) = 79365078650: i64 <-> f32/f64 conversions, signed
 *    and unsigned, and an i64 division (on 32-bit targets, the runtime
 *    helpers of platform/common/float64conv.c and divide64.c).
 * Prints "wasm: fib(20)=6765 fact(20)=... squares(100)=328350 ... ok". */
#include "check.h"
#include "wasm.h"

/* (module
 *   (type (func (param i32 i32)))          (type (func (param i32) (result i32)))
 *   (type (func (param i64) (result i64)))
 *   (import "env" "record" (func $record (type 0)))
 *   (func $fib (type 1) (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
 *     (then (local.get 0))
 *     (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
 *                    (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
 *   (func $fact (type 2) (if (result i64) (i64.eqz (local.get 0))
 *     (then (i64.const 1))
 *     (else (i64.mul (local.get 0) (call $fact (i64.sub (local.get 0) (i64.const 1)))))))
 *   (func $squares (type 1) (local $i i32) (local $sum i32)
 *     (block (loop (br_if 1 (i32.ge_u (local.get $i) (local.get 0)))
 *       (i32.store (i32.shl (local.get $i) (i32.const 2))
 *                  (i32.mul (local.get $i) (local.get $i)))
 *       (local.set $i (i32.add (local.get $i) (i32.const 1))) (br 0)))
 *     (local.set $i (i32.const 0))
 *     (block (loop (br_if 1 (i32.ge_u (local.get $i) (local.get 0)))
 *       (local.set $sum (i32.add (local.get $sum)
 *                       (i32.load (i32.shl (local.get $i) (i32.const 2)))))
 *       (local.set $i (i32.add (local.get $i) (i32.const 1))) (br 0)))
 *     (call $record (i32.const 1) (local.get $sum)) (local.get $sum))
 *   (func $conv (type 2)
 *     (i64.add (i64.add (i64.add (i64.add
 *       (i64.trunc_f64_s (f64.mul (f64.convert_i64_s (local.get 0)) (f64.const -0.5)))
 *       (i64.trunc_f32_u (f32.convert_i64_u (local.get 0))))
 *       (i64.trunc_f64_u (f64.convert_i64_u (local.get 0))))
 *       (i64.trunc_f32_s (f32.convert_i64_s (i64.sub (i64.const 0) (local.get 0)))))
 *       (i64.div_u (local.get 0) (i64.const 7))))
 *   (memory 1 1)
 *   (export "fib" (func 1)) (export "fact" (func 2))
 *   (export "squares" (func 3)) (export "conv" (func 4))
 *   (export "mem" (memory 0))) */
/* The bytes stay grouped by section, as written: */
/* clang-format off */
static const uint8_t module_bytes[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  /* type */
  0x01, 0x10, 0x03, 0x60, 0x02, 0x7f, 0x7f, 0x00, 0x60, 0x01, 0x7f, 0x01,
  0x7f, 0x60, 0x01, 0x7e, 0x01, 0x7e,
  /* import */
  0x02, 0x0e, 0x01, 0x03, 'e', 'n', 'v', 0x06, 'r', 'e', 'c', 'o', 'r', 'd',
  0x00, 0x00,
  /* function */
  0x03, 0x05, 0x04, 0x01, 0x02, 0x01, 0x02,
  /* memory */
  0x05, 0x04, 0x01, 0x01, 0x01, 0x01,
  /* export */
  0x07, 0x25, 0x05, 0x03, 'f', 'i', 'b', 0x00, 0x01, 0x04, 'f', 'a', 'c',
  't', 0x00, 0x02, 0x07, 's', 'q', 'u', 'a', 'r', 'e', 's', 0x00, 0x03,
  0x04, 'c', 'o', 'n', 'v', 0x00, 0x04, 0x03, 'm', 'e', 'm', 0x02, 0x00,
  /* code */
  0x0a, 0xb4, 0x01, 0x04,
  /* fib */
  0x1c, 0x00, 0x20, 0x00, 0x41, 0x02, 0x49, 0x04, 0x7f, 0x20, 0x00, 0x05,
  0x20, 0x00, 0x41, 0x01, 0x6b, 0x10, 0x01, 0x20, 0x00, 0x41, 0x02, 0x6b,
  0x10, 0x01, 0x6a, 0x0b, 0x0b,
  /* fact */
  0x15, 0x00, 0x20, 0x00, 0x50, 0x04, 0x7e, 0x42, 0x01, 0x05, 0x20, 0x00,
  0x20, 0x00, 0x42, 0x01, 0x7d, 0x10, 0x02, 0x7e, 0x0b, 0x0b,
  /* squares */
  0x56, 0x01, 0x02, 0x7f, 0x02, 0x40, 0x03, 0x40, 0x20, 0x01, 0x20, 0x00,
  0x4f, 0x0d, 0x01, 0x20, 0x01, 0x41, 0x02, 0x74, 0x20, 0x01, 0x20, 0x01,
  0x6c, 0x36, 0x02, 0x00, 0x20, 0x01, 0x41, 0x01, 0x6a, 0x21, 0x01, 0x0c,
  0x00, 0x0b, 0x0b, 0x41, 0x00, 0x21, 0x01, 0x02, 0x40, 0x03, 0x40, 0x20,
  0x01, 0x20, 0x00, 0x4f, 0x0d, 0x01, 0x20, 0x02, 0x20, 0x01, 0x41, 0x02,
  0x74, 0x28, 0x02, 0x00, 0x6a, 0x21, 0x02, 0x20, 0x01, 0x41, 0x01, 0x6a,
  0x21, 0x01, 0x0c, 0x00, 0x0b, 0x0b, 0x41, 0x01, 0x20, 0x02, 0x10, 0x00,
  0x20, 0x02, 0x0b,
  /* conv */
  0x28, 0x00, 0x20, 0x00, 0xb9, 0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0xe0, 0xbf, 0xa2, 0xb0, 0x20, 0x00, 0xb5, 0xaf, 0x7c, 0x20, 0x00, 0xba,
  0xb1, 0x7c, 0x42, 0x00, 0x20, 0x00, 0x7d, 0xb4, 0xae, 0x7c, 0x20, 0x00,
  0x42, 0x07, 0x80, 0x7c, 0x0b,
};
/* clang-format on */

/* One page of memory plus the module and a small exec: 256 KiB is plenty. */
static uint8_t arena_mem[256 * 1024] __attribute__((aligned(16)));

static struct { uint32_t tag, value, calls; } recorded;

static wasm_status record(wasm_host_call *c, const wasm_value *args,
                          wasm_value *results) {
  (void)c, (void)results;
  recorded.tag = args[0].i32;
  recorded.value = args[1].i32;
  recorded.calls++;
  return WASM_OK;
}

static bool streq(const char *a, uint32_t n, const char *b) {
  uint32_t i = 0;
  for (; i < n && b[i]; i++)
    if (a[i] != b[i])
      return false;
  return i == n && !b[i];
}

static bool resolve(void *env, const char *module, uint32_t mlen,
                    const char *name, uint32_t nlen, wasm_extern *out) {
  if (!streq(module, mlen, "env") || !streq(name, nlen, "record"))
    return false;
  out->kind = WASM_EXTERN_FUNC;
  out->u.func = env;
  return true;
}

static wasm_func *export_func(wasm_instance *in, const char *name) {
  uint32_t n = 0;
  while (name[n])
    n++;
  wasm_extern e;
  if (!wasm_instance_export(in, name, n, &e) || e.kind != WASM_EXTERN_FUNC)
    return NULL;
  return e.u.func;
}

/* The first result of the call that just returned. */
static wasm_value result(const wasm_exec *x) {
  uint32_t n;
  const wasm_value *v = wasm_exec_results(x, &n);
  wasm_value none = {.i64 = 0};
  CHECK(v && n == 1);
  return v && n == 1 ? v[0] : none;
}

static void run(kernel_t *k) {
  wasm_limits lim = wasm_default_limits;
  lim.max_pages = 1;
  lim.max_call_depth = 64;
  lim.max_stack_slots = 2048;
  wasm_arena a;
  wasm_arena_init(&a, arena_mem, sizeof(arena_mem));
  wasm_error err;
  wasm_module *m =
      wasm_module_load(module_bytes, sizeof(module_bytes), &a, &lim, &err);
  if (!m) {
    printk("wasm: FAIL load: %s at %u: %s\n", err.section, err.offset,
           err.reason);
    check_failures++;
    return;
  }
  static const uint8_t params[2] = {WASM_I32, WASM_I32};
  wasm_functype type = {.nparams = 2, .nresults = 0, .params = params};
  wasm_func *rec = wasm_host_func_new(&a, &type, record, NULL);
  wasm_exec *x = wasm_exec_new(&a, &lim);
  CHECK(rec && x);
  if (!rec || !x)
    return;
  wasm_instance *in = wasm_instantiate(m, &a, &lim, resolve, rec, x, &err);
  if (!in) {
    printk("wasm: FAIL instantiate: %s\n", err.reason);
    check_failures++;
    return;
  }
  wasm_func *fib = export_func(in, "fib"), *fact = export_func(in, "fact"),
            *squares = export_func(in, "squares"),
            *conv = export_func(in, "conv");
  wasm_extern mem;
  CHECK(fib && fact && squares && conv);
  CHECK(wasm_instance_export(in, "mem", 3, &mem) &&
        mem.kind == WASM_EXTERN_MEMORY);
  if (!fib || !fact || !squares || !conv || mem.kind != WASM_EXTERN_MEMORY)
    return;

  /* fib(20) in slices: out of fuel, more fuel, resume. */
  wasm_value arg = {.i64 = 0}, res = {.i64 = 0};
  arg.i32 = 20;
  unsigned slices = 1;
  wasm_exec_set_fuel(x, 500);
  wasm_status s = wasm_call(x, fib, &arg, 1);
  while (s == WASM_OUT_OF_FUEL && slices < 100000) {
    slices++;
    wasm_exec_set_fuel(x, 500);
    s = wasm_resume(x);
  }
  CHECK(s == WASM_OK);
  res = result(x);
  CHECK(res.i32 == 6765);
  CHECK(slices > 1);
  uint32_t fib20 = res.i32;

  wasm_exec_set_fuel(x, UINT64_MAX);
  arg.i64 = 20;
  CHECK(wasm_call(x, fact, &arg, 1) == WASM_OK);
  res = result(x);
  CHECK(res.i64 == 2432902008176640000ull);
  uint64_t fact20 = res.i64;

  arg.i64 = 0;
  arg.i32 = 100;
  CHECK(wasm_call(x, squares, &arg, 1) == WASM_OK);
  res = result(x);
  CHECK(res.i32 == 328350);
  uint32_t sum = res.i32;
  CHECK(recorded.calls == 1 && recorded.tag == 1 && recorded.value == 328350);
  uint32_t word = 0;
  CHECK(wasm_memory_read(mem.u.memory, 99 * 4, &word, 4) && word == 9801);
  arg.i64 = 123456789012ull;
  CHECK(wasm_call(x, conv, &arg, 1) == WASM_OK);
  res = result(x);
  CHECK(res.i64 == 79365078650ull);
  uint64_t conv_res = res.i64;

  /* A wrong argument count is refused, not run. */
  CHECK(wasm_call(x, squares, &arg, 0) == WASM_BAD_ARGS);

  if (check_failures == 0)
    printk("wasm: fib(20)=%u fact(20)=%llu squares(100)=%u conv=%llu slices=%u "
           "arena=%zu ok\n",
           fib20, (unsigned long long)fact20, sum, (unsigned long long)conv_res,
           slices, a.used);
  (void)k;
}

void kmain_usermain(kernel_t *k) {
  check_name = "wasm";
  run(k);
  if (check_failures)
    printk("wasm: FAILED %u\n", check_failures);
  kmain_stop(k);
}
