/* fuelcost.c: `make bench-fuel`, the native time of one fuel unit, per kind
 * of work. Builds one module in memory (below), runs each export with a
 * large budget, and prints the fuel the call took (the budget minus what
 * is left), its time (best of 3) and the time per fuel unit, also as a
 * multiple of plain arithmetic's. Fuel is meant to bound time: no row
 * should be far above the first (docs/wasm.md, "Fuel", gives the bound).
 *
 *     fuelcost              (about 2 s)
 *
 * Memory and tables grow through a resize hook (realloc), as an embedder
 * with a heap would give them; memory.grow's row includes the hook's time
 * and the page faults of fresh memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wasm.h"
#include "wasm_writer.h"

#define ARENA_BYTES (64u << 20)
#define BUDGET 1000000000000000ull
#define MEM_PAGES 1024u   /* 64 MiB grown by the "memory.grow" row */
#define BULK (16u << 20)  /* bytes per memory.fill/copy */
#define DATA (256u << 10) /* bytes of the passive data segment */
#define TABLE (1u << 20)  /* elements per table.fill/copy */
#define LOCALS 16000u     /* locals of the function "locals" */

/* ---- a module, written byte by byte ------------------------------------- */

static wasm_writer mod; /* the module build() writes */
#define BYTES(...) WW_BYTES(&mod, __VA_ARGS__)

/* The loop every function but grow runs n = param 0 times:
 * loop { BODY; n -= 1; br_if n != 0 } */
#define LOOP_BEGIN() BYTES(0x03, 0x40)
#define LOOP_END() BYTES(0x20, 0, 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b)

/* A function of no locals that is that loop around BODY. */
#define LOOP_FUNC(...)                                                         \
  do {                                                                         \
    size_t f_ = ww_open(&mod);                                                 \
    BYTES(0);                                                                  \
    LOOP_BEGIN();                                                              \
    BYTES(__VA_ARGS__);                                                        \
    LOOP_END();                                                                \
    BYTES(0x0b);                                                               \
    ww_close(&mod, f_);                                                        \
  } while (0)

enum { T_I_I, T_II, T_V };
static const char *const names[] = {
    "arith",  "grow",        "fill",       "copy",       "init",
    "locals", "call_locals", "table_grow", "table_fill", "table_copy",
};
static const uint8_t types[] = {T_I_I, T_I_I, T_II,  T_II, T_II,
                                T_V,   T_II,  T_I_I, T_II, T_II};
#define NFUNCS (sizeof types)

