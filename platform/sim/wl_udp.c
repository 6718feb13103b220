/* wl_udp.c: UDP echo between the nodes. Every node runs an echo server on
 * port 7 and a client that keeps up to WINDOW datagrams of 16-1,472 bytes
 * in flight to random peers that hold a DHCP lease. A datagram carries
 * (magic, source node, target node, sequence number) and a pattern made
 * from them, so its echo can be checked byte for byte.
 *
 * Books per datagram (flags below): sent, answered, and whether a loss is
 * explained: the wire dropped, corrupted or could not deliver one of its
 * frames (wl_udp_wire_event), a send completed with an error, the server
 * had no free reply slot, or a node on its path lost power. Invariants:
 *   - an echo is byte-identical to what was sent, from the target's
 *     address and port 7;
 *   - a datagram is answered twice only if the wire duplicated a frame;
 *   - at the end, with no faults, every datagram was answered; with
 *     faults, the losses nothing explains are no more than the drops the
 *     kernels counted (kstats drops: no buffer, queue full, ...). */
#include <stdio.h>
#include <string.h>

#include "netdefs.h"
#include "wl.h"

#define WINDOW 4
#define REPLIES 16
#define MAX_SEQ 32768
#define ECHO_PORT 7
#define HDR 16
#define MAGIC 0x524c4d55u
#define TICK KTIME_MS(2)
#define GIVE_UP KTIME_S(1)

enum { SENT = 1, ANSWERED = 2, EXPLAINED = 4, DUPLICATED = 8 };

typedef struct {
  kudp_send_req_t q;
  uint8_t data[KUDP_MAX_PAYLOAD];
  bool busy;
  int node; /* whose datagram it carries */
  uint32_t seq;
} send_t;

struct wl_udp {
  sim_node_t *n;
  kudp_bind_req_t sbind, cbind;
  kudp_recv_req_t srecv, crecv;
  ktimer_req_t tick;
  send_t reply[REPLIES];
  send_t send[WINDOW];
  uint32_t pend[WINDOW]; /* sequence numbers waiting for an echo */
  ktime_t pend_at[WINDOW];
  bool pend_used[WINDOW];
  uint32_t next_seq;
  uint64_t drops_before; /* kstats drops of earlier boots */
};

static struct wl_udp g_wl[SIM_MAX_NODES];
static uint8_t g_flags[SIM_MAX_NODES][MAX_SEQ];
static uint8_t g_dst[SIM_MAX_NODES][MAX_SEQ];
static uint16_t g_len[SIM_MAX_NODES][MAX_SEQ];
static bool g_quiet;
static struct {
  uint64_t sent, answered, dup_answers, send_errors, server_busy;
} g_n;

static void make(uint8_t *p, int src, int dst, uint32_t seq, uint16_t len) {
  uint32_t h[4] = {MAGIC, (uint32_t)src | (uint32_t)dst << 16, seq, len};
  memcpy(p, h, HDR);
  uint32_t x = seq * 2246822519u ^ (uint32_t)src * 3266489917u;
  for (size_t i = HDR; i < len; i++) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    p[i] = (uint8_t)x;
  }
}

/* The (source node, seq) of a workload datagram's payload, or false. */
static bool header(const uint8_t *p, size_t len, int *src, uint32_t *seq) {
  uint32_t h[4];
  if (len < HDR)
    return false;
  memcpy(h, p, HDR);
  *src = (int)(h[1] & 0xffff);
  *seq = h[2];
  return h[0] == MAGIC && *src < g_sim.nnodes && *seq < MAX_SEQ;
}

static void explain(int src, uint32_t seq) { g_flags[src][seq] |= EXPLAINED; }

void wl_udp_wire_event(const uint8_t *f, size_t len, int what) {
  if (len < NET_PAYLOAD + UDP_HLEN + HDR ||
      net_get16(f + 12) != ETH_TYPE_IPV4 || f[ETH_HLEN] != 0x45 ||
      f[ETH_HLEN + 9] != IP_PROTO_UDP)
    return;
  int src;
  uint32_t seq;
  if (!header(f + NET_PAYLOAD + UDP_HLEN, len - NET_PAYLOAD - UDP_HLEN, &src,
              &seq))
    return;
  g_flags[src][seq] |= what == WL_WIRE_DUP ? DUPLICATED : EXPLAINED;
}

/* A send of the server or the client is over; an error explains a loss. */
static void sent(kwork_t *w) {
  send_t *s = w->ctx;
  s->busy = false;
  if (w->result != KERR_OK) {
    g_n.send_errors++;
    explain(s->node, s->seq);
  }
}

/* ------------------------------------------------------------- server */

