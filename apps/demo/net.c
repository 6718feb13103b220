/* net.c: the demo's network steps (demo.h). Each step has a deadline and
 * starts in the callback of the one before; a step that fails prints why
 * and the next one runs anyway. The address is asked for at the start
 * (demo_net_begin), so that DHCP runs while the RNG and disk steps do; its
 * line waits for theirs (demo_net_start), so the output keeps its order. */
#include "demo.h"

#define CONFIG_WAIT KTIME_S(10) /* DHCP falls back to static after 3 s */
#define ARP_WAIT KTIME_S(2)
#define PING_WAIT KTIME_S(2)
#define PING_BYTES 56

static struct {
  kernel_t *k;
  void (*then)(void); /* NULL until demo_net_start */
  kerr_t begun;       /* what submitting the IP_CONFIG item gave */
  bool configured;    /* ... and it completed, at address_at */
  ktime_t address_at;
  kip_config_req_t config;
  karp_req_t arp;
  kping_req_t ping;
} g;

static void print_ip(kip4_t a) {
  printk("%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

static unsigned prefix_len(kip4_t mask) {
  unsigned n = 0;
  for (; mask & 0x80000000u; mask <<= 1)
    n++;
  return n;
}

static const char *source_name(uint8_t source) {
  return source == KIP_SOURCE_DHCP ? "dhcp" : "static";
}

static void on_ping(kwork_t *w) {
  if (w->result != KERR_OK) {
    printk("demo: ping ");
    print_ip(g.ping.target);
    printk(" failed: %s\n", kerr_str(w->result));
  } else {
    unsigned us = (unsigned)(g.ping.rtt / 1000u);
    printk("demo: ping ");
    print_ip(g.ping.target);
    printk(": %u bytes, ttl %u, %u.%03u ms\n", (unsigned)g.ping.size,
           (unsigned)g.ping.ttl, us / 1000u, us % 1000u);
  }
  g.then();
}

static void start_ping(void) {
  kwork_init(&g.ping.work, KWORK_OP_PING, NULL, on_ping, 0);
  g.ping.target = g.config.config.gateway;
  g.ping.size = PING_BYTES;
  kwork_set_timeout(g.k, &g.ping.work, PING_WAIT);
  kerr_t err = ksubmit(g.k, &g.ping.work);
  if (err != KERR_OK) {
    printk("demo: ping not available: %s\n", kerr_str(err));
    g.then();
  }
}

static void on_arp(kwork_t *w) {
  printk("demo: arp ");
  print_ip(g.arp.addr);
  if (w->result != KERR_OK) {
    printk(" failed: %s\n", kerr_str(w->result));
  } else {
    printk(" is ");
    for (int i = 0; i < 6; i++) {
      printk_hex8(g.arp.mac[i]);
      if (i < 5)
        printk(":");
    }
    printk("\n");
  }
  start_ping();
}

static void report_config(void) {
  const kip_config_t *c = &g.config.config;
  kwork_t *w = &g.config.work;
  if (w->result != KERR_OK) {
    printk("demo: net no address: %s\n", kerr_str(w->result));
    return g.then();
  }
  if (c->source == KIP_SOURCE_HOST) { /* hosted, socket backend */
    printk("demo: net the host's own stack, no arp or ping\n");
    return g.then();
  }
  printk("demo: net ");
  print_ip(c->addr);
  printk("/%u gateway ", prefix_len(c->netmask));
  print_ip(c->gateway);
  printk(" dns ");
  print_ip(c->dns);
  printk(" (%s)\n", source_name(c->source));
  if (c->gateway == 0)
    return g.then();
  kwork_init(&g.arp.work, KWORK_OP_ARP_RESOLVE, NULL, on_arp, 0);
  g.arp.addr = c->gateway;
  kwork_set_timeout(g.k, &g.arp.work, ARP_WAIT);
  kerr_t err = ksubmit(g.k, &g.arp.work);
  if (err != KERR_OK) {
    printk("demo: arp not available: %s\n", kerr_str(err));
    start_ping();
  }
}

static void on_config(kwork_t *w) {
  (void)w;
  g.configured = true;
  g.address_at = ktime_now(g.k);
  if (g.then)
    report_config();
}

void demo_net_begin(kernel_t *k) {
  g.k = k;
  kwork_init(&g.config.work, KWORK_OP_IP_CONFIG, NULL, on_config, 0);
  kwork_set_timeout(k, &g.config.work, CONFIG_WAIT);
  g.begun = ksubmit(k, &g.config.work);
}

void demo_net_start(void (*then)(void)) {
  g.then = then;
  if (g.begun != KERR_OK) {
    printk("demo: net not available: %s\n", kerr_str(g.begun));
    then();
  } else if (g.configured) {
    report_config();
  }
}

ktime_t demo_net_address_at(void) { return g.address_at; }
