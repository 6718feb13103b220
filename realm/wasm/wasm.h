/* wasm.h: the WebAssembly engine's embedding API.
 *
 * WebAssembly 2.0 core without SIMD: decode and validate a module, link it
 * against host objects and other instances, and run its functions in an
 * interpreter whose native stack use does not depend on Wasm call depth.
 * Freestanding C11: no libc, no allocation; every byte comes from an arena
 * the embedder gives, within limits the embedder sets. docs/wasm.md tells
 * the design, the internal code form and what fuel costs.
 */
#ifndef REALM_WASM_H
#define REALM_WASM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* ---- memory: a bump arena ------------------------------------------------ */

typedef struct wasm_arena {
  uint8_t *base;
  size_t size, used;
} wasm_arena;

void wasm_arena_init(wasm_arena *a, void *mem, size_t size);
/* NULL when the arena cannot hold n more bytes (align: a power of two). */
void *wasm_arena_alloc(wasm_arena *a, size_t n, size_t align);

/* Storage that grows (linear memories, tables). With resize == NULL, a
 * memory or table takes its whole possible size from the arena when it is
 * created (its declared max, capped by the limits), so that growing never
 * allocates. With a hook, it is asked for new_bytes (old contents kept, the
 * new part need not be zeroed); it returns NULL to refuse. new_bytes == 0
 * frees. */
typedef void *(*wasm_resize_fn)(void *env, void *old, size_t old_bytes,
                                size_t new_bytes);

typedef struct wasm_limits {
  uint32_t max_module_bytes; /* size of the binary */
  uint32_t max_pages;        /* 64 KiB pages per memory */
  uint32_t max_table_size;   /* elements per table */
  uint32_t max_call_depth;   /* Wasm frames per wasm_exec */
  uint32_t max_stack_slots;  /* 8-byte value slots per wasm_exec */
  wasm_resize_fn resize;     /* optional, see above */
  void *resize_env;
} wasm_limits;

/* Limits for a small kernel: 1 MiB modules, 16 pages, 4096 elements,
 * 512 frames, 16384 slots, no resize hook. */
extern const wasm_limits wasm_default_limits;

/* ---- types and values ---------------------------------------------------- */

enum wasm_valtype {
  WASM_I32 = 0x7f,
  WASM_I64 = 0x7e,
  WASM_F32 = 0x7d,
  WASM_F64 = 0x7c,
  WASM_FUNCREF = 0x70,
  WASM_EXTERNREF = 0x6f,
};

/* A value as the engine keeps it: 8 bytes, i32/f32 in the low half (all
 * targets are little-endian). A funcref is a (wasm_func *) and an externref
 * the embedder's own non-zero number; 0 is null for both. */
typedef union wasm_value {
  uint32_t i32;
  uint64_t i64;
  float f32;
  double f64;
  uint64_t ref;
} wasm_value;

typedef struct wasm_functype {
  uint32_t nparams, nresults;
  const uint8_t *params, *results; /* enum wasm_valtype */
} wasm_functype;

enum wasm_extern_kind {
  WASM_EXTERN_FUNC = 0,
  WASM_EXTERN_TABLE = 1,
  WASM_EXTERN_MEMORY = 2,
  WASM_EXTERN_GLOBAL = 3
};

typedef struct wasm_module wasm_module;
typedef struct wasm_instance wasm_instance;
typedef struct wasm_func wasm_func;
typedef struct wasm_global wasm_global;
typedef struct wasm_memory wasm_memory;
typedef struct wasm_table wasm_table;
typedef struct wasm_exec wasm_exec;

typedef struct wasm_extern {
  uint8_t kind; /* enum wasm_extern_kind */
  union {
    wasm_func *func;
    wasm_table *table;
    wasm_memory *memory;
    wasm_global *global;
  } u;
} wasm_extern;

/* ---- errors and results -------------------------------------------------- */

enum wasm_error_kind {
  WASM_ERR_NONE = 0,
  WASM_ERR_MALFORMED, /* the bytes are not a module (decoding) */
  WASM_ERR_INVALID,   /* decodes but fails validation */
  WASM_ERR_LIMIT,     /* over an embedder limit or out of arena */
  WASM_ERR_LINK,      /* an import is unknown or of the wrong type */
  WASM_ERR_TRAP,      /* instantiation trapped (segment, start) */
};