static void build(void) {
  ww_header(&mod);
  size_t s = ww_section(&mod, 1); /* types */
  BYTES(3, 0x60, 1, 0x7f, 1, 0x7f, 0x60, 2, 0x7f, 0x7f, 0, 0x60, 0, 0);
  ww_close(&mod, s);
  s = ww_section(&mod, 3);
  ww_uleb(&mod, NFUNCS);
  ww_put(&mod, types, NFUNCS);
  ww_close(&mod, s);
  s = ww_section(&mod, 4); /* one funcref table, 0 elements, no max */
  BYTES(1, 0x70, 0, 0);
  ww_close(&mod, s);
  s = ww_section(&mod, 5); /* one memory, 0 pages, no max */
  BYTES(1, 0, 0);
  ww_close(&mod, s);
  s = ww_section(&mod, 7);
  ww_uleb(&mod, NFUNCS);
  for (uint32_t i = 0; i < NFUNCS; i++) {
    ww_uleb(&mod, strlen(names[i]));
    ww_put(&mod, (const uint8_t *)names[i], strlen(names[i]));
    ww_byte(&mod, 0);
    ww_uleb(&mod, i);
  }
  ww_close(&mod, s);
  s = ww_section(&mod, 12); /* data count */
  ww_byte(&mod, 1);
  ww_close(&mod, s);
  s = ww_section(&mod, 10);
  ww_uleb(&mod, NFUNCS);
  size_t f;
  /* arith(n): acc = (acc + n) * 3 each iteration; returns acc */
  f = ww_open(&mod);
  BYTES(1, 1, 0x7f);
  LOOP_BEGIN();
  BYTES(0x20, 1, 0x20, 0, 0x6a, 0x41, 3, 0x6c, 0x21, 1);
  LOOP_END();
  BYTES(0x20, 1, 0x0b);
  ww_close(&mod, f);
  /* grow(pages) */
  f = ww_open(&mod);
  BYTES(0, 0x20, 0, 0x40, 0, 0x0b);
  ww_close(&mod, f);
  /* fill(n, size): memory.fill(0, 0xab, size) */
  LOOP_FUNC(0x41, 0, 0x41, 0xab, 0x01, 0x20, 1, 0xfc, 0x0b, 0);
  /* copy(n, size): memory.copy(0, size, size) */
  LOOP_FUNC(0x41, 0, 0x20, 1, 0x20, 1, 0xfc, 0x0a, 0, 0);
  /* init(n, size): memory.init 0 (0, 0, size) */
  LOOP_FUNC(0x41, 0, 0x41, 0, 0x20, 1, 0xfc, 0x08, 0, 0);
  /* locals(): LOCALS i32 locals, an empty body */
  f = ww_open(&mod);
  ww_byte(&mod, 1);
  ww_uleb(&mod, LOCALS);
  BYTES(0x7f, 0x0b);
  ww_close(&mod, f);
  /* call_locals(n, _): call locals() n times */
  LOOP_FUNC(0x10, 5);
  /* table_grow(n): table.grow(ref.null, n) */
  f = ww_open(&mod);
  BYTES(0, 0xd0, 0x70, 0x20, 0, 0xfc, 0x0f, 0, 0x0b);
  ww_close(&mod, f);
  /* table_fill(n, size): table.fill(0, ref.null, size) */
  LOOP_FUNC(0x41, 0, 0xd0, 0x70, 0x20, 1, 0xfc, 0x11, 0);
  /* table_copy(n, size): table.copy(0, size, size) */
  LOOP_FUNC(0x41, 0, 0x20, 1, 0x20, 1, 0xfc, 0x0e, 0, 0);
  ww_close(&mod, s);
  s = ww_section(&mod, 11); /* one passive segment of DATA bytes */
  BYTES(1, 1);
  ww_uleb(&mod, DATA);
  for (uint32_t i = 0; i < DATA; i++)
    ww_byte(&mod, (uint8_t)(i * 7));
  ww_close(&mod, s);
}

/* ---- running it --------------------------------------------------------- */

