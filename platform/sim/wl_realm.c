/* wl_realm.c: realms on every node. Each node runs the realm manager with
 * the bank (r/demo/bank) and the faucet (r/demo/faucet), its gateway on
 * UDP 7000, and a client that keeps up to WINDOW gateway requests in
 * flight to random leased peers: supply(), balance(alice|bob|faucet),
 * drip(alice|bob), steal(alice|bob), try_broken(alice|bob) and a transfer
 * from the network caller, who has no account. wl_realm_books.c keeps the
 * books of every bank and checks every reply's contents against them.
 *
 * Here: every reply answers a request this node sent (ids are unique per
 * node over all its boots), from the target's address and port 7000; a
 * request is answered twice only if the wire duplicated a frame of it or
 * of its reply; one never answered is explained: the wire lost, damaged
 * or could not deliver a frame of it or its reply, its send failed, or the
 * sender or the target lost power while it was out. With --faults none
 * every request is answered; otherwise the losses nothing explains are no
 * more than the drops the kernels and the gateways counted. At the end
 * every manager is idle and its gateway answered every request of its last
 * boot. --lie rollback makes the manager keep the writes of a failed call
 * (every rollback becomes a commit): the books must catch it. */
#include <stdio.h>
#include <string.h>

#include "manager.h"
#include "netdefs.h"
#include "wl_realm.h"

#define WINDOW 4
#define TICK KTIME_MS(10)
#define GIVE_UP KTIME_S(1)

typedef struct {
  kudp_send_req_t q;
  uint8_t data[REALM_WIRE_MAX];
  bool busy;
  int node;
  uint32_t seq;
} send_t;

struct wl_realm {
  sim_node_t *n;
  kudp_bind_req_t bind;
  kudp_recv_req_t recv;
  ktimer_req_t tick;
  send_t send[WINDOW];
  uint32_t pend[WINDOW];
  ktime_t pend_at[WINDOW];
  bool pend_used[WINDOW];
  uint64_t drops_before; /* kstats drops of earlier boots */
};

static struct wl_realm g_wl[SIM_MAX_NODES];
static bool g_quiet;

static uint32_t req_id(int node, uint32_t seq) {
  return (uint32_t)node << 24 | seq;
}

/* ------------------------------------------------------------- client */

static void on_reply(kwork_t *w) {
  struct wl_realm *u = w->ctx;
  kudp_recv_req_t *q = &u->recv;
  int id = u->n->id;
  if (w->result != KERR_OK) {
    if (w->result != KERR_CANCELLED)
      sim_fail("node %d: realm client receive ended: %s", id,
               kerr_str(w->result));
    return;
  }
  struct realm_wire_reply rep;
  const char *why = "";
  if (realm_wire_decode_reply(q->data, q->length, &rep, &why) != 0)
    sim_fail("node %d: a gateway reply that does not decode: %s", id, why);
  uint32_t seq = rep.id & 0xffffff;
  if ((int)(rep.id >> 24) != id || seq >= g_nreq[id] ||
      !(g_req[id][seq].flags & SENT))
    sim_fail("node %d: a gateway reply to request id %08x, never sent", id,
             (unsigned)rep.id);
  req_t *r = &g_req[id][seq];
  if (q->src_addr != sim_dhcpd_addr(r->target) || q->src_port != GW_PORT)
    sim_fail("node %d: the reply to request %u from the wrong address or "
             "port (%08x:%u, sent to node %d at %08x:%u)",
             id, seq, (unsigned)q->src_addr, (unsigned)q->src_port, r->target,
             (unsigned)sim_dhcpd_addr(r->target), GW_PORT);
  sim_trace("wl-realm", id, q->data, q->length);
  bool first = !(r->flags & ANSWERED);
  if (!first) {
    g_rn.twice++;
    if (!(r->flags & DUPLICATED))
      sim_fail("node %d: request %u answered twice, no frame of it was "
               "duplicated",
               id, seq);
  } else {
    r->flags |= ANSWERED;
    g_rn.answered++;
  }
  wl_realm_books_reply(id, seq, &rep, first);
  for (int i = 0; i < WINDOW; i++)
    if (u->pend_used[i] && u->pend[i] == seq)
      u->pend_used[i] = false;
  kbuf_release(&u->n->k, q->buf);
}

