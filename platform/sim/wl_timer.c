/* wl_timer.c: timers, deadlines, random bytes and cancellation. Each node
 * keeps SLOTS items going: timers of 0-50 ms, some with a deadline before
 * or after they are due; reads of random bytes (CSPRNG or raw, some with
 * a short deadline); and now and then a kcancel of a random live item,
 * sometimes right after its ksubmit. Invariants, checked at each callback:
 *   - an item completes exactly once per accepted ksubmit;
 *   - KERR_TIMEOUT only at or after the deadline (and for a timer, only if
 *     the deadline came no later than it was due); KERR_CANCELLED only after
 *     a kcancel that returned KERR_OK;
 *   - a timer completes KERR_OK at the time it was due, never before, and
 *     timers fire in the order they are due;
 *   - a CSPRNG read fills the whole buffer; a raw read at most.
 * At the end every item must have completed (power cuts aside). */
#include <stdio.h>

#include "wl.h"

#define SLOTS 16
#define RNG_LEN 64

typedef struct {
  union {
    kwork_t work;
    ktimer_req_t timer;
    krng_req_t rng;
  } u;
  uint8_t buf[RNG_LEN];
  sim_node_t *n;
  bool outstanding; /* accepted, not completed yet */
  bool cancelled;   /* kcancel returned KERR_OK */
  ktime_t submitted, deadline;
} slot_t;

struct wl_timer {
  slot_t slot[SLOTS];
};

static struct wl_timer g_wl[SIM_MAX_NODES];
static bool g_quiet;
static struct {
  uint64_t submitted, ok, timeout, cancelled, io, lost_power, rejected;
} g_n;

static void submit(slot_t *s);

static void check_order(slot_t *s, ktime_t due) {
  for (int i = 0; i < SLOTS; i++) {
    slot_t *o = &s->n->timer->slot[i];
    if (o != s && o->outstanding && o->u.work.op == KWORK_OP_TIMER &&
        !o->cancelled && o->u.timer.expires < due &&
        o->deadline > o->u.timer.expires)
      sim_fail("node %d: a timer due at %llu fired before one due at %llu",
               s->n->id, (unsigned long long)due,
               (unsigned long long)o->u.timer.expires);
  }
}

static void done(kwork_t *w) {
  slot_t *s = w->ctx;
  ktime_t now = g_sim.now;
  int id = s->n->id;
  if (!s->outstanding)
    sim_fail("node %d: an item completed that was not outstanding", id);
  s->outstanding = false;
  uint32_t rec[2] = {w->op, (uint32_t)w->result};
  sim_trace("wl-timer", id, rec, sizeof(rec));
  switch (w->result) {
  case KERR_TIMEOUT:
    g_n.timeout++;
    if (s->deadline == KTIME_NEVER || now < s->deadline)
      sim_fail("node %d: KERR_TIMEOUT at %llu, deadline %llu", id,
               (unsigned long long)now, (unsigned long long)s->deadline);
    if (w->op == KWORK_OP_TIMER && s->deadline > s->u.timer.expires)
      sim_fail("node %d: timer timed out, due %llu before deadline %llu", id,
               (unsigned long long)s->u.timer.expires,
               (unsigned long long)s->deadline);
    break;
  case KERR_CANCELLED:
    g_n.cancelled++;
    if (!s->cancelled)
      sim_fail("node %d: KERR_CANCELLED without a kcancel", id);
    break;
  case KERR_OK:
    g_n.ok++;
    if (w->op == KWORK_OP_TIMER) {
      ktime_t due = s->submitted + s->u.timer.delay;
      if (s->u.timer.expires != due || now < due)
        sim_fail("node %d: timer due %llu completed at %llu (expires %llu)", id,
                 (unsigned long long)due, (unsigned long long)now,
                 (unsigned long long)s->u.timer.expires);
      if (s->deadline <= due)
        sim_fail("node %d: timer completed OK past its deadline", id);
      check_order(s, due);
    } else {
      krng_req_t *q = &s->u.rng;
      bool raw = w->flags & KRNG_FLAG_RAW;
      if (q->completed > q->length || (!raw && q->completed != q->length))
        sim_fail("node %d: rng read %zu of %zu bytes%s", id, q->completed,
                 q->length, raw ? " (raw)" : "");
    }
    break;
  case KERR_IO:
    /* Only a raw read may fail: the device said so. */
    g_n.io++;
    if (w->op != KWORK_OP_RNG_READ || !(w->flags & KRNG_FLAG_RAW))
      sim_fail("node %d: op %u failed with KERR_IO", id, w->op);
    break;
  default:
    sim_fail("node %d: op %u completed with %s", id, w->op,
             kerr_str(w->result));
  }
  if (!g_quiet)
    submit(s);
}

