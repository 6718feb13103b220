/* call.c: one realm calling another's export, synchronously, inside the
 * same transaction (the "call" import, struct realm_call in
 * realm/sdk/realm.h).
 *
 * The callee runs on its own context as a new frame of the chain, with
 * current = callee and previous = caller, under a savepoint of the undo
 * journal. If it traps, aborts, runs out of the fuel passed on or replies
 * more than the caller can take, the savepoint is rolled back (its writes
 * and those of every call it made, and its effects are dropped) and the
 * caller gets the error, then goes on. Byte arguments are copied by the
 * kernel into the callee's inbox, and its reply back into the caller's out
 * buffer: no realm ever sees an address in another's memory.
 *
 * Re-entry is refused (REALM_E_REENTRY): a realm is on a chain at most
 * once, so a realm's state is never seen half-way through one of its own
 * calls, and each realm needs one context and one inbox. */
#include "manager.h"

#include "kstring.h"

/* Offsets in struct realm_call (realm/sdk/realm.h). */
enum {
  RC_PATH = 0,
  RC_PATH_LEN = 4,
  RC_FN = 8,
  RC_FN_LEN = 12,
  RC_OUT = 16,
  RC_OUT_CAP = 20,
  RC_OUT_LEN = 24,
  RC_NARGS = 28,
  RC_FUEL = 32,
  RC_RESULT = 40,
  RC_ARGS = 48,
  RC_ARG_SIZE = 16,
};

static uint32_t le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}
static uint64_t le64(const uint8_t *p) {
  return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Arguments to fn's parameters: a scalar is one i32 or i64 parameter (an
 * i32 takes it if it fits in i32 or u32), bytes are two i32 parameters,
 * the address in r's inbox and the length. */
int32_t realm_marshal(realm_t *r, wasm_func *fn, const realm_argv_t *av,
                      uint32_t n, wasm_value *params, uint32_t *np) {
  const wasm_functype *t = wasm_func_type(fn);
  if (t->nresults > 1 || (t->nresults == 1 && t->results[0] != WASM_I32 &&
                          t->results[0] != WASM_I64))
    return REALM_E_SIGNATURE;
  uint32_t p = 0, inbox_used = 0;
  uint32_t cap = KMIN(r->inbox_cap, r->mf.call_bytes);
  for (uint32_t i = 0; i < n; i++) {
    if (av[i].kind == REALM_ARG_SCALAR) {
      if (p >= t->nparams)
        return REALM_E_SIGNATURE;
      uint8_t ty = t->params[p];
      int64_t v = (int64_t)av[i].v;
      if (ty == WASM_I32) {
        if (v < INT32_MIN || v > (int64_t)UINT32_MAX)
          return REALM_E_ARG;
        params[p++].i64 = (uint32_t)v;
      } else if (ty == WASM_I64) {
        params[p++].i64 = (uint64_t)v;
      } else {
        return REALM_E_SIGNATURE;
      }
    } else {
      if (p + 2 > t->nparams || t->params[p] != WASM_I32 ||
          t->params[p + 1] != WASM_I32)
        return REALM_E_SIGNATURE;
      if (av[i].len > cap - inbox_used)
        return REALM_E_LIMIT;
      /* The inbox is the kernel's scratch space, not the realm's state:
       * written without the journal (nothing to undo, no log to fill). */
      uint8_t *to = wasm_memory_ptr(r->mem, r->inbox + inbox_used, av[i].len);
      if (!to)
        return REALM_E_BOUNDS;
      kmemmove(to, av[i].bytes, av[i].len);
      params[p++].i64 = r->inbox + inbox_used;
      params[p++].i64 = av[i].len;
      inbox_used += av[i].len;
    }
  }
  if (p != t->nparams)
    return REALM_E_SIGNATURE;
  *np = p;
  return REALM_OK;
}

/* Read the request and its arguments out of the caller's memory. */
static int32_t read_request(realm_t *r, uint32_t req, uint8_t rc[176],
                            realm_argv_t *av, uint32_t *nav) {
  if (realm_read(r, req, rc, REALM_CALL_BYTES) != REALM_OK)
    return REALM_E_BOUNDS;
  uint32_t n = le32(rc + RC_NARGS);
  if (n > REALM_MAX_ARGS)
    return REALM_E_ARG;
  for (uint32_t i = 0; i < n; i++) {
    const uint8_t *a = rc + RC_ARGS + i * RC_ARG_SIZE;
    av[i].kind = (uint8_t)le32(a);
    av[i].len = le32(a + 4);
    av[i].v = le64(a + 8);
    av[i].bytes = NULL;
    if (av[i].kind == REALM_ARG_BYTES) {
      if (av[i].v > UINT32_MAX)
        return REALM_E_BOUNDS;
      av[i].bytes = wasm_memory_ptr(r->mem, av[i].v, av[i].len);
      if (!av[i].bytes)
        return REALM_E_BOUNDS;
    } else if (av[i].kind != REALM_ARG_SCALAR) {
      return REALM_E_ARG;
    }
  }
  *nav = n;
  return REALM_OK;
}

