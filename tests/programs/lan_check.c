/* lan_check.c: two IPv4 stacks on one Ethernet LAN, each running this
 * program (a hosted kernel on the `frames` backend and a QEMU guest, both
 * on a -netdev dgram wire; or two hosted kernels). The peer is the gateway
 * of each side's configuration. Each side:
 *
 *  - echoes UDP on port 7 for its peer, for as long as it runs;
 *  - pings the peer until it answers (the peer may come up later: a guest
 *    without a DHCP server takes its static address after 3 s);
 *  - sends the peer's port 7 DATAGRAMS datagrams of 1 to 1,472 bytes, one
 *    at a time, resent after a second without an answer, and checks every
 *    byte of each echo.
 *
 * Lines: "lan-check: up A.B.C.D", "lan-check: ping ok", "lan-check: udp N/N
 * echoed", then "lan-check: done" (or "lan-check: FAIL ..."); it keeps
 * serving its peer after that, until the test stops it. */
#include "kapi.h"
#include "kfmt.h"

#define ECHO_PORT 7
#define DATAGRAMS 32
#define PING_TRIES 40
#define RESENDS 5
#define ECHO_SLOTS 8

static struct {
  kernel_t *k;
  kip_config_req_t cfg;
  kip4_t peer;
  /* The echo service. */
  kudp_bind_req_t srv_bind;
  kudp_recv_req_t srv_recv;
  kudp_send_req_t srv_send[ECHO_SLOTS];
  kbuf_t srv_buf[ECHO_SLOTS];
  bool srv_busy[ECHO_SLOTS];
  /* The client. */
  kping_req_t ping;
  unsigned ping_tries;
  kudp_bind_req_t cli_bind;
  kudp_recv_req_t cli_recv;
  kudp_send_req_t cli_send;
  ktimer_req_t resend;
  uint8_t out[KUDP_MAX_PAYLOAD];
  unsigned seq, sends, echoed;
  unsigned resend_seq; /* g.seq when the resend timer was armed */
} g;

static void fail(const char *what, kerr_t err) {
  printk("lan-check: FAIL %s: %s\n", what, kerr_str(err));
}

static size_t size_of(unsigned seq) {
  return 1 + (KUDP_MAX_PAYLOAD - 1) * seq / (DATAGRAMS - 1);
}

static uint8_t byte_of(unsigned seq, size_t i) {
  return (uint8_t)(seq * 37u + i * 11u + 1u);
}

/* ---------------------------------------------------------------- server */

static void on_echo_sent(kwork_t *w) {
  unsigned i = (unsigned)(KCONTAINER_OF(w, kudp_send_req_t, work) - g.srv_send);
  kbuf_release(g.k, g.srv_buf[i]);
  g.srv_busy[i] = false;
}

static void on_request(kwork_t *w) {
  kudp_recv_req_t *r = KCONTAINER_OF(w, kudp_recv_req_t, work);
  if (w->result != KERR_OK)
    return fail("echo service", w->result);
  unsigned i = 0;
  while (i < ECHO_SLOTS && g.srv_busy[i])
    i++;
  if (i == ECHO_SLOTS) { /* every slot busy: drop it, the client resends */
    kbuf_release(g.k, r->buf);
    return;
  }
  kudp_send_req_t *s = &g.srv_send[i];
  kwork_init(&s->work, KWORK_OP_UDP_SEND, NULL, on_echo_sent, 0);
  s->sock = g.srv_bind.sock;
  s->dst_addr = r->src_addr;
  s->dst_port = r->src_port;
  s->data = r->data;
  s->length = r->length;
  g.srv_buf[i] = r->buf;
  g.srv_busy[i] = true;
  if (ksubmit(g.k, &s->work) != KERR_OK)
    on_echo_sent(&s->work);
}

/* ---------------------------------------------------------------- client */

static void send_current(void);

/* The resend timer is only ever re-armed in its own callback (an item may
 * not be reused before its callback has run): each second it checks
 * whether the datagram it was armed for is still unanswered. */
static void on_resend(kwork_t *w);

static void start_resend(void) {
  g.resend_seq = g.seq;
  kwork_init(&g.resend.work, KWORK_OP_TIMER, NULL, on_resend, 0);
  g.resend.delay = KTIME_S(1);
  ksubmit(g.k, &g.resend.work);
}

static void on_resend(kwork_t *w) {
  (void)w;
  if (g.seq >= DATAGRAMS)
    return; /* all echoed */
  if (g.seq == g.resend_seq) {
    if (++g.sends > RESENDS) {
      printk("lan-check: FAIL no echo for datagram %u\n", g.seq);
      return;
    }
    send_current();
  }
  start_resend();
}