static void on_request(kwork_t *w) {
  struct wl_udp *u = w->ctx;
  kudp_recv_req_t *r = &u->srecv;
  if (w->result != KERR_OK) {
    if (w->result != KERR_CANCELLED)
      sim_fail("node %d: echo receive ended: %s", u->n->id,
               kerr_str(w->result));
    return;
  }
  int src;
  uint32_t seq;
  bool ours = header(r->data, r->length, &src, &seq);
  send_t *s = NULL;
  for (int i = 0; i < REPLIES && s == NULL; i++)
    if (!u->reply[i].busy)
      s = &u->reply[i];
  if (s == NULL || !ours) {
    if (ours) {
      g_n.server_busy++;
      explain(src, seq);
    }
    kbuf_release(&u->n->k, r->buf);
    return;
  }
  memcpy(s->data, r->data, r->length);
  kwork_init(&s->q.work, KWORK_OP_UDP_SEND, s, sent, 0);
  s->q.sock = u->sbind.sock;
  s->q.dst_addr = r->src_addr;
  s->q.dst_port = r->src_port;
  s->q.data = s->data;
  s->q.length = r->length;
  s->node = src, s->seq = seq;
  kbuf_release(&u->n->k, r->buf);
  kerr_t err = ksubmit(&u->n->k, &s->q.work);
  if (err != KERR_OK)
    sim_fail("node %d: echo send refused: %s", u->n->id, kerr_str(err));
  s->busy = true;
}

/* ------------------------------------------------------------- client */

static void on_echo(kwork_t *w) {
  struct wl_udp *u = w->ctx;
  kudp_recv_req_t *r = &u->crecv;
  int id = u->n->id;
  if (w->result != KERR_OK) {
    if (w->result != KERR_CANCELLED)
      sim_fail("node %d: client receive ended: %s", id, kerr_str(w->result));
    return;
  }
  int src;
  uint32_t seq;
  if (!header(r->data, r->length, &src, &seq) || src != id ||
      !(g_flags[id][seq] & SENT))
    sim_fail("node %d: an echo of a datagram never sent", id);
  uint8_t want[KUDP_MAX_PAYLOAD];
  make(want, id, g_dst[id][seq], seq, g_len[id][seq]);
  if (r->length != g_len[id][seq] || memcmp(want, r->data, r->length) != 0)
    sim_fail("node %d: echo of seq %u differs from what was sent", id, seq);
  if (r->src_addr != sim_dhcpd_addr(g_dst[id][seq]) || r->src_port != ECHO_PORT)
    sim_fail("node %d: echo of seq %u from the wrong address or port "
             "(%08x:%u, sent to node %d at %08x:%u)",
             id, seq, (unsigned)r->src_addr, (unsigned)r->src_port,
             g_dst[id][seq], (unsigned)sim_dhcpd_addr(g_dst[id][seq]),
             ECHO_PORT);
  sim_trace("wl-echo", id, &seq, sizeof(seq));
  if (g_flags[id][seq] & ANSWERED) {
    g_n.dup_answers++;
    if (!(g_flags[id][seq] & DUPLICATED))
      sim_fail("node %d: seq %u echoed twice, no frame was duplicated", id,
               seq);
  } else {
    g_flags[id][seq] |= ANSWERED;
    g_n.answered++;
  }
  for (int i = 0; i < WINDOW; i++)
    if (u->pend_used[i] && u->pend[i] == seq)
      u->pend_used[i] = false;
  kbuf_release(&u->n->k, r->buf);
}

/* A peer with a DHCP lease, or -1. */
static int pick_peer(struct wl_udp *u) {
  int cand[SIM_MAX_NODES], nc = 0;
  for (int i = 0; i < g_sim.nnodes; i++) {
    sim_node_t *p = &g_sim.nodes[i];
    net_stack_t *st = p->up ? net_stack_of(&p->k) : NULL;
    if (i != u->n->id && st && st->up && st->cfg.source == KIP_SOURCE_DHCP)
      cand[nc++] = i;
  }
  return nc ? cand[sim_rand(SIM_RAND_WORK) % (uint64_t)nc] : -1;
}

static void send_one(struct wl_udp *u, send_t *s, int slot) {
  int id = u->n->id, dst = pick_peer(u);
  if (dst < 0 || u->next_seq >= MAX_SEQ)
    return;
  uint32_t seq = u->next_seq++;
  uint16_t len =
      (uint16_t)(sim_rand(SIM_RAND_WORK) % 4 == 0
                     ? sim_rand_range(SIM_RAND_WORK, HDR, KUDP_MAX_PAYLOAD)
                     : sim_rand_range(SIM_RAND_WORK, HDR, 256));
  make(s->data, id, dst, seq, len);
  g_flags[id][seq] = SENT;
  g_dst[id][seq] = (uint8_t)dst;
  g_len[id][seq] = len;
  kwork_init(&s->q.work, KWORK_OP_UDP_SEND, s, sent, 0);
  kwork_set_timeout(&u->n->k, &s->q.work, KTIME_S(2));
  s->q.sock = u->cbind.sock;
  s->q.dst_addr = sim_dhcpd_addr(dst);
  s->q.dst_port = ECHO_PORT;
  s->q.data = s->data;
  s->q.length = len;
  s->node = id, s->seq = seq;
  kerr_t err = ksubmit(&u->n->k, &s->q.work);
  if (err != KERR_OK)
    sim_fail("node %d: send refused: %s", id, kerr_str(err));
  s->busy = true;
  u->pend[slot] = seq;
  u->pend_at[slot] = g_sim.now;
  u->pend_used[slot] = true;
  g_n.sent++;
}

