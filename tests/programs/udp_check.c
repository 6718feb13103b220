/* udp_check.c: the UDP operations through the public API, as a program.
 *
 *  1. Two sockets on ports picked by the kernel; 80 datagrams from A to B
 *     while B holds every receive buffer it gets: exactly
 *     KCONFIG_UDP_RX_BUFFERS (64) arrive, then none until B releases them,
 *     then the rest; all in order, from 127.0.0.1 at A's port, none lost.
 *  2. Misuse: a second bind of A's port completes KERR_BUSY; a send on a
 *     made-up socket id completes KERR_NOT_BOUND; a datagram over
 *     KUDP_MAX_PAYLOAD is refused by ksubmit; a buffer released twice
 *     returns KERR_STATE.
 *  3. A standing receive with a deadline on a quiet socket completes once,
 *     KERR_TIMEOUT; one that is cancelled completes once, KERR_CANCELLED.
 *  4. Unbinding B completes its posted receive with KERR_CANCELLED, and B's
 *     id is not bound afterwards. */
#include "check.h"

#define COUNT 80
#define HELD 64 /* KCONFIG_UDP_RX_BUFFERS */

static struct {
  kernel_t *k;
  kudp_bind_req_t bind_a, bind_b, bind_dup;
  kudp_recv_req_t recv_b, recv_quiet;
  kudp_send_req_t sends[COUNT];
  uint8_t payload[COUNT][8];
  kbuf_t held[COUNT];
  unsigned received, sent;
  kudp_send_req_t bad_send;
  kudp_bind_req_t unbind;
  ktimer_req_t timer;
  unsigned quiet_calls;
} g;

static void phase_misuse(void);
static void phase_quiet(void);
static void phase_unbind(void);

static void after(ktime_t delay, kwork_cb_t cb) {
  kwork_init(&g.timer.work, KWORK_OP_TIMER, NULL, cb, 0);
  g.timer.delay = delay;
  CHECK(ksubmit(g.k, &g.timer.work) == KERR_OK);
}

static void bind_port(kudp_bind_req_t *b, uint16_t port, kwork_cb_t cb) {
  kwork_init(&b->work, KWORK_OP_UDP_BIND, NULL, cb, 0);
  b->port = port;
  CHECK(ksubmit(g.k, &b->work) == KERR_OK);
}

/* ---- 1. flow and buffer bound ---- */

static void release_all(kwork_t *w) {
  CHECK(w->result == KERR_OK);
  CHECK(g.received == HELD); /* nothing more came while all were held */
  for (unsigned i = 0; i < g.received; i++)
    CHECK(kbuf_release(g.k, g.held[i]) == KERR_OK);
  CHECK(kbuf_release(g.k, g.held[0]) == KERR_STATE);
}

static void on_datagram(kwork_t *w) {
  kudp_recv_req_t *r = KCONTAINER_OF(w, kudp_recv_req_t, work);
  if (w->result != KERR_OK) { /* the final completion, from the unbind */
    CHECK(w->result == KERR_CANCELLED);
    return;
  }
  unsigned n = g.received;
  CHECK(n < COUNT);
  CHECK(r->src_addr == KIP4(127, 0, 0, 1));
  CHECK(r->src_port == g.bind_a.port);
  CHECK(r->length == 8);
  CHECK(r->data[0] == (uint8_t)n && r->data[7] == (uint8_t)~n);
  if (n >= HELD) {
    CHECK(kbuf_release(g.k, r->buf) == KERR_OK);
  } else {
    g.held[n] = r->buf;
  }
  g.received++;
  if (g.received == HELD)
    after(KTIME_MS(50), release_all);
  if (g.received == COUNT)
    phase_misuse();
}

static void on_sent(kwork_t *w) {
  CHECK(w->result == KERR_OK);
  g.sent++;
}

