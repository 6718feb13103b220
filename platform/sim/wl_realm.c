/* wl_realm.c: realms on every node. Each node runs the realm manager with
 * the bank (r/demo/bank) and the faucet (r/demo/faucet), its gateway on
 * UDP 7000, and a client that keeps up to WINDOW gateway requests in
 * flight to random leased peers: supply(), balance(alice|bob|faucet),
 * drip(alice|bob), steal(alice|bob), try_broken(alice|bob) and a transfer
 * from the network caller, who has no account.
 *
 * The books, outside the kernel, per target node and per boot of it (the
 * realms are volatile: a power cut gives a bank that starts over at alice
 * 500, bob 500, faucet 1000). Only drips move money (10 from the faucet to
 * alice or bob), so a bank's state is (a, b): the drips that reached alice
 * and bob; the faucet holds 1000 - 10 (a + b). The books keep what bounds
 * them: drips that may have run (sent, and not known to have failed; a
 * duplicated request frame may run twice) and drips known to have run
 * (their reply came). Invariants:
 *   - supply() is 2000 in every reply, whatever failed before it;
 *   - a drip that succeeded returns the faucet's balance after it,
 *     1000 - 10 k with k from 1 to 100, each k once per boot (each drip
 *     moves exactly 10, and none is lost or half-applied);
 *   - balance(alice) is 500 + 10 a with a at least the drips to alice
 *     known when the request left and at most those that may have run by
 *     the reply; bob the same; the faucet's is 1000 - 10 d with d from the
 *     highest k known when the request left to the drips that may have run;
 *   - steal() returns -7 (REALM_E_ABORT; -12 if the bank was put aside),
 *     try_broken() -6 (REALM_E_TRAP; -7 only if the faucet may be empty),
 *     the network caller's transfer fails with -7; a drip fails only when
 *     the faucet may be empty or the bank was put aside;
 *   - every reply answers a request this node sent (ids are unique per
 *     node over all its boots), from the target's address and port 7000;
 *     a request is answered twice only if the wire duplicated a frame of
 *     it or of its reply; one never answered is explained: the wire lost,
 *     damaged or could not deliver a frame of it or its reply, its send
 *     failed, or the sender or the target lost power while it was out.
 *     With --faults none every request is answered; otherwise the losses
 *     nothing explains are no more than the drops the kernels and the
 *     gateways counted.
 * Replies to a request whose target lost power while it was out are only
 * checked for what holds on every boot (supply, statuses): it may have
 * run on either boot. --lie rollback makes the manager keep the writes of
 * a failed call (every rollback becomes a commit): supply() must catch it. */
#include <stdio.h>
#include <string.h>

#include "manager.h"
#include "netdefs.h"
#include "wire.h"
#include "wl.h"

#define GW_PORT 7000
#define WINDOW 4
#define MAX_REQ 16384
#define TICK KTIME_MS(10)
#define GIVE_UP KTIME_S(1)
/* How long a request may still run after it was sent: its send's timeout
 * (2 s), the wire's worst delay and a full gateway queue, with room. */
#define IN_FLIGHT KTIME_S(3)
#define SUPPLY 2000
#define DRIP 10
#define DRIPS_MAX 100 /* the faucet's 1000 */

enum { OP_SUPPLY, OP_BALANCE, OP_DRIP, OP_STEAL, OP_BROKEN, OP_TRANSFER };
static const char *const op_name[] = {"supply", "balance",    "drip",
                                      "steal",  "try_broken", "transfer"};
enum { ALICE, BOB, FAUCET };
static const char *const acct_name[] = {"alice", "bob", "r/demo/faucet"};
static const int64_t initial[] = {500, 500, 1000};

enum {
  SENT = 1,
  ANSWERED = 2,
  EXPLAINED = 4,
  DUPLICATED = 8,
  MOVED = 16, /* the target lost power while it was out */
};

typedef struct {
  uint8_t flags, op, acct, target;
  int16_t low; /* OP_BALANCE: the lower bound when it left */
  ktime_t at;
} req_t;

/* What bounds one boot of a node's bank. */
typedef struct {
  uint32_t maybe[2]; /* drips to alice, bob that may have run */
  uint32_t known[2]; /* drips to alice, bob whose success came back */
  uint32_t max_k;
  bool seen[DRIPS_MAX + 1];
} books_t;

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
  uint32_t next_seq;
  uint64_t drops_before; /* kstats drops of earlier boots */
};

