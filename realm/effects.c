/* effects.c: what a transaction asks of the kernel. The imports record an
 * effect (and reserve its socket or timer slot); a rolled-back frame drops
 * the effects recorded since it began and frees what they reserved; the
 * commit of the whole transaction submits them, in order. Then the
 * kernel's completions come back as events (queue.c) for the realm.
 *
 * A resource missing at commit (every send slot busy, the random device
 * refusing) drops that one effect and counts it: the transaction has
 * committed, and a lost datagram is what UDP allows. */
#include "manager.h"

#include "kstring.h"

/* Send slots the gateway's replies always find free. */
#define GATEWAY_SENDS 4

realm_effect_t *realm_effect_add(realm_mgr_t *m, uint8_t kind, realm_t *r) {
  realm_tx_t *tx = &m->tx;
  if (tx->nfx == REALM_EFFECTS)
    return NULL;
  realm_effect_t *e = &tx->fx[tx->nfx++];
  kmemset(e, 0, sizeof *e);
  e->kind = kind;
  e->r = r;
  return e;
}

uint32_t realm_effects_count(realm_mgr_t *m, uint8_t kind, realm_t *r) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < m->tx.nfx; i++)
    n += m->tx.fx[i].kind == kind && m->tx.fx[i].r == r;
  return n;
}

void realm_effects_drop(realm_mgr_t *m, uint32_t mark) {
  realm_tx_t *tx = &m->tx;
  for (uint32_t i = mark; i < tx->nfx; i++) {
    realm_effect_t *e = &tx->fx[i];
    if (e->kind == FX_BIND)
      e->r->socks[e->a].state = SOCK_FREE;
    else if (e->kind == FX_TIMER)
      e->r->timers[e->a].state = TIMER_FREE;
  }
  tx->nfx = mark;
  tx->fx_used = 0;
  for (uint32_t i = 0; i < mark; i++)
    if (tx->fx[i].kind == FX_SEND)
      tx->fx_used = tx->fx[i].off + tx->fx[i].len;
}

/* ---- sends -------------------------------------------------------------- */

static void on_sent(kwork_t *w) {
  realm_send_t *s = w->ctx;
  s->live = false;
}

static realm_send_t *slot(realm_mgr_t *m, bool gateway) {
  unsigned n = REALM_SENDS_LIVE - (gateway ? 0 : GATEWAY_SENDS);
  for (unsigned i = 0; i < n; i++)
    if (!m->sends[i].live)
      return &m->sends[i];
  return NULL;
}

realm_send_t *realm_send_slot(realm_mgr_t *m) { return slot(m, true); }

void realm_send_submit(realm_mgr_t *m, realm_send_t *s, uint32_t sock,
                       kip4_t ip, uint16_t port, uint32_t len) {
  kwork_init(&s->req.work, KWORK_OP_UDP_SEND, s, on_sent, 0);
  s->req.sock = sock;
  s->req.dst_addr = ip;
  s->req.dst_port = port;
  s->req.data = s->data;
  s->req.length = len;
  if (ksubmit(m->k, &s->req.work) == KERR_OK)
    s->live = true;
  else
    m->stats.effects_dropped++;
}

static void do_send(realm_mgr_t *m, const realm_effect_t *e) {
  realm_sock_t *so = &e->r->socks[e->a];
  realm_send_t *s = slot(m, false);
  if (!s || so->state != SOCK_BOUND) {
    m->stats.effects_dropped++;
    return;
  }
  kmemcpy(s->data, m->tx.fx_bytes + e->off, e->len);
  realm_send_submit(m, s, so->bind.sock, e->b, e->port, e->len);
}

/* ---- sockets ------------------------------------------------------------ */

static void on_datagram(kwork_t *w) {
  realm_sock_t *so = w->ctx;
  realm_mgr_t *m = so->r->m;
  kudp_recv_req_t *rq = &so->recv;
  if (w->result != KERR_OK) { /* the standing receive ended */
    so->state = SOCK_FAILED;
    return;
  }
  realm_event_t *ev =
      realm_paused(m, so->r) ? NULL : realm_event_new(m, so->r, EV_UDP);
  if (ev) {
    ev->a = (int32_t)(so - so->r->socks);
    ev->b = REALM_OK;
    ev->peer = rq->src_addr;
    ev->peer_port = rq->src_port;
    ev->len = (uint16_t)KMIN(rq->length,
                             KMIN(so->r->inbox_cap, so->r->mf.call_bytes));
    ev->len = (uint16_t)KMIN(ev->len, sizeof ev->data);
    kmemcpy(ev->data, rq->data, ev->len);
  } else if (realm_paused(m, so->r)) {
    m->stats.backoff_refused++;
  }
  kbuf_release(m->k, rq->buf);
}

