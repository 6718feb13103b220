/* exec.c: execution contexts and calls from the embedder (wasm.h). A call
 * starts on a three-instruction trampoline, "call f; exit", so that the
 * interpreter treats the embedder's call like any other and fuel can stop
 * it even before f's first instruction. */
#include "exec.h"
#include "code.h"

wasm_exec *wasm_exec_new(wasm_arena *a, const wasm_limits *lim) {
  if (lim->max_stack_slots == 0 || lim->max_call_depth == 0)
    return NULL;
  wasm_exec *x = wasm_arena_alloc(a, sizeof *x, 8);
  if (!x)
    return NULL;
  x->stack = wasm_arena_array(a, lim->max_stack_slots, sizeof(wasm_value), 8);
  x->frames = wasm_arena_array(a, lim->max_call_depth, sizeof(wasm_frame), 8);
  if (!x->stack || !x->frames)
    return NULL;
  x->stack_end = x->stack + lim->max_stack_slots;
  x->max_depth = lim->max_call_depth;
  x->fuel = UINT64_MAX;
  return x;
}

/* The debt is paid first (wasm.h). */
void wasm_exec_set_fuel(wasm_exec *x, uint64_t fuel) {
  if (fuel == UINT64_MAX) {
    x->debt = 0;
  } else if (fuel < x->debt) {
    x->debt -= fuel;
    fuel = 0;
  } else {
    fuel -= x->debt;
    x->debt = 0;
  }
  x->fuel = fuel;
}

uint64_t wasm_exec_fuel(const wasm_exec *x) { return x->fuel; }
uint64_t wasm_exec_debt(const wasm_exec *x) { return x->debt; }
wasm_trap wasm_exec_trap(const wasm_exec *x) { return x->trap; }
void wasm_exec_set_trap(wasm_exec *x, wasm_trap t) { x->trap = t; }

/* Not while running: the interpreter holds the frames and the depth. */
wasm_status wasm_exec_reset(wasm_exec *x) {
  if (x->state == WASM_EXEC_RUNNING)
    return WASM_BUSY;
  x->state = WASM_EXEC_IDLE;
  x->depth = 0;
  x->bulk_done = 0;
  x->host_suspended = false;
  return WASM_OK;
}

const wasm_value *wasm_exec_results(const wasm_exec *x, uint32_t *nresults) {
  if (!x->has_results) {
    *nresults = 0;
    return NULL;
  }
  *nresults = x->nresults;
  return x->stack;
}

wasm_status wasm_call(wasm_exec *x, wasm_func *f, const wasm_value *args,
                      uint32_t nargs) {
  if (x->state != WASM_EXEC_IDLE)
    return WASM_BUSY;
  if (!f || nargs != f->type->nparams)
    return WASM_BAD_ARGS;
  x->has_results = false;
  const void *const *h = wasm_handlers();
  x->tramp[0] = (uintptr_t)h[IOP_CALL_DIRECT];
  x->tramp[1] = (uintptr_t)f;
  x->tramp[2] = 0;
  x->tramp[3] = (uintptr_t)h[IOP_EXIT];
  if (nargs > (size_t)(x->stack_end - x->stack)) {
    x->trap = WASM_TRAP_STACK_EXHAUSTED;
    return WASM_TRAPPED;
  }
  for (uint32_t i = 0; i < nargs; i++)
    x->stack[i] = args[i];
  x->trap = WASM_TRAP_NONE;
  x->depth = 0;
  x->bulk_done = 0;
  x->host_suspended = false;
  x->ip = x->tramp;
  x->fp = x->stack;
  x->func = f;
  x->nresults = f->type->nresults;
  x->state = WASM_EXEC_RUNNING;
  return wasm_run(x);
}

wasm_status wasm_resume(wasm_exec *x) {
  if (x->state == WASM_EXEC_RUNNING)
    return WASM_BUSY;
  if (x->state != WASM_EXEC_SUSPENDED)
    return WASM_NOT_SUSPENDED;
  x->state = WASM_EXEC_RUNNING;
  return wasm_run(x);
}

const char *wasm_trap_string(wasm_trap t) {
  switch (t) {
  case WASM_TRAP_NONE:
    return "no trap";
  case WASM_TRAP_UNREACHABLE:
    return "unreachable";
  case WASM_TRAP_MEMORY_OOB:
    return "out of bounds memory access";
  case WASM_TRAP_TABLE_OOB:
    return "out of bounds table access";
  case WASM_TRAP_INT_OVERFLOW:
    return "integer overflow";
  case WASM_TRAP_DIV_ZERO:
    return "integer divide by zero";
  case WASM_TRAP_INVALID_CONVERSION:
    return "invalid conversion to integer";
  case WASM_TRAP_UNDEFINED_ELEMENT:
    return "undefined element";
  case WASM_TRAP_UNINITIALIZED_ELEMENT:
    return "uninitialized element";
  case WASM_TRAP_INDIRECT_CALL_TYPE:
    return "indirect call type mismatch";
  case WASM_TRAP_STACK_EXHAUSTED:
    return "call stack exhausted";
  case WASM_TRAP_HOST:
    return "host function trapped";
  case WASM_TRAP_UNDO_FULL:
    return "undo log full";
  }
  return "unknown trap";
}

void *wasm_host_env(wasm_host_call *c) { return c->f->host_env; }

bool wasm_host_resumed(wasm_host_call *c) { return c->resumed; }

/* As the interpreter's charges: whole, the excess a debt (wasm.h). */
bool wasm_host_charge(wasm_host_call *c, uint64_t units) {
  wasm_exec *x = c->x;
  if (x->fuel >= units) {
    x->fuel -= units;
    return true;
  }
  x->debt += units - x->fuel;
  x->fuel = 0;
  return false;
}

wasm_memory *wasm_host_memory(wasm_host_call *c) {
  return c->caller ? c->caller->mem : NULL;
}
