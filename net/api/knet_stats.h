/* knet_stats.h: the IPv4 stack's counters (net/), for programs that read
 * them: every frame or packet the stack drops is counted under its reason.
 * The kernel's own counters are kstats() in kapi.h. */
#ifndef REALMOS_KNET_STATS_H
#define REALMOS_KNET_STATS_H

#include "kapi.h"

typedef struct {
  uint64_t eth_rx, eth_tx;
  uint64_t eth_drop_short;       /* shorter than an Ethernet header */
  uint64_t eth_drop_not_ours;    /* unicast to another MAC */
  uint64_t eth_drop_type;        /* neither IPv4 nor ARP */
  uint64_t tx_drop_no_slot;      /* a reply or request with no transmit slot */
  uint64_t arp_rx, arp_drop_bad; /* malformed or not Ethernet/IPv4 */
  uint64_t arp_replies_sent, arp_requests_sent;
  uint64_t arp_drop_queue_full; /* a packet with no room to wait for ARP */
  uint64_t arp_unresolved;      /* packets failed: nobody answered */
  uint64_t ip_rx;
  uint64_t ip_drop_short, ip_drop_version, ip_drop_length, ip_drop_checksum;
  uint64_t ip_drop_ttl;            /* TTL 0 */
  uint64_t ip_drop_fragment;       /* fragments are dropped, not reassembled */
  uint64_t ip_drop_bad_source;     /* broadcast, multicast or our own */
  uint64_t ip_drop_not_ours;       /* another destination */
  uint64_t ip_drop_protocol;       /* neither ICMP nor UDP */
  uint64_t ip_options;             /* accepted, options skipped */
  uint64_t icmp_rx, icmp_drop_bad; /* short or bad checksum */
  uint64_t icmp_echo_replied, icmp_unreach_sent;
  uint64_t icmp_unreach_limited; /* not sent: rate limit */
  uint64_t icmp_drop_unmatched;  /* an echo reply no ping waits for */
  uint64_t udp_rx, udp_drop_short, udp_drop_length, udp_drop_checksum;
  uint64_t udp_drop_no_port;    /* nothing bound there */
  uint64_t udp_drop_queue_full; /* bound, but its queue was full */
  uint64_t dhcp_drop_bad;       /* not a reply to our request */
} knet_stats_t;
/* The counters of k's stack; NULL where there is no stack (hosted socket
 * backend). */
const knet_stats_t *knet_stats(kernel_t *k);

#endif