static void sent(kwork_t *w) {
  send_t *s = w->ctx;
  s->busy = false;
  if (w->result != KERR_OK) {
    g_rn.send_errors++;
    g_req[s->node][s->seq].flags |= EXPLAINED;
  }
}

/* A peer with a DHCP lease, or -1. */
static int pick_peer(int self) {
  int cand[SIM_MAX_NODES], nc = 0;
  for (int i = 0; i < g_sim.nnodes; i++) {
    sim_node_t *p = &g_sim.nodes[i];
    net_stack_t *st = p->up ? net_stack_of(&p->k) : NULL;
    if (i != self && st && st->up && st->cfg.source == KIP_SOURCE_DHCP)
      cand[nc++] = i;
  }
  return nc ? cand[sim_rand(SIM_RAND_REALM) % (uint64_t)nc] : -1;
}

/* The mix: mostly reads and drips; few failures, so that the bank is
 * seldom put aside (three failed calls in a row). Drips to a bank known to
 * be dry are mostly read instead. */
static void pick_op(const books_t *b, uint8_t *op, uint8_t *acct) {
  uint64_t x = sim_rand(SIM_RAND_REALM) % 100;
  *acct = (uint8_t)(sim_rand(SIM_RAND_REALM) % 2);
  if (x < 25) {
    *op = OP_SUPPLY;
  } else if (x < 62) {
    *op = OP_BALANCE;
    *acct = (uint8_t)(sim_rand(SIM_RAND_REALM) % 3);
  } else if (x < 92) {
    *op = OP_DRIP;
    if (b->max_k >= DRIPS_MAX && x % 4 != 0)
      *op = OP_BALANCE;
  } else if (x < 95) {
    *op = OP_STEAL;
  } else if (x < 98) {
    *op = OP_BROKEN;
  } else {
    *op = OP_TRANSFER;
  }
}

static size_t encode(int id, uint32_t seq, const req_t *r, uint8_t *buf) {
  const char *name = wl_realm_acct_name[r->acct];
  bool bank = r->op == OP_SUPPLY || r->op == OP_BALANCE || r->op == OP_TRANSFER;
  const char *path = bank ? "r/demo/bank" : "r/demo/faucet";
  const char *fn = r->op == OP_BROKEN ? "try_broken" : wl_realm_op_name[r->op];
  struct realm_wire_request q = {
      .id = req_id(id, seq),
      .path = path,
      .path_len = (uint8_t)strlen(path),
      .fn = fn,
      .fn_len = (uint8_t)strlen(fn),
      .nargs = r->op == OP_SUPPLY     ? 0
               : r->op == OP_TRANSFER ? 2
                                      : 1,
  };
  q.args[0] = (struct realm_wire_arg){.tag = REALM_WIRE_TAG_BYTES,
                                      .len = (uint16_t)strlen(name),
                                      .bytes = (const uint8_t *)name};
  q.args[1] = (struct realm_wire_arg){.tag = REALM_WIRE_TAG_I64, .i64 = DRIP};
  size_t n = realm_wire_encode_request(&q, buf, REALM_WIRE_MAX);
  if (n == 0)
    sim_fail("node %d: a gateway request does not encode", id);
  return n;
}

static void send_one(struct wl_realm *u, send_t *s, int slot) {
  int id = u->n->id, dst = pick_peer(id);
  if (dst < 0 || g_nreq[id] >= MAX_REQ)
    return;
  uint32_t seq = g_nreq[id]++;
  req_t *r = &g_req[id][seq];
  *r = (req_t){.flags = SENT, .target = (uint8_t)dst, .at = g_sim.now};
  pick_op(&g_books[dst], &r->op, &r->acct);
  wl_realm_books_sent(id, seq);
  g_rn.ops[r->op]++;
  kwork_init(&s->q.work, KWORK_OP_UDP_SEND, s, sent, 0);
  kwork_set_timeout(&u->n->k, &s->q.work, KTIME_S(2));
  s->q.sock = u->bind.sock;
  s->q.dst_addr = sim_dhcpd_addr(dst);
  s->q.dst_port = GW_PORT;
  s->q.data = s->data;
  s->q.length = (uint32_t)encode(id, seq, r, s->data);
  s->node = id, s->seq = seq;
  if (ksubmit(&u->n->k, &s->q.work) != KERR_OK)
    sim_fail("node %d: realm request send refused", id);
  s->busy = true;
  u->pend[slot] = seq;
  u->pend_at[slot] = g_sim.now;
  u->pend_used[slot] = true;
  g_rn.sent++;
}

