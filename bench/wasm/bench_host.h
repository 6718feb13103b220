/* bench_host.h: what the engine's host benchmarks share (bench/wasm/host.c,
 * undo.c and bench/wasmrun.c): a monotonic clock in seconds, a module read
 * from a file, and a resolver for modules that import nothing. */
#ifndef REALMOS_BENCH_HOST_H
#define REALMOS_BENCH_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "wasm.h"

static inline double bench_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The whole file, malloc'ed; NULL when it cannot be read. */
static inline uint8_t *bench_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
    free(b);
    b = NULL;
  }
  fclose(f);
  *len = (size_t)n;
  return b;
}

/* The benchmark modules import nothing. */
static inline bool bench_no_imports(void *env, const char *module,
                                    uint32_t mlen, const char *name,
                                    uint32_t nlen, wasm_extern *out) {
  (void)env, (void)module, (void)mlen, (void)name, (void)nlen, (void)out;
  return false;
}

#endif