/* Find the callee and check it may be entered now. */
static int32_t find_callee(realm_mgr_t *m, realm_t *r, const uint8_t *rc,
                           realm_t **callee, wasm_func **fn) {
  uint32_t plen = le32(rc + RC_PATH_LEN), flen = le32(rc + RC_FN_LEN);
  if (plen > REALM_PATH_MAX || flen > 64)
    return plen > REALM_PATH_MAX ? REALM_E_NOREALM : REALM_E_NOFUNC;
  const char *path = wasm_memory_ptr(r->mem, le32(rc + RC_PATH), plen);
  const char *name = wasm_memory_ptr(r->mem, le32(rc + RC_FN), flen);
  if (!path || !name)
    return REALM_E_BOUNDS;
  *callee = realm_find(m, path, plen);
  if (!*callee)
    return REALM_E_NOREALM;
  if ((*callee)->on_chain)
    return REALM_E_REENTRY;
  if (m->tx.depth >= REALM_MAX_DEPTH)
    return REALM_E_DEPTH;
  if (realm_paused(m, *callee))
    return REALM_E_BACKOFF;
  *fn = realm_export(*callee, name, flen);
  return *fn ? REALM_OK : REALM_E_NOFUNC;
}

static void note_error(realm_t *r, const char *s, uint32_t n) {
  n = KMIN(n, (uint32_t)sizeof r->last_error);
  kmemcpy(r->last_error, s, n);
  r->last_error_len = (uint8_t)n;
}

static const char *status_text(int32_t st) {
  switch (st) {
  case REALM_E_NOREALM:
    return "no such realm";
  case REALM_E_NOFUNC:
    return "no such function";
  case REALM_E_SIGNATURE:
    return "arguments do not match";
  case REALM_E_REENTRY:
    return "re-entry refused";
  case REALM_E_DEPTH:
    return "call chain too deep";
  case REALM_E_BOUNDS:
    return "bad pointer or length";
  case REALM_E_BACKOFF:
    return "callee put aside";
  case REALM_E_LIMIT:
    return "too many bytes";
  default:
    return "bad argument";
  }
}

/* The callee (frame d + 1) stopped. Commit or undo it, pop it, and give
 * the caller (frame d) its status, result and reply. */
static wasm_status finish(realm_mgr_t *m, uint32_t d, wasm_status s,
                          wasm_value *res) {
  realm_tx_t *tx = &m->tx;
  realm_frame_t *f = &tx->frames[d + 1];
  realm_t *caller = tx->frames[d].r, *callee = f->r;
  if (s == WASM_OUT_OF_FUEL && tx->used < f->fuel_end)
    return WASM_OUT_OF_FUEL; /* the slice ended; suspend the whole chain */
  /* The transaction's budget is spent (not a cap of this call's): the
   * callee is undone, and the caller fails too, up to frame 0, whose
   * caller has nothing left to go on with. */
  if (s == WASM_OUT_OF_FUEL && tx->used >= tx->frames[0].fuel_end)
    tx->spent = true;
  int32_t st = realm_outcome(m, d + 1, s);
  int64_t result = 0;
  if (st == REALM_OK) {
    uint32_t n;
    const wasm_value *v = wasm_exec_results(callee->x, &n);
    if (n == 1)
      result = f->fn_type->results[0] == WASM_I32 ? (int32_t)v[0].i32
                                                  : (int64_t)v[0].i64;
    if (f->has_reply && f->reply_len > f->out_cap) {
      st = REALM_E_BOUNDS;
      realm_set_msg(tx, "reply larger than the caller's buffer", 37);
    }
  }
  if (st == REALM_OK) {
    wasm_journal_commit(&m->journal, &f->sp);
    realm_succeeded(callee);
  } else {
    wasm_journal_rollback(&m->journal, &f->sp);
    realm_effects_drop(m, f->effects_mark);
    wasm_exec_reset(callee->x);
    realm_failed(m, callee);
    note_error(caller, tx->msg, tx->msg_len);
    m->stats.calls_failed++;
  }
  callee->on_chain = false;
  tx->depth = d + 1;
  /* into the caller's memory, under its own savepoint: out_len and
   * result in one write of bytes 24..48 (nargs and fuel as they were) */
  uint32_t olen = st == REALM_OK && f->has_reply ? f->reply_len : 0;
  kmemcpy(f->req_tail, &olen, 4); /* every target is little-endian */
  kmemcpy(f->req_tail + (RC_RESULT - RC_OUT_LEN), &result, 8);
  if (realm_write(caller, f->req + RC_OUT_LEN, f->req_tail,
                  sizeof f->req_tail) != REALM_OK ||
      (olen && realm_write(caller, f->out, f->reply, olen) != REALM_OK))
    st = st == REALM_OK ? REALM_E_BOUNDS : st;
  realm_refuel(m, d);
  res[0].i64 = (uint32_t)st;
  return tx->spent ? WASM_TRAPPED : WASM_OK;
}