static void on_tick(kwork_t *w) {
  struct wl_realm *u = w->ctx;
  if (w->result != KERR_OK)
    return; /* cancelled at the end */
  net_stack_t *st = net_stack_of(&u->n->k);
  bool leased = st && st->up && st->cfg.source == KIP_SOURCE_DHCP;
  for (int i = 0; i < WINDOW; i++) {
    if (u->pend_used[i] && g_sim.now - u->pend_at[i] >= GIVE_UP)
      u->pend_used[i] = false;
    if (!g_quiet && leased && u->bind.work.state == KWORK_STATE_IDLE &&
        u->bind.work.result == KERR_OK && !u->pend_used[i] && !u->send[i].busy)
      send_one(u, &u->send[i], i);
  }
  if (!g_quiet && ksubmit(&u->n->k, &u->tick.work) != KERR_OK)
    sim_fail("node %d: realm tick refused", u->n->id);
}

static void bound(kwork_t *w) {
  struct wl_realm *u = w->ctx;
  if (w->result != KERR_OK)
    sim_fail("node %d: realm client bind: %s", u->n->id, kerr_str(w->result));
  kwork_init(&u->recv.work, KWORK_OP_UDP_RECV, u, on_reply, 0);
  u->recv.sock = u->bind.sock;
  if (ksubmit(&u->n->k, &u->recv.work) != KERR_OK)
    sim_fail("node %d: realm client receive refused", u->n->id);
}

/* ------------------------------------------------------------ lifetime */

void wl_realm_start(sim_node_t *n) {
  struct wl_realm *u = &g_wl[n->id];
  uint64_t drops = u->drops_before;
  *u = (struct wl_realm){.n = n, .drops_before = drops};
  n->realm = u;
  realm_config_t cfg = {.gateway_port = GW_PORT};
  kerr_t err = realm_start(&n->k, realm_images, realm_nimages, &cfg);
  const realm_stats_t *st = realm_stats(&n->k);
  if (err != KERR_OK || st == NULL || st->loaded != realm_nimages)
    sim_fail("node %d: the realm manager did not start: %s", n->id,
             kerr_str(err));
  kwork_init(&u->bind.work, KWORK_OP_UDP_BIND, u, bound, 0);
  u->bind.port = 0;
  kwork_init(&u->tick.work, KWORK_OP_TIMER, u, on_tick, 0);
  u->tick.delay = TICK;
  if (ksubmit(&n->k, &u->bind.work) != KERR_OK ||
      ksubmit(&n->k, &u->tick.work) != KERR_OK)
    sim_fail("node %d: realm workload refused", n->id);
}

/* The manager's counters of this boot, added up over boots: the replies
 * the gateway dropped (no send slot) explain losses; the rest is
 * reported. */
static void count_manager(sim_node_t *n) {
  const realm_stats_t *st = realm_stats(&n->k);
  if (st == NULL)
    return;
  g_rn.mgr_drops += st->gw_reply_dropped;
  g_rn.tx_ok += st->tx_ok;
  g_rn.tx_failed += st->tx_failed;
  g_rn.calls_failed += st->calls_failed;
  g_rn.backoff += st->backoff_refused;
}

/* The node lost power: the books learn it (wl_realm_books.c). */
void wl_realm_power_cut(sim_node_t *n) {
  count_manager(n);
  g_wl[n->id].drops_before += kstats(&n->k)->drops;
  wl_realm_books_power_cut(n->id);
}

void wl_realm_quiesce(void) { g_quiet = true; }

/* Cancel the client's receive and tick, and the gateway's receive, so that
 * the kernel can go idle. */
void wl_realm_stop(sim_node_t *n) {
  struct wl_realm *u = n->realm;
  kcancel(&n->k, &u->recv.work);
  kcancel(&n->k, &u->tick.work);
  realm_mgr_t *m = realm_manager_of(&n->k);
  if (m && m->gw_up)
    kcancel(&n->k, &m->gw_recv.work);
}

static uint64_t g_lost, g_explained, g_drops;

