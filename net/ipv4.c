/* ipv4.c: IPv4 (RFC 791), with the host requirements of RFC 1122 3.2.1.
 *
 * The header (RFC 791 3.1), 20 bytes without options, big-endian:
 *
 *   0  version (4 bits) | IHL (4 bits: header length in 32-bit words, >= 5)
 *   1  type of service
 *   2  total length (header + payload, bytes)
 *   4  identification
 *   6  flags (3 bits: 0, DF 0x4000, MF 0x2000) | fragment offset (13 bits)
 *   8  TTL
 *   9  protocol (1 ICMP, 17 UDP)
 *  10  header checksum (RFC 1071 over the header only)
 *  12  source address
 *  16  destination address
 *  20  options (IHL > 5), then the payload
 *
 * Received: fragments are dropped, not reassembled (a fragment has MF set or
 * a non-zero offset). Options are skipped (RFC 1122 3.2.1.8 asks a host to
 * ignore the ones it does not implement). A frame may be longer than its
 * datagram (Ethernet pads to 60 bytes): the total length decides.
 * RFC 1122 3.2.1.3: a source that is broadcast, multicast, loopback
 * (127/8: must not appear outside a host) or reserved (240/4) is
 * discarded.
 *
 * Sent: no options, DF set (we never send more than the MTU), TTL
 * KCONFIG_IP_TTL. Identification counts up; with DF set it only has to be
 * unique enough (RFC 6864). */
#include "stack.h"

#define IP_FLAG_DF 0x4000u
#define IP_FLAG_MF 0x2000u
#define IP_OFFSET_MASK 0x1fffu
#define IP_MAX_PAYLOAD (KCONFIG_NET_FRAME_MAX - NET_PAYLOAD)

static bool is_multicast(kip4_t a) { return (a >> 28) == 0xeu; }

static bool bad_source(const net_stack_t *st, kip4_t src) {
  if (src == KIP4_BROADCAST || is_multicast(src) || net_is_broadcast(st, src) ||
      (src >> 24) == 127u || (src >> 28) == 0xfu)
    return true;
  return st->up && src == st->cfg.addr;
}

/* Before the interface has an address, only DHCP's answers are ours: an
 * offer may come to the address it offers, so any destination goes, but
 * only UDP to port 68. Anything else would be answered from an address
 * that is not the sender's target (the simulator saw a rebooting node
 * echo a datagram a damaged ARP entry had sent it for another node). */
static bool for_us(const net_stack_t *st, kip4_t dst, uint8_t proto,
                   const uint8_t *l4, size_t l4len) {
  if (!st->up)
    return proto == IP_PROTO_UDP && l4len >= 4 &&
           net_get16(l4 + 2) == UDP_PORT_DHCP_CLIENT;
  return dst == st->cfg.addr || dst == KIP4_BROADCAST ||
         net_is_broadcast(st, dst);
}

void ipv4_input(net_stack_t *st, net_rx_t *rx, const uint8_t *p, size_t len) {
  st->stats.ip_rx++;
  if (len < IP_HLEN) {
    NET_DROP(st, ip_drop_short);
    return;
  }
  if ((p[0] >> 4) != 4) {
    NET_DROP(st, ip_drop_version);
    return;
  }
  size_t hlen = (size_t)(p[0] & 0xfu) * 4;
  size_t total = net_get16(p + 2);
  if (hlen < IP_HLEN || hlen > len || total < hlen || total > len) {
    NET_DROP(st, ip_drop_length);
    return;
  }
  len = total; /* cut the Ethernet padding */
  if (net_fold(net_sum(0, p, hlen)) != 0) {
    NET_DROP(st, ip_drop_checksum);
    return;
  }
  uint8_t ttl = p[8];
  if (ttl == 0) {
    NET_DROP(st, ip_drop_ttl);
    return;
  }
  uint16_t frag = net_get16(p + 6);
  if ((frag & IP_FLAG_MF) || (frag & IP_OFFSET_MASK)) {
    NET_DROP(st, ip_drop_fragment);
    return;
  }
  kip4_t src = net_get32(p + 12);
  kip4_t dst = net_get32(p + 16);
  if (bad_source(st, src)) {
    NET_DROP(st, ip_drop_bad_source);
    return;
  }
  const uint8_t *payload = p + hlen;
  size_t plen = len - hlen;
  if (!for_us(st, dst, p[9], payload, plen)) {
    NET_DROP(st, ip_drop_not_ours);
    return;
  }
  if (hlen > IP_HLEN)
    st->stats.ip_options++;

  switch (p[9]) {
  case IP_PROTO_ICMP:
    icmp_input(st, src, dst, payload, plen, ttl);
    break;
  case IP_PROTO_UDP:
    udp_input(st, rx, src, dst, p, payload, plen);
    break;
  default:
    NET_DROP(st, ip_drop_protocol);
    break;
  }
}

void ipv4_output(net_stack_t *st, net_tx_t *tx, kip4_t dst, uint8_t proto,
                 size_t payload_len) {
  if (payload_len > IP_MAX_PAYLOAD) {
    net_tx_fail(st, tx, KERR_RANGE);
    return;
  }
  uint8_t *h = tx->frame + ETH_HLEN;
  size_t total = IP_HLEN + payload_len;
  h[0] = 0x45; /* version 4, IHL 5 */
  h[1] = 0;
  net_put16(h + 2, (uint16_t)total);
  net_put16(h + 4, st->ip.next_id++);
  net_put16(h + 6, IP_FLAG_DF);
  h[8] = KCONFIG_IP_TTL;
  h[9] = proto;
  net_put16(h + 10, 0);
  net_put32(h + 12, st->up ? st->cfg.addr : KIP4_ANY);
  net_put32(h + 16, dst);
  net_put16(h + 10, net_fold(net_sum(0, h, IP_HLEN)));
  tx->len = (uint16_t)(ETH_HLEN + total);

  if (dst == KIP4_BROADCAST || net_is_broadcast(st, dst))
    eth_output(st, tx, eth_broadcast, ETH_TYPE_IPV4, total);
  else if (net_on_link(st, dst))
    arp_output(st, tx, dst);
  else if (st->up && st->cfg.gateway != KIP4_ANY)
    arp_output(st, tx, st->cfg.gateway);
  else
    net_tx_fail(st, tx, KERR_UNREACHABLE);
}
