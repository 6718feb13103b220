/* eth.h: Ethernet II frames (eth.c). */
#ifndef REALMOS_NET_ETH_H
#define REALMOS_NET_ETH_H

#include "netdefs.h"

extern const uint8_t eth_broadcast[ETH_ALEN];

/* A received frame: checks its length and destination (ours or broadcast;
 * multicast and other unicast are dropped and counted) and hands the payload
 * to arp_input or ipv4_input by EtherType. */
void eth_input(net_stack_t *st, net_rx_t *rx);

/* Send tx: its payload (`payload_len` bytes at tx->frame + ETH_HLEN) is
 * written; this fills the header (our MAC as source), pads to ETH_MIN_FRAME,
 * sets tx->len and calls net_tx_send. */
void eth_output(net_stack_t *st, net_tx_t *tx, const uint8_t dst[ETH_ALEN],
                uint16_t type, size_t payload_len);

#endif
