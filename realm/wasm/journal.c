/* journal.c: undo of first writes (wasm.h, "the journal").
 *
 * Each savepoint gets an epoch, a number larger than any mark in use. A
 * chunk whose mark is below the current epoch has not been saved since the
 * innermost open savepoint began: its first write appends its old bytes and
 * its old mark to the log and sets its mark to the epoch. A chunk marked
 * with a larger epoch was saved by an inner savepoint that committed, whose
 * entries now belong to this one. Commit goes back to the enclosing epoch;
 * rollback replays the log back to its mark, newest first, marks included,
 * so the enclosing savepoint sees its own marks again and does not save
 * twice. Epoch 0 means no savepoint: every mark is >= 0, nothing is saved.
 *
 * Memory is saved in chunks of 64 bytes: a store then saves at most two
 * chunks (128 bytes, if it straddles), small enough that a transaction
 * which writes a few scattered words pays little log, and the marks cost 2
 * bytes per 64 (3 %). A 4 KiB chunk would cost a 4 KiB copy per first
 * write; most transactions touch a few pages (ICP: 95 % dirty <= 7 pages)
 * but only some words of each.
 *
 * A log entry is the saved bytes (padded to 8), then a header, so that
 * rollback walks it backwards from the end.
 *
 * Epochs are 16 bits. When they run out, every mark of every attached object
 * and every mark saved in the log is cleared and epochs start again at 1:
 * a cleared mark only makes the next write save again, never skip a save. */
#include "internal.h"

const uint16_t wasm_journal_off = 0;

enum { J_MEM = 1, J_TABLE, J_GLOBAL, J_FLAG, J_MEM_SIZE, J_TABLE_SIZE };

typedef struct jentry {
  void *obj;      /* the memory, table, global or flag */
  uint32_t index; /* the chunk, the old size, or the flag's old value */
  uint32_t len;   /* saved bytes before the header */
  uint16_t prev;  /* the chunk's mark before */
  uint8_t kind;   /* J_* */
} jentry;

#define PAD8(n) (((n) + 7) & ~(size_t)7)
#define HDR PAD8(sizeof(jentry))

void wasm_journal_init(wasm_journal *j, void *log, size_t log_bytes) {
  __builtin_memset(j, 0, sizeof *j);
  uintptr_t p = (uintptr_t)log, a = (p + 7) & ~(uintptr_t)7;
  if (log && log_bytes >= a - p) {
    j->log = (uint8_t *)a;
    j->cap = (log_bytes - (a - p)) & ~(size_t)7;
  }
}

size_t wasm_journal_used(const wasm_journal *j) { return j->used; }
uint32_t wasm_journal_depth(const wasm_journal *j) { return j->depth; }

/* Room for len saved bytes and a header; the bytes' address, or NULL. */
static uint8_t *append(wasm_journal *j, void *obj, uint8_t kind, uint32_t index,
                       uint16_t prev, uint32_t len) {
  size_t need = PAD8(len) + HDR;
  if (need > j->cap - j->used)
    return NULL;
  uint8_t *data = j->log + j->used;
  jentry *e = (jentry *)(data + PAD8(len));
  *e = (jentry){obj, index, len, prev, kind};
  j->used += need;
  return data;
}

/* ---- saving, before a write --------------------------------------------- */

bool wasm_jn_mem(wasm_memory *m, uint64_t at, uint64_t n) {
  wasm_journal *j = m->journal;
  uint16_t e = j ? j->epoch : 0;
  if (!e || !n)
    return true;
  uint64_t last = (at + n - 1) >> WASM_CHUNK_SHIFT;
  for (uint64_t c = at >> WASM_CHUNK_SHIFT; c <= last; c++) {
    if (m->marks[c] >= e)
      continue;
    uint8_t *d =
        append(j, m, J_MEM, (uint32_t)c, m->marks[c], WASM_JOURNAL_CHUNK);
    if (!d)
      return false;
    __builtin_memcpy(d, m->data + (c << WASM_CHUNK_SHIFT), WASM_JOURNAL_CHUNK);
    m->marks[c] = e;
  }
  return true;
}

bool wasm_jn_table(wasm_table *t, uint32_t at, uint32_t n) {
  wasm_journal *j = t->journal;
  uint16_t e = j ? j->epoch : 0;
  if (!e || !n)
    return true;
  uint32_t last = (uint32_t)(((uint64_t)at + n - 1) >> WASM_TCHUNK_SHIFT);
  for (uint32_t c = at >> WASM_TCHUNK_SHIFT; c <= last; c++) {
    if (t->marks[c] >= e)
      continue;
    uint32_t first = c << WASM_TCHUNK_SHIFT, k = t->cap - first;
    if (k > WASM_JOURNAL_TABLE_CHUNK)
      k = WASM_JOURNAL_TABLE_CHUNK;
    uint8_t *d = append(j, t, J_TABLE, c, t->marks[c], k * 8);
    if (!d)
      return false;
    __builtin_memcpy(d, t->elems + first, (size_t)k * 8);
    t->marks[c] = e;
  }
  return true;
}

