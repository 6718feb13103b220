/* internal.h: what the engine's files share: the decoded module, the runtime
 * objects, and the calls between decoder, compiler, linker and interpreter.
 * Not for embedders (they use wasm.h). */
#ifndef REALM_WASM_INTERNAL_H
#define REALM_WASM_INTERNAL_H

#include "wasm.h"

/* tests/unit/test_wasm_load.c builds the engine with WASM_COUNT_WORK to
 * count what loading costs: one per instruction compiled, and one per
 * stack entry, label, local declaration or name comparison a loop of the
 * decoder or compiler visits; it checks the count against a bound per
 * byte of the module. */
#ifdef WASM_COUNT_WORK
extern uint64_t wasm_compile_work;
#define WORK(n) (wasm_compile_work += (n))
#else
#define WORK(n) ((void)0)
#endif

#define WASM_PAGE 65536u
#define WASM_MAX_PAGES 65536u

/* The value types of 2.0 (spec 5.3.1), and which of them are references. */
static inline bool wasm_is_reftype(uint8_t t) {
  return t == WASM_FUNCREF || t == WASM_EXTERNREF;
}
static inline bool wasm_is_valtype(uint8_t t) {
  return t == WASM_I32 || t == WASM_I64 || t == WASM_F32 || t == WASM_F64 ||
         wasm_is_reftype(t);
}

/* ---- the decoded module (decode.c fills it) ------------------------------ */

typedef struct wasm_lim {
  uint32_t min, max; /* max == UINT32_MAX: none */
} wasm_lim;

typedef struct wasm_tabletype {
  uint8_t elem; /* WASM_FUNCREF or WASM_EXTERNREF */
  wasm_lim lim;
} wasm_tabletype;

typedef struct wasm_globaltype {
  uint8_t type;
  uint8_t mut;
} wasm_globaltype;

/* A constant expression of 2.0: one instruction, then end. */
enum {
  WASM_CE_CONST = 1,
  WASM_CE_GLOBAL_GET,
  WASM_CE_REF_NULL,
  WASM_CE_REF_FUNC
};
typedef struct wasm_constexpr {
  uint8_t op;    /* WASM_CE_* */
  uint8_t type;  /* the value's type */
  uint32_t idx;  /* global or function index */
  uint64_t bits; /* WASM_CE_CONST: the value */
} wasm_constexpr;

typedef struct wasm_import {
  const char *module, *name;
  uint32_t mlen, nlen;
  uint8_t kind; /* enum wasm_extern_kind */
  union {
    uint32_t type; /* func: type index */
    wasm_tabletype table;
    wasm_lim mem;
    wasm_globaltype global;
  } d;
} wasm_import;

typedef struct wasm_export {
  const char *name;
  uint32_t len;
  uint8_t kind;
  uint32_t idx;
} wasm_export;

/* A function defined in the module. decode.c fills the first part, the
 * compiler (compile.c) the second. */
typedef struct wasm_funcdef {
  uint32_t type;              /* type index */
  uint32_t nlocals;           /* declared locals, params excluded */
  const uint8_t *local_decls; /* their declarations in the binary, checked:
                                 nlocal_decls of (u32 count, type byte) */
  uint32_t nlocal_decls;
  const uint8_t *body; /* the expression after the locals, to its end */
  uint32_t body_len;
  uint32_t body_offset; /* of body in the binary, for errors */
  /* compiled */
  uintptr_t *code;
  uint32_t code_len;    /* cells */
  uint32_t frame_slots; /* params + locals + deepest operand stack */
  uint32_t entry_fuel;  /* charged at entry */
} wasm_funcdef;

enum { WASM_SEG_ACTIVE = 0, WASM_SEG_PASSIVE, WASM_SEG_DECLARATIVE };

typedef struct wasm_elem {
  uint8_t mode;
  uint8_t type; /* reference type */
  uint32_t table;
  wasm_constexpr offset; /* active only */
  uint32_t count;
  wasm_constexpr *items; /* REF_FUNC, REF_NULL or GLOBAL_GET */
} wasm_elem;

typedef struct wasm_data {
  uint8_t mode;
  uint32_t mem;
  wasm_constexpr offset;
  const uint8_t *bytes;
  uint32_t len;
} wasm_data;

struct wasm_module {
  const uint8_t *bytes;
  size_t len;
  uint32_t ntypes;
  wasm_functype *types;
  uint32_t max_arity; /* the most params or results of any type */
  uint32_t nimports;
  wasm_import *imports;
  /* index spaces: imports first, then definitions */
  uint32_t nfuncs, nfuncs_imported;
  uint32_t *func_type;    /* nfuncs: type index of each function */
  wasm_funcdef *funcdefs; /* nfuncs - nfuncs_imported */
  uint32_t ntables, ntables_imported;
  wasm_tabletype *tables; /* ntables */
  uint32_t nmems, nmems_imported;
  wasm_lim *mems; /* nmems */
  uint32_t nglobals, nglobals_imported;
  wasm_globaltype *globals;    /* nglobals */
  wasm_constexpr *global_init; /* nglobals - nglobals_imported */
  uint32_t nexports;
  wasm_export *exports;
  bool has_start;
  uint32_t start;
  uint32_t nelems;
  wasm_elem *elems;
  bool has_datacount;
  uint32_t ndatas; /* from the data count section if present */
  wasm_data *datas;
  uint8_t *func_declared; /* nfuncs flags: may be named by ref.func (C.refs) */
};

/* ---- runtime objects ----------------------------------------------------- */

struct wasm_func {
  const wasm_functype *type;
  wasm_instance *inst;     /* NULL for host functions */
  const wasm_funcdef *def; /* NULL for host functions */
  wasm_host_fn host;
  void *host_env;
};

