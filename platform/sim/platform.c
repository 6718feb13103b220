/* platform.c (sim): the platform API for a simulated node, and a node's
 * life: boot, run, power cut. Nodes never wait themselves (platform_wfi is
 * not used): main.c moves the clock for all of them. */
#include <stdio.h>
#include <stdlib.h>

#include "wl.h"

/* A node's console goes to the trace, and to stdout with --verbose. */
void platform_uart_write(const char *s, size_t n) {
  int id = g_sim.current ? g_sim.current->id : -1;
  sim_trace("console", id, s, n);
  if (g_sim.verbose)
    printf("node%d| %.*s", id, (int)n, s);
}

ktime_t platform_time_ns(platform_t *p) {
  (void)p;
  return g_sim.now;
}

ktime_t platform_wfi(platform_t *p, ktime_t timeout) {
  (void)timeout;
  return platform_time_ns(p);
}

uint32_t platform_irq_save(void) { return 0; }
void platform_irq_restore(uint32_t state) { (void)state; }

kerr_t platform_irq_route(platform_t *p, uint32_t irq, kdevice_t *dev) {
  (void)p, (void)irq, (void)dev;
  return KERR_OK;
}

void platform_shutdown(platform_t *p) { (void)p; }

void platform_halt(void) { sim_fail("kernel panic (see the line above)"); }

/* DHCP's fallback on the simulated LAN (dhcpd.c serves 10.0.2.0/24 from
 * 10.0.2.2): a node takes it only when DHCP frames were lost (wl_net.c). */
static const kip_config_t lan_fallback = {.addr = KIP4(10, 0, 2, 15),
                                          .netmask = KIP4(255, 255, 255, 0),
                                          .gateway = SIM_SERVER_IP,
                                          .dns = KIP4(10, 0, 2, 3)};

void platform_init(platform_t *p, kernel_t *k, void *boot_ctx) {
  sim_node_t *n = boot_ctx;
  p->k = k;
  p->node = n;
  sim_rng_init(n);
  sim_disk_init(n, false);
  sim_nic_init(n);
  if (kdev_register_rng_source(k, &n->rng.dev) != KERR_OK ||
      kdev_register(k, &n->disk.dev) != KERR_OK ||
      kdev_register(k, &n->nic.dev) != KERR_OK ||
      net_attach(k, &(net_attach_t){.storage = &n->stack,
                                    .fallback = &lan_fallback}) != KERR_OK)
    sim_fail("node %d: devices not registered", n->id);
}

/* The program of every node: the workloads (wl_realm.c starts the realm
 * manager). */
void kmain_usermain(kernel_t *k) {
  sim_node_t *n = KCONTAINER_OF(k, sim_node_t, k);
  wl_timer_start(n);
  wl_blk_start(n);
  wl_udp_start(n);
  wl_realm_start(n);
}

void sim_node_boot(sim_node_t *n) {
  n->up = true;
  n->mac[0] = 0x52, n->mac[1] = 0x54, n->mac[2] = 0x00;
  n->mac[3] = 0x5a, n->mac[4] = 0x00, n->mac[5] = (uint8_t)(n->id + 1);
  sim_log("node %d: boot %u\n", n->id, n->boot);
  sim_trace("boot", n->id, &n->boot, sizeof(n->boot));
  const sim_node_t *was = g_sim.current;
  g_sim.current = n;
  kmain_init(&n->k, n);
  kmain_usermain(&n->k);
  g_sim.current = was;
}

/* Power gone: the kernel's memory is lost with everything in flight; the
 * disk keeps what was flushed (and maybe more); events still scheduled for
 * this boot are ignored when they come (n->boot moved on). */
void sim_node_power_cut(sim_node_t *n) {
  sim_log("node %d: power cut\n", n->id);
  sim_trace("power-cut", n->id, NULL, 0);
  n->up = false;
  n->boot++;
  wl_timer_power_cut(n);
  wl_blk_power_cut(n);
  wl_udp_power_cut(n);
  wl_realm_power_cut(n);
  sim_disk_power_cut(n);
}

/* A livelock (the loop never running out of ready work) is a failure. */
#define MAX_TICKS_PER_STEP 100000

void sim_node_run(sim_node_t *n) {
  const sim_node_t *was = g_sim.current;
  g_sim.current = n;
  for (int i = 0; kmain_next_delay(&n->k) == 0; i++) {
    if (i == MAX_TICKS_PER_STEP)
      sim_fail("node %d: loop still busy after %d ticks", n->id, i);
    kmain_tick(&n->k, g_sim.now);
    if (!n->up)
      break; /* a workload cut the power */
  }
  g_sim.current = was;
}

ktime_t sim_node_next(sim_node_t *n) {
  ktime_t d = kmain_next_delay(&n->k);
  return d == KTIME_NEVER ? KTIME_NEVER : g_sim.now + d;
}