static void on_bound_b(kwork_t *w) {
  CHECK(w->result == KERR_OK);
  CHECK(g.bind_b.port != 0 && g.bind_b.port != g.bind_a.port);
  kwork_init(&g.recv_b.work, KWORK_OP_UDP_RECV, NULL, on_datagram, 0);
  g.recv_b.sock = g.bind_b.sock;
  CHECK(ksubmit(g.k, &g.recv_b.work) == KERR_OK);
  for (unsigned i = 0; i < COUNT; i++) {
    kudp_send_req_t *s = &g.sends[i];
    for (unsigned j = 0; j < 7; j++)
      g.payload[i][j] = (uint8_t)(i + j);
    g.payload[i][7] = (uint8_t)~i;
    kwork_init(&s->work, KWORK_OP_UDP_SEND, NULL, on_sent, 0);
    s->sock = g.bind_a.sock;
    s->dst_addr = KIP4(127, 0, 0, 1);
    s->dst_port = g.bind_b.port;
    s->data = g.payload[i];
    s->length = 8;
    CHECK(ksubmit(g.k, &s->work) == KERR_OK);
  }
}

static void on_bound_a(kwork_t *w) {
  CHECK(w->result == KERR_OK);
  CHECK(g.bind_a.port != 0);
  bind_port(&g.bind_b, 0, on_bound_b);
}

/* ---- 2. misuse ---- */

static void on_bad_send(kwork_t *w) {
  CHECK(w->result == KERR_NOT_BOUND);
  phase_quiet();
}

static void on_dup_bind(kwork_t *w) {
  CHECK(w->result == KERR_BUSY);
  kudp_send_req_t *s = &g.bad_send;
  kwork_init(&s->work, KWORK_OP_UDP_SEND, NULL, on_bad_send, 0);
  s->sock = 0x7777;
  s->dst_addr = KIP4(127, 0, 0, 1);
  s->dst_port = 9;
  s->data = g.payload[0];
  s->length = KUDP_MAX_PAYLOAD + 1;
  CHECK(ksubmit(g.k, &s->work) == KERR_RANGE);
  s->length = 1;
  CHECK(ksubmit(g.k, &s->work) == KERR_OK);
}

static void phase_misuse(void) {
  CHECK(g.sent == COUNT);
  bind_port(&g.bind_dup, g.bind_a.port, on_dup_bind);
}

/* ---- 3. deadline and cancel on a standing receive ---- */

static void on_quiet_cancelled(kwork_t *w) {
  g.quiet_calls++;
  CHECK(w->result == KERR_CANCELLED);
  CHECK(g.quiet_calls == 2);
  phase_unbind();
}

static void on_quiet(kwork_t *w) {
  g.quiet_calls++;
  CHECK(w->result == KERR_TIMEOUT);
  CHECK(g.quiet_calls == 1);
  CHECK(ktime_now(g.k) >= w->deadline);
  /* Again, without a deadline, and cancel it. */
  kwork_init(w, KWORK_OP_UDP_RECV, NULL, on_quiet_cancelled, 0);
  CHECK(ksubmit(g.k, w) == KERR_OK);
  CHECK(kcancel(g.k, w) == KERR_OK);
  CHECK(kcancel(g.k, w) == KERR_STATE);
}

static void phase_quiet(void) {
  kwork_init(&g.recv_quiet.work, KWORK_OP_UDP_RECV, NULL, on_quiet, 0);
  g.recv_quiet.sock = g.bind_a.sock; /* nobody sends to A */
  kwork_set_timeout(g.k, &g.recv_quiet.work, KTIME_MS(30));
  CHECK(ksubmit(g.k, &g.recv_quiet.work) == KERR_OK);
}

/* ---- 4. unbind ---- */

static void on_unbound(kwork_t *w) {
  CHECK(w->result == KERR_OK);
  CHECK(g.recv_b.work.state != KWORK_STATE_LIVE);
  const kstats_t *s = kstats(g.k);
  CHECK(s->bad_completions == 0);
  check_done(g.k);
}

static void phase_unbind(void) {
  kwork_init(&g.unbind.work, KWORK_OP_UDP_UNBIND, NULL, on_unbound, 0);
  g.unbind.sock = g.bind_b.sock;
  CHECK(ksubmit(g.k, &g.unbind.work) == KERR_OK);
}

void kmain_usermain(kernel_t *k) {
  g.k = k;
  check_name = "udp-check";
  bind_port(&g.bind_a, 0, on_bound_a);
}
