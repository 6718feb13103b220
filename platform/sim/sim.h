/* sim.h: the deterministic simulator (docs/sim.md).
 *
 * One process holds the whole world: N nodes, each a real kernel_t with the
 * real net/ stack, simulated devices (nic.c, disk.c, rng.c) and the
 * workloads (wl_*.c); a LAN between them (wire.c) with a DHCP server
 * (dhcpd.c); one virtual clock that jumps to the next event (events.c).
 * Everything random comes from --seed through sim_rand, so a run is a pure
 * function of its arguments; the trace hash printed at the end shows it.
 *
 * A step is one move of the clock: the events due then run, then every
 * node's loop runs until it has nothing ready. */
#ifndef REALMOS_SIM_H
#define REALMOS_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel.h"
#include "kpool.h"
#include "stack.h"

#define SIM_MAX_NODES 16 /* sim.mk's REALM_MANAGERS is as many */
#define SIM_DISK_SECTORS 256
#define SIM_NIC_BUFS KCONFIG_NET_RX_BUFFERS
#define SIM_NIC_RING 256 /* frames arrived, waiting for the loop */

/* ------------------------------------------------------------- faults */

typedef struct {
  const char *name;
  /* wire: per frame and receiver, in parts per million */
  uint32_t loss, dup, corrupt, reorder;
  ktime_t lat_min, lat_max; /* one-way latency */
  bool partitions;          /* split the LAN in two now and then */
  /* disk */
  uint32_t disk_error; /* per request, ppm */
  ktime_t disk_lat_min, disk_lat_max;
  bool power_cuts;
  /* rng device */
  ktime_t rng_lat_max;
  uint32_t rng_short; /* per request, ppm: fewer bytes than asked */
} sim_faults_t;

const sim_faults_t *sim_faults_find(const char *name);
const char *sim_faults_names(void);

/* ---------------------------------------------------------- randomness */

enum {
  SIM_RAND_WIRE,
  SIM_RAND_DISK,
  SIM_RAND_RNG,
  SIM_RAND_WORK,
  SIM_RAND_FAULT,
  SIM_RAND_REALM, /* wl_realm.c: its peers and requests */
  SIM_RAND_STREAMS
};
uint64_t sim_rand(int stream);
/* Uniform in [lo, hi]. */
uint64_t sim_rand_range(int stream, uint64_t lo, uint64_t hi);
/* true with probability ppm / 1e6. */
bool sim_chance(int stream, uint32_t ppm);

/* -------------------------------------------------------------- events */

typedef void (*sim_event_fn)(void *arg, uint64_t a, uint64_t b);
/* Run fn(arg, a, b) at `at`; events at the same time run in the order they
 * were scheduled. Fails the run if the queue is full. */
void sim_at(ktime_t at, sim_event_fn fn, void *arg, uint64_t a, uint64_t b);
/* Run every event due at or before now; false if none was. */
bool sim_events_run_due(ktime_t now);
ktime_t sim_events_next(void);

/* ------------------------------------------------------------- devices */

typedef struct {
  kdevice_t dev;
  uint8_t bufs[SIM_NIC_BUFS][KCONFIG_NET_FRAME_MAX];
  uint16_t lens[SIM_NIC_BUFS];
  kpool_t pool;
  uint16_t pool_stack[SIM_NIC_BUFS];
  bool pool_out[SIM_NIC_BUFS];
  uint16_t ring[SIM_NIC_RING]; /* filled buffers, oldest first */
  uint32_t ring_head, ring_len;
  kwork_list_t recvs; /* standing receives waiting for a frame */
  kwork_list_t sent;  /* handed to the wire, completing at an event */
  kwork_list_t done;  /* sends finished, to complete at the next poll */
  uint64_t lie_count; /* --lie drop */
} sim_nic_t;

