/* decode.h: the decoder's private state, shared by decode.c (the module's
 * frame: header, sections, names), decode_sec.c (the sections that declare
 * things) and decode_seg.c (constant expressions, segments, code). */
#ifndef REALM_WASM_DECODE_H
#define REALM_WASM_DECODE_H

#include "internal.h"
#include "reader.h"

/* The most params, and the most results, a function type may have (an
 * engine limit, as in browsers; the spec's tests need 100). Validating an
 * instruction costs up to this much (a call pushes its results, a branch
 * checks its label's), so it bounds load time per byte of code. */
#define WASM_MAX_ARITY 128u

typedef struct wasm_decoder {
  wasm_module *m;
  wasm_arena *a;
  const wasm_limits *lim;
  wasm_error *err;
  wasm_reader r; /* the binary; sections read on past their end
                           as the reference decoder does, then the size
                           is checked */
  const uint8_t *sec_end;
  const char *sec; /* its name, for errors */
  bool fatal;      /* err holds a MALFORMED or LIMIT error: stop */
  bool invalid;    /* inv holds the first validation error */
  wasm_error inv;
  bool has_funcs; /* the function section was seen */
  bool has_code;
  bool has_data;
  uint32_t nfuncdefs; /* from the function section */
} wasm_decoder;

/* A malformed module: err is set, r is stopped; returns false. */
bool wd_malformed(wasm_decoder *d, const char *why);
/* A validation failure at off: recorded if it is the first, decoding goes
 * on (so that malformed bytes later still win, as in the spec's order).
 * With has_idx, " <idx>" is appended, as the reference interpreter does. */
void wd_invalid(wasm_decoder *d, uint32_t off, const char *why, bool has_idx,
                uint32_t idx);
/* Over an engine limit or out of arena: err is set; returns false. */
bool wd_limit(wasm_decoder *d, const char *why);
/* count items of size bytes from the arena, zeroed; NULL (and a LIMIT
 * error) when it does not fit. count 0 gives a valid empty array. */
void *wd_alloc(wasm_decoder *d, uint32_t count, size_t size, size_t align);
/* A vector length: fails with "unexpected end" when even one byte per item
 * does not fit in the rest of the binary (so no huge allocation). */
uint32_t wd_count(wasm_decoder *d);
/* A name (spec 5.2.4): length, then valid UTF-8. */
bool wd_name(wasm_decoder *d, const char **s, uint32_t *len);
bool wd_valtype(wasm_decoder *d, uint8_t *t);
bool wd_reftype(wasm_decoder *d, uint8_t *t);

/* decode_sec.c */
bool wd_types(wasm_decoder *d);
bool wd_imports(wasm_decoder *d);
bool wd_functions(wasm_decoder *d);
bool wd_tables(wasm_decoder *d);
bool wd_memories(wasm_decoder *d);
bool wd_globals(wasm_decoder *d);
bool wd_exports(wasm_decoder *d);
bool wd_start(wasm_decoder *d);

/* decode_seg.c */
bool wd_constexpr(wasm_decoder *d, uint8_t want, wasm_constexpr *ce);
bool wd_elems(wasm_decoder *d);
bool wd_datacount(wasm_decoder *d);
bool wd_code(wasm_decoder *d);
bool wd_datas(wasm_decoder *d);

#endif
