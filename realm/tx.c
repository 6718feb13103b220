/* tx.c: transactions. Every event is one: its entry realm's export runs on
 * that realm's own context as frame 0 of a call chain; cross-realm calls
 * (call.c) push frames. All writes go through one undo journal (realm/wasm)
 * with a savepoint per frame, and everything a transaction asks of the
 * kernel waits in its effect list (effects.c) until it commits.
 *
 * Fuel. tx.used counts what the whole chain has used. A frame may run
 * until used reaches the smaller of its own end (the transaction's budget,
 * or a cap its caller set) and the slice's end. Each realm's context has
 * its own counter; before a frame runs it is given the difference
 * (realm_refuel), and after, what it used is added to tx.used
 * (realm_sync_fuel). A context's debt (the engine's overrun of a charge)
 * counts as used when it is taken.
 *
 * Slices. realm_pump runs transactions until REALM_SLICE_FUEL units are
 * used, then gives the loop a turn (queue.c). A transaction still running
 * then is suspended where it is, however deep its chain: every frame's
 * "call" import returns the engine's suspension, and the next slice
 * resumes frame 0, whose import resumes frame 1, and so on down.
 *
 * One transaction at a time: the next starts only when the last committed
 * or was undone, so the history is a serial one by construction; a
 * transaction suspended between slices holds no realm another could run,
 * because none runs until it ends. */
#include "manager.h"

#include "kstring.h"

realm_frame_t *realm_top(realm_mgr_t *m) {
  return &m->tx.frames[m->tx.depth - 1];
}

void realm_set_msg(realm_tx_t *tx, const char *s, uint32_t n) {
  if (n > sizeof tx->msg)
    n = sizeof tx->msg;
  kmemcpy(tx->msg, s, n);
  tx->msg_len = (uint8_t)n;
}

static void set_msg_str(realm_tx_t *tx, const char *s) {
  realm_set_msg(tx, s, (uint32_t)kstrlen(s));
}

/* ---- fuel --------------------------------------------------------------- */

static int64_t balance(wasm_exec *x) {
  return (int64_t)wasm_exec_fuel(x) - (int64_t)wasm_exec_debt(x);
}

void realm_sync_fuel(realm_mgr_t *m, uint32_t d) {
  realm_frame_t *f = &m->tx.frames[d];
  int64_t now = balance(f->r->x);
  m->tx.used += (uint64_t)(f->balance - now);
  f->r->fuel_used += (uint64_t)(f->balance - now);
  f->balance = now;
}

void realm_refuel(realm_mgr_t *m, uint32_t d) {
  realm_frame_t *f = &m->tx.frames[d];
  uint64_t end = KMIN(f->fuel_end, m->tx.slice_end);
  uint64_t give = end > m->tx.used ? end - m->tx.used : 0;
  int64_t debt = (int64_t)wasm_exec_debt(f->r->x);
  wasm_exec_set_fuel(f->r->x, give);
  f->balance = (int64_t)give - debt;
}

void realm_charge(realm_mgr_t *m, uint64_t n) {
  uint32_t d = m->tx.depth - 1;
  realm_sync_fuel(m, d);
  m->tx.used += n;
  realm_refuel(m, d);
}

wasm_status realm_run_frame(realm_mgr_t *m, uint32_t d, wasm_func *fn,
                            const wasm_value *args, uint32_t nargs) {
  realm_frame_t *f = &m->tx.frames[d];
  realm_refuel(m, d);
  f->state = FRAME_RUNNING;
  wasm_status s =
      fn ? wasm_call(f->r->x, fn, args, nargs) : wasm_resume(f->r->x);
  realm_sync_fuel(m, d);
  f->state = s == WASM_OUT_OF_FUEL ? FRAME_SUSPENDED : FRAME_IDLE;
  return s;
}

/* ---- back-off ----------------------------------------------------------- */

void realm_failed(realm_mgr_t *m, realm_t *r) {
  r->tx_failed++;
  if (++r->fails_in_row < REALM_FAILS_BEFORE_BACKOFF)
    return;
  uint32_t shift = r->fails_in_row - REALM_FAILS_BEFORE_BACKOFF;
  ktime_t wait = REALM_BACKOFF_MAX;
  if (shift < 20 && (REALM_BACKOFF_FIRST << shift) < REALM_BACKOFF_MAX)
    wait = REALM_BACKOFF_FIRST << shift;
  r->paused_until = ktime_now(m->k) + wait;
  printk("realm %s: %u failed in a row, put aside for %u ms\n", r->id.path,
         (unsigned)r->fails_in_row, (unsigned)(wait / KTIME_MS(1)));
}