bool wasm_jn_global(wasm_global *g) {
  wasm_journal *j = g->journal;
  uint16_t e = j ? j->epoch : 0;
  if (!e || g->mark >= e)
    return true;
  uint8_t *d = append(j, g, J_GLOBAL, 0, g->mark, 8);
  if (!d)
    return false;
  __builtin_memcpy(d, &g->v, 8);
  g->mark = e;
  return true;
}

/* A flag only ever goes from 0 to 1: saved each time it is set. */
bool wasm_jn_flag(wasm_journal *j, uint8_t *flag) {
  if (!j || !j->epoch || *flag)
    return true;
  return append(j, flag, J_FLAG, *flag, 0, 0) != NULL;
}

/* After growth from old (pages or elements): the old size is saved, and
 * the new chunks of memory are marked, since rollback zeroes them and
 * need not save them. false: the log is full (the caller undoes the
 * growth). */
bool wasm_jn_mem_grow(wasm_memory *m, uint32_t old) {
  wasm_journal *j = m->journal;
  uint16_t e = j ? j->epoch : 0;
  if (!e)
    return true;
  if (!append(j, m, J_MEM_SIZE, old, 0, 0))
    return false;
  uint64_t c0 = (uint64_t)old * (WASM_PAGE >> WASM_CHUNK_SHIFT);
  uint64_t c1 = m->bytes >> WASM_CHUNK_SHIFT;
  for (uint64_t c = c0; c < c1; c++)
    m->marks[c] = e;
  return true;
}

bool wasm_jn_table_grow(wasm_table *t, uint32_t old) {
  wasm_journal *j = t->journal;
  return !j || !j->epoch || append(j, t, J_TABLE_SIZE, old, 0, 0);
}

/* ---- rollback --------------------------------------------------------------- */

static void undo(const jentry *e, const uint8_t *d) {
  switch (e->kind) {
  case J_MEM: {
    wasm_memory *m = e->obj;
    __builtin_memcpy(m->data + ((uint64_t)e->index << WASM_CHUNK_SHIFT), d,
                     WASM_JOURNAL_CHUNK);
    m->marks[e->index] = e->prev;
    break;
  }
  case J_TABLE: {
    wasm_table *t = e->obj;
    __builtin_memcpy(t->elems + ((uint64_t)e->index << WASM_TCHUNK_SHIFT), d,
                     e->len);
    t->marks[e->index] = e->prev;
    break;
  }
  case J_GLOBAL: {
    wasm_global *g = e->obj;
    __builtin_memcpy(&g->v, d, 8);
    g->mark = e->prev;
    break;
  }
  case J_FLAG:
    *(uint8_t *)e->obj = (uint8_t)e->index;
    break;
  case J_MEM_SIZE: {
    /* newer entries are undone already: the size is what this growth
     * made; what it exposed is zeroed for the next growth, unmarked */
    wasm_memory *m = e->obj;
    uint64_t old = (uint64_t)e->index * WASM_PAGE;
    if (m->bytes > old) {
      uint64_t c0 = old >> WASM_CHUNK_SHIFT, c1 = m->bytes >> WASM_CHUNK_SHIFT;
      __builtin_memset(m->data + old, 0, (size_t)(m->bytes - old));
      __builtin_memset(m->marks + c0, 0, (size_t)(c1 - c0) * 2);
    }
    m->pages = e->index;
    m->bytes = old;
    break;
  }
  case J_TABLE_SIZE: {
    wasm_table *t = e->obj;
    for (uint32_t i = e->index; i < t->size; i++)
      t->elems[i] = 0;
    t->size = e->index;
    break;
  }
  }
}

/* Every memory's wbytes, after its size or whether a savepoint is open
 * changed. */
static void sync(wasm_journal *j) {
  for (wasm_memory *m = j->mems; m; m = m->jnext)
    wasm_memory_sync(m);
}

void wasm_journal_rollback(wasm_journal *j, const wasm_savepoint *sp) {
  while (j->used > sp->mark) {
    const jentry *e = (const jentry *)(j->log + j->used - HDR);
    const uint8_t *d = (const uint8_t *)e - PAD8(e->len);
    undo(e, d);
    j->used = (size_t)(d - j->log);
  }
  j->epoch = sp->outer;
  j->depth = sp->depth;
  sync(j);
}

void wasm_journal_commit(wasm_journal *j, const wasm_savepoint *sp) {
  j->epoch = sp->outer;
  j->depth = sp->depth;
  if (!j->depth) {
    j->used = 0;
    sync(j);
  }
}

