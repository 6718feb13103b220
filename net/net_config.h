/* net_config.h: the IPv4 stack's bounds (net/). A build may override any of
 * them with -D. What the stack shares with the network device (the largest
 * frame, the receives it keeps posted) is in kernel/dev/dev_config.h. */
#ifndef REALMOS_NET_CONFIG_H
#define REALMOS_NET_CONFIG_H

/* Frames the stack can have in flight or waiting for ARP at once; a
 * program's send waits for a slot, the stack's own replies are dropped and
 * counted without one. */
#ifndef KCONFIG_NET_TX_SLOTS
#define KCONFIG_NET_TX_SLOTS 32
#endif
/* ARP cache entries, their lifetime, and resolution: addresses resolved at
 * once, frames waiting per address, requests sent and the time between. */
#ifndef KCONFIG_ARP_ENTRIES
#define KCONFIG_ARP_ENTRIES 32
#endif
#ifndef KCONFIG_ARP_TTL_NS
#define KCONFIG_ARP_TTL_NS 60000000000ull
#endif
#ifndef KCONFIG_ARP_PENDING
#define KCONFIG_ARP_PENDING 8
#endif
#ifndef KCONFIG_ARP_QUEUE
#define KCONFIG_ARP_QUEUE 32
#endif
#ifndef KCONFIG_ARP_TRIES
#define KCONFIG_ARP_TRIES 4
#endif
#ifndef KCONFIG_ARP_RETRY_NS
#define KCONFIG_ARP_RETRY_NS 250000000ull
#endif
/* TTL of the datagrams we send. */
#ifndef KCONFIG_IP_TTL
#define KCONFIG_IP_TTL 64
#endif
/* ICMP destination unreachable messages per second (and burst). */
#ifndef KCONFIG_ICMP_UNREACH_PER_S
#define KCONFIG_ICMP_UNREACH_PER_S 10
#endif
/* Datagrams a UDP socket holds while its program has no receive posted. */
#ifndef KCONFIG_UDP_QUEUE
#define KCONFIG_UDP_QUEUE 32
#endif
/* DHCP: without a lease this long after the start, the static fallback. */
#ifndef KCONFIG_DHCP_TIMEOUT_NS
#define KCONFIG_DHCP_TIMEOUT_NS 3000000000ull
#endif

#endif