void realm_succeeded(realm_t *r) {
  r->tx_ok++;
  r->fails_in_row = 0;
  r->paused_until = 0;
}

/* ---- a transaction's start and end ------------------------------------- */

/* How a frame's context ended, as a status (and tx.msg when it failed). */
int32_t realm_outcome(realm_mgr_t *m, uint32_t d, wasm_status s) {
  realm_tx_t *tx = &m->tx;
  realm_frame_t *f = &tx->frames[d];
  switch (s) {
  case WASM_OK:
    return REALM_OK;
  case WASM_OUT_OF_FUEL:
    set_msg_str(tx, "out of fuel");
    return REALM_E_FUEL;
  case WASM_TRAPPED:
    if (tx->spent) {
      set_msg_str(tx, "out of fuel");
      return REALM_E_FUEL;
    }
    if (f->aborted)
      return REALM_E_ABORT; /* its message is in tx.msg already */
    if (wasm_exec_trap(f->r->x) == WASM_TRAP_UNDO_FULL) {
      set_msg_str(tx, "undo log full");
      return REALM_E_UNDO;
    }
    set_msg_str(tx, wasm_trap_string(wasm_exec_trap(f->r->x)));
    return REALM_E_TRAP;
  default:
    set_msg_str(tx, "bad arguments");
    return REALM_E_SIGNATURE;
  }
}

static void count_failure(realm_mgr_t *m, int32_t status) {
  if (status == REALM_E_FUEL)
    m->stats.tx_fuel++;
  else if (status == REALM_E_TRAP)
    m->stats.tx_trap++;
  else if (status == REALM_E_ABORT)
    m->stats.tx_abort++;
  else if (status == REALM_E_UNDO)
    m->stats.tx_undo_full++;
}

static void tx_end(realm_mgr_t *m, int32_t status, bool has_result,
                   int64_t result) {
  realm_tx_t *tx = &m->tx;
  realm_frame_t *f = &tx->frames[0];
  realm_t *r = f->r;
  if (status == REALM_OK) {
    wasm_journal_commit(&m->journal, &f->sp);
    realm_effects_commit(m);
    realm_succeeded(r);
    m->stats.tx_ok++;
  } else {
    wasm_journal_rollback(&m->journal, &f->sp);
    wasm_exec_reset(r->x);
    realm_effects_drop(m, 0);
    count_failure(m, status);
    m->stats.tx_failed++;
    realm_failed(m, r);
    if (klog_level() >= KLOG_DEBUG) {
      char msg[sizeof tx->msg + 1];
      kmemcpy(msg, tx->msg, tx->msg_len);
      msg[tx->msg_len] = 0;
      klog(KLOG_DEBUG, "realm %s: transaction failed: %s\n", r->id.path, msg);
    }
  }
  if (tx->ev->kind == EV_GATEWAY) {
    if (status == REALM_OK)
      realm_gateway_reply(m, tx->ev, REALM_OK, has_result, result, f->reply,
                          f->has_reply ? f->reply_len : 0);
    else
      realm_gateway_reply(m, tx->ev, status, false, 0, (const uint8_t *)tx->msg,
                          tx->msg_len);
  }
  r->on_chain = false;
  tx->depth = 0;
  tx->active = false;
  realm_event_done(m);
}

/* Frame 0's context stopped: the end of the transaction, or a suspension. */
static void after_run(realm_mgr_t *m, wasm_status s) {
  realm_tx_t *tx = &m->tx;
  realm_frame_t *f = &tx->frames[0];
  if (s == WASM_OUT_OF_FUEL && tx->used < f->fuel_end)
    return; /* the slice ended: resumed by the next one */
  int32_t status = realm_outcome(m, 0, s);
  bool has = false;
  int64_t v = 0;
  if (status == REALM_OK) {
    uint32_t n;
    const wasm_value *res = wasm_exec_results(f->r->x, &n);
    if (n == 1) {
      has = true;
      const wasm_functype *t = f->fn_type;
      v = t->results[0] == WASM_I32 ? (int64_t)(int32_t)res[0].i32
                                    : (int64_t)res[0].i64;
    }
  }
  tx_end(m, status, has, v);
}

/* Start the transaction of ev's realm: fn(params). The caller (gateway.c
 * or the pump) checked that fn exists. Returns false when it could not
 * start (the event is then done). */
