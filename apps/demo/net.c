/* net.c: the demo's network steps (demo.h): the address, ARP for the
 * gateway, a ping to it. Each has a deadline; one that fails prints why and
 * the next runs anyway.
 *
 * The steps run as soon as they can: the address is asked for at the start
 * (demo_net_begin), ARP when the address came, the ping when ARP ended, so
 * that DHCP's and ARP's round trips overlap the RNG and disk steps. Their
 * lines wait for those steps' (demo_net_start) and come out in order, each
 * printed once it and the ones before it are done (report). */
#include "demo.h"

#define CONFIG_WAIT KTIME_S(10) /* DHCP falls back to static after 3 s */
#define ARP_WAIT KTIME_S(2)
#define PING_WAIT KTIME_S(2)
#define PING_BYTES 56

enum { STEP_CONFIG, STEP_ARP, STEP_PING, STEPS };

static struct {
  kernel_t *k;
  void (*then)(void);    /* NULL until demo_net_start */
  bool done[STEPS];      /* completed, failed to start, or not run */
  kerr_t refused[STEPS]; /* what ksubmit said, if not KERR_OK */
  bool ran[STEPS];       /* submitted (or refused): has a line */
  unsigned printed;      /* steps whose line is out */
  ktime_t address_at;
  kip_config_req_t config;
  karp_req_t arp;
  kping_req_t ping;
} g;

static unsigned prefix_len(kip4_t mask) {
  unsigned n = 0;
  for (; mask & 0x80000000u; mask <<= 1)
    n++;
  return n;
}

static const char *source_name(uint8_t source) {
  return source == KIP_SOURCE_DHCP ? "dhcp" : "static";
}

static void print_config(void) {
  const kip_config_t *c = &g.config.config;
  kerr_t err = g.config.work.result;
  if (g.refused[STEP_CONFIG] != KERR_OK) {
    printk("demo: net not available: %s\n", kerr_str(g.refused[STEP_CONFIG]));
  } else if (err != KERR_OK) {
    printk("demo: net no address: %s\n", kerr_str(err));
  } else if (c->source == KIP_SOURCE_HOST) { /* hosted, socket backend */
    printk("demo: net the host's own stack, no arp or ping\n");
  } else {
    printk("demo: net ");
    printk_ip4(c->addr);
    printk("/%u gateway ", prefix_len(c->netmask));
    printk_ip4(c->gateway);
    printk(" dns ");
    printk_ip4(c->dns);
    printk(" (%s)\n", source_name(c->source));
  }
}

static void print_arp(void) {
  if (g.refused[STEP_ARP] != KERR_OK) {
    printk("demo: arp not available: %s\n", kerr_str(g.refused[STEP_ARP]));
    return;
  }
  printk("demo: arp ");
  printk_ip4(g.arp.addr);
  if (g.arp.work.result != KERR_OK) {
    printk(" failed: %s\n", kerr_str(g.arp.work.result));
  } else {
    printk(" is ");
    for (int i = 0; i < 6; i++) {
      printk_hex8(g.arp.mac[i]);
      if (i < 5)
        printk(":");
    }
    printk("\n");
  }
}

static void print_ping(void) {
  if (g.refused[STEP_PING] != KERR_OK) {
    printk("demo: ping not available: %s\n", kerr_str(g.refused[STEP_PING]));
    return;
  }
  printk("demo: ping ");
  printk_ip4(g.ping.target);
  if (g.ping.work.result != KERR_OK) {
    printk(" failed: %s\n", kerr_str(g.ping.work.result));
  } else {
    unsigned us = (unsigned)(g.ping.rtt / 1000u);
    printk(": %u bytes, ttl %u, %u.%03u ms\n", (unsigned)g.ping.size,
           (unsigned)g.ping.ttl, us / 1000u, us % 1000u);
  }
}

/* Print what is done, in order, once the demo's earlier steps have printed
 * theirs; after the last, hand over to `then`. */
static void report(void) {
  static void (*const print[STEPS])(void) = {print_config, print_arp,
                                             print_ping};
  if (g.then == NULL)
    return;
  while (g.printed < STEPS && g.done[g.printed]) {
    if (g.ran[g.printed])
      print[g.printed]();
    g.printed++;
  }
  if (g.printed == STEPS) {
    void (*then)(void) = g.then;
    g.then = NULL;
    then();
  }
}

/* Submit a step's item; a refusal ends the step at once, with its line. */
static void start(unsigned step, kwork_t *w, ktime_t wait) {
  g.ran[step] = true;
  kwork_set_timeout(g.k, w, wait);
  g.refused[step] = ksubmit(g.k, w);
  if (g.refused[step] != KERR_OK)
    g.done[step] = true;
}

static void on_ping(kwork_t *w) {
  (void)w;
  g.done[STEP_PING] = true;
  report();
}

static void start_ping(void) {
  kwork_init(&g.ping.work, KWORK_OP_PING, NULL, on_ping, 0);
  g.ping.target = g.config.config.gateway;
  g.ping.size = PING_BYTES;
  start(STEP_PING, &g.ping.work, PING_WAIT);
}

static void on_arp(kwork_t *w) {
  (void)w;
  g.done[STEP_ARP] = true;
  start_ping();
  report();
}

static void on_config(kwork_t *w) {
  const kip_config_t *c = &g.config.config;
  g.done[STEP_CONFIG] = true;
  g.address_at = ktime_now(g.k);
  if (w->result != KERR_OK || c->source == KIP_SOURCE_HOST || c->gateway == 0) {
    g.done[STEP_ARP] = g.done[STEP_PING] = true; /* nothing to resolve */
  } else {
    kwork_init(&g.arp.work, KWORK_OP_ARP_RESOLVE, NULL, on_arp, 0);
    g.arp.addr = c->gateway;
    start(STEP_ARP, &g.arp.work, ARP_WAIT);
    if (g.done[STEP_ARP])
      start_ping();
  }
  report();
}

void demo_net_begin(kernel_t *k) {
  g.k = k;
  kwork_init(&g.config.work, KWORK_OP_IP_CONFIG, NULL, on_config, 0);
  start(STEP_CONFIG, &g.config.work, CONFIG_WAIT);
  if (g.done[STEP_CONFIG]) /* refused: no address, so no ARP or ping */
    g.done[STEP_ARP] = g.done[STEP_PING] = true;
}

void demo_net_start(void (*then)(void)) {
  g.then = then;
  report();
}

ktime_t demo_net_address_at(void) { return g.address_at; }
