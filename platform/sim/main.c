/* main.c: build/sim/realmos-sim --seed S --nodes N --faults PROFILE
 * --steps M [--verbose] [--lie KIND]: the command line, the clock, power
 * cuts, and the run's phases:
 *
 *   1. boot every node; faults on; M steps (a power cut now and then with
 *      the disk profiles, partitions with the net profiles)
 *   2. drain: faults off, partitions healed, workloads submit nothing new;
 *      65 s of simulated time (the ARP cache's lifetime and 5 s) for what
 *      is in flight to end and for damaged cache entries to expire
 *   3. convergence: DHCP leases and ARP between every pair (wl_net.c)
 *   4. stop: standing items cancelled; every kernel must go idle (no live
 *      item but its own, no receive buffer out), then each workload checks
 *      its books
 * The last line is "sim: ok seed S ... trace HASH" or a VIOLATION. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wl.h"

/* ------------------------------------------------------------ the clock */

/* One step: every node runs until idle, then the clock moves to the next
 * event or timer and the events due then run. false: nothing is left. */
bool sim_step(void) {
  ktime_t next = KTIME_NEVER;
  for (int i = 0; i < g_sim.nnodes; i++) {
    sim_node_t *n = &g_sim.nodes[i];
    if (!n->up)
      continue;
    sim_node_run(n);
    next = KMIN(next, sim_node_next(n));
  }
  next = KMIN(next, sim_events_next());
  if (next == KTIME_NEVER)
    return false;
  if (next > g_sim.now)
    g_sim.now = next;
  g_sim.step++;
  sim_events_run_due(g_sim.now);
  return true;
}

static void run_until(ktime_t t) {
  while (g_sim.now < t && sim_step())
    ;
  if (g_sim.now < t)
    g_sim.now = t;
}

/* Items the kernel submits to itself and keeps: the IPv4 stack's standing
 * receives, its timer and frames in flight, and the CSPRNG's seed read. */
static uint64_t kernel_own_items(sim_node_t *n) {
  net_stack_t *st = net_stack_of(&n->k);
  uint64_t own = n->k.rng.seed.work.state != KWORK_STATE_IDLE;
  if (st == NULL)
    return own;
  for (int i = 0; i < KCONFIG_NET_RX_POSTED; i++)
    own += st->rx[i].work.state != KWORK_STATE_IDLE;
  own += st->timer.work.state != KWORK_STATE_IDLE;
  for (int i = 0; i < KCONFIG_NET_TX_SLOTS; i++)
    own += st->tx[i].req.work.state != KWORK_STATE_IDLE;
  return own;
}

/* ------------------------------------------------------------ power cuts */

static void power_on(void *arg, uint64_t a, uint64_t b) {
  (void)arg, (void)b;
  sim_node_t *n = &g_sim.nodes[a];
  if (!n->up)
    sim_node_boot(n);
}

static void power_cut(void *arg, uint64_t a, uint64_t b) {
  (void)arg, (void)a, (void)b;
  if (!g_sim.faults_on)
    return;
  sim_node_t *n = &g_sim.nodes[sim_rand_range(SIM_RAND_FAULT, 0,
                                              (uint64_t)g_sim.nnodes - 1)];
  if (n->up) {
    sim_node_power_cut(n);
    sim_at(g_sim.now +
               sim_rand_range(SIM_RAND_FAULT, KTIME_MS(1), KTIME_MS(50)),
           power_on, NULL, (uint64_t)n->id, 0);
  }
  sim_at(g_sim.now + sim_rand_range(SIM_RAND_FAULT, KTIME_MS(200), KTIME_S(2)),
         power_cut, NULL, 0, 0);
}

/* ------------------------------------------------------------------ main */

static void usage(void) {
  fprintf(stderr,
          "usage: realmos-sim --seed S [--nodes N] [--faults PROFILE] "
          "[--steps M] [--verbose] [--lie flush|stale|drop|rollback]\n"
          "  N: 1..%d (default 3); PROFILE: %s (default all); M: default "
          "200000\n",
          SIM_MAX_NODES, sim_faults_names());
  exit(2);
}