/* The bind's outcome goes to the realm as on_udp(sock, status, ...). */
static void bind_failed(realm_mgr_t *m, realm_sock_t *so, kerr_t err) {
  so->state = SOCK_FAILED;
  realm_event_t *ev = realm_event_new(m, so->r, EV_UDP);
  if (ev) {
    ev->a = (int32_t)(so - so->r->socks);
    ev->b = err == KERR_BUSY ? REALM_E_LIMIT : REALM_E_ARG;
  }
}

static void on_bound(kwork_t *w) {
  realm_sock_t *so = w->ctx;
  realm_mgr_t *m = so->r->m;
  if (w->result != KERR_OK)
    return bind_failed(m, so, w->result);
  so->state = SOCK_BOUND;
  if (!so->r->on_udp)
    return; /* it only sends */
  kwork_init(&so->recv.work, KWORK_OP_UDP_RECV, so, on_datagram, 0);
  so->recv.sock = so->bind.sock;
  kerr_t err = ksubmit(m->k, &so->recv.work);
  if (err != KERR_OK)
    bind_failed(m, so, err);
}

static void do_bind(realm_mgr_t *m, const realm_effect_t *e) {
  realm_sock_t *so = &e->r->socks[e->a];
  kwork_init(&so->bind.work, KWORK_OP_UDP_BIND, so, on_bound, 0);
  so->bind.port = so->port;
  so->state = SOCK_BINDING;
  kerr_t err = ksubmit(m->k, &so->bind.work);
  if (err != KERR_OK)
    bind_failed(m, so, err);
}

/* ---- timers and random bytes -------------------------------------------- */

static void on_timer(kwork_t *w) {
  realm_timer_t *t = w->ctx;
  realm_mgr_t *m = t->r->m;
  t->state = TIMER_FREE;
  if (realm_paused(m, t->r)) {
    m->stats.backoff_refused++;
    return;
  }
  realm_event_t *ev = realm_event_new(m, t->r, EV_TIMER);
  if (ev)
    ev->a = t->id;
}

static void do_timer(realm_mgr_t *m, const realm_effect_t *e) {
  realm_timer_t *t = &e->r->timers[e->a];
  kwork_init(&t->req.work, KWORK_OP_TIMER, t, on_timer, 0);
  t->req.delay = KTIME_MS(e->b);
  t->state = TIMER_LIVE;
  if (ksubmit(m->k, &t->req.work) != KERR_OK) {
    t->state = TIMER_FREE;
    m->stats.effects_dropped++;
  }
}

static void on_random(kwork_t *w) {
  realm_t *r = w->ctx;
  realm_mgr_t *m = r->m;
  r->rng_live = false;
  if (w->result != KERR_OK || realm_paused(m, r))
    return;
  realm_event_t *ev = realm_event_new(m, r, EV_RANDOM);
  if (ev) {
    ev->a = r->rng_id;
    ev->len = (uint16_t)r->rng.completed;
    kmemcpy(ev->data, r->rng_buf, ev->len);
  }
}

static void do_random(realm_mgr_t *m, const realm_effect_t *e) {
  realm_t *r = e->r;
  kwork_init(&r->rng.work, KWORK_OP_RNG_READ, r, on_random, 0);
  r->rng.buffer = r->rng_buf;
  r->rng.length = e->b;
  r->rng_id = e->a;
  r->rng_live = true;
  if (ksubmit(m->k, &r->rng.work) != KERR_OK) {
    r->rng_live = false;
    m->stats.effects_dropped++;
  }
}

void realm_effects_commit(realm_mgr_t *m) {
  realm_tx_t *tx = &m->tx;
  for (uint32_t i = 0; i < tx->nfx; i++) {
    const realm_effect_t *e = &tx->fx[i];
    switch (e->kind) {
    case FX_SEND:
      do_send(m, e);
      break;
    case FX_BIND:
      do_bind(m, e);
      break;
    case FX_TIMER:
      do_timer(m, e);
      break;
    case FX_RANDOM:
      do_random(m, e);
      break;
    }
  }
  tx->nfx = tx->fx_used = 0;
}
