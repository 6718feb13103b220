/* wl_realm_books.c: the realm workload's books (wl_realm.c sends the
 * requests). Per target node and per boot of it (the realms are volatile:
 * a power cut gives a bank that starts over at alice 500, bob 500, faucet
 * 1000): only drips move money (10 from the faucet to alice or bob), so a
 * bank's state is (a, b), the drips that reached alice and bob, and the
 * faucet holds 1000 - 10 (a + b). The books keep what bounds them: drips
 * that may have run (sent, and not known to have failed; a duplicated
 * request frame may run twice) and drips known to have run (their reply
 * came). Every reply is checked:
 *   - supply() is 2000, whatever failed before it;
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
 *     the faucet may be empty or the bank was put aside.
 * A reply to a request whose target lost power while it was out (MOVED)
 * is only checked for what holds on every boot: it may have run on
 * either. The wire's faults and power cuts explain lost requests
 * (EXPLAINED). */
#include <string.h>

#include "netdefs.h"
#include "wl_realm.h"

/* How long a request may still run after it was sent: its send's timeout
 * (2 s), the wire's worst delay and a full gateway queue, with room. */
#define IN_FLIGHT KTIME_S(3)
#define SUPPLY 2000

const char *const wl_realm_op_name[OPS] = {"supply", "balance",    "drip",
                                           "steal",  "try_broken", "transfer"};
const char *const wl_realm_acct_name[3] = {"alice", "bob", "r/demo/faucet"};
static const int64_t initial[] = {500, 500, 1000};

req_t g_req[SIM_MAX_NODES][MAX_REQ];
uint32_t g_nreq[SIM_MAX_NODES];
books_t g_books[SIM_MAX_NODES];
struct wl_realm_counts g_rn;

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
  if (!(request || reply) || node >= g_sim.nnodes || seq >= g_nreq[node])
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
           node, seq, wl_realm_op_name[r->op],
           r->op == OP_SUPPLY ? "" : wl_realm_acct_name[r->acct], r->target,
           what, (int)rep->status, (long long)rep->result, (int)rep->len,
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
             node, seq, wl_realm_acct_name[r->acct], r->target,
             (long long)rep->result, (long long)d, r->low,
             (long long)KMIN(high, DRIPS_MAX));
}

static void check_drip(int node, uint32_t seq,
                       const struct realm_wire_reply *rep, bool first) {
  req_t *r = &g_req[node][seq];
  books_t *b = &g_books[r->target];
  bool sure = first && !(r->flags & MOVED);
  if (rep->status == REALM_E_ABORT) {
    g_rn.drips_failed++;
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
  g_rn.drips++;
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
void wl_realm_books_reply(int node, uint32_t seq,
                          const struct realm_wire_reply *rep, bool first) {
  req_t *r = &g_req[node][seq];
  bool sure = first && !(r->flags & MOVED);
  if (rep->status == REALM_E_LIMIT || rep->status == REALM_E_BACKOFF) {
    g_rn.refused++; /* the gateway ran nothing */
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
    g_rn.failed_ok++;
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
    g_rn.failed_ok++;
    break;
  case OP_TRANSFER:
    if (rep->status != REALM_E_ABORT || !says(rep, "not enough funds"))
      fail_req(node, seq, "a transfer from no account did not fail", rep);
    g_rn.failed_ok++;
    break;
  }
}

void wl_realm_books_sent(int node, uint32_t seq) {
  req_t *r = &g_req[node][seq];
  books_t *b = &g_books[r->target];
  if (r->op == OP_BALANCE)
    r->low = (int16_t)(r->acct == FAUCET ? b->max_k : b->known[r->acct]);
  if (r->op == OP_DRIP)
    b->maybe[r->acct]++;
}

/* ---------------------------------------------------------- power cuts */

/* The node lost power: as a sender, what it had out is explained; as a
 * target, its bank starts over, and what was on its way to it may still
 * run on the next boot (a frame in flight is delivered to it) or may have
 * run on this one: such requests are MOVED, and the drips among them (and
 * duplicated ones, answered or not) may have run on the new boot. */
void wl_realm_books_power_cut(int node) {
  books_t *b = &g_books[node];
  *b = (books_t){0};
  for (int s = 0; s < g_sim.nnodes; s++) {
    for (uint32_t q = g_nreq[s]; q-- > 0;) {
      req_t *r = &g_req[s][q];
      if (g_sim.now - r->at > IN_FLIGHT)
        break;
      bool out = !(r->flags & ANSWERED);
      if (out && s == node)
        r->flags |= EXPLAINED;
      if (r->target != node || !(out || (r->flags & DUPLICATED)))
        continue;
      r->flags |= MOVED | EXPLAINED;
      g_rn.moved++;
      if (r->op == OP_DRIP)
        b->maybe[r->acct] += r->flags & DUPLICATED ? 2 : 1;
    }
  }
}