static void on_cli_sent(kwork_t *w) {
  if (w->result != KERR_OK)
    fail("udp send", w->result);
}

/* Send datagram g.seq (unless the previous send is still on its way: the
 * resend timer then tries again). */
static void send_current(void) {
  if (g.cli_send.work.state != KWORK_STATE_IDLE)
    return;
  size_t n = size_of(g.seq);
  for (size_t i = 0; i < n; i++)
    g.out[i] = byte_of(g.seq, i);
  kwork_init(&g.cli_send.work, KWORK_OP_UDP_SEND, NULL, on_cli_sent, 0);
  g.cli_send.sock = g.cli_bind.sock;
  g.cli_send.dst_addr = g.peer;
  g.cli_send.dst_port = ECHO_PORT;
  g.cli_send.data = g.out;
  g.cli_send.length = n;
  kerr_t err = ksubmit(g.k, &g.cli_send.work);
  if (err != KERR_OK)
    fail("udp send", err);
}

static void on_reply(kwork_t *w) {
  kudp_recv_req_t *r = KCONTAINER_OF(w, kudp_recv_req_t, work);
  if (w->result != KERR_OK)
    return fail("udp receive", w->result);
  bool match = r->src_addr == g.peer && r->src_port == ECHO_PORT &&
               g.seq < DATAGRAMS && r->length == size_of(g.seq);
  for (size_t i = 0; match && i < r->length; i++)
    match = r->data[i] == byte_of(g.seq, i);
  kbuf_release(g.k, r->buf);
  if (!match)
    return; /* a late copy of an earlier datagram */
  g.echoed++;
  g.sends = 0;
  if (++g.seq < DATAGRAMS)
    return send_current();
  printk("lan-check: udp %u/%u echoed\n", g.echoed, (unsigned)DATAGRAMS);
  printk("lan-check: done\n");
}

static void on_cli_bound(kwork_t *w) {
  if (w->result != KERR_OK)
    return fail("udp bind", w->result);
  kwork_init(&g.cli_recv.work, KWORK_OP_UDP_RECV, NULL, on_reply, 0);
  g.cli_recv.sock = g.cli_bind.sock;
  ksubmit(g.k, &g.cli_recv.work);
  send_current();
  start_resend();
}

static void start_ping(void);

static void on_ping(kwork_t *w) {
  if (w->result != KERR_OK) {
    if (++g.ping_tries < PING_TRIES)
      return start_ping();
    return fail("ping", w->result);
  }
  printk("lan-check: ping ok\n");
  kwork_init(&g.cli_bind.work, KWORK_OP_UDP_BIND, NULL, on_cli_bound, 0);
  g.cli_bind.port = 0;
  ksubmit(g.k, &g.cli_bind.work);
}

static void start_ping(void) {
  kwork_init(&g.ping.work, KWORK_OP_PING, NULL, on_ping, 0);
  g.ping.target = g.peer;
  g.ping.size = 32;
  kwork_set_timeout(g.k, &g.ping.work, KTIME_MS(500));
  kerr_t err = ksubmit(g.k, &g.ping.work);
  if (err != KERR_OK)
    fail("ping", err);
}

/* ------------------------------------------------------------------ start */

static void on_srv_bound(kwork_t *w) {
  if (w->result != KERR_OK)
    return fail("udp bind 7", w->result);
  kwork_init(&g.srv_recv.work, KWORK_OP_UDP_RECV, NULL, on_request, 0);
  g.srv_recv.sock = g.srv_bind.sock;
  ksubmit(g.k, &g.srv_recv.work);
  start_ping();
}

static void on_config(kwork_t *w) {
  if (w->result != KERR_OK)
    return fail("no address", w->result);
  char a[KFMT_IP4_LEN];
  g.peer = g.cfg.config.gateway;
  printk("lan-check: up %s\n", kfmt_ip4(a, g.cfg.config.addr));
  kwork_init(&g.srv_bind.work, KWORK_OP_UDP_BIND, NULL, on_srv_bound, 0);
  g.srv_bind.port = ECHO_PORT;
  ksubmit(g.k, &g.srv_bind.work);
}

void kmain_usermain(kernel_t *k) {
  g.k = k;
  kwork_init(&g.cfg.work, KWORK_OP_IP_CONFIG, NULL, on_config, 0);
  kwork_set_timeout(k, &g.cfg.work, KTIME_S(15));
  kerr_t err = ksubmit(k, &g.cfg.work);
  if (err != KERR_OK)
    fail("no network", err);
}
