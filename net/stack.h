/* stack.h: the IPv4 stack's state and the calls its files make into
 * stack.c, which is the stack's device: it serves KDEV_IP in front of the
 * network device (KDEV_NET), keeps standing receives on it, owns the
 * transmit slots, one internal timer, and the interface's configuration.
 *
 * Everything runs in the loop, in callbacks and device submits: no locks.
 * The stack starts (receives posted, DHCP started) on the first item a
 * program submits to it, so a program that only uses raw frames has the
 * network device to itself. */
#ifndef REALMOS_NET_STACK_H
#define REALMOS_NET_STACK_H

#include "arp.h"
#include "dhcp.h"
#include "eth.h"
#include "icmp.h"
#include "ipv4.h"
#include "knet_stats.h"
#include "net_attach.h"
#include "netdefs.h"
#include "udp.h"

struct net_stack {
  kdevice_t dev;  /* serves KDEV_IP */
  kdevice_t *nic; /* the network device under it */
  bool started;
  uint8_t mac[ETH_ALEN];
  bool up;    /* cfg holds an address */
  bool fixed; /* start with fixed_cfg instead of DHCP */
  kip_config_t fixed_cfg;
  bool has_fallback; /* DHCP's fallback when no lease comes (dhcp.c) */
  kip_config_t fallback;
  kip_config_t cfg;
  knet_stats_t stats;
  uint32_t rand_state;

  /* Standing receives on nic: one poll of it completes up to this many
   * frames, all handled in the same tick (stack.c). */
  knet_recv_req_t rx[KCONFIG_NET_RX_POSTED];
  ktimer_req_t timer;   /* runs the modules' ticks */
  ktime_t wake;         /* when the timer should fire; KTIME_NEVER */
  ktime_t timer_due;    /* when the timer in flight fires */
  bool timer_cancelled; /* it is being cancelled, to be set earlier */
  net_tx_t tx[KCONFIG_NET_TX_SLOTS];
  net_tx_t *tx_free;
  kwork_list_t tx_waiters;  /* program items waiting for a transmit slot */
  kwork_list_t cfg_waiters; /* items waiting for the interface to be up */

  ipv4_t ip;
  arp_t arp;
  icmp_t icmp;
  udp_t udp;
  dhcp_t dhcp;
};

/* Count a drop: the reason's counter and kstats()->drops. */
#define NET_DROP(st, counter)                                                  \
  ((st)->stats.counter++, kdev_count_drop(&(st)->dev))

/* A platform attaches the stack with net_attach (api/net_attach.h). */
/* The stack of a kernel, NULL if none serves its KDEV_IP. */
net_stack_t *net_stack_of(kernel_t *k);
/* Start: the standing receives, and DHCP if `dhcp` (else the interface
 * stays down until net_configure). The first item a program submits starts
 * the stack with DHCP; tests start it without. */
void net_stack_start(net_stack_t *st, bool dhcp);

/* tx.c. net_tx_init: every slot free. */
void net_tx_init(net_stack_t *st);
/* A free transmit slot, or NULL. With `w` (a program's item) and no slot,
 * w waits in tx_waiters and the stack hands it back to its module's submit
 * when a slot frees; without, the caller drops and counts
 * (tx_drop_no_slot). A slot comes zeroed: owner NULL, len 0. */
net_tx_t *net_tx_alloc(net_stack_t *st, kwork_t *w);
/* Send tx->frame[0, tx->len) (a whole Ethernet frame). The slot comes back
 * when the device is done; tx->owner is then completed as stack.h says. */
void net_tx_send(net_stack_t *st, net_tx_t *tx);
/* The frame will not be sent: free the slot, complete tx->owner with err. */
void net_tx_fail(net_stack_t *st, net_tx_t *tx, kerr_t err);
/* For stack.c's cancel: the slot carrying a program's item (NULL if none);
 * give a slot back without completing anything; let waiters have slots. */
net_tx_t *net_tx_of(net_stack_t *st, const kwork_t *w);
void net_tx_free(net_stack_t *st, net_tx_t *tx);
void net_tx_serve_waiters(net_stack_t *st);

/* stack.c: hand a program's item to its module, or make it wait for the
 * interface's address (first submit, or again after waiting for a slot). */
void net_dispatch(net_stack_t *st, kwork_t *w);

/* Complete a program's item that is LIVE at the stack (kdev_complete). */
void net_complete(net_stack_t *st, kwork_t *w, kerr_t err);
/* Have net_tick run at `when` or soon after (the earliest asked wins). */
void net_wake_at(net_stack_t *st, ktime_t when);
ktime_t net_now(net_stack_t *st);
/* A non-cryptographic random number (DHCP xid, ephemeral ports, ids). */
uint32_t net_rand(net_stack_t *st);

/* The interface got an address (dhcp.c): announce it, complete the items
 * waiting for it, and send what waited. net_deconfigure takes it away. */
void net_configure(net_stack_t *st, const kip_config_t *cfg);
void net_deconfigure(net_stack_t *st);

/* Address tests against the configuration. */
bool net_is_broadcast(const net_stack_t *st, kip4_t a); /* all-ones or subnet */
bool net_on_link(const net_stack_t *st, kip4_t a);

#endif
