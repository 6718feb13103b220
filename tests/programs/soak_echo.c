/* soak_echo.c: the program `make soak` runs (tests/soak/soak.py). It waits
 * for an address, echoes UDP on port 8080 as the demo does (zero copy, up to
 * ECHO_SENDS echoes in flight), and every STATS_MS prints one line of
 * counters, never one per datagram:
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

#define ECHO_PORT 8080
#define ECHO_SENDS 64
#define STATS_MS 2000
#define CONFIG_WAIT KTIME_S(10)

/* knet_stats_t's counters of dropped or failed packets, by name. */
#define DROP(f) {#f, offsetof(knet_stats_t, f)}
static const struct {
  const char *name;
  size_t offset;
} net_drop_counters[] = {
    DROP(eth_drop_short),       DROP(eth_drop_not_ours),
    DROP(eth_drop_type),        DROP(tx_drop_no_slot),
    DROP(arp_drop_bad),         DROP(arp_drop_queue_full),
    DROP(arp_unresolved),       DROP(ip_drop_short),
    DROP(ip_drop_version),      DROP(ip_drop_length),
    DROP(ip_drop_checksum),     DROP(ip_drop_ttl),
    DROP(ip_drop_fragment),     DROP(ip_drop_bad_source),
    DROP(ip_drop_not_ours),     DROP(ip_drop_protocol),
    DROP(icmp_drop_bad),        DROP(icmp_unreach_limited),
    DROP(icmp_drop_unmatched),  DROP(udp_drop_short),
    DROP(udp_drop_length),      DROP(udp_drop_checksum),
    DROP(udp_drop_no_port),     DROP(udp_drop_queue_full),
    DROP(dhcp_drop_bad),
};

static struct {
  kernel_t *k;
  kip_config_req_t config;
  kudp_bind_req_t bind;
  kudp_recv_req_t recv;
  kudp_send_req_t sends[ECHO_SENDS];
  kbuf_t send_buf[ECHO_SENDS];
  uint32_t free_sends[ECHO_SENDS];
  uint32_t nfree;
  ktimer_req_t stats_timer;
  uint32_t lines;
  uint64_t rx, tx, busy, err;
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
  printk(" rx=%llu tx=%llu busy=%llu err=%llu\n", (unsigned long long)g.rx,
         (unsigned long long)g.tx, (unsigned long long)g.busy,
         (unsigned long long)g.err);
  if (nd != g.last_net_drops) {
    g.last_net_drops = nd;
    print_net_drops(ns);
  }
}

/* An echo is done: its receive buffer and send slot are free again. */
static void on_sent(kwork_t *w) {
  uint32_t i = (uint32_t)(KCONTAINER_OF(w, kudp_send_req_t, work) - g.sends);
  if (w->result == KERR_OK)
    g.tx++;
  else
    g.err++;
  KASSERT(kbuf_release(g.k, g.send_buf[i]) == KERR_OK);
  g.free_sends[g.nfree++] = i;
}

static void on_datagram(kwork_t *w) {
  kudp_recv_req_t *r = KCONTAINER_OF(w, kudp_recv_req_t, work);
  if (w->result != KERR_OK) {
    printk("soak: receive ended: %s\n", kerr_str(w->result));
    return;
  }
  g.rx++;
  if (g.nfree == 0) {
    g.busy++;
    KASSERT(kbuf_release(g.k, r->buf) == KERR_OK);
    return;
  }
  uint32_t i = g.free_sends[--g.nfree];
  kudp_send_req_t *s = &g.sends[i];
  kwork_init(&s->work, KWORK_OP_UDP_SEND, NULL, on_sent, 0);
  s->sock = r->sock;
  s->dst_addr = r->src_addr;
  s->dst_port = r->src_port;
  s->data = r->data;
  s->length = r->length;
  g.send_buf[i] = r->buf;
  kerr_t err = ksubmit(g.k, &s->work);
  if (err != KERR_OK) {
    s->work.result = err;
    on_sent(&s->work);
  }
}

static void on_bound(kwork_t *w) {
  if (w->result != KERR_OK) {
    printk("soak: bind to port %u failed: %s\n", ECHO_PORT,
           kerr_str(w->result));
    return;
  }
  kwork_init(&g.recv.work, KWORK_OP_UDP_RECV, NULL, on_datagram, 0);
  g.recv.sock = g.bind.sock;
  KASSERT(ksubmit(g.k, &g.recv.work) == KERR_OK);
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
  kip4_t a = g.config.config.addr;
  printk("soak: address %u.%u.%u.%u source %u\n", a >> 24, (a >> 16) & 0xff,
         (a >> 8) & 0xff, a & 0xff, (unsigned)g.config.config.source);
  for (uint32_t i = 0; i < ECHO_SENDS; i++)
    g.free_sends[g.nfree++] = i;
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