static void submit(slot_t *s) {
  kernel_t *k = &s->n->k;
  uint64_t r = sim_rand(SIM_RAND_WORK);
  bool timer = r % 3 != 0;
  if (timer) {
    kwork_init(&s->u.work, KWORK_OP_TIMER, s, done, 0);
    s->u.timer.delay = sim_rand_range(SIM_RAND_WORK, 0, KTIME_MS(50));
  } else {
    kwork_init(&s->u.work, KWORK_OP_RNG_READ, s, done,
               (r >> 8) % 4 == 0 ? KRNG_FLAG_RAW : 0);
    s->u.rng.buffer = s->buf;
    s->u.rng.length = (size_t)sim_rand_range(SIM_RAND_WORK, 1, RNG_LEN);
  }
  s->deadline = KTIME_NEVER;
  if ((r >> 16) % 3 == 0)
    s->deadline = g_sim.now + sim_rand_range(SIM_RAND_WORK, 0, KTIME_MS(60));
  kwork_set_deadline(&s->u.work, s->deadline);
  s->submitted = g_sim.now;
  s->cancelled = false;
  kerr_t err = ksubmit(k, &s->u.work);
  if (err != KERR_OK) {
    g_n.rejected++;
    sim_fail("node %d: ksubmit refused op %u: %s", s->n->id, s->u.work.op,
             kerr_str(err));
  }
  s->outstanding = true;
  g_n.submitted++;
  /* Now and then cancel something: this item (still QUEUED) or another. */
  if ((r >> 24) % 8 == 0) {
    slot_t *c = &s->n->timer->slot[(r >> 32) % SLOTS];
    if (c->outstanding && !c->cancelled) {
      kerr_t e = kcancel(k, &c->u.work);
      if (e == KERR_OK)
        c->cancelled = true;
      else if (e != KERR_STATE)
        sim_fail("node %d: kcancel: %s", s->n->id, kerr_str(e));
    }
  }
}

void wl_timer_start(sim_node_t *n) {
  n->timer = &g_wl[n->id];
  for (int i = 0; i < SLOTS; i++) {
    slot_t *s = &n->timer->slot[i];
    *s = (slot_t){.n = n};
    if (!g_quiet)
      submit(s);
  }
}

void wl_timer_power_cut(sim_node_t *n) {
  for (int i = 0; i < SLOTS; i++)
    if (n->timer->slot[i].outstanding) {
      n->timer->slot[i].outstanding = false;
      g_n.lost_power++;
    }
}

void wl_timer_quiesce(void) { g_quiet = true; }

void wl_timer_check(void) {
  for (int i = 0; i < g_sim.nnodes; i++)
    for (int j = 0; j < SLOTS; j++)
      if (g_wl[i].slot[j].outstanding)
        sim_fail("node %d: a timer-workload item never completed", i);
  uint64_t finished =
      g_n.ok + g_n.timeout + g_n.cancelled + g_n.io + g_n.lost_power;
  if (finished != g_n.submitted)
    sim_fail("timer workload: %llu submitted, %llu finished",
             (unsigned long long)g_n.submitted, (unsigned long long)finished);
}

void wl_timer_report(void) {
  printf("sim: timers+rng %llu items: %llu ok, %llu timed out, %llu "
         "cancelled, %llu raw-read errors, %llu lost to power cuts\n",
         (unsigned long long)g_n.submitted, (unsigned long long)g_n.ok,
         (unsigned long long)g_n.timeout, (unsigned long long)g_n.cancelled,
         (unsigned long long)g_n.io, (unsigned long long)g_n.lost_power);
}
