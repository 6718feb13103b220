/* ipv4.h: IPv4 (RFC 791), ipv4.c. Fragments are not reassembled: every
 * fragment is dropped and counted (ip_drop_fragment); we send with DF set
 * and never send a datagram larger than the MTU. */
#ifndef REALMOS_NET_IPV4_H
#define REALMOS_NET_IPV4_H

#include "netdefs.h"

typedef struct {
  uint16_t next_id; /* identification of the next datagram we send */
} ipv4_t;

/* An IPv4 packet (the Ethernet payload of rx; `p` points into rx->frame).
 * Checks version, header length, total length (trailing padding is cut),
 * header checksum, TTL 0, fragments, source (broadcast, multicast, ours)
 * and destination (ours, broadcast, subnet broadcast; anything while the
 * interface has no address yet, for DHCP), skips options, then hands the
 * payload to icmp_input or udp_input. */
void ipv4_input(net_stack_t *st, net_rx_t *rx, const uint8_t *p, size_t len);

/* Send a datagram whose payload (`payload_len` bytes at tx->frame +
 * NET_PAYLOAD) is written: fills the header (source: our address, 0.0.0.0
 * before we have one; TTL KCONFIG_IP_TTL; DF; checksum) and routes it:
 * broadcast (255.255.255.255 or the subnet's) to the Ethernet broadcast,
 * on-link destinations to themselves, others to the gateway, through
 * arp_output. No route (no gateway): net_tx_fail with KERR_UNREACHABLE. */
void ipv4_output(net_stack_t *st, net_tx_t *tx, kip4_t dst, uint8_t proto,
                 size_t payload_len);

#endif
