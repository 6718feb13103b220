/* wasmrun: times a module's export "run"(N) on the Wasm engine, for the undo
 * figure of bench/sec_realms.py. Built twice from this one file: against
 * the engine before its journal (the base, sources taken from git) and,
 * with -DJOURNAL, against the engine of the tree.
 *
 *     wasmrun MODE MODULE.wasm ITERATIONS RUNS
 *
 * MODE: none  no journal (the only mode of the base build)
 *       off   a journal attached to the instance, no savepoint open
 *       on    a journal attached, each run inside one savepoint (begun
 *             before the call, committed after it), as a transaction is
 * Unlimited fuel. Prints: best_s T checksum C log_kib K (the best of RUNS
 * runs; K the most log one run used). Exit status 2 for bad arguments, 1
 * when the module cannot run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wasm.h"
#include "wasm/bench_host.h"

#define ARENA_BYTES (8u << 20)
#define LOG_BYTES (16u << 20) /* a first write to every byte of 8 MiB */

static int usage(void) {
  fprintf(stderr, "usage: wasmrun none|off|on MODULE.wasm ITERATIONS RUNS\n"
#ifndef JOURNAL
                  "(built without the journal: none only)\n"
#endif
  );
  return 2;
}

int main(int argc, char **argv) {
  if (argc != 5)
    return usage();
  const char *mode = argv[1];
  bool journal = strcmp(mode, "none") != 0, on = strcmp(mode, "on") == 0;
#ifndef JOURNAL
  if (journal)
    return usage();
#endif
  if (journal && !on && strcmp(mode, "off") != 0)
    return usage();
  uint32_t iters = (uint32_t)strtoul(argv[3], NULL, 0);
  int runs = atoi(argv[4]);
  if (runs < 1)
    return usage();
  size_t len;
  uint8_t *bytes = bench_read_file(argv[2], &len);
  void *heap = malloc(ARENA_BYTES);
  if (!bytes || !heap) {
    perror(argv[2]);
    return 1;
  }
  wasm_limits lim = wasm_default_limits;
  lim.max_module_bytes = 16u << 20;
  lim.max_pages = 16;
  wasm_arena a;
  wasm_arena_init(&a, heap, ARENA_BYTES);
  wasm_error err;
  memset(&err, 0, sizeof err);
  wasm_module *m = wasm_module_load(bytes, len, &a, &lim, &err);
  wasm_exec *x = m ? wasm_exec_new(&a, &lim) : NULL;
  wasm_instance *in =
      x ? wasm_instantiate(m, &a, &lim, bench_no_imports, NULL, x, &err) : NULL;
  wasm_extern e;
  if (!in || !wasm_instance_export(in, "run", 3, &e)) {
    fprintf(stderr, "wasmrun: %s: %s\n", argv[2],
            err.reason[0] ? err.reason : "no export \"run\"");
    return 1;
  }
  size_t log_peak = 0;
#ifdef JOURNAL
  static wasm_journal j;
  void *log = malloc(LOG_BYTES);
  if (journal) {
    if (!log) {
      perror("wasmrun: malloc");
      return 1;
    }
    wasm_journal_init(&j, log, LOG_BYTES);
    if (!wasm_journal_attach(&j, in, &a)) {
      fprintf(stderr, "wasmrun: wasm_journal_attach failed\n");
      return 1;
    }
  }
#endif
  double best = 1e30;
  uint32_t sum = 0;
  for (int r = 0; r < runs; r++) {
    wasm_value arg = {.i64 = 0};
    arg.i32 = iters;
    wasm_exec_set_fuel(x, UINT64_MAX);
    double t = bench_now();
#ifdef JOURNAL
    wasm_savepoint sp;
    if (on)
      wasm_journal_begin(&j, &sp);
#endif
    wasm_status s = wasm_call(x, e.u.func, &arg, 1);
#ifdef JOURNAL
    if (on) {
      size_t used = wasm_journal_used(&j);
      log_peak = used > log_peak ? used : log_peak;
      wasm_journal_commit(&j, &sp);
    }
#endif
    t = bench_now() - t;
    uint32_t n;
    const wasm_value *res = wasm_exec_results(x, &n);
    if (s != WASM_OK || n != 1) {
      fprintf(stderr, "wasmrun: run: status %d, trap %s\n", (int)s,
              wasm_trap_string(wasm_exec_trap(x)));
      return 1;
    }
    sum = res[0].i32;
    best = t < best ? t : best;
  }
  printf("best_s %.6f checksum %u log_kib %zu\n", best, sum, log_peak >> 10);
  return 0;
}
