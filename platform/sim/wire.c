/* wire.c (sim): the LAN. A switch that knows every station's MAC: a
 * broadcast goes to every other station, a unicast to its owner, and the
 * DHCP server (dhcpd.c) is a station too. Each copy on its way to one
 * receiver meets the profile's faults, drawn from SIM_RAND_WIRE: loss,
 * corruption (one byte XORed with a non-zero value), duplication, the
 * link's delay (links_init), and reordering (up to 10 ms more). With
 * partitions, now and then the odd-numbered nodes are cut off from the
 * others and the server for a while.
 *
 * Frames in flight live in a fixed table; when it is full the copy is lost
 * like any other (and reported so). wl_udp_wire_event and
 * wl_realm_wire_event hear of every fault to a workload datagram or a
 * gateway request or reply, so the workloads can tell a loss the network
 * caused from one the kernel caused. */
#include <stdio.h>
#include <string.h>

#include "netdefs.h"
#include "wl.h"

#define SLOTS 8192
#define SERVER (-1)

const uint8_t SIM_SERVER_MAC[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};

static struct {
  uint8_t frame[KCONFIG_NET_FRAME_MAX];
  uint16_t len;
} g_slot[SLOTS];
static uint16_t g_free[SLOTS];
static uint32_t g_nfree;
static bool g_ready;
/* Each link (station + 1, so the server is 0) has its own latency: a base
 * drawn once from [lat_min, lat_max], plus up to half of it per frame; and
 * its own loss rate, from half to twice the profile's. */
static ktime_t g_link_lat[SIM_MAX_NODES + 1][SIM_MAX_NODES + 1];
static uint32_t g_link_loss[SIM_MAX_NODES + 1][SIM_MAX_NODES + 1];

static void links_init(void) {
  const sim_faults_t *x = g_sim.faults;
  for (int a = 0; a <= SIM_MAX_NODES; a++)
    for (int b = 0; b <= SIM_MAX_NODES; b++) {
      g_link_lat[a][b] = sim_rand_range(SIM_RAND_WIRE, x->lat_min, x->lat_max);
      g_link_loss[a][b] =
          (uint32_t)sim_rand_range(SIM_RAND_WIRE, x->loss / 2, x->loss * 2);
    }
}

typedef struct {
  uint64_t sent, delivered, lost, corrupted, duplicated, partitioned, down,
      full;
} wire_stats_t;
static wire_stats_t g_stats;

static int group(int station) { return station == SERVER ? 0 : station % 2; }

static bool is_dhcp(const uint8_t *f, size_t len) {
  if (len < NET_PAYLOAD + UDP_HLEN || net_get16(f + 12) != ETH_TYPE_IPV4 ||
      f[ETH_HLEN + 9] != IP_PROTO_UDP)
    return false;
  size_t ihl = (size_t)(f[ETH_HLEN] & 0xf) * 4;
  if (len < ETH_HLEN + ihl + UDP_HLEN)
    return false;
  uint16_t dport = net_get16(f + ETH_HLEN + ihl + 2);
  return dport == 67 || dport == 68;
}

/* A DHCP frame to or from `node` was hurt: DHCP may fall back to static. */
static void hurt(int node, const uint8_t *f, size_t len, int what) {
  wl_udp_wire_event(f, len, what);
  wl_realm_wire_event(f, len, what);
  if (node != SERVER && is_dhcp(f, len))
    g_sim.nodes[node].dhcp_hurt = g_sim.nodes[node].boot + 1;
}

static void arrive(void *arg, uint64_t slot, uint64_t to_plus_one) {
  (void)arg;
  int to = (int)to_plus_one - 1;
  const uint8_t *f = g_slot[slot].frame;
  size_t len = g_slot[slot].len;
  g_free[g_nfree++] = (uint16_t)slot;
  if (to == SERVER) {
    sim_trace("wire-server", to, f, len);
    g_stats.delivered++;
    sim_dhcpd_receive(f, len);
    return;
  }
  sim_node_t *n = &g_sim.nodes[to];
  if (!n->up) {
    g_stats.down++;
    hurt(to, f, len, WL_WIRE_DOWN);
    sim_trace("wire-down", to, NULL, 0);
    return;
  }
  g_stats.delivered++;
  sim_trace("wire", to, f, len);
  sim_nic_receive(n, f, len);
}

