/* undo.c: `make bench-undo`, what the journal (realm/wasm/journal.c) costs.
 * Each module's export "run"(N) is timed with no savepoint open and inside
 * one savepoint per run (begun before the call, committed after it), in
 * alternation, best of RUNS each; the checksums must agree. The journal is
 * attached in both cases: "off" is what an attached instance costs between
 * transactions, and the engine built without the journal is what
 * `make bench-wasm` times.
 *
 *     undo [-r RUNS] MODULE.wasm ITERATIONS [MODULE.wasm ITERATIONS ...]
 *     undo -1 on|off MODULE.wasm ITERATIONS     one run (for callgrind)
 *
 * Exit status 0 when every module's checksums agree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wasm.h"
#include "bench_host.h"

#define ARENA_BYTES (8u << 20)
#define LOG_BYTES (16u << 20)

typedef struct bench {
  wasm_exec *x;
  wasm_func *run;
  wasm_journal j;
  size_t log_peak; /* the most log one run used */
} bench;

static void setup(bench *b, const char *path, void *heap, void *log) {
  size_t len;
  uint8_t *bytes = bench_read_file(path, &len);
  if (!bytes) {
    perror(path);
    exit(2);
  }
  wasm_limits lim = wasm_default_limits;
  lim.max_module_bytes = 16u << 20;
  lim.max_pages = 16;
  wasm_arena a;
  wasm_arena_init(&a, heap, ARENA_BYTES);
  wasm_error err;
  memset(&err, 0, sizeof err);
  wasm_module *m = wasm_module_load(bytes, len, &a, &lim, &err);
  b->x = m ? wasm_exec_new(&a, &lim) : NULL;
  wasm_instance *in =
      b->x ? wasm_instantiate(m, &a, &lim, bench_no_imports, NULL, b->x, &err)
           : NULL;
  wasm_extern e;
  if (!in || !wasm_instance_export(in, "run", 3, &e)) {
    fprintf(stderr, "bench-undo: %s: %s\n", path, err.reason);
    exit(1);
  }
  b->run = e.u.func;
  wasm_journal_init(&b->j, log, LOG_BYTES);
  if (!wasm_journal_attach(&b->j, in, &a)) {
    fprintf(stderr, "bench-undo: %s: wasm_journal_attach failed\n", path);
    exit(1);
  }
}

/* One run of run(iters), under a savepoint when on; its time. */
static double once(bench *b, uint32_t iters, bool on, uint32_t *sum) {
  wasm_value arg = {.i64 = 0};
  arg.i32 = iters;
  wasm_savepoint sp;
  wasm_exec_set_fuel(b->x, UINT64_MAX);
  double t = bench_now();
  if (on)
    wasm_journal_begin(&b->j, &sp);
  wasm_status s = wasm_call(b->x, b->run, &arg, 1);
  if (on) {
    size_t used = wasm_journal_used(&b->j);
    if (used > b->log_peak)
      b->log_peak = used;
    wasm_journal_commit(&b->j, &sp);
  }
  t = bench_now() - t;
  uint32_t n;
  const wasm_value *r = wasm_exec_results(b->x, &n);
  if (s != WASM_OK || n != 1) {
    fprintf(stderr, "bench-undo: run: status %d, trap %s\n", (int)s,
            wasm_trap_string(wasm_exec_trap(b->x)));
    exit(1);
  }
  *sum = r[0].i32;
  return t;
}

int main(int argc, char **argv) {
  int runs = 5, i = 1;
  void *heap = malloc(ARENA_BYTES), *log = malloc(LOG_BYTES);
  if (!heap || !log)
    return 2;
  if (argc == 5 && !strcmp(argv[1], "-1")) {
    bench b;
    uint32_t sum;
    setup(&b, argv[3], heap, log);
    once(&b, (uint32_t)strtoul(argv[4], NULL, 0), !strcmp(argv[2], "on"), &sum);
    printf("bench-undo: %s %s: checksum %08x\n", argv[3], argv[2], sum);
    return 0;
  }
  if (argc > 2 && !strcmp(argv[1], "-r")) {
    runs = atoi(argv[2]);
    i = 3;
  }
  if (argc - i < 2 || (argc - i) % 2 || runs < 1) {
    fprintf(stderr,
            "usage: %s [-r RUNS] MODULE.wasm ITERATIONS ...\n"
            "       %s -1 on|off MODULE.wasm ITERATIONS\n",
            argv[0], argv[0]);
    return 2;
  }
  int rc = 0;
  printf("bench-undo: journal attached, no savepoint (off) vs one savepoint "
         "per run, committed (on); best of %d each, alternating\n",
         runs);
  for (; i + 1 < argc; i += 2) {
    bench b;
    memset(&b, 0, sizeof b);
    setup(&b, argv[i], heap, log);
    uint32_t iters = (uint32_t)strtoul(argv[i + 1], NULL, 0);
    double off = 1e30, on = 1e30;
    uint32_t sum_off = 0, sum_on = 0;
    for (int r = 0; r < runs; r++) {
      double t = once(&b, iters, false, &sum_off);
      off = t < off ? t : off;
      t = once(&b, iters, true, &sum_on);
      on = t < on ? t : on;
    }
    printf("  %-34s %6u iterations  off %8.3f s  on %8.3f s  on/off %.3f  "
           "log %zu KiB  checksum %08x%s\n",
           argv[i], iters, off, on, on / off, b.log_peak >> 10, sum_on,
           sum_on == sum_off ? "" : " MISMATCH");
    if (sum_on != sum_off)
      rc = 1;
  }
  return rc;
}
