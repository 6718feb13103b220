/* exec.h: the execution context, shared by exec.c (the API) and interp.c
 * (the loop). */
#ifndef REALM_WASM_EXEC_H
#define REALM_WASM_EXEC_H

#include "internal.h"

/* A Wasm frame's return information. The bottom frame of a call from the
 * embedder has ret_ip NULL. */
typedef struct wasm_frame {
  const uintptr_t *ret_ip;
  wasm_value *fp;
  wasm_func *func;
} wasm_frame;

enum { WASM_EXEC_IDLE, WASM_EXEC_RUNNING, WASM_EXEC_SUSPENDED };

struct wasm_exec {
  wasm_value *stack, *stack_end;
  wasm_frame *frames;
  uint32_t max_depth, depth;
  uint64_t fuel; /* what is left of the budget */
  uint64_t debt; /* charged beyond it; nonzero only when fuel is 0 */
  wasm_trap trap;
  uint8_t state;    /* WASM_EXEC_* */
  bool has_results; /* the last call returned: results at stack[0..) */
  /* where a call stopped for fuel (and where it starts) */
  const uintptr_t *ip;
  wasm_value *fp;
  wasm_func *func;
  uint32_t nresults;
  uint32_t bulk_done;  /* items a suspended bulk instruction has done */
  bool host_suspended; /* stopped by a host function: call it again */
  uintptr_t tramp[4];  /* call f; exit */
};

struct wasm_host_call {
  wasm_exec *x;
  wasm_func *f;
  wasm_instance *caller;
  bool resumed; /* called again after it suspended */
};

/* interp.c: run from x->ip/x->fp/x->func until the bottom frame returns,
 * a trap, or fuel runs out. */
wasm_status wasm_run(wasm_exec *x);

#endif