static void *resize(void *env, void *old, size_t old_bytes, size_t new_bytes) {
  (void)env, (void)old_bytes;
  if (new_bytes == 0) {
    free(old);
    return NULL;
  }
  return realloc(old, new_bytes);
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static wasm_arena arena;
static wasm_limits lim;
static const wasm_module *module;
static wasm_exec *x;
static size_t mark;
static wasm_instance *in;

static void die(const char *what) {
  fprintf(stderr, "bench-fuel: %s\n", what);
  exit(1);
}

/* A fresh instance (its memory and table empty) on the arena's mark. */
static void instantiate(void) {
  wasm_error err;
  arena.used = mark;
  in = wasm_instantiate(module, &arena, &lim, NULL, NULL, x, &err);
  if (!in)
    die(err.reason);
}

static wasm_func *export(const char *name) {
  wasm_extern e;
  if (!wasm_instance_export(in, name, (uint32_t)strlen(name), &e))
    die("no such export");
  return e.u.func;
}

/* One call of export name(a, b): its fuel and time. */
static void call(const char *name, uint32_t a, uint32_t b, uint64_t *fuel,
                 double *secs) {
  wasm_func *f = export(name);
  wasm_value args[2] = {{.i32 = a}, {.i32 = b}};
  uint32_t nargs = wasm_func_type(f)->nparams;
  wasm_exec_set_fuel(x, BUDGET);
  double t0 = now();
  wasm_status s = wasm_call(x, f, args, nargs);
  *secs = now() - t0;
  if (s != WASM_OK)
    die(s == WASM_TRAPPED ? wasm_trap_string(wasm_exec_trap(x))
                          : "call failed");
  uint32_t nres;
  const wasm_value *res = wasm_exec_results(x, &nres);
  if (!strcmp(name, "grow") || !strcmp(name, "table_grow"))
    if (nres != 1 || res[0].i32 == UINT32_MAX)
      die("grow failed");
  *fuel = BUDGET - wasm_exec_fuel(x);
}

static double arith_ns;

/* Best of 3 of name(a, b), each on a fresh instance whose memory has
 * mem_pages and table tab_elems (grown before the timed call). */
static void row(const char *label, const char *name, uint32_t a, uint32_t b,
                uint32_t mem_pages, uint32_t tab_elems) {
  uint64_t fuel = 0;
  double best = 1e9;
  for (int r = 0; r < 3; r++) {
    uint64_t f;
    double t;
    instantiate();
    if (mem_pages)
      call("grow", mem_pages, 0, &f, &t);
    if (tab_elems)
      call("table_grow", tab_elems, 0, &f, &t);
    call(name, a, b, &f, &t);
    if (t < best)
      best = t, fuel = f;
  }
  double ns = best * 1e9 / (double)(fuel ? fuel : 1);
  if (!arith_ns)
    arith_ns = ns;
  printf("%-34s %12llu %10.2f %9.3f %8.1fx\n", label, (unsigned long long)fuel,
         best * 1e3, ns, ns / arith_ns);
}

int main(void) {
  build();
  void *mem = malloc(ARENA_BYTES);
  if (!mem)
    die("no memory");
  wasm_arena_init(&arena, mem, ARENA_BYTES);
  lim = wasm_default_limits;
  lim.max_module_bytes = (uint32_t)mod.n;
  lim.max_pages = 65536;
  lim.max_table_size = 4u * TABLE;
  lim.resize = resize;
  wasm_error err;
  module = wasm_module_load(mod.b, mod.n, &arena, &lim, &err);
  if (!module)
    die(err.reason);
  x = wasm_exec_new(&arena, &lim);
  if (!x)
    die("wasm_exec_new");
  mark = arena.used;

  char label[64];
  printf("%-34s %12s %10s %9s %9s\n", "work", "fuel", "ms", "ns/fuel",
         "vs arith");
  row("i32 add, mul, sub (loop)", "arith", 10000000, 0, 0, 0);
  snprintf(label, sizeof label, "memory.grow %u pages", MEM_PAGES);
  row(label, "grow", MEM_PAGES, 0, 0, 0);
  snprintf(label, sizeof label, "memory.fill %u MiB x 8", BULK >> 20);
  row(label, "fill", 8, BULK, MEM_PAGES, 0);
  snprintf(label, sizeof label, "memory.copy %u MiB x 8", BULK >> 20);
  row(label, "copy", 8, BULK, MEM_PAGES, 0);
  snprintf(label, sizeof label, "memory.init %u KiB x 256", DATA >> 10);
  row(label, "init", 256, DATA, MEM_PAGES, 0);
  snprintf(label, sizeof label, "call, %u locals x 1000", LOCALS);
  row(label, "call_locals", 1000, 0, 0, 0);
  snprintf(label, sizeof label, "table.grow %u", 2 * TABLE);
  row(label, "table_grow", 2 * TABLE, 0, 0, 0);
  snprintf(label, sizeof label, "table.fill %u x 8", TABLE);
  row(label, "table_fill", 8, TABLE, 0, 2 * TABLE);
  snprintf(label, sizeof label, "table.copy %u x 8", TABLE);
  row(label, "table_copy", 8, TABLE, 0, 2 * TABLE);
  return 0;
}
