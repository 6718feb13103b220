/* arena.c: the bump allocator every engine byte comes from, and the
 * default limits. */
#include "internal.h"

const wasm_limits wasm_default_limits = {
    .max_module_bytes = 1u << 20,
    .max_pages = 16,
    .max_table_size = 4096,
    .max_call_depth = 512,
    .max_stack_slots = 16384,
    .resize = NULL,
    .resize_env = NULL,
};

void wasm_arena_init(wasm_arena *a, void *mem, size_t size) {
  a->base = mem;
  a->size = mem ? size : 0;
  a->used = 0;
}

/* n bytes aligned to align (a power of two), zeroed; NULL when full.
 * Alignment is of the address, not of the offset in the arena. */
void *wasm_arena_alloc(wasm_arena *a, size_t n, size_t align) {
  if (align == 0 || (align & (align - 1)))
    return NULL;
  uintptr_t base = (uintptr_t)a->base;
  uintptr_t at = base + a->used;
  size_t pad = (size_t)(-at & (align - 1));
  size_t left = a->size - a->used;
  if (pad > left || n > left - pad)
    return NULL;
  uint8_t *p = a->base + a->used + pad;
  a->used += pad + n;
  __builtin_memset(p, 0, n);
  return p;
}

/* n items of size bytes each: NULL also when n * size overflows a size_t
 * (on a 32-bit target, an embedder's limit times a struct's size can). */
void *wasm_arena_array(wasm_arena *a, size_t n, size_t size, size_t align) {
  if (size && n > SIZE_MAX / size)
    return NULL;
  return wasm_arena_alloc(a, n * size, align);
}
