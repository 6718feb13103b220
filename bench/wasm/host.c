/* host.c: `make bench-wasm`, the engine against native code on one CPU
 * benchmark (cpubench.c). Runs the native build's run(N), then loads
 * cpubench.wasm with the engine and calls its export "run"(N) with
 * unlimited fuel; both checksums must agree. Prints the time to load the
 * module (decode, validate, compile), each side's time (best of 3; the Wasm
 * side runs once when one run takes over 5 s) and their ratio.
 *
 *     host CPUBENCH.wasm [ITERATIONS]     (default 300: ~0.6 s natively)
 *
 * Exit status 0 when the checksums match, 1 otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wasm.h"
#include "bench_host.h"

uint32_t run(uint32_t iterations);

#define ARENA_BYTES (8u << 20)

static void fail(const char *what, const wasm_error *err) {
  fprintf(stderr, "bench-wasm: %s: kind %u, section \"%s\", offset %u: %s\n",
          what, err->kind, err->section ? err->section : "", err->offset,
          err->reason);
  exit(1);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s CPUBENCH.wasm [ITERATIONS]\n", argv[0]);
    return 2;
  }
  uint32_t iters = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 0) : 300;
  size_t len;
  uint8_t *bytes = bench_read_file(argv[1], &len);
  if (!bytes) {
    perror(argv[1]);
    return 2;
  }

  /* Native. */
  uint32_t native_sum = 0;
  double native = 1e30;
  for (int i = 0; i < 3; i++) {
    double t = bench_now();
    native_sum = run(iters);
    t = bench_now() - t;
    native = t < native ? t : native;
  }

  /* The engine: the module asks for 8 pages and declares no maximum, so
   * its memory takes max_pages (16 here, 1 MiB) from the arena at
   * instantiation. */
  void *mem = malloc(ARENA_BYTES);
  if (!mem)
    return 2;
  wasm_limits lim = wasm_default_limits;
  lim.max_module_bytes = 16u << 20;
  lim.max_pages = 16;
  wasm_arena arena;
  wasm_error err;
  wasm_module *m = NULL;
  double load = 1e30;
  for (int i = 0; i < 3; i++) { /* a fresh arena for each load */
    wasm_arena_init(&arena, mem, ARENA_BYTES);
    memset(&err, 0, sizeof(err));
    double t = bench_now();
    m = wasm_module_load(bytes, len, &arena, &lim, &err);
    t = bench_now() - t;
    if (!m)
      fail("load", &err);
    load = t < load ? t : load;
  }
  wasm_exec *x = wasm_exec_new(&arena, &lim);
  if (!x) {
    fprintf(stderr, "bench-wasm: wasm_exec_new: arena full\n");
    return 1;
  }
  wasm_instance *in =
      wasm_instantiate(m, &arena, &lim, bench_no_imports, NULL, x, &err);
  if (!in)
    fail("instantiate", &err);
  wasm_extern ex;
  if (!wasm_instance_export(in, "run", 3, &ex) || ex.kind != WASM_EXTERN_FUNC) {
    fprintf(stderr, "bench-wasm: no exported function \"run\"\n");
    return 1;
  }

  uint32_t wasm_sum = 0;
  double wasm = 1e30;
  for (int i = 0; i < 3 && (i == 0 || wasm < 5.0); i++) {
    wasm_value arg = {.i64 = 0};
    arg.i32 = iters;
    wasm_exec_set_fuel(x, UINT64_MAX);
    double t = bench_now();
    wasm_status s = wasm_call(x, ex.u.func, &arg, 1);
    t = bench_now() - t;
    if (s != WASM_OK) {
      fprintf(stderr, "bench-wasm: wasm_call: status %d, trap %s\n", (int)s,
              s == WASM_TRAPPED ? wasm_trap_string(wasm_exec_trap(x)) : "-");
      return 1;
    }
    uint32_t n;
    const wasm_value *res = wasm_exec_results(x, &n);
    if (n != 1) {
      fprintf(stderr, "bench-wasm: run returned %u results\n", n);
      return 1;
    }
    wasm_sum = res[0].i32;
    wasm = t < wasm ? t : wasm;
  }

  printf("bench-wasm: %s, %zu bytes, %u iterations\n", argv[1], len, iters);
  printf("  load    %9.3f ms (decode, validate, compile)\n", load * 1e3);
  printf("  native  %9.3f s\n", native);
  printf("  wasm    %9.3f s\n", wasm);
  printf("  ratio   %9.1f x slower than native\n", wasm / native);
  printf("  arena   %9zu bytes used\n", arena.used);
  if (wasm_sum != native_sum) {
    printf("  checksum MISMATCH: native %08x, wasm %08x\n", native_sum,
           wasm_sum);
    return 1;
  }
  printf("  checksum %08x (both)\n", native_sum);
  return 0;
}
