/* runner.h: what the spec-test runner's files share (runner.c, commands.c,
 * values.c, spectest.c). */
#ifndef WASM_SPEC_RUNNER_H
#define WASM_SPEC_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "wasm.h"

typedef struct counts {
  unsigned long passed, failed, skipped;
} counts;

/* ---- limits.c: wasm_exec_new against limits past the address space ------ */

counts limits_check(void);

/* ---- runner.c ------------------------------------------------------------ */

extern bool runner_verbose; /* -v */
extern bool runner_journal; /* -j */

/* ---- journal_state.c ----------------------------------------------------- */

/* A digest of the memories, tables and globals under j. */
uint64_t journal_state(const wasm_journal *j);

/* realloc that exits on failure; GROW makes room for one more in a list. */
void *xrealloc(void *p, size_t n);
#define GROW(arr, len, cap)                                                    \
  do {                                                                         \
    if ((len) == (cap)) {                                                      \
      (cap) = (cap) ? (cap)*2 : 8;                                             \
      (arr) = xrealloc((arr), (cap) * sizeof *(arr));                          \
    }                                                                          \
  } while (0)

/* ---- commands.c ---------------------------------------------------------- */

/* Runs DIR/name/name.json, prints its failures and its line; returns its
 * counts. */
counts run_file(const char *root, const char *name, size_t arena_mib);

/* ---- values.c: the JSON value encodings -------------------------------- */

/* "i32" -> WASM_I32, ...; 0 for an unknown name (e.g. "v128"). */
uint8_t value_type(const char *name);
const char *value_type_name(uint8_t type);

/* An argument {"type": T, "value": V}. "ref.extern N" becomes N + 1, null 0.
 * On failure writes why to err. */
bool value_parse(const json *v, uint8_t *type, wasm_value *out, char *err,
                 size_t errlen);

/* Does got (of the function's result type) match expected {"type", "value"}?
 * Bit-for-bit, with nan:canonical / nan:arithmetic. */
bool value_match(const json *expected, wasm_value got);

/* "i32:0x0000002a (42)", "f32:0x7fc00000 (nan)", "externref:ref.extern 3". */
void value_format(char *buf, size_t n, uint8_t type, wasm_value v);
/* The expected value as written: "f64:nan:canonical", "i32:0x... (..)". */
void expected_format(char *buf, size_t n, const json *expected);

/* A name with bytes outside printable ASCII escaped as \xx. */
void name_format(char *buf, size_t n, const char *s, size_t len);

/* ---- spectest.c: the host module "spectest" ---------------------------- */

typedef struct spectest_func {
  const char *name;
  bool *verbose;
} spectest_func;

typedef struct spectest {
  bool verbose;
  spectest_func envs[7];
  wasm_func *funcs[7];
  wasm_global *global_i32, *global_i64, *global_f32, *global_f64;
  wasm_table *table;
  wasm_memory *memory;
} spectest;

/* Creates the module's objects in a (fresh for every file). False when the
 * arena or the limits refuse one; what failed goes to err. */
bool spectest_init(spectest *s, wasm_arena *a, const wasm_limits *lim,
                   bool verbose, char *err, size_t errlen);
bool spectest_lookup(const spectest *s, const char *name, uint32_t len,
                     wasm_extern *out);

#endif