static struct wl_realm g_wl[SIM_MAX_NODES];
static req_t g_req[SIM_MAX_NODES][MAX_REQ];
static books_t g_books[SIM_MAX_NODES];
static bool g_quiet;
static struct {
  uint64_t sent, answered, twice, refused, drips, drips_failed, failed_ok,
      moved, send_errors, mgr_drops;
  uint64_t tx_ok, tx_failed, calls_failed, backoff;
  uint64_t ops[6];
} g_n;

static uint32_t req_id(int node, uint32_t seq) {
  return (uint32_t)node << 24 | seq;
}

/* ---------------------------------------------------------- the wire */

/* A frame of a request (to port 7000) or a reply (from it) was hurt. */
void wl_realm_wire_event(const uint8_t *f, size_t len, int what) {
  const uint8_t *u = f + NET_PAYLOAD, *p = u + UDP_HLEN;
  if (len < NET_PAYLOAD + UDP_HLEN + REALM_WIRE_HEADER ||
      net_get16(f + 12) != ETH_TYPE_IPV4 || f[ETH_HLEN] != 0x45 ||
      f[ETH_HLEN + 9] != IP_PROTO_UDP || p[0] != 'R' || p[1] != 'M')
    return;
  bool request = net_get16(u + 2) == GW_PORT && p[3] == REALM_WIRE_KIND_REQUEST;
  bool reply = net_get16(u) == GW_PORT && p[3] == REALM_WIRE_KIND_REPLY;
  uint32_t id =
      (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
  int node = (int)(id >> 24);
  uint32_t seq = id & 0xffffff;
  if (!(request || reply) || node >= g_sim.nnodes || seq >= g_wl[node].next_seq)
    return;
  req_t *r = &g_req[node][seq];
  if (what != WL_WIRE_DUP) {
    r->flags |= EXPLAINED;
    return;
  }
  r->flags |= DUPLICATED;
  /* A second copy of a drip may run a second drip. */
  if (request && r->op == OP_DRIP && !(r->flags & MOVED))
    g_books[r->target].maybe[r->acct]++;
}

/* ------------------------------------------------------------ checks */

static void fail_req(int node, uint32_t seq, const char *what,
                     const struct realm_wire_reply *rep) {
  req_t *r = &g_req[node][seq];
  sim_fail("realm: node %d request %u (%s %s to node %d): %s (status %d, "
           "result %lld, \"%.*s\")",
           node, seq, op_name[r->op],
           r->op == OP_SUPPLY ? "" : acct_name[r->acct], r->target, what,
           (int)rep->status, (long long)rep->result, (int)rep->len,
           (const char *)rep->data);
}

static bool says(const struct realm_wire_reply *rep, const char *text) {
  size_t n = strlen(text);
  for (size_t i = 0; i + n <= rep->len; i++)
    if (memcmp(rep->data + i, text, n) == 0)
      return true;
  return false;
}

static uint32_t maybe_all(const books_t *b) {
  return b->maybe[0] + b->maybe[1];
}

/* A balance reply against the target's books (r not MOVED). */
static void check_balance(int node, uint32_t seq,
                          const struct realm_wire_reply *rep) {
  req_t *r = &g_req[node][seq];
  books_t *b = &g_books[r->target];
  int64_t moved = rep->result - initial[r->acct];
  if (r->acct == FAUCET)
    moved = -moved;
  if (moved < 0 || moved % DRIP != 0)
    fail_req(node, seq, "a balance no whole drips lead to", rep);
  int64_t d = moved / DRIP;
  int64_t high = r->acct == FAUCET ? maybe_all(b) : b->maybe[r->acct];
  if (d < r->low || d > high || d > DRIPS_MAX)
    sim_fail("realm: node %d request %u: balance of %s at node %d is %lld: "
             "%lld drips, the books allow %d to %lld",
             node, seq, acct_name[r->acct], r->target, (long long)rep->result,
             (long long)d, r->low, (long long)KMIN(high, DRIPS_MAX));
}

static void check_drip(int node, uint32_t seq,
                       const struct realm_wire_reply *rep, bool first) {
  req_t *r = &g_req[node][seq];
  books_t *b = &g_books[r->target];
  bool sure = first && !(r->flags & MOVED);
  if (rep->status == REALM_E_ABORT) {
    g_n.drips_failed++;
    if (says(rep, "not enough funds")) {
      if (sure && maybe_all(b) < DRIPS_MAX)
        fail_req(node, seq, "the faucet ran dry before 100 drips", rep);
    } else if (!says(rep, "put aside")) {
      fail_req(node, seq, "a drip failed for no reason", rep);
    }
    /* It changed nothing, unless a second copy of it ran. */
    if (sure && !(r->flags & DUPLICATED) && b->maybe[r->acct] > 0)
      b->maybe[r->acct]--;
    return;
  }
  if (rep->status != REALM_OK || !rep->has_result)
    fail_req(node, seq, "a drip's status", rep);
  g_n.drips++;
  int64_t k = (1000 - rep->result) / DRIP;
  if (rep->result < 0 || (1000 - rep->result) % DRIP != 0 || k < 1 ||
      k > DRIPS_MAX)
    fail_req(node, seq, "a drip left the faucet with what no drip leaves", rep);
  if (!sure)
    return;
  if ((uint64_t)k > maybe_all(b))
    fail_req(node, seq, "more drips than were sent", rep);
  if (b->seen[k])
    fail_req(node, seq, "two drips left the faucet with the same balance", rep);
  b->seen[k] = true;
  b->known[r->acct]++;
  b->max_k = KMAX(b->max_k, (uint32_t)k);
}

/* The reply to (node, seq): first is false for a second one. */
static void check_reply(int node, uint32_t seq,
                        const struct realm_wire_reply *rep, bool first) {
  req_t *r = &g_req[node][seq];
  bool sure = first && !(r->flags & MOVED);
  if (rep->status == REALM_E_LIMIT || rep->status == REALM_E_BACKOFF) {
    g_n.refused++; /* the gateway ran nothing */
    if (sure && r->op == OP_DRIP && !(r->flags & DUPLICATED) &&
        g_books[r->target].maybe[r->acct] > 0)
      g_books[r->target].maybe[r->acct]--;
    return;
  }
  switch (r->op) {
  case OP_SUPPLY:
    if (rep->status != REALM_OK || !rep->has_result || rep->result != SUPPLY)
      fail_req(node, seq, "supply is not 2000", rep);
    break;
  case OP_BALANCE:
    if (rep->status != REALM_OK || !rep->has_result)
      fail_req(node, seq, "a balance's status", rep);
    if (sure)
      check_balance(node, seq, rep);
    break;
  case OP_DRIP:
    check_drip(node, seq, rep, first);
    break;
  case OP_STEAL:
    if (rep->status != REALM_OK || !rep->has_result ||
        !(rep->result == REALM_E_ABORT || rep->result == REALM_E_BACKOFF))
      fail_req(node, seq, "steal did not get -7 from the bank", rep);
    if (rep->result == REALM_E_ABORT && !says(rep, "may move its funds"))
      fail_req(node, seq, "steal failed, not for the owner's check", rep);
    g_n.failed_ok++;
    break;
  case OP_BROKEN:
    if (rep->status == REALM_E_ABORT && says(rep, "put aside"))
      break; /* the faucet could not ask the bank its balance */
    if (rep->status != REALM_OK || !rep->has_result)
      fail_req(node, seq, "try_broken failed in the faucet", rep);
    if (rep->result == REALM_E_ABORT && says(rep, "not enough funds")) {
      if (sure && maybe_all(&g_books[r->target]) < DRIPS_MAX)
        fail_req(node, seq, "the faucet ran dry before 100 drips", rep);
    } else if (rep->result != REALM_E_TRAP) {
      fail_req(node, seq, "try_broken did not get -6 from the bank", rep);
    }
    g_n.failed_ok++;
    break;
  case OP_TRANSFER:
    if (rep->status != REALM_E_ABORT || !says(rep, "not enough funds"))
      fail_req(node, seq, "a transfer from no account did not fail", rep);
    g_n.failed_ok++;
    break;
  }
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
  if ((int)(rep.id >> 24) != id || seq >= u->next_seq ||
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
    g_n.twice++;
    if (!(r->flags & DUPLICATED))
      sim_fail("node %d: request %u answered twice, no frame of it was "
               "duplicated",
               id, seq);
  } else {
    r->flags |= ANSWERED;
    g_n.answered++;
  }
  check_reply(id, seq, &rep, first);
  for (int i = 0; i < WINDOW; i++)
    if (u->pend_used[i] && u->pend[i] == seq)
      u->pend_used[i] = false;
  kbuf_release(&u->n->k, q->buf);
}

static void sent(kwork_t *w) {
  send_t *s = w->ctx;
  s->busy = false;
  if (w->result != KERR_OK) {
    g_n.send_errors++;
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
  const char *name = acct_name[r->acct];
  bool bank = r->op == OP_SUPPLY || r->op == OP_BALANCE || r->op == OP_TRANSFER;
  const char *path = bank ? "r/demo/bank" : "r/demo/faucet";
  const char *fn = r->op == OP_BROKEN ? "try_broken" : op_name[r->op];
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
  if (dst < 0 || u->next_seq >= MAX_REQ)
    return;
  uint32_t seq = u->next_seq++;
  books_t *b = &g_books[dst];
  req_t *r = &g_req[id][seq];
  *r = (req_t){.flags = SENT, .target = (uint8_t)dst, .at = g_sim.now};
  pick_op(b, &r->op, &r->acct);
  if (r->op == OP_BALANCE)
    r->low = (int16_t)(r->acct == FAUCET ? b->max_k : b->known[r->acct]);
  if (r->op == OP_DRIP)
    b->maybe[r->acct]++;
  g_n.ops[r->op]++;
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
  g_n.sent++;
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
  uint32_t seq = u->next_seq;
  uint64_t drops = u->drops_before;
  *u = (struct wl_realm){.n = n, .next_seq = seq, .drops_before = drops};
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
  g_n.mgr_drops += st->gw_reply_dropped;
  g_n.tx_ok += st->tx_ok;
  g_n.tx_failed += st->tx_failed;
  g_n.calls_failed += st->calls_failed;
  g_n.backoff += st->backoff_refused;
}

/* The node lost power: as a sender, what it had out is explained; as a
 * target, its bank starts over, and what was on its way to it may still
 * run on the next boot (a frame in flight is delivered to it) or may have
 * run on this one: such requests are MOVED, and the drips among them (and
 * duplicated ones, answered or not) may have run on the new boot. */
void wl_realm_power_cut(sim_node_t *n) {
  count_manager(n);
  g_wl[n->id].drops_before += kstats(&n->k)->drops;
  books_t *b = &g_books[n->id];
  *b = (books_t){0};
  for (int s = 0; s < g_sim.nnodes; s++) {
    for (uint32_t q = g_wl[s].next_seq; q-- > 0;) {
      req_t *r = &g_req[s][q];
      if (g_sim.now - r->at > IN_FLIGHT)
        break;
      bool out = !(r->flags & ANSWERED);
      if (out && s == n->id)
        r->flags |= EXPLAINED;
      if (r->target != n->id || !(out || (r->flags & DUPLICATED)))
        continue;
      r->flags |= MOVED | EXPLAINED;
      g_n.moved++;
      if (r->op == OP_DRIP)
        b->maybe[r->acct] += r->flags & DUPLICATED ? 2 : 1;
    }
  }
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
    for (uint32_t q = 0; q < g_wl[s].next_seq; q++) {
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
  if (g_lost > g_drops + g_n.mgr_drops)
    sim_fail("realm: %llu gateway requests lost that no fault explains, and "
             "the kernels and gateways counted only %llu drops",
             (unsigned long long)g_lost,
             (unsigned long long)(g_drops + g_n.mgr_drops));
}

void wl_realm_report(void) {
  printf("sim: realm %llu requests (supply %llu, balance %llu, drip %llu, "
         "steal %llu, try_broken %llu, transfer %llu), %llu answered (%llu "
         "twice), %llu refused (busy or put aside), %llu drips ok, %llu "
         "failed (a dry faucet or the bank put aside), %llu steal, "
         "try_broken and transfer failed as they must, %llu lost to "
         "faults, %llu to counted drops, %llu out when their target lost "
         "power, %llu send errors\n",
         (unsigned long long)g_n.sent, (unsigned long long)g_n.ops[OP_SUPPLY],
         (unsigned long long)g_n.ops[OP_BALANCE],
         (unsigned long long)g_n.ops[OP_DRIP],
         (unsigned long long)g_n.ops[OP_STEAL],
         (unsigned long long)g_n.ops[OP_BROKEN],
         (unsigned long long)g_n.ops[OP_TRANSFER],
         (unsigned long long)g_n.answered, (unsigned long long)g_n.twice,
         (unsigned long long)g_n.refused, (unsigned long long)g_n.drips,
         (unsigned long long)g_n.drips_failed,
         (unsigned long long)g_n.failed_ok, (unsigned long long)g_explained,
         (unsigned long long)g_lost, (unsigned long long)g_n.moved,
         (unsigned long long)g_n.send_errors);
  printf("sim: realm managers: %llu transactions ok, %llu failed, %llu "
         "calls between realms failed, %llu refused while put aside, %llu "
         "replies dropped\n",
         (unsigned long long)g_n.tx_ok, (unsigned long long)g_n.tx_failed,
         (unsigned long long)g_n.calls_failed, (unsigned long long)g_n.backoff,
         (unsigned long long)g_n.mgr_drops);
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