bool realm_tx_start(realm_mgr_t *m, realm_event_t *ev, realm_t *r,
                    wasm_func *fn, const realm_argv_t *av, uint32_t nav,
                    const realm_caller_t *caller) {
  realm_tx_t *tx = &m->tx;
  kmemset(&tx->frames[0], 0, sizeof tx->frames[0]);
  tx->active = true;
  tx->ev = ev;
  tx->depth = 1;
  tx->used = 0;
  tx->logs = 0;
  tx->nfx = tx->fx_used = 0;
  tx->status = REALM_OK;
  tx->spent = false;
  tx->msg_len = 0;
  realm_frame_t *f = &tx->frames[0];
  f->r = r;
  f->caller = *caller;
  f->fuel_end = r->mf.fuel;
  f->fn_type = wasm_func_type(fn);
  r->on_chain = true;
  r->chain_index = 0;
  wasm_journal_begin(&m->journal, &f->sp);
  wasm_value params[2 * REALM_MAX_ARGS];
  uint32_t np;
  int32_t st = realm_marshal(r, fn, av, nav, params, &np);
  if (st != REALM_OK) {
    set_msg_str(tx, st == REALM_E_SIGNATURE ? "arguments do not match"
                                            : "arguments too large");
    wasm_journal_rollback(&m->journal, &f->sp);
    /* not the realm's failure: no back-off */
    r->on_chain = false;
    tx->depth = 0;
    tx->active = false;
    if (ev->kind == EV_GATEWAY)
      realm_gateway_reply(m, ev, st, false, 0, (const uint8_t *)tx->msg,
                          tx->msg_len);
    realm_event_done(m);
    return false;
  }
  after_run(m, realm_run_frame(m, 0, fn, params, np));
  return true;
}

/* The event at the head of the queue, as a transaction. */
static void tx_begin(realm_mgr_t *m, realm_event_t *ev) {
  realm_t *r = ev->r;
  if (ev->kind == EV_GATEWAY) {
    realm_gateway_run(m, ev); /* starts it, or replies with the error */
    return;
  }
  if (realm_paused(m, r)) {
    m->stats.backoff_refused++;
    realm_event_done(m);
    return;
  }
  realm_caller_t c = {.kind = REALM_CALLER_KERNEL};
  realm_argv_t av[5] = {0};
  uint32_t n = 0;
  wasm_func *fn = NULL;
  switch (ev->kind) {
  case EV_INIT:
    c.what = "boot";
    fn = r->init;
    break;
  case EV_TIMER:
    c.what = "timer";
    fn = r->on_timer;
    av[n++].v = (uint32_t)ev->a;
    break;
  case EV_UDP:
    c.what = "udp";
    c.peer = ev->peer;
    c.peer_port = ev->peer_port;
    fn = r->on_udp;
    av[n++].v = (uint32_t)ev->a;
    av[n++].v = (uint32_t)ev->b;
    av[n++].v = ev->peer;
    av[n++].v = ev->peer_port;
    break;
  case EV_RANDOM:
    c.what = "random";
    fn = r->on_random;
    av[n++].v = (uint32_t)ev->a;
    break;
  }
  if (ev->kind == EV_UDP || ev->kind == EV_RANDOM) {
    av[n].kind = REALM_ARG_BYTES;
    av[n].len = ev->len;
    av[n++].bytes = ev->data;
  }
  if (!fn) {
    realm_event_done(m);
    return;
  }
  realm_tx_start(m, ev, r, fn, av, n, &c);
}

void realm_pump(realm_mgr_t *m) {
  realm_tx_t *tx = &m->tx;
  if (m->pumping)
    return;
  m->pumping = true;
  bool timed = klog_level() >= KLOG_TRACE;
  ktime_t t0 = timed ? ktime_now(m->k) : 0;
  uint64_t spent = 0;
  while (spent < REALM_SLICE_FUEL) {
    if (!tx->active) {
      realm_event_t *ev = realm_event_head(m);
      if (!ev)
        break;
      tx->slice_end = REALM_SLICE_FUEL - spent; /* tx.used starts at 0 */
      tx_begin(m, ev);
      spent += tx->active ? REALM_SLICE_FUEL : tx->used;
    } else {
      uint64_t before = tx->used;
      tx->slice_end = tx->used + (REALM_SLICE_FUEL - spent);
      after_run(m, realm_run_frame(m, 0, NULL, NULL, 0));
      spent += tx->active ? REALM_SLICE_FUEL : tx->used - before;
    }
    m->stats.slices++;
  }
  if (tx->active)
    m->stats.slices_suspended++;
  if (timed) /* --log 4: one line per slice, how long it held the loop */
    klog(KLOG_TRACE, "realm: slice of %u fuel in %u us%s\n",
         (unsigned)KMIN(spent, REALM_SLICE_FUEL),
         (unsigned)((ktime_now(m->k) - t0) / 1000),
         tx->active ? ", suspended" : "");
  m->pumping = false;
  if (tx->active || m->ev_count)
    realm_pump_soon(m);
}
