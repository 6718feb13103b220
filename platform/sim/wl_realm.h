/* wl_realm.h: what the realm workload's two files share: wl_realm.c (the
 * managers on the nodes, the client that sends gateway requests) and
 * wl_realm_books.c (what each request was, what each bank may hold, and
 * every reply checked against them). */
#ifndef REALMOS_SIM_WL_REALM_H
#define REALMOS_SIM_WL_REALM_H

#include "realm_abi.h"
#include "wire.h"
#include "wl.h"

#define GW_PORT 7000
#define MAX_REQ 16384 /* requests of one node, over all its boots */
#define DRIP 10
#define DRIPS_MAX 100 /* the faucet's 1000 */

enum { OP_SUPPLY, OP_BALANCE, OP_DRIP, OP_STEAL, OP_BROKEN, OP_TRANSFER, OPS };
enum { ALICE, BOB, FAUCET };
extern const char *const wl_realm_op_name[OPS];
extern const char *const wl_realm_acct_name[3];

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

/* Request seq of node n is g_req[n][seq], for seq < g_nreq[n]. */
extern req_t g_req[SIM_MAX_NODES][MAX_REQ];
extern uint32_t g_nreq[SIM_MAX_NODES];
extern books_t g_books[SIM_MAX_NODES];

/* What the report prints. */
extern struct wl_realm_counts {
  uint64_t sent, answered, twice, refused, drips, drips_failed, failed_ok,
      moved, send_errors, mgr_drops;
  uint64_t tx_ok, tx_failed, calls_failed, backoff;
  uint64_t ops[OPS];
} g_rn;

/* wl_realm_books.c */
/* Node `node` sends the request it just wrote in g_req: the target's books
 * learn it. */
void wl_realm_books_sent(int node, uint32_t seq);
/* Check the reply to (node, seq); first: no reply to it came before. */
void wl_realm_books_reply(int node, uint32_t seq,
                          const struct realm_wire_reply *rep, bool first);
/* The node lost power (as a sender and as a target). */
void wl_realm_books_power_cut(int node);

#endif