/* Epochs ran out: every mark back to 0, in the objects and in the log. */
static void wrap(wasm_journal *j) {
  for (wasm_memory *m = j->mems; m; m = m->jnext)
    if (m->marks_cap)
      __builtin_memset(m->marks, 0, (size_t)m->marks_cap * 2);
  for (wasm_table *t = j->tables; t; t = t->jnext)
    if (t->marks_cap)
      __builtin_memset(t->marks, 0, (size_t)t->marks_cap * 2);
  for (wasm_global *g = j->globals; g; g = g->jnext)
    g->mark = 0;
  for (size_t at = j->used; at;) {
    jentry *e = (jentry *)(j->log + at - HDR);
    e->prev = 0;
    at -= HDR + PAD8(e->len);
  }
  j->last = 0;
}

void wasm_journal_begin(wasm_journal *j, wasm_savepoint *sp) {
  if (j->last == UINT16_MAX)
    wrap(j);
  sp->mark = j->used;
  sp->outer = j->epoch;
  sp->depth = j->depth;
  sp->epoch = ++j->last;
  j->epoch = sp->epoch;
  j->depth++;
  if (!sp->outer)
    sync(j);
}

/* ---- attaching ------------------------------------------------------------- */

/* n marks: from the hook (grown from old) when there is one, else from the
 * arena. Zeroed. */
static uint16_t *marks_get(wasm_resize_fn resize, void *env, uint16_t *old,
                           uint64_t old_n, uint64_t n, wasm_arena *a) {
  if (n > SIZE_MAX / 2)
    return NULL;
  if (!resize)
    return wasm_arena_array(a, (size_t)n, 2, 2);
  uint8_t *p = resize(env, old, (size_t)old_n * 2, (size_t)n * 2);
  if (p && n > old_n)
    __builtin_memset(p + old_n * 2, 0, (size_t)(n - old_n) * 2);
  return (uint16_t *)p;
}

bool wasm_jn_mem_marks(wasm_memory *m, uint32_t pages) {
  uint64_t n = (uint64_t)pages * (WASM_PAGE >> WASM_CHUNK_SHIFT);
  if (!m->journal || n <= m->marks_cap)
    return true;
  uint16_t *p =
      marks_get(m->resize, m->resize_env, m->marks, m->marks_cap, n, NULL);
  if (!p)
    return false;
  m->marks = p;
  m->marks_cap = n;
  return true;
}

bool wasm_jn_table_marks(wasm_table *t, uint32_t elems) {
  uint32_t n = (uint32_t)(((uint64_t)elems + WASM_JOURNAL_TABLE_CHUNK - 1) >>
                          WASM_TCHUNK_SHIFT);
  if (!t->journal || n <= t->marks_cap)
    return true;
  uint16_t *p =
      marks_get(t->resize, t->resize_env, t->marks, t->marks_cap, n, NULL);
  if (!p)
    return false;
  t->marks = p;
  t->marks_cap = n;
  return true;
}

bool wasm_journal_attach_memory(wasm_journal *j, wasm_memory *m,
                                wasm_arena *a) {
  if (m->journal)
    return m->journal == j;
  /* with a hook, marks for the storage it holds now (and more as it
   * grows); without, for the effective maximum */
  uint32_t pages = m->resize ? m->cap : m->max;
  uint64_t n = (uint64_t)pages * (WASM_PAGE >> WASM_CHUNK_SHIFT);
  if (n) {
    m->marks = marks_get(m->resize, m->resize_env, NULL, 0, n, a);
    if (!m->marks)
      return false;
  }
  m->marks_cap = n;
  m->journal = j;
  m->epoch = &j->epoch;
  m->jnext = j->mems;
  j->mems = m;
  wasm_memory_sync(m);
  return true;
}

bool wasm_journal_attach_table(wasm_journal *j, wasm_table *t, wasm_arena *a) {
  if (t->journal)
    return t->journal == j;
  uint32_t elems = t->resize ? t->cap : t->max;
  uint32_t n = (uint32_t)(((uint64_t)elems + WASM_JOURNAL_TABLE_CHUNK - 1) >>
                          WASM_TCHUNK_SHIFT);
  if (n) {
    t->marks = marks_get(t->resize, t->resize_env, NULL, 0, n, a);
    if (!t->marks)
      return false;
  }
  t->marks_cap = n;
  t->journal = j;
  t->jnext = j->tables;
  j->tables = t;
  return true;
}

bool wasm_journal_attach_global(wasm_journal *j, wasm_global *g) {
  if (g->journal)
    return g->journal == j;
  if (!g->mut)
    return true; /* never written */
  g->journal = j;
  g->jnext = j->globals;
  j->globals = g;
  return true;
}

bool wasm_journal_attach(wasm_journal *j, wasm_instance *in, wasm_arena *a) {
  if (in->journal && in->journal != j)
    return false;
  const wasm_module *m = in->m;
  if (in->mem && !wasm_journal_attach_memory(j, in->mem, a))
    return false;
  for (uint32_t i = 0; i < m->ntables; i++)
    if (!wasm_journal_attach_table(j, in->tables[i], a))
      return false;
  for (uint32_t i = 0; i < m->nglobals; i++)
    if (!wasm_journal_attach_global(j, in->globals[i]))
      return false;
  in->journal = j;
  return true;
}
