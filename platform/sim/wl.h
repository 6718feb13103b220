/* wl.h: the simulator's workloads. Each runs on every node, keeps its own
 * record of what it submitted (an oracle outside the kernel, which survives
 * the node's power cuts), and checks the invariants of docs/sim.md as
 * completions come in and at the end of the run.
 *
 *   start      the node (re)booted: kmain_usermain calls it
 *   power_cut  the node lost power: what was in flight is forgotten
 *   quiesce    the run is ending: submit nothing new
 *   stop       cancel what stands (receives), so the kernel can go idle
 *   check      after the drain: the end-of-run invariants
 *   report     one summary line
 */
#ifndef REALMOS_SIM_WL_H
#define REALMOS_SIM_WL_H

#include "sim.h"

void wl_timer_start(sim_node_t *n);
void wl_timer_power_cut(sim_node_t *n);
void wl_timer_quiesce(void);
void wl_timer_check(void);
void wl_timer_report(void);

void wl_blk_start(sim_node_t *n);
void wl_blk_power_cut(sim_node_t *n);
void wl_blk_quiesce(void);
void wl_blk_check(void);
void wl_blk_report(void);

void wl_udp_start(sim_node_t *n);
void wl_udp_power_cut(sim_node_t *n);
void wl_udp_quiesce(void);
void wl_udp_stop(sim_node_t *n);
void wl_udp_check(void);
void wl_udp_report(void);
/* The wire saw a frame of a workload datagram dropped, duplicated or
 * corrupted (wire.c calls it before delivery). */
enum { WL_WIRE_DROP, WL_WIRE_DUP, WL_WIRE_CORRUPT, WL_WIRE_DOWN };
void wl_udp_wire_event(const uint8_t *frame, size_t len, int what);

/* wl_realm.c: the realm manager on every node, and gateway requests to
 * the bank and the faucet of random peers. */
void wl_realm_start(sim_node_t *n);
void wl_realm_power_cut(sim_node_t *n);
void wl_realm_quiesce(void);
void wl_realm_stop(sim_node_t *n);
void wl_realm_check(void);
void wl_realm_report(void);
/* Like wl_udp_wire_event, for gateway requests and replies. */
void wl_realm_wire_event(const uint8_t *frame, size_t len, int what);

/* wl_net.c: DHCP and ARP converge once the faults stop. */
void wl_net_check(void);

#endif