wasm_status realm_call_import(wasm_host_call *c, const wasm_value *args,
                              wasm_value *res) {
  realm_t *r = wasm_host_env(c);
  realm_mgr_t *m = r->m;
  realm_tx_t *tx = &m->tx;
  uint32_t d = r->chain_index;
  if (wasm_host_resumed(c)) { /* the slice ended inside the callee before */
    realm_sync_fuel(m, d);
    return finish(m, d, realm_run_frame(m, d + 1, NULL, NULL, 0), res);
  }
  uint8_t rc[REALM_CALL_BYTES];
  realm_argv_t av[REALM_MAX_ARGS];
  uint32_t nav = 0;
  realm_t *callee = NULL;
  wasm_func *fn = NULL;
  int32_t st = read_request(r, args[0].i32, rc, av, &nav);
  uint64_t bytes = 0;
  for (uint32_t i = 0; i < nav; i++)
    bytes += av[i].kind == REALM_ARG_BYTES ? av[i].len : 0;
  realm_charge(m, REALM_FUEL_CALL + bytes / 8 * REALM_FUEL_PER_8_BYTES);
  if (st == REALM_OK)
    st = find_callee(m, r, rc, &callee, &fn);
  uint32_t out = le32(rc + RC_OUT), out_cap = le32(rc + RC_OUT_CAP);
  if (st == REALM_OK && out_cap && !wasm_memory_ptr(r->mem, out, out_cap))
    st = REALM_E_BOUNDS;
  if (st != REALM_OK) {
    const char *s = status_text(st);
    note_error(r, s, (uint32_t)kstrlen(s));
    m->stats.calls_failed++;
    res[0].i64 = (uint32_t)st;
    return WASM_OK;
  }

  /* every field but the reply buffer, which reply() fills */
  realm_frame_t *f = &tx->frames[d + 1];
  f->r = callee;
  f->caller = (realm_caller_t){.realm = r, .kind = REALM_CALLER_REALM};
  f->fn_type = wasm_func_type(fn);
  f->req = args[0].i32;
  f->out = out;
  f->out_cap = out_cap;
  kmemcpy(f->req_tail, rc + RC_OUT_LEN, sizeof f->req_tail);
  f->effects_mark = tx->nfx;
  f->balance = 0;
  f->state = FRAME_IDLE;
  f->aborted = f->has_reply = false;
  f->reply_len = 0;
  uint64_t cap = le64(rc + RC_FUEL);
  f->fuel_end = tx->frames[d].fuel_end;
  if (cap && cap < f->fuel_end - KMIN(f->fuel_end, tx->used))
    f->fuel_end = tx->used + cap;
  wasm_journal_begin(&m->journal, &f->sp);
  wasm_value params[2 * REALM_MAX_ARGS];
  uint32_t np;
  st = realm_marshal(callee, fn, av, nav, params, &np);
  if (st != REALM_OK) {
    wasm_journal_rollback(&m->journal, &f->sp);
    const char *s = status_text(st);
    note_error(r, s, (uint32_t)kstrlen(s));
    m->stats.calls_failed++;
    res[0].i64 = (uint32_t)st;
    return WASM_OK;
  }
  tx->depth = d + 2;
  callee->on_chain = true;
  callee->chain_index = d + 1;
  callee->calls_in++;
  m->stats.calls++;
  return finish(m, d, realm_run_frame(m, d + 1, fn, params, np), res);
}