static void on_tick(kwork_t *w) {
  struct wl_udp *u = w->ctx;
  if (w->result != KERR_OK)
    return; /* cancelled at the end */
  net_stack_t *st = net_stack_of(&u->n->k);
  bool leased = st && st->up && st->cfg.source == KIP_SOURCE_DHCP;
  for (int i = 0; i < WINDOW; i++) {
    if (u->pend_used[i] && g_sim.now - u->pend_at[i] >= GIVE_UP)
      u->pend_used[i] = false;
    if (!g_quiet && leased && u->cbind.work.state == KWORK_STATE_IDLE &&
        u->cbind.work.result == KERR_OK && !u->pend_used[i] && !u->send[i].busy)
      send_one(u, &u->send[i], i);
  }
  if (!g_quiet && ksubmit(&u->n->k, &u->tick.work) != KERR_OK)
    sim_fail("node %d: tick refused", u->n->id);
}

/* ------------------------------------------------------------ lifetime */

static void bound(kwork_t *w) {
  struct wl_udp *u = w->ctx;
  kudp_bind_req_t *b = KCONTAINER_OF(w, kudp_bind_req_t, work);
  if (w->result != KERR_OK)
    sim_fail("node %d: bind: %s", u->n->id, kerr_str(w->result));
  kudp_recv_req_t *r = b == &u->sbind ? &u->srecv : &u->crecv;
  kwork_init(&r->work, KWORK_OP_UDP_RECV, u,
             b == &u->sbind ? on_request : on_echo, 0);
  r->sock = b->sock;
  if (ksubmit(&u->n->k, &r->work) != KERR_OK)
    sim_fail("node %d: receive refused", u->n->id);
}

void wl_udp_start(sim_node_t *n) {
  struct wl_udp *u = &g_wl[n->id];
  uint64_t drops = u->drops_before;
  uint32_t seq = u->next_seq;
  *u = (struct wl_udp){.n = n, .drops_before = drops, .next_seq = seq};
  n->udp = u;
  kwork_init(&u->sbind.work, KWORK_OP_UDP_BIND, u, bound, 0);
  u->sbind.port = ECHO_PORT;
  kwork_init(&u->cbind.work, KWORK_OP_UDP_BIND, u, bound, 0);
  u->cbind.port = 0;
  kwork_init(&u->tick.work, KWORK_OP_TIMER, u, on_tick, 0);
  u->tick.delay = TICK;
  if (ksubmit(&n->k, &u->sbind.work) != KERR_OK ||
      ksubmit(&n->k, &u->cbind.work) != KERR_OK ||
      ksubmit(&n->k, &u->tick.work) != KERR_OK)
    sim_fail("node %d: udp workload refused", n->id);
}

/* Whatever was on its way to, from or at this node is gone. */
void wl_udp_power_cut(sim_node_t *n) {
  struct wl_udp *u = n->udp;
  u->drops_before += kstats(&n->k)->drops;
  for (int s = 0; s < g_sim.nnodes; s++)
    for (uint32_t q = 0; q < g_wl[s].next_seq; q++)
      if ((g_flags[s][q] & (SENT | ANSWERED)) == SENT &&
          (s == n->id || g_dst[s][q] == n->id))
        explain(s, q);
}

void wl_udp_quiesce(void) { g_quiet = true; }

void wl_udp_stop(sim_node_t *n) {
  struct wl_udp *u = n->udp;
  kcancel(&n->k, &u->srecv.work);
  kcancel(&n->k, &u->crecv.work);
  kcancel(&n->k, &u->tick.work);
}

static uint64_t g_lost, g_explained, g_drops;

void wl_udp_check(void) {
  for (int s = 0; s < g_sim.nnodes; s++) {
    g_drops += g_wl[s].drops_before + kstats(&g_sim.nodes[s].k)->drops;
    for (uint32_t q = 0; q < g_wl[s].next_seq; q++) {
      uint8_t f = g_flags[s][q];
      if (f & ANSWERED)
        continue;
      if (f & EXPLAINED)
        g_explained++;
      else
        g_lost++;
    }
  }
  if (strcmp(g_sim.faults->name, "none") == 0 && (g_lost || g_explained))
    sim_fail("udp: %llu datagrams lost with no faults",
             (unsigned long long)(g_lost + g_explained));
  if (g_lost > g_drops)
    sim_fail("udp: %llu datagrams lost that no fault explains, and the "
             "kernels counted only %llu drops",
             (unsigned long long)g_lost, (unsigned long long)g_drops);
}

void wl_udp_report(void) {
  printf("sim: udp %llu datagrams sent, %llu echoed (%llu echoes twice), "
         "%llu lost to faults, %llu lost to counted drops (%llu drops "
         "counted), %llu send errors, %llu refused by a busy server\n",
         (unsigned long long)g_n.sent, (unsigned long long)g_n.answered,
         (unsigned long long)g_n.dup_answers, (unsigned long long)g_explained,
         (unsigned long long)g_lost, (unsigned long long)g_drops,
         (unsigned long long)g_n.send_errors,
         (unsigned long long)g_n.server_busy);
}
