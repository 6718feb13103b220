/* udp.h: UDP (RFC 768), udp.c: sockets for programs, and the stack's own
 * DHCP client port. */
#ifndef REALMOS_NET_UDP_H
#define REALMOS_NET_UDP_H

#include "netdefs.h"

/* A datagram waiting for the program's next receive. */
typedef struct {
  kbuf_t buf;
  const uint8_t *data;
  uint16_t length;
  uint16_t src_port;
  kip4_t src_addr;
} udp_queued_t;

typedef struct {
  bool bound;
  uint16_t gen; /* bumped on unbind, so stale socket ids fail */
  uint16_t port;
  kwork_list_t recvs; /* posted standing receives, oldest first */
  udp_queued_t queue[KCONFIG_UDP_QUEUE];
  uint32_t qhead, qlen;
} udp_sock_t;

typedef struct {
  udp_sock_t socks[KCONFIG_UDP_SOCKETS];
  uint16_t next_ephemeral;
} udp_t;

#define UDP_PORT_DHCP_CLIENT 68u
#define UDP_PORT_DHCP_SERVER 67u

/* A UDP datagram from src to dst (`p`, `len`: the IPv4 payload; `ip`: the
 * IPv4 header, for the unreachable quote). Checks length and checksum,
 * hands port 68 to dhcp_input, else delivers to the bound socket: to a
 * posted receive (zero copy: the receive's data points into rx's frame and
 * its buf is rx->buf; rx->kept is set), or into its queue, or dropped and
 * counted when the queue is full. Nothing bound: port unreachable (not for
 * broadcasts) and counted. */
void udp_input(net_stack_t *st, net_rx_t *rx, kip4_t src, kip4_t dst,
               const uint8_t *ip, const uint8_t *p, size_t len);

/* KWORK_OP_UDP_BIND, _UNBIND, _RECV, _SEND. The stack submits SEND only
 * once the interface is up; it may find no transmit slot (net_tx_alloc then
 * queued it, and the stack calls udp_submit again later). */
void udp_submit(net_stack_t *st, kwork_t *w);
/* A RECV is cancelled (take it off its socket). */
void udp_cancel(net_stack_t *st, kwork_t *w);

/* Send `len` bytes from `sport` to dst:dport in tx (the data is already at
 * tx->frame + NET_PAYLOAD + UDP_HLEN): UDP header with checksum, then
 * ipv4_output. For udp.c's SEND and for dhcp.c. */
void udp_output(net_stack_t *st, net_tx_t *tx, uint16_t sport, kip4_t dst,
                uint16_t dport, size_t len);

#endif
