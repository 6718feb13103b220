/* wl_net.c: DHCP and ARP converge. Called after the drain (faults off for
 * 10 s): every node must hold the lease the server gives it, or the static
 * fallback only if a DHCP frame of its last boot was lost on the wire
 * (KCONFIG_DHCP_TIMEOUT_NS then expires by design). Then every leased node
 * resolves every other leased node's address, and each answer must be that
 * node's MAC. */
#include <stdio.h>
#include <string.h>

#include "wl.h"

static karp_req_t g_arp[SIM_MAX_NODES];
static bool g_ok[SIM_MAX_NODES];
static int g_next[SIM_MAX_NODES]; /* the peer each node resolves next */
static int g_answers;

static void resolve_next(int from);

/* Each node resolves its peers one after the other: at most
 * KCONFIG_ARP_PENDING resolutions may run at once (more: KERR_NO_SPACE). */
static void resolved(kwork_t *w) {
  karp_req_t *q = KCONTAINER_OF(w, karp_req_t, work);
  int from = (int)(intptr_t)w->ctx;
  int to = (int)(q->addr - sim_dhcpd_addr(0));
  if (w->result != KERR_OK)
    sim_fail("node %d: ARP for node %d: %s", from, to, kerr_str(w->result));
  if (memcmp(q->mac, g_sim.nodes[to].mac, 6) != 0)
    sim_fail("node %d: ARP for node %d gave the wrong MAC", from, to);
  g_answers++;
  resolve_next(from);
}

static void resolve_next(int from) {
  int to = g_next[from];
  while (to < g_sim.nnodes && (to == from || !g_ok[to]))
    to++;
  g_next[from] = to + 1;
  if (to >= g_sim.nnodes)
    return;
  karp_req_t *q = &g_arp[from];
  kwork_init(&q->work, KWORK_OP_ARP_RESOLVE, (void *)(intptr_t)from, resolved,
             0);
  q->addr = sim_dhcpd_addr(to);
  if (ksubmit(&g_sim.nodes[from].k, &q->work) != KERR_OK)
    sim_fail("node %d: ARP refused", from);
}

static bool leased(sim_node_t *n) {
  net_stack_t *st = net_stack_of(&n->k);
  if (st == NULL || !st->up)
    sim_fail("node %d: no address after the drain", n->id);
  if (st->cfg.source == KIP_SOURCE_DHCP) {
    if (st->cfg.addr != sim_dhcpd_addr(n->id))
      sim_fail("node %d: leased an address the server never gave it", n->id);
    return true;
  }
  if (n->dhcp_hurt != n->boot + 1)
    sim_fail("node %d: static fallback, yet no DHCP frame was lost", n->id);
  return false;
}

void wl_net_check(void) {
  int leased_nodes = 0;
  for (int i = 0; i < g_sim.nnodes; i++)
    leased_nodes += g_ok[i] = leased(&g_sim.nodes[i]);
  for (int i = 0; i < g_sim.nnodes; i++)
    if (g_ok[i]) {
      g_sim.current = &g_sim.nodes[i];
      resolve_next(i);
      g_sim.current = NULL;
    }
  int asked = leased_nodes * (leased_nodes - 1);
  ktime_t until = g_sim.now + KTIME_S(10);
  while (g_answers < asked && g_sim.now < until && sim_step())
    ;
  if (g_answers != asked)
    sim_fail("ARP: %d of %d resolutions answered", g_answers, asked);
  printf("sim: net %d of %d nodes leased (the others on the static "
         "fallback after lost DHCP frames), %d ARP resolutions right\n",
         leased_nodes, g_sim.nnodes, g_answers);
}