/* Journaled objects (journal.c) carry their journal, a mark per chunk (the
 * epoch of the savepoint that last saved it), and a link in the journal's
 * list of its objects (to clear every mark when epochs wrap). */
struct wasm_global {
  uint8_t type, mut;
  uint16_t mark;
  wasm_value v;
  wasm_journal *journal;
  wasm_global *jnext;
};

struct wasm_memory {
  uint8_t *data;
  uint64_t bytes;        /* pages * WASM_PAGE */
  uint32_t pages, max;   /* max: the effective maximum (declared, capped) */
  uint32_t declared_max; /* UINT32_MAX: none (for import matching) */
  uint32_t cap;          /* pages the storage holds now */
  wasm_resize_fn resize;
  void *resize_env;
  /* the journal's epoch, or wasm_journal_off's 0 */
  const uint16_t *epoch;
  /* what a store may write without the journal: bytes, or 0 while a
   * savepoint is open (interp.c's STORE); wasm_memory_sync sets it */
  uint64_t wbytes;
  uint16_t *marks;    /* a mark per WASM_JOURNAL_CHUNK bytes */
  uint64_t marks_cap; /* marks held */
  wasm_journal *journal;
  wasm_memory *jnext;
};

struct wasm_table {
  uint8_t elem;
  uint32_t size, max, declared_max, cap;
  uint64_t *elems; /* refs, 0 = null */
  wasm_resize_fn resize;
  void *resize_env;
  uint16_t *marks;    /* a mark per WASM_JOURNAL_TABLE_CHUNK elements */
  uint32_t marks_cap; /* marks held */
  wasm_journal *journal;
  wasm_table *jnext;
};

struct wasm_instance {
  const wasm_module *m;
  wasm_func **funcs;     /* m->nfuncs */
  wasm_table **tables;   /* m->ntables */
  wasm_memory *mem;      /* memory 0 or NULL (2.0 has at most one) */
  wasm_global **globals; /* m->nglobals */
  uint8_t *elem_dropped; /* m->nelems */
  uint8_t *data_dropped; /* m->ndatas */
  uint64_t **elem_vals;  /* m->nelems: each segment's refs, evaluated */
  wasm_journal *journal; /* of the dropped flags, or NULL */
};

/* ---- between the files --------------------------------------------------- */

/* arena.c: n items of size bytes; NULL when full or n * size overflows. */
void *wasm_arena_array(wasm_arena *a, size_t n, size_t size, size_t align);

/* compile.c: validate function defidx of m and compile it into the arena. */
bool wasm_compile(wasm_module *m, uint32_t defidx, wasm_arena *a,
                  wasm_error *err);

/* scan.c: why a function body is malformed (and where), or NULL. */
const char *wasm_scan_body(const wasm_module *m, const wasm_funcdef *def,
                           uint32_t *offset);

/* types.c */
bool wasm_functype_eq(const wasm_functype *a, const wasm_functype *b);

/* memory/table growth (host.c): old size, or -1; -2 when the journal's log
 * is full (a trap). */
int64_t wasm_memory_grow(wasm_memory *mem, uint32_t delta);
int64_t wasm_table_grow(wasm_table *t, uint32_t delta, uint64_t init);
/* What growing by delta costs if it succeeds (wasm.h): a unit per byte of
 * new storage, WASM_GROW_HOOK_UNITS per byte when the resize hook is asked
 * for it. The hook's time and the page faults of the fresh memory it
 * returns (zeroed by the engine) are about 10 to 20 times a unit of
 * arithmetic per byte (docs/wasm.md, "What a unit costs"). */
#define WASM_GROW_HOOK_UNITS 8u
uint64_t wasm_memory_grow_fuel(const wasm_memory *mem, uint32_t delta);
uint64_t wasm_table_grow_fuel(const wasm_table *t, uint32_t delta);

/* journal.c: what the interpreter and host.c call before a write to an
 * attached object while a savepoint is open (each checks the epoch
 * itself): save what [at, at + n) of m or t holds in unsaved chunks, a
 * global's value, a dropped flag, a size before growth. false: the log is
 * full (nothing was written yet; the caller traps or fails). */
#define WASM_CHUNK_SHIFT 6  /* log2 WASM_JOURNAL_CHUNK */
#define WASM_TCHUNK_SHIFT 3 /* log2 WASM_JOURNAL_TABLE_CHUNK */
extern const uint16_t wasm_journal_off;
static inline void wasm_memory_sync(wasm_memory *m) {
  m->wbytes = *m->epoch ? 0 : m->bytes;
}
bool wasm_jn_mem(wasm_memory *m, uint64_t at, uint64_t n);
bool wasm_jn_table(wasm_table *t, uint32_t at, uint32_t n);
bool wasm_jn_global(wasm_global *g);
bool wasm_jn_flag(wasm_journal *j, uint8_t *flag);
bool wasm_jn_mem_grow(wasm_memory *m, uint32_t old);
bool wasm_jn_table_grow(wasm_table *t, uint32_t old);
/* The marks of growing storage, through the resize hook: false if it
 * refused. */
bool wasm_jn_mem_marks(wasm_memory *m, uint32_t pages);
bool wasm_jn_table_marks(wasm_table *t, uint32_t elems);

/* exec.c: record a trap on x (instantiation's segments use it). */
void wasm_exec_set_trap(wasm_exec *x, wasm_trap t);

/* errors (decode.c) */
void wasm_error_set(wasm_error *err, uint8_t kind, const char *section,
                    uint32_t offset, const char *reason);

#endif
