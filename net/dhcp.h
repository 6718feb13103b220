/* dhcp.h: the DHCP client (RFC 2131, options RFC 2132), dhcp.c: discover,
 * offer, request, ack; renewal at T1 (half the lease) by unicast to the
 * server, rebinding at T2 by broadcast, a new discover when the lease ends.
 * No lease within KCONFIG_DHCP_TIMEOUT_NS of the start: the fallback the
 * platform gave to net_attach, and the client stops; without one, a new
 * attempt (new xid) and so on until a lease comes. A lease that ends without renewal takes
 * the address away (net_deconfigure) and starts over with a DISCOVER. */
#ifndef REALMOS_NET_DHCP_H
#define REALMOS_NET_DHCP_H

#include "netdefs.h"

typedef enum {
  DHCP_OFF = 0,
  DHCP_SELECTING,  /* DISCOVER sent, waiting for an OFFER */
  DHCP_REQUESTING, /* REQUEST sent, waiting for the ACK */
  DHCP_BOUND,
  DHCP_RENEWING,  /* T1 passed: REQUEST unicast to the server */
  DHCP_REBINDING, /* T2 passed: REQUEST broadcast */
  DHCP_STATIC,    /* gave up: the platform's fallback */
} dhcp_state_t;

typedef struct {
  dhcp_state_t state;
  uint32_t xid;
  kip4_t offered, server;
  ktime_t started;   /* of this attempt (for the fallback timeout) */
  ktime_t next_send; /* retransmission */
  uint32_t tries;
  ktime_t bound_at;
  uint32_t lease_s, t1_s, t2_s;
  kip_config_t lease; /* what the offer/ack said */
} dhcp_t;

/* Start: DISCOVER. Called once when the stack starts. */
void dhcp_start(net_stack_t *st);
/* A datagram to port 68 (the UDP payload). */
void dhcp_input(net_stack_t *st, kip4_t src, const uint8_t *p, size_t len);
/* Retransmissions (exponential, from 250 ms), the fallback, T1, T2, the
 * lease's end; asks for the next wake-up with net_wake_at. */
void dhcp_tick(net_stack_t *st, ktime_t now);

#endif
