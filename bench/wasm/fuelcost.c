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

#define ARENA_BYTES (64u << 20)
#define BUDGET 1000000000000000ull
#define MEM_PAGES 1024u         /* 64 MiB grown by the "memory.grow" row */
#define BULK (16u << 20)        /* bytes per memory.fill/copy */
#define DATA (256u << 10)       /* bytes of the passive data segment */
#define TABLE (1u << 20)        /* elements per table.fill/copy */
#define LOCALS 16000u           /* locals of the function "locals" */

/* ---- a module, written byte by byte ------------------------------------- */

static uint8_t mod[DATA + 4096];
static size_t modlen;

static void byte(uint8_t b) { mod[modlen++] = b; }
static void bytes(const uint8_t *b, size_t n) {
  memcpy(mod + modlen, b, n);
  modlen += n;
}
static void uleb(uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    byte(v ? b | 0x80 : b);
  } while (v);
}
#define BYTES(...)                                           \
  do {                                                       \
    static const uint8_t b_[] = {__VA_ARGS__};               \
    bytes(b_, sizeof b_);                                    \
  } while (0)

/* A section or code entry: its size is written once its content is, in a
 * fixed 5-byte LEB128 so that nothing moves. */
static size_t open_sized(void) {
  size_t at = modlen;
  modlen += 5;
  return at;
}
static void close_sized(size_t at) {
  uint32_t n = (uint32_t)(modlen - at - 5);
  for (int i = 0; i < 5; i++, n >>= 7)
    mod[at + (size_t)i] = (uint8_t)((n & 0x7f) | (i < 4 ? 0x80 : 0));
}
static size_t section(uint8_t id) {
  byte(id);
  return open_sized();
}

/* The loop every bulk function runs n = param 0 times:
 * loop { BODY; n -= 1; br_if n != 0 } */
#define LOOP_BEGIN() BYTES(0x03, 0x40)
#define LOOP_END() BYTES(0x20, 0, 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b)

enum { T_I_I, T_II, T_V };
static const char *const names[] = {
  "arith", "grow", "fill", "copy", "init", "locals", "call_locals",
  "table_grow", "table_fill", "table_copy",
};
static const uint8_t types[] = {T_I_I, T_I_I, T_II, T_II, T_II, T_V, T_II,
                                T_I_I, T_II, T_II};
#define NFUNCS (sizeof types)

static void build(void) {
  BYTES(0, 'a', 's', 'm', 1, 0, 0, 0);
  size_t s = section(1); /* types */
  BYTES(3, 0x60, 1, 0x7f, 1, 0x7f, 0x60, 2, 0x7f, 0x7f, 0, 0x60, 0, 0);
  close_sized(s);
  s = section(3);
  uleb(NFUNCS);
  bytes(types, NFUNCS);
  close_sized(s);
  s = section(4); /* one funcref table, 0 elements, no max */
  BYTES(1, 0x70, 0, 0);
  close_sized(s);
  s = section(5); /* one memory, 0 pages, no max */
  BYTES(1, 0, 0);
  close_sized(s);
  s = section(7);
  uleb(NFUNCS);
  for (uint32_t i = 0; i < NFUNCS; i++) {
    uleb(strlen(names[i]));
    bytes((const uint8_t *)names[i], strlen(names[i]));
    byte(0);
    uleb(i);
  }
  close_sized(s);
  s = section(12); /* data count */
  byte(1);
  close_sized(s);
  s = section(10);
  uleb(NFUNCS);
  size_t f;
  /* arith(n): acc = (acc + n) * 3 each iteration; returns acc */
  f = open_sized();
  BYTES(1, 1, 0x7f);
  LOOP_BEGIN();
  BYTES(0x20, 1, 0x20, 0, 0x6a, 0x41, 3, 0x6c, 0x21, 1);
  LOOP_END();
  BYTES(0x20, 1, 0x0b);
  close_sized(f);
  /* grow(pages) */
  f = open_sized();
  BYTES(0, 0x20, 0, 0x40, 0, 0x0b);
  close_sized(f);
  /* fill(n, size): memory.fill(0, 0xab, size) */
  f = open_sized();
  BYTES(0);
  LOOP_BEGIN();
  BYTES(0x41, 0, 0x41, 0xab, 0x01, 0x20, 1, 0xfc, 0x0b, 0);
  LOOP_END();
  BYTES(0x0b);
  close_sized(f);
  /* copy(n, size): memory.copy(0, size, size) */
  f = open_sized();
  BYTES(0);
  LOOP_BEGIN();
  BYTES(0x41, 0, 0x20, 1, 0x20, 1, 0xfc, 0x0a, 0, 0);
  LOOP_END();
  BYTES(0x0b);
  close_sized(f);
  /* init(n, size): memory.init 0 (0, 0, size) */
  f = open_sized();
  BYTES(0);
  LOOP_BEGIN();
  BYTES(0x41, 0, 0x41, 0, 0x20, 1, 0xfc, 0x08, 0, 0);
  LOOP_END();
  BYTES(0x0b);
  close_sized(f);
  /* locals(): LOCALS i32 locals, an empty body */
  f = open_sized();
  byte(1);
  uleb(LOCALS);
  BYTES(0x7f, 0x0b);
  close_sized(f);
  /* call_locals(n, _): call locals() n times */
  f = open_sized();
  BYTES(0);
  LOOP_BEGIN();
  BYTES(0x10, 5);
  LOOP_END();
  BYTES(0x0b);
  close_sized(f);
  /* table_grow(n): table.grow(ref.null, n) */
  f = open_sized();
  BYTES(0, 0xd0, 0x70, 0x20, 0, 0xfc, 0x0f, 0, 0x0b);
  close_sized(f);
  /* table_fill(n, size): table.fill(0, ref.null, size) */
  f = open_sized();
  BYTES(0);
  LOOP_BEGIN();
  BYTES(0x41, 0, 0xd0, 0x70, 0x20, 1, 0xfc, 0x11, 0);
  LOOP_END();
  BYTES(0x0b);
  close_sized(f);
  /* table_copy(n, size): table.copy(0, size, size) */
  f = open_sized();
  BYTES(0);
  LOOP_BEGIN();
  BYTES(0x41, 0, 0x20, 1, 0x20, 1, 0xfc, 0x0e, 0, 0);
  LOOP_END();
  BYTES(0x0b);
  close_sized(f);
  close_sized(s);
  s = section(11); /* one passive segment of DATA bytes */
  BYTES(1, 1);
  uleb(DATA);
  for (uint32_t i = 0; i < DATA; i++)
    byte((uint8_t)(i * 7));
  close_sized(s);
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
  lim.max_module_bytes = sizeof mod;
  lim.max_pages = 65536;
  lim.max_table_size = 4u * TABLE;
  lim.resize = resize;
  wasm_error err;
  module = wasm_module_load(mod, modlen, &arena, &lim, &err);
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
