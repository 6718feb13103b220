/* journal_state.c: a digest of everything a journal has under it (-j): each
 * memory's size and bytes, each table's size and elements, each global's
 * value. The runner compares it before an action and after the action is
 * rolled back. It reads the engine's objects directly (internal.h), as
 * only a test may. */
#include <string.h>

#include "internal.h"
#include "runner.h"

/* FNV-1a over 8-byte words: not for hostile input, only to tell a change. */
static uint64_t mix(uint64_t h, const void *p, size_t n) {
  const uint8_t *b = p;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, b + i, 8);
    h = (h ^ w) * 0x100000001b3ull;
  }
  for (; i < n; i++)
    h = (h ^ b[i]) * 0x100000001b3ull;
  return h;
}

uint64_t journal_state(const wasm_journal *j) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (const wasm_memory *m = j->mems; m; m = m->jnext) {
    h = mix(h, &m->pages, sizeof m->pages);
    if (m->bytes)
      h = mix(h, m->data, (size_t)m->bytes);
  }
  for (const wasm_table *t = j->tables; t; t = t->jnext) {
    h = mix(h, &t->size, sizeof t->size);
    if (t->size)
      h = mix(h, t->elems, (size_t)t->size * 8);
  }
  for (const wasm_global *g = j->globals; g; g = g->jnext)
    h = mix(h, &g->v, sizeof g->v);
  return h;
}