static void carry(int from, int to, const uint8_t *f, size_t len) {
  const sim_faults_t *x = g_sim.faults;
  bool faults = g_sim.faults_on;
  int rx = to == SERVER ? from : to; /* the node concerned */
  if (faults && g_sim.partition && group(from) != group(to)) {
    g_stats.partitioned++;
    hurt(rx, f, len, WL_WIRE_DROP);
    return;
  }
  if (faults && sim_chance(SIM_RAND_WIRE, g_link_loss[from + 1][to + 1])) {
    g_stats.lost++;
    hurt(rx, f, len, WL_WIRE_DROP);
    return;
  }
  int copies = faults && sim_chance(SIM_RAND_WIRE, x->dup) ? 2 : 1;
  if (copies == 2) {
    g_stats.duplicated++;
    hurt(rx, f, len, WL_WIRE_DUP);
  }
  for (int c = 0; c < copies; c++) {
    if (g_nfree == 0) {
      g_stats.full++;
      hurt(rx, f, len, WL_WIRE_DROP);
      return;
    }
    uint16_t s = g_free[--g_nfree];
    memcpy(g_slot[s].frame, f, len);
    g_slot[s].len = (uint16_t)len;
    if (faults && sim_chance(SIM_RAND_WIRE, x->corrupt)) {
      g_stats.corrupted++;
      hurt(rx, f, len, WL_WIRE_CORRUPT);
      g_slot[s].frame[sim_rand_range(SIM_RAND_WIRE, 0, len - 1)] ^=
          (uint8_t)sim_rand_range(SIM_RAND_WIRE, 1, 255);
    }
    ktime_t base = g_link_lat[from + 1][to + 1];
    ktime_t lat = base + sim_rand_range(SIM_RAND_WIRE, 0, base / 2);
    if (faults && sim_chance(SIM_RAND_WIRE, x->reorder))
      lat += sim_rand_range(SIM_RAND_WIRE, 0, KTIME_MS(10));
    sim_at(g_sim.now + lat, arrive, NULL, s, (uint64_t)(to + 1));
  }
}

void sim_wire_send(int from, const uint8_t *frame, size_t len) {
  if (!g_ready) {
    for (uint32_t i = 0; i < SLOTS; i++)
      g_free[i] = (uint16_t)i;
    g_nfree = SLOTS;
    links_init();
    g_ready = true;
  }
  g_stats.sent++;
  /* Broadcast, multicast and unknown unicast (a damaged ARP cache entry
   * can name a MAC nobody has) go everywhere, as from a learning switch. */
  bool flood = frame[0] & 1 || memcmp(frame, SIM_SERVER_MAC, 6) != 0;
  for (int i = 0; i < g_sim.nnodes && flood && !(frame[0] & 1); i++)
    flood = memcmp(frame, g_sim.nodes[i].mac, 6) != 0;
  if (from != SERVER && (flood || memcmp(frame, SIM_SERVER_MAC, 6) == 0))
    carry(from, SERVER, frame, len);
  for (int i = 0; i < g_sim.nnodes; i++)
    if (i != from && (flood || memcmp(frame, g_sim.nodes[i].mac, 6) == 0))
      carry(from, i, frame, len);
}

/* ------------------------------------------------------------ partitions */

static void partition(void *arg, uint64_t on, uint64_t b) {
  (void)arg, (void)b;
  if (!g_sim.faults_on)
    return;
  g_sim.partition = (int)on;
  sim_log("wire: partition %s\n", on ? "on" : "healed");
  sim_trace("partition", -1, &on, sizeof(on));
  ktime_t next = on ? sim_rand_range(SIM_RAND_FAULT, KTIME_MS(200), KTIME_S(3))
                    : sim_rand_range(SIM_RAND_FAULT, KTIME_S(2), KTIME_S(8));
  sim_at(g_sim.now + next, partition, NULL, !on, 0);
}

void sim_wire_faults(void) {
  if (g_sim.faults->partitions && g_sim.nnodes > 1)
    sim_at(sim_rand_range(SIM_RAND_FAULT, KTIME_S(4), KTIME_S(8)), partition,
           NULL, 1, 0);
}

void sim_wire_report(void) {
  printf(
      "sim: wire %llu frames sent, %llu copies delivered, %llu lost, %llu "
      "corrupted, %llu duplicated, %llu partitioned, %llu to a node "
      "powered off, %llu no room\n",
      (unsigned long long)g_stats.sent, (unsigned long long)g_stats.delivered,
      (unsigned long long)g_stats.lost, (unsigned long long)g_stats.corrupted,
      (unsigned long long)g_stats.duplicated,
      (unsigned long long)g_stats.partitioned, (unsigned long long)g_stats.down,
      (unsigned long long)g_stats.full);
}
