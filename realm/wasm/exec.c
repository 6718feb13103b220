/* exec.c: execution contexts and calls from the embedder (wasm.h). A call
 * starts on a three-instruction trampoline, "call f; exit", so that the
 * interpreter treats the embedder's call like any other and fuel can stop
 * it even before f's first instruction. */
#include "exec.h"
#include "code.h"

wasm_exec *wasm_exec_new(wasm_arena *a, const wasm_limits *lim) {
  wasm_exec *x = wasm_arena_alloc(a, sizeof *x, 8);
  if (!x || lim->max_stack_slots == 0 || lim->max_call_depth == 0) return NULL;
  x->stack = wasm_arena_alloc(a, (size_t)lim->max_stack_slots * sizeof(wasm_value), 8);
  x->frames = wasm_arena_alloc(a, (size_t)lim->max_call_depth * sizeof(wasm_frame), 8);
  if (!x->stack || !x->frames) return NULL;
  x->stack_end = x->stack + lim->max_stack_slots;
  x->max_depth = lim->max_call_depth;
  x->fuel = UINT64_MAX;
  return x;
}

void wasm_exec_set_fuel(wasm_exec *x, uint64_t fuel) { x->fuel = fuel; }
uint64_t wasm_exec_fuel(const wasm_exec *x) { return x->fuel; }
wasm_trap wasm_exec_trap(const wasm_exec *x) { return x->trap; }
void wasm_exec_set_trap(wasm_exec *x, wasm_trap t) { x->trap = t; }

void wasm_exec_reset(wasm_exec *x) {
  x->busy = false;
  x->depth = 0;
}

wasm_status wasm_call(wasm_exec *x, wasm_func *f, const wasm_value *args,
                      uint32_t nargs, wasm_value *results, uint32_t nresults) {
  if (x->busy || !f || nargs != f->type->nparams || nresults != f->type->nresults)
    return WASM_BAD_CALL;
  const void *const *h = wasm_handlers();
  x->tramp[0] = (uintptr_t)h[IOP_CALL_DIRECT];
  x->tramp[1] = (uintptr_t)f;
  x->tramp[2] = 0;
  x->tramp[3] = (uintptr_t)h[IOP_EXIT];
  if (x->stack + nargs > x->stack_end) {
    x->trap = WASM_TRAP_STACK_EXHAUSTED;
    return WASM_TRAPPED;
  }
  for (uint32_t i = 0; i < nargs; i++) x->stack[i] = args[i];
  x->busy = true;
  x->trap = WASM_TRAP_NONE;
  x->depth = 0;
  x->ip = x->tramp;
  x->fp = x->stack;
  x->func = f;
  x->results = results;
  x->nresults = nresults;
  return wasm_run(x);
}

wasm_status wasm_resume(wasm_exec *x) {
  if (!x->busy) return WASM_BAD_CALL;
  return wasm_run(x);
}

const char *wasm_trap_string(wasm_trap t) {
  switch (t) {
  case WASM_TRAP_NONE: return "no trap";
  case WASM_TRAP_UNREACHABLE: return "unreachable";
  case WASM_TRAP_MEMORY_OOB: return "out of bounds memory access";
  case WASM_TRAP_TABLE_OOB: return "out of bounds table access";
  case WASM_TRAP_INT_OVERFLOW: return "integer overflow";
  case WASM_TRAP_DIV_ZERO: return "integer divide by zero";
  case WASM_TRAP_INVALID_CONVERSION: return "invalid conversion to integer";
  case WASM_TRAP_UNDEFINED_ELEMENT: return "undefined element";
  case WASM_TRAP_UNINITIALIZED_ELEMENT: return "uninitialized element";
  case WASM_TRAP_INDIRECT_CALL_TYPE: return "indirect call type mismatch";
  case WASM_TRAP_STACK_EXHAUSTED: return "call stack exhausted";
  case WASM_TRAP_HOST: return "host function trapped";
  }
  return "unknown trap";
}

void *wasm_host_env(wasm_host_call *c) { return c->f->host_env; }

wasm_memory *wasm_host_memory(wasm_host_call *c) {
  return c->caller ? c->caller->mem : NULL;
}
