/* arp.h: ARP for IPv4 over Ethernet (RFC 826), arp.c.
 *
 * A cache of KCONFIG_ARP_ENTRIES entries that expire after
 * KCONFIG_ARP_TTL_NS; when full, the oldest is replaced. Requests for our
 * address are answered (and teach us the asker). Resolution sends a
 * request, retries every KCONFIG_ARP_RETRY_NS, and gives up after
 * KCONFIG_ARP_TRIES requests. */
#ifndef REALMOS_NET_ARP_H
#define REALMOS_NET_ARP_H

#include "netdefs.h"

typedef struct {
  kip4_t ip;
  uint8_t mac[ETH_ALEN];
  ktime_t expires; /* 0: unused */
} arp_entry_t;

/* An address being resolved: its packets, its ARP_RESOLVE items, retries. */
typedef struct {
  kip4_t ip;     /* 0: unused */
  uint8_t tries; /* requests sent */
  ktime_t next_try;
  net_tx_t *head, *tail; /* frames waiting, oldest first */
  uint32_t nframes;
  kwork_list_t resolves; /* karp_req_t items waiting */
} arp_pending_t;

typedef struct {
  arp_entry_t cache[KCONFIG_ARP_ENTRIES];
  arp_pending_t pending[KCONFIG_ARP_PENDING];
} arp_t;

/* An ARP packet (the Ethernet payload) from the frame source eth_src. */
void arp_input(net_stack_t *st, const uint8_t *eth_src, const uint8_t *p,
               size_t len);

/* Send an IPv4 packet (in tx, `ip_len` bytes at tx->frame + ETH_HLEN) to
 * the next hop: at once on a cache hit (eth_output), else it waits while
 * the address is resolved, at most KCONFIG_ARP_QUEUE frames per address
 * (beyond: net_tx_fail with KERR_NO_SPACE, counted arp_drop_queue_full);
 * when resolution fails, every waiting frame fails with KERR_UNREACHABLE
 * (counted arp_unresolved). tx->len must be set to ETH_HLEN + ip_len. */
void arp_output(net_stack_t *st, net_tx_t *tx, kip4_t nexthop);

/* KWORK_OP_ARP_RESOLVE (karp_req_t): completes at once on a hit, else when
 * the reply comes (KERR_OK) or resolution fails (KERR_UNREACHABLE). The
 * stack submits it only once the interface is up. */
void arp_resolve_submit(net_stack_t *st, kwork_t *w);
/* Forget a waiting ARP_RESOLVE item (it is cancelled). */
void arp_resolve_cancel(net_stack_t *st, kwork_t *w);
/* Take a waiting frame off its list (its owner was cancelled): true if it
 * was waiting here; the caller frees it. */
bool arp_forget(net_stack_t *st, net_tx_t *tx);

/* The interface has an address: announce it (gratuitous ARP request). */
void arp_announce(net_stack_t *st);
/* Look up the cache (for tests and for callers that only peek). */
bool arp_lookup(net_stack_t *st, kip4_t ip, uint8_t mac[ETH_ALEN]);
/* Retries, give-ups and expiry due by `now`; asks for the next wake-up with
 * net_wake_at. */
void arp_tick(net_stack_t *st, ktime_t now);

#endif