typedef struct {
  kdevice_t dev;
  uint8_t durable[SIM_DISK_SECTORS][KBLK_SECTOR]; /* survives a power cut */
  uint8_t cache[SIM_DISK_SECTORS][KBLK_SECTOR];   /* written, not flushed */
  bool dirty[SIM_DISK_SECTORS];
  kwork_list_t inflight;
  kwork_list_t done;
} sim_disk_t;

typedef struct {
  kdevice_t dev;
  kwork_list_t inflight;
  kwork_list_t done;
} sim_rngdev_t;

/* --------------------------------------------------------------- nodes */

typedef struct sim_node {
  int id;
  bool up;       /* powered */
  uint32_t boot; /* bumped at each power cut: stale events are ignored */
  kernel_t k;
  net_stack_t stack;
  sim_nic_t nic;
  sim_disk_t disk;
  sim_rngdev_t rng;
  uint8_t mac[6];
  uint32_t dhcp_hurt; /* boot + 1 of the last boot a DHCP frame was hurt in */
  struct wl_udp *udp;
  struct wl_timer *timer;
  struct wl_blk *blk;
  struct wl_realm *realm;
} sim_node_t;

typedef struct {
  uint64_t seed;
  int nnodes;
  const sim_faults_t *faults;
  bool faults_on; /* off in the final drain */
  bool verbose;
  /* --lie KIND: a device breaks its promise on purpose, so that test-sim
   * can show the checks catch it: "flush" (a flush makes nothing durable),
   * "stale" (reads skip the write cache), "drop" (the NIC loses every 50th
   * frame without counting it), "rollback" (the realm manager keeps the
   * writes of a failed call, wl_realm.c). */
  const char *lie;
  ktime_t now;
  uint64_t step, max_steps;
  uint64_t trace; /* FNV-1a over every traced event */
  uint64_t traced;
  sim_node_t nodes[SIM_MAX_NODES];
  int partition; /* 0: none; else nodes with id % 2 == 1 are cut off */
  const sim_node_t *current; /* whose code runs, for the console */
} sim_t;

extern sim_t g_sim;

/* world.c: seed the random streams and start the trace (after --seed). */
void sim_world_init(void);

/* Fold an event into the trace hash: kind, node (-1: none), and bytes. */
void sim_trace(const char *kind, int node, const void *data, size_t len);
/* An invariant broke: print seed, step and the reason, exit 1. */
__attribute__((noreturn, format(printf, 1, 2))) void sim_fail(const char *fmt,
                                                              ...);
/* Verbose-only log line, with the time. */
__attribute__((format(printf, 1, 2))) void sim_log(const char *fmt, ...);

/* main.c: one step of the whole world; false when nothing is left. */
bool sim_step(void);

/* platform.c */
void sim_node_boot(sim_node_t *n);
void sim_node_power_cut(sim_node_t *n);
/* Run the node's loop until nothing is ready now. */
void sim_node_run(sim_node_t *n);
ktime_t sim_node_next(sim_node_t *n);

/* nic.c, disk.c, rng.c: (re)initialise at boot and register. */
void sim_nic_init(sim_node_t *n);
void sim_nic_receive(sim_node_t *n, const uint8_t *frame, size_t len);
void sim_disk_init(sim_node_t *n, bool fresh);
void sim_disk_power_cut(sim_node_t *n);
void sim_rng_init(sim_node_t *n);

/* wire.c: a frame leaves node `from` (-1: the DHCP server). */
void sim_wire_send(int from, const uint8_t *frame, size_t len);
void sim_wire_faults(void); /* start the partition schedule */
void sim_wire_report(void);
extern const uint8_t SIM_SERVER_MAC[6];
#define SIM_SERVER_IP KIP4(10, 0, 2, 2)

/* dhcpd.c: the LAN's DHCP server and gateway (ARP for 10.0.2.2). */
void sim_dhcpd_receive(const uint8_t *frame, size_t len);
/* The address the server leases to node `id`. */
kip4_t sim_dhcpd_addr(int id);

static inline bool sim_lie(const char *kind) {
  return g_sim.lie != NULL && __builtin_strcmp(g_sim.lie, kind) == 0;
}

#endif