typedef struct wasm_error {
  uint8_t kind;        /* enum wasm_error_kind */
  const char *section; /* "type", "code", ... or "" */
  uint32_t offset;     /* byte offset in the binary */
  char reason[96];
} wasm_error;

typedef enum wasm_status {
  WASM_OK = 0,
  WASM_TRAPPED,       /* see wasm_exec_trap() */
  WASM_OUT_OF_FUEL,   /* resumable with wasm_resume() */
  WASM_BAD_ARGS,      /* wasm_call: no function, or not its parameter count */
  WASM_BUSY,          /* the context runs a call (this is a host function
                          inside it) or holds one suspended */
  WASM_NOT_SUSPENDED, /* wasm_resume: there is no call to resume */
} wasm_status;

typedef enum wasm_trap {
  WASM_TRAP_NONE = 0,
  WASM_TRAP_UNREACHABLE,
  WASM_TRAP_MEMORY_OOB,
  WASM_TRAP_TABLE_OOB,
  WASM_TRAP_INT_OVERFLOW,
  WASM_TRAP_DIV_ZERO,
  WASM_TRAP_INVALID_CONVERSION,
  WASM_TRAP_UNDEFINED_ELEMENT,
  WASM_TRAP_UNINITIALIZED_ELEMENT,
  WASM_TRAP_INDIRECT_CALL_TYPE,
  WASM_TRAP_STACK_EXHAUSTED,
  WASM_TRAP_HOST,      /* a host function trapped */
  WASM_TRAP_UNDO_FULL, /* a write found the journal's log full */
} wasm_trap;

/* The spec's wording: "out of bounds memory access", ... */
const char *wasm_trap_string(wasm_trap t);

/* ---- modules ------------------------------------------------------------- */

/* Decode, validate and compile. The bytes must outlive the module (names
 * and passive data point into them). Returns NULL and fills err. */
wasm_module *wasm_module_load(const uint8_t *bytes, size_t len, wasm_arena *a,
                              const wasm_limits *lim, wasm_error *err);

/* ---- host objects -------------------------------------------------------- */

typedef struct wasm_host_call wasm_host_call;
typedef wasm_status (*wasm_host_fn)(wasm_host_call *c, const wasm_value *args,
                                    wasm_value *results);

/* type is copied. NULL when the arena is full. */
wasm_func *wasm_host_func_new(wasm_arena *a, const wasm_functype *type,
                              wasm_host_fn fn, void *env);
wasm_global *wasm_global_new(wasm_arena *a, uint8_t type, bool mut,
                             wasm_value v);
/* max == UINT32_MAX: no maximum. */
wasm_memory *wasm_memory_new(wasm_arena *a, const wasm_limits *lim,
                             uint32_t min_pages, uint32_t max_pages);
wasm_table *wasm_table_new(wasm_arena *a, const wasm_limits *lim, uint8_t elem,
                           uint32_t min, uint32_t max);

/* Inside a host function: its env, the calling instance's memory 0 (NULL if
 * none) and checked access to it. */
void *wasm_host_env(wasm_host_call *c);
wasm_memory *wasm_host_memory(wasm_host_call *c);
/* A pointer to [addr, addr+len) of m, or NULL if out of bounds. Valid until
 * the memory grows. Writes through it are not journaled (below): use
 * wasm_memory_write for what a rollback must undo. */
void *wasm_memory_ptr(wasm_memory *m, uint64_t addr, uint64_t len);
bool wasm_memory_read(wasm_memory *m, uint64_t addr, void *dst, uint64_t len);
/* false (and nothing written) when out of bounds, or when m is journaled
 * and the journal's log cannot hold what the write would overwrite. */
bool wasm_memory_write(wasm_memory *m, uint64_t addr, const void *src,
                       uint64_t len);
uint32_t wasm_memory_pages(const wasm_memory *m);
/* A host function that returns WASM_TRAPPED traps with WASM_TRAP_HOST (the
 * embedder keeps its own reason, if it has one).
 *
 * Suspension: a host function that returns WASM_OUT_OF_FUEL stops the call
 * with WASM_OUT_OF_FUEL at the host call (its results not written), as if
 * fuel had run out there. wasm_resume then calls the same host function
 * again with the same arguments, and wasm_host_resumed says so; it writes
 * its results on the invocation that returns WASM_OK. wasm_exec_reset gives
 * the suspended call up (the function is not called again). Nothing the
 * embedder passed to wasm_call must outlive a suspension: its arguments
 * were copied into the context. */