void wl_realm_check(void) {
  for (int s = 0; s < g_sim.nnodes; s++) {
    sim_node_t *n = &g_sim.nodes[s];
    realm_mgr_t *m = realm_manager_of(&n->k);
    if (m == NULL || m->tx.active || m->ev_count != 0)
      sim_fail("node %d: the realm manager is not idle at the end", s);
    /* Idle, its gateway has answered (or counted the drop of) every
     * request of this boot; none was malformed (a damaged frame never
     * passes the UDP checksum). */
    const realm_stats_t *st = &m->stats;
    if (st->gw_bad != 0 ||
        st->gw_requests != st->gw_replies + st->gw_reply_dropped)
      sim_fail("node %d: the gateway took %llu requests (%llu bad) and sent "
               "%llu replies (%llu dropped)",
               s, (unsigned long long)st->gw_requests,
               (unsigned long long)st->gw_bad,
               (unsigned long long)st->gw_replies,
               (unsigned long long)st->gw_reply_dropped);
    count_manager(n);
    g_drops += g_wl[s].drops_before + kstats(&n->k)->drops;
    for (uint32_t q = 0; q < g_nreq[s]; q++) {
      uint8_t f = g_req[s][q].flags;
      if (f & ANSWERED)
        continue;
      if (f & EXPLAINED)
        g_explained++;
      else
        g_lost++;
    }
  }
  if (strcmp(g_sim.faults->name, "none") == 0 && (g_lost || g_explained))
    sim_fail("realm: %llu gateway requests never answered with no faults",
             (unsigned long long)(g_lost + g_explained));
  if (g_lost > g_drops + g_rn.mgr_drops)
    sim_fail("realm: %llu gateway requests lost that no fault explains, and "
             "the kernels and gateways counted only %llu drops",
             (unsigned long long)g_lost,
             (unsigned long long)(g_drops + g_rn.mgr_drops));
}

void wl_realm_report(void) {
  printf("sim: realm %llu requests (supply %llu, balance %llu, drip %llu, "
         "steal %llu, try_broken %llu, transfer %llu), %llu answered (%llu "
         "twice), %llu refused (busy or put aside), %llu drips ok, %llu "
         "failed (a dry faucet or the bank put aside), %llu steal, "
         "try_broken and transfer failed as they must, %llu lost to "
         "faults, %llu to counted drops, %llu out when their target lost "
         "power, %llu send errors\n",
         (unsigned long long)g_rn.sent, (unsigned long long)g_rn.ops[OP_SUPPLY],
         (unsigned long long)g_rn.ops[OP_BALANCE],
         (unsigned long long)g_rn.ops[OP_DRIP],
         (unsigned long long)g_rn.ops[OP_STEAL],
         (unsigned long long)g_rn.ops[OP_BROKEN],
         (unsigned long long)g_rn.ops[OP_TRANSFER],
         (unsigned long long)g_rn.answered, (unsigned long long)g_rn.twice,
         (unsigned long long)g_rn.refused, (unsigned long long)g_rn.drips,
         (unsigned long long)g_rn.drips_failed,
         (unsigned long long)g_rn.failed_ok, (unsigned long long)g_explained,
         (unsigned long long)g_lost, (unsigned long long)g_rn.moved,
         (unsigned long long)g_rn.send_errors);
  printf("sim: realm managers: %llu transactions ok, %llu failed, %llu "
         "calls between realms failed, %llu refused while put aside, %llu "
         "replies dropped\n",
         (unsigned long long)g_rn.tx_ok, (unsigned long long)g_rn.tx_failed,
         (unsigned long long)g_rn.calls_failed,
         (unsigned long long)g_rn.backoff, (unsigned long long)g_rn.mgr_drops);
}

/* --lie rollback: the manager's rollbacks (the linker sends them here)
 * commit instead, so a failed call's writes stand. */
void __real_wasm_journal_rollback(wasm_journal *j, const wasm_savepoint *sp);
void __wrap_wasm_journal_rollback(wasm_journal *j, const wasm_savepoint *sp);
void __wrap_wasm_journal_rollback(wasm_journal *j, const wasm_savepoint *sp) {
  if (sim_lie("rollback"))
    wasm_journal_commit(j, sp);
  else
    __real_wasm_journal_rollback(j, sp);
}
