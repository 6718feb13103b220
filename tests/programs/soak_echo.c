/* soak_echo.c: the program `make soak` runs (tests/soak/soak.py). It waits
 * for an address, echoes UDP on port 8080 as the demo does (apps/echo: zero
 * copy, up to ECHO_SLOTS echoes in flight), and every STATS_MS prints one line
 * of counters, never one per datagram:
 *
 *   soak: stats n=N ms=T live=L timers=P bufs_out=B drops=D net_drops=X
 *         rx=R tx=S busy=U err=E                      (one line on the console)
 *
 * live, timers, bufs_out and drops are kstats(); net_drops is the sum of
 * knet_stats()'s drop counters (0 without a stack); rx counts datagrams
 * received, tx echoes sent, busy datagrams released unechoed because every
 * send slot was in use, err sends that failed. The timer is resubmitted
 * before the counters are read, so live and timers always include it. When
 * net_drops has changed since the last line, a "soak: net-drops" line names
 * each drop counter that is not 0. */
#include "kapi.h"
#include "knet_stats.h"
#include "kfmt.h"

#include "../../apps/echo/echo.h"

#define ECHO_PORT 8080
#define STATS_MS 2000
#define CONFIG_WAIT KTIME_S(10)

/* knet_stats_t's counters of dropped or failed packets, by name. */
#define DROP(f)                                                                \
  { #f, offsetof(knet_stats_t, f) }
static const struct {
  const char *name;
  size_t offset;
} net_drop_counters[] = {
    DROP(eth_drop_short),      DROP(eth_drop_not_ours),
    DROP(eth_drop_type),       DROP(tx_drop_no_slot),
    DROP(arp_drop_bad),        DROP(arp_drop_queue_full),
    DROP(arp_unresolved),      DROP(ip_drop_short),
    DROP(ip_drop_version),     DROP(ip_drop_length),
    DROP(ip_drop_checksum),    DROP(ip_drop_ttl),
    DROP(ip_drop_fragment),    DROP(ip_drop_bad_source),
    DROP(ip_drop_not_ours),    DROP(ip_drop_protocol),
    DROP(icmp_drop_bad),       DROP(icmp_unreach_limited),
    DROP(icmp_drop_unmatched), DROP(udp_drop_short),
    DROP(udp_drop_length),     DROP(udp_drop_checksum),
    DROP(udp_drop_no_port),    DROP(udp_drop_queue_full),
    DROP(dhcp_drop_bad),
};

static struct {
  kernel_t *k;
  kip_config_req_t config;
  kudp_bind_req_t bind;
  echo_t echo;
  ktimer_req_t stats_timer;
  uint32_t lines;
  uint64_t last_net_drops;
} g;

static uint64_t counter(const knet_stats_t *ns, size_t offset) {
  return *(const uint64_t *)(const void *)((const char *)ns + offset);
}

static uint64_t net_drops(const knet_stats_t *ns) {
  uint64_t sum = 0;
  for (size_t i = 0; ns != NULL && i < KARRAY_SIZE(net_drop_counters); i++)
    sum += counter(ns, net_drop_counters[i].offset);
  return sum;
}

static void print_net_drops(const knet_stats_t *ns) {
  printk("soak: net-drops");
  for (size_t i = 0; i < KARRAY_SIZE(net_drop_counters); i++) {
    uint64_t v = counter(ns, net_drop_counters[i].offset);
    if (v != 0)
      printk(" %s=%llu", net_drop_counters[i].name, (unsigned long long)v);
  }
  printk("\n");
}

static void on_stats(kwork_t *w) {
  KASSERT(w->result == KERR_OK);
  KASSERT(ksubmit(g.k, w) == KERR_OK);
  const kstats_t *s = kstats(g.k);
  const knet_stats_t *ns = knet_stats(g.k);
  uint64_t nd = net_drops(ns);
  printk("soak: stats n=%u ms=%llu live=%llu timers=%llu bufs_out=%llu "
         "drops=%llu net_drops=%llu",
         (unsigned)++g.lines, (unsigned long long)(ktime(g.k) / KTIME_MS(1)),
         (unsigned long long)s->live, (unsigned long long)s->timers_pending,
         (unsigned long long)s->bufs_out, (unsigned long long)s->drops,
         (unsigned long long)nd);
  printk(" rx=%llu tx=%llu busy=%llu err=%llu\n",
         (unsigned long long)g.echo.received, (unsigned long long)g.echo.sent,
         (unsigned long long)g.echo.busy, (unsigned long long)g.echo.failed);
  if (nd != g.last_net_drops) {
    g.last_net_drops = nd;
    print_net_drops(ns);
  }
}

static void on_echo_end(echo_t *e, kerr_t why) {
  (void)e;
  printk("soak: receive ended: %s\n", kerr_str(why));
}

static void on_bound(kwork_t *w) {
  if (w->result != KERR_OK) {
    printk("soak: bind to port %u failed: %s\n", ECHO_PORT,
           kerr_str(w->result));
    return;
  }
  g.echo.on_end = on_echo_end;
  KASSERT(echo_start(&g.echo, g.k, g.bind.sock) == KERR_OK);
  kwork_init(&g.stats_timer.work, KWORK_OP_TIMER, NULL, on_stats, 0);
  g.stats_timer.delay = KTIME_MS(STATS_MS);
  KASSERT(ksubmit(g.k, &g.stats_timer.work) == KERR_OK);
  printk("soak: echo on port %u, stats every %u ms\n", (unsigned)g.bind.port,
         (unsigned)STATS_MS);
}

static void on_config(kwork_t *w) {
  if (w->result != KERR_OK) {
    printk("soak: no address: %s\n", kerr_str(w->result));
    return;
  }
  char a[KFMT_IP4_LEN];
  printk("soak: address %s source %u\n", kfmt_ip4(a, g.config.config.addr),
         (unsigned)g.config.config.source);
  kwork_init(&g.bind.work, KWORK_OP_UDP_BIND, NULL, on_bound, 0);
  g.bind.port = ECHO_PORT;
  KASSERT(ksubmit(g.k, &g.bind.work) == KERR_OK);
}

void kmain_usermain(kernel_t *k) {
  g.k = k;
  kwork_init(&g.config.work, KWORK_OP_IP_CONFIG, NULL, on_config, 0);
  kwork_set_timeout(k, &g.config.work, CONFIG_WAIT);
  kerr_t err = ksubmit(k, &g.config.work);
  if (err != KERR_OK)
    printk("soak: no network: %s\n", kerr_str(err));
}