static void parse(int argc, char **argv) {
  g_sim.nnodes = 3;
  g_sim.faults = sim_faults_find("all");
  g_sim.max_steps = 200000;
  bool seeded = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    char *end = NULL;
    if (strcmp(a, "--verbose") == 0) {
      g_sim.verbose = true;
      continue;
    }
    if (v == NULL)
      usage();
    i++;
    if (strcmp(a, "--seed") == 0) {
      g_sim.seed = strtoull(v, &end, 0);
      seeded = true;
    } else if (strcmp(a, "--nodes") == 0) {
      g_sim.nnodes = (int)strtol(v, &end, 10);
    } else if (strcmp(a, "--steps") == 0) {
      g_sim.max_steps = strtoull(v, &end, 10);
    } else if (strcmp(a, "--lie") == 0) {
      g_sim.lie = v;
      end = (char *)"";
    } else if (strcmp(a, "--faults") == 0) {
      g_sim.faults = sim_faults_find(v);
      end = g_sim.faults ? (char *)"" : NULL;
    } else {
      usage();
    }
    if (end == NULL || *end != '\0')
      usage();
  }
  if (!seeded || g_sim.nnodes < 1 || g_sim.nnodes > SIM_MAX_NODES)
    usage();
}

int main(int argc, char **argv) {
  parse(argc, argv);
  sim_world_init();
  klog_set_level(g_sim.verbose ? KLOG_INFO : KLOG_WARN);
  g_sim.faults_on = true;
  for (int i = 0; i < g_sim.nnodes; i++) {
    sim_node_t *n = &g_sim.nodes[i];
    n->id = i;
    sim_disk_init(n, true);
    sim_node_boot(n);
  }
  sim_wire_faults();
  if (g_sim.faults->power_cuts)
    sim_at(KTIME_S(1), power_cut, NULL, 0, 0);

  while (g_sim.step < g_sim.max_steps && sim_step())
    ;
  ktime_t ran = g_sim.now;

  /* Drain: faults off, every node powered, nothing new submitted. */
  g_sim.faults_on = false;
  g_sim.partition = 0;
  wl_timer_quiesce();
  wl_blk_quiesce();
  wl_udp_quiesce();
  wl_realm_quiesce();
  for (int i = 0; i < g_sim.nnodes; i++)
    if (!g_sim.nodes[i].up)
      sim_node_boot(&g_sim.nodes[i]);
  /* An ARP entry learnt from a damaged frame lives KCONFIG_ARP_TTL_NS:
   * convergence is promised once that has passed with a clean wire. */
  run_until(g_sim.now + KCONFIG_ARP_TTL_NS + KTIME_S(5));
  wl_net_check();

  for (int i = 0; i < g_sim.nnodes; i++) {
    wl_udp_stop(&g_sim.nodes[i]);
    wl_realm_stop(&g_sim.nodes[i]);
  }
  run_until(g_sim.now + KTIME_S(1));
  for (int i = 0; i < g_sim.nnodes; i++) {
    uint64_t live = kstats(&g_sim.nodes[i].k)->live;
    uint64_t own = kernel_own_items(&g_sim.nodes[i]);
    if (live != own)
      sim_fail("node %d: %llu items still live after the drain (the kernel "
               "itself holds %llu)",
               i, (unsigned long long)live, (unsigned long long)own);
    uint64_t bufs = kstats(&g_sim.nodes[i].k)->bufs_out;
    if (bufs != 0)
      sim_fail("node %d: %llu receive buffers never came back", i,
               (unsigned long long)bufs);
  }
  wl_timer_check();
  wl_blk_check();
  wl_udp_check();
  wl_realm_check();

  printf("sim: seed %llu, %d nodes, faults %s: %llu steps, %llu.%03llu s "
         "simulated (+%llu.%03llu s drain), %llu events traced\n",
         (unsigned long long)g_sim.seed, g_sim.nnodes, g_sim.faults->name,
         (unsigned long long)g_sim.step,
         (unsigned long long)(ran / 1000000000u),
         (unsigned long long)(ran % 1000000000u / 1000000u),
         (unsigned long long)((g_sim.now - ran) / 1000000000u),
         (unsigned long long)((g_sim.now - ran) % 1000000000u / 1000000u),
         (unsigned long long)g_sim.traced);
  wl_timer_report();
  wl_blk_report();
  wl_udp_report();
  wl_realm_report();
  sim_wire_report();
  printf("sim: ok seed %llu trace %016llx\n", (unsigned long long)g_sim.seed,
         (unsigned long long)g_sim.trace);
  return 0;
}