bool wasm_host_resumed(wasm_host_call *c);
/* Charges units to the running call's budget, like any charge (wasm_exec_
 * set_fuel below): taken whole; what exceeds the fuel left becomes a debt,
 * and the call stops at its next charge point. false when it left a debt. */
bool wasm_host_charge(wasm_host_call *c, uint64_t units);

wasm_value wasm_global_get(const wasm_global *g);
/* false (and nothing changes) when the global is immutable, or journaled
 * and the journal's log is full */
bool wasm_global_set(wasm_global *g, wasm_value v);
/* the value type; *mut (if not NULL) says whether it is mutable */
uint8_t wasm_global_type(const wasm_global *g, bool *mut);
const wasm_functype *wasm_func_type(const wasm_func *f);

/* ---- instances ----------------------------------------------------------- */

/* Finds the object for one import; false when there is none. The engine
 * checks its kind and type. */
typedef bool (*wasm_resolve_fn)(void *env, const char *module, uint32_t mlen,
                                const char *name, uint32_t nlen,
                                wasm_extern *out);

/* Link, allocate, run segments and the start function (on x). On failure
 * returns NULL with err->kind WASM_ERR_LINK, WASM_ERR_LIMIT or WASM_ERR_TRAP
 * (the trap is in wasm_exec_trap(x)); segments written before a trap stay
 * written, as the spec says. A failure before any segment gives the arena
 * back, but never below what resolve took from it: host objects it made
 * during the call stay valid. The start function is a call on x, so it
 * replaces x's results and fails (WASM_ERR_LIMIT) when x is busy. */
wasm_instance *wasm_instantiate(const wasm_module *m, wasm_arena *a,
                                const wasm_limits *lim, wasm_resolve_fn resolve,
                                void *resolve_env, wasm_exec *x,
                                wasm_error *err);

bool wasm_instance_export(const wasm_instance *in, const char *name,
                          uint32_t len, wasm_extern *out);

/* ---- execution ----------------------------------------------------------- */

/* A context owns a value stack and a frame stack (sized by the limits;
 * NULL when the arena cannot hold them or their size overflows). One call
 * runs on it at a time. */
wasm_exec *wasm_exec_new(wasm_arena *a, const wasm_limits *lim);

/* Fuel: the budget of the next call or resume, in units of work: one per
 * Wasm instruction, and for work whose size is dynamic one per 8 bytes it
 * writes (memory.fill, memory.copy and memory.init per 8 bytes; table.fill,
 * table.copy and table.init per element; a call per local it zeroes) and
 * one per byte of new storage (memory.grow, table.grow; 8 per byte when a
 * resize hook gives it: its time per byte is higher). docs/wasm.md tells
 * where charges are taken and what a unit costs. UINT64_MAX: unlimited
 * (and no debt).
 *
 * Every charge is taken whole as long as any fuel is left. One larger than
 * what is left leaves a debt, and the call stops (WASM_OUT_OF_FUEL) at the
 * next charge. wasm_exec_set_fuel pays the debt first: a budget smaller than
 * the debt only lowers it, and the call stops again at once. So every
 * budget makes progress, and a resume overruns its budget by at most one
 * charge: a function's body, a loop's body (both bounded by the module's
 * size), or one memory.grow or table.grow. Bulk fills, copies and inits
 * take no debt: they do what the fuel left pays and go on at resume. */
void wasm_exec_set_fuel(wasm_exec *x, uint64_t fuel);
/* What is left of the budget (0 when in debt), and the debt. */
uint64_t wasm_exec_fuel(const wasm_exec *x);
uint64_t wasm_exec_debt(const wasm_exec *x);

/* Call f with nargs arguments (its parameter count). WASM_OK: the results
 * are in the context (wasm_exec_results). WASM_OUT_OF_FUEL: the call is
 * suspended; set fuel and wasm_resume, or wasm_exec_reset. A host function
 * may call into another context, never into the one it runs on (WASM_BUSY). */
wasm_status wasm_call(wasm_exec *x, wasm_func *f, const wasm_value *args,
                      uint32_t nargs);
/* Go on with a suspended call, on the fuel set since. */
wasm_status wasm_resume(wasm_exec *x);
/* The results of the last call that returned WASM_OK (*nresults of them,
 * the function's result count); NULL when there are none (a call failed,
 * trapped, or is still suspended). Valid until the next call on x. */
