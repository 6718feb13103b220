/* queue.c: events waiting for their transaction. One ring for all realms
 * (REALM_EVENTS), of which one realm may hold REALM_EVENTS_PER, so that a
 * realm flooded with datagrams or timers cannot keep the others' events
 * out. An event that finds no room is dropped and counted; its bytes are
 * copied in, so the kernel's receive buffers go back at once. */
#include "manager.h"

#include "kstring.h"

/* Put aside after repeated failures (realm_failed in tx.c). */
bool realm_paused(realm_mgr_t *m, realm_t *r) {
  return r->paused_until != 0 && ktime_now(m->k) < r->paused_until;
}

realm_event_t *realm_event_new(realm_mgr_t *m, realm_t *r, uint8_t kind) {
  if (m->ev_count == REALM_EVENTS || (r && r->queued >= REALM_EVENTS_PER)) {
    m->stats.events_dropped++;
    return NULL;
  }
  realm_event_t *ev = &m->events[(m->ev_head + m->ev_count) % REALM_EVENTS];
  m->ev_count++;
  if (r)
    r->queued++;
  ev->kind = kind;
  ev->r = r;
  ev->a = ev->b = 0;
  ev->peer = 0;
  ev->peer_port = 0;
  ev->len = 0;
  realm_pump_soon(m);
  return ev;
}

realm_event_t *realm_event_head(realm_mgr_t *m) {
  return m->ev_count ? &m->events[m->ev_head] : NULL;
}

void realm_event_done(realm_mgr_t *m) {
  realm_event_t *ev = &m->events[m->ev_head];
  if (ev->r)
    ev->r->queued--;
  m->ev_head = (m->ev_head + 1) % REALM_EVENTS;
  m->ev_count--;
}

static void on_slice(kwork_t *w) {
  realm_mgr_t *m = w->ctx;
  m->slice_armed = false;
  realm_pump(m);
}

/* A timer of no delay: it fires in the next tick, after the devices are
 * polled, so the loop serves everything else between two slices. */
void realm_pump_soon(realm_mgr_t *m) {
  if (m->slice_armed)
    return;
  kwork_init(&m->slice.work, KWORK_OP_TIMER, m, on_slice, 0);
  m->slice.delay = 0;
  if (ksubmit(m->k, &m->slice.work) == KERR_OK)
    m->slice_armed = true;
}
