/* eth.c: Ethernet II framing (IEEE 802.3, DIX type field).
 *
 * Header, 14 bytes: destination MAC (6), source MAC (6), EtherType (2,
 * big-endian). No FCS: the device adds and strips it. Frames shorter than
 * 60 bytes (64 with FCS) are zero-padded on send.
 *
 * Received frames are accepted when addressed to our MAC or to the
 * broadcast address; multicast (bit 0 of the first byte set) and other
 * unicast are dropped. EtherTypes 0x0800 (IPv4) and 0x0806 (ARP) are
 * handled; everything else, 802.1Q VLAN tags (0x8100) included, is an
 * unknown type. */
#include "kstring.h"
#include "stack.h"

const uint8_t eth_broadcast[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

void eth_input(net_stack_t *st, net_rx_t *rx) {
  const uint8_t *f = rx->frame;
  size_t len = rx->len;

  st->stats.eth_rx++;
  if (f == NULL || len < ETH_HLEN) {
    NET_DROP(st, eth_drop_short);
    return;
  }
  if (kmemcmp(f, st->mac, ETH_ALEN) != 0 &&
      kmemcmp(f, eth_broadcast, ETH_ALEN) != 0) {
    NET_DROP(st, eth_drop_not_ours);
    return;
  }
  switch (net_get16(f + 12)) {
  case ETH_TYPE_IPV4:
    ipv4_input(st, rx, f + ETH_HLEN, len - ETH_HLEN);
    break;
  case ETH_TYPE_ARP:
    arp_input(st, f + ETH_ALEN, f + ETH_HLEN, len - ETH_HLEN);
    break;
  default:
    NET_DROP(st, eth_drop_type);
    break;
  }
}

void eth_output(net_stack_t *st, net_tx_t *tx, const uint8_t dst[ETH_ALEN],
                uint16_t type, size_t payload_len) {
  KASSERT(payload_len <= KCONFIG_NET_FRAME_MAX - ETH_HLEN);
  size_t len = ETH_HLEN + payload_len;

  kmemcpy(tx->frame, dst, ETH_ALEN);
  kmemcpy(tx->frame + ETH_ALEN, st->mac, ETH_ALEN);
  net_put16(tx->frame + 12, type);
  if (len < ETH_MIN_FRAME) {
    kmemset(tx->frame + len, 0, ETH_MIN_FRAME - len);
    len = ETH_MIN_FRAME;
  }
  tx->len = (uint16_t)len;
  net_tx_send(st, tx);
}