const wasm_value *wasm_exec_results(const wasm_exec *x, uint32_t *nresults);
/* Give up a suspended call. WASM_BUSY (and nothing changes) from a host
 * function running on x. */
wasm_status wasm_exec_reset(wasm_exec *x);
wasm_trap wasm_exec_trap(const wasm_exec *x);

/* ---- the journal: undo of first writes ------------------------------------
 *
 * One journal serves every instance it is attached to (a transaction over
 * several instances). Savepoints nest: wasm_journal_begin opens one, and
 * wasm_journal_commit or wasm_journal_rollback closes it (and any opened
 * after it and still open). While one is open, the first write to each
 * piece of an attached object saves the old contents in the log; rollback
 * puts back, newest first, everything saved since its savepoint began.
 * Commit of an inner savepoint hands its entries to the enclosing one; the
 * outermost commit empties the log. With no savepoint open, writes cost
 * nothing more than a compare.
 *
 * What is undone, exactly: linear memory contents (in chunks of
 * WASM_JOURNAL_CHUNK bytes), memory size (memory.grow; the pages a rolled
 * back growth exposed are zeroed again), table elements (in chunks of
 * WASM_JOURNAL_TABLE_CHUNK) and sizes, mutable globals, and the instance's
 * dropped flags of data and element segments (data.drop, elem.drop). Writes
 * by Wasm code and by wasm_memory_write, wasm_global_set and growth through
 * the API are covered. Not covered: objects not attached, writes through
 * wasm_memory_ptr, the embedder's own state, and the storage a resize hook
 * gave for a growth (kept, zeroed, for the next one).
 *
 * The log bounds a transaction's write set: a write that finds it full
 * traps with WASM_TRAP_UNDO_FULL before writing anything (wasm_memory_write
 * and wasm_global_set return false; memory.grow and table.grow trap too),
 * and the embedder then rolls back, which stays exact. An entry takes the
 * saved bytes plus a header of 16 (32-bit) or 24 bytes. */

#define WASM_JOURNAL_CHUNK 64      /* bytes of memory per saved chunk */
#define WASM_JOURNAL_TABLE_CHUNK 8 /* table elements per saved chunk */

/* The layout is public so that an embedder can place it anywhere; its
 * fields are the engine's. */
typedef struct wasm_journal {
  uint8_t *log;
  size_t cap, used;
  uint16_t epoch; /* of the innermost open savepoint; 0: none open */
  uint16_t last;  /* the last epoch given out */
  uint32_t depth; /* savepoints open */
  wasm_memory *mems;
  wasm_table *tables;
  wasm_global *globals;
} wasm_journal;

typedef struct wasm_savepoint {
  size_t mark;
  uint16_t epoch, outer;
  uint32_t depth; /* open before it */
} wasm_savepoint;

/* The log is log_bytes at log (aligned inside to 8 bytes). */
void wasm_journal_init(wasm_journal *j, void *log, size_t log_bytes);
/* Puts under j the instance's memory 0, its tables, its mutable globals and
 * its dropped flags (imported objects too: they are the ones it writes).
 * Each memory and table gets a mark per chunk: from a for the effective
 * maximum (2 bytes per WASM_JOURNAL_CHUNK bytes of memory, per
 * WASM_JOURNAL_TABLE_CHUNK elements), or from the object's resize hook if
 * it has one (then they grow with it). An object is attached to one
 * journal at most. false: the arena or hook refused, or an object is under
 * another journal (what was attached before stays attached). */
bool wasm_journal_attach(wasm_journal *j, wasm_instance *in, wasm_arena *a);
/* The same for one object the host made (or any memory, table, global). */
bool wasm_journal_attach_memory(wasm_journal *j, wasm_memory *m, wasm_arena *a);
bool wasm_journal_attach_table(wasm_journal *j, wasm_table *t, wasm_arena *a);
bool wasm_journal_attach_global(wasm_journal *j, wasm_global *g);

/* Between calls, or from a host function: the interpreter reads the
 * journal's state again after every host call. */
void wasm_journal_begin(wasm_journal *j, wasm_savepoint *sp);
void wasm_journal_commit(wasm_journal *j, const wasm_savepoint *sp);
void wasm_journal_rollback(wasm_journal *j, const wasm_savepoint *sp);
/* Bytes of log in use, and savepoints open. */
size_t wasm_journal_used(const wasm_journal *j);
uint32_t wasm_journal_depth(const wasm_journal *j);

#endif
