/* spectest.c: the host module every spec test may import from:
 *   print, print_i32, print_i64, print_f32, print_f64, print_i32_f32,
 *   print_f64_f64   (do nothing, or print their arguments with -v)
 *   global_i32 = 666, global_i64 = 666, global_f32 = 666.6,
 *   global_f64 = 666.6   (immutable)
 *   table: funcref, min 10, max 20;  memory: min 1, max 2 pages */
#include "runner.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const uint8_t p_i32[] = {WASM_I32};
static const uint8_t p_i64[] = {WASM_I64};
static const uint8_t p_f32[] = {WASM_F32};
static const uint8_t p_f64[] = {WASM_F64};
static const uint8_t p_i32_f32[] = {WASM_I32, WASM_F32};
static const uint8_t p_f64_f64[] = {WASM_F64, WASM_F64};

static const struct {
  const char *name;
  uint32_t nparams;
  const uint8_t *params;
} funcs[7] = {
    {"print", 0, NULL},
    {"print_i32", 1, p_i32},
    {"print_i64", 1, p_i64},
    {"print_f32", 1, p_f32},
    {"print_f64", 1, p_f64},
    {"print_i32_f32", 2, p_i32_f32},
    {"print_f64_f64", 2, p_f64_f64},
};

static wasm_status print_fn(wasm_host_call *c, const wasm_value *args,
                            wasm_value *results) {
  (void)results;
  const spectest_func *f = wasm_host_env(c);
  if (!f || !*f->verbose)
    return WASM_OK;
  printf("  spectest.%s(", f->name);
  for (size_t i = 0; i < 7; i++) {
    if (strcmp(funcs[i].name, f->name) != 0)
      continue;
    for (uint32_t k = 0; k < funcs[i].nparams; k++) {
      char b[80];
      value_format(b, sizeof b, funcs[i].params[k], args[k]);
      printf("%s%s", k ? ", " : "", b);
    }
  }
  printf(")\n");
  return WASM_OK;
}

bool spectest_init(spectest *s, wasm_arena *a, const wasm_limits *lim,
                   bool verbose, char *err, size_t errlen) {
  memset(s, 0, sizeof *s);
  s->verbose = verbose;
  for (size_t i = 0; i < 7; i++) {
    wasm_functype t = {funcs[i].nparams, 0, funcs[i].params, NULL};
    s->envs[i].name = funcs[i].name;
    s->envs[i].verbose = &s->verbose;
    s->funcs[i] = wasm_host_func_new(a, &t, print_fn, &s->envs[i]);
    if (!s->funcs[i]) {
      snprintf(err, errlen, "spectest: wasm_host_func_new(%s) failed",
               funcs[i].name);
      return false;
    }
  }
  wasm_value v;
  memset(&v, 0, sizeof v);
  v.i32 = 666;
  s->global_i32 = wasm_global_new(a, WASM_I32, false, v);
  memset(&v, 0, sizeof v);
  v.i64 = 666;
  s->global_i64 = wasm_global_new(a, WASM_I64, false, v);
  memset(&v, 0, sizeof v);
  v.f32 = 666.6f;
  s->global_f32 = wasm_global_new(a, WASM_F32, false, v);
  memset(&v, 0, sizeof v);
  v.f64 = 666.6;
  s->global_f64 = wasm_global_new(a, WASM_F64, false, v);
  if (!s->global_i32 || !s->global_i64 || !s->global_f32 || !s->global_f64) {
    snprintf(err, errlen, "spectest: wasm_global_new failed");
    return false;
  }
  s->table = wasm_table_new(a, lim, WASM_FUNCREF, 10, 20);
  if (!s->table) {
    snprintf(err, errlen, "spectest: wasm_table_new(funcref, 10, 20) failed");
    return false;
  }
  s->memory = wasm_memory_new(a, lim, 1, 2);
  if (!s->memory) {
    snprintf(err, errlen, "spectest: wasm_memory_new(1, 2) failed");
    return false;
  }
  return true;
}

static bool is(const char *name, uint32_t len, const char *want) {
  return strlen(want) == len && memcmp(name, want, len) == 0;
}

bool spectest_lookup(const spectest *s, const char *name, uint32_t len,
                     wasm_extern *out) {
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < 7; i++) {
    if (is(name, len, funcs[i].name)) {
      out->kind = WASM_EXTERN_FUNC;
      out->u.func = s->funcs[i];
      return true;
    }
  }
  out->kind = WASM_EXTERN_GLOBAL;
  if (is(name, len, "global_i32")) {
    out->u.global = s->global_i32;
    return true;
  }
  if (is(name, len, "global_i64")) {
    out->u.global = s->global_i64;
    return true;
  }
  if (is(name, len, "global_f32")) {
    out->u.global = s->global_f32;
    return true;
  }
  if (is(name, len, "global_f64")) {
    out->u.global = s->global_f64;
    return true;
  }
  if (is(name, len, "table")) {
    out->kind = WASM_EXTERN_TABLE;
    out->u.table = s->table;
    return true;
  }
  if (is(name, len, "memory")) {
    out->kind = WASM_EXTERN_MEMORY;
    out->u.memory = s->memory;
    return true;
  }
  return false;
}
