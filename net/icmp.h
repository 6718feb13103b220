/* icmp.h: ICMP for IPv4 (RFC 792), icmp.c: echo replies, pings, and
 * destination unreachable (port), rate-limited. */
#ifndef REALMOS_NET_ICMP_H
#define REALMOS_NET_ICMP_H

#include "netdefs.h"

/* Pings waiting for their reply at once; beyond, a ping completes with
 * KERR_NO_SPACE. */
#ifndef ICMP_PINGS_MAX
#define ICMP_PINGS_MAX 32
#endif

/* One ping waiting: kping_req_t has no room for its sequence number and
 * send time, so they live here. */
typedef struct {
  kwork_t *work; /* NULL: unused */
  uint16_t seq;
  ktime_t sent;
} icmp_ping_t;

typedef struct {
  kwork_list_t pings; /* PING items sent, waiting for their reply */
  icmp_ping_t waiting[ICMP_PINGS_MAX]; /* the same items, with seq and time */
  uint16_t ident;                      /* echo identifier of this stack */
  uint16_t next_seq;
  /* Token bucket for unreachables: KCONFIG_ICMP_UNREACH_PER_S per second,
   * bursts of up to that many. */
  uint32_t tokens;
  ktime_t refilled;
  bool bucket_started; /* false: the bucket is full at the first use */
} icmp_t;

/* An ICMP message from src to dst (`p`, `len`: the IPv4 payload); `ttl` is
 * the IPv4 header's. Echo requests to us are answered (not to broadcast);
 * echo replies complete the matching ping. */
void icmp_input(net_stack_t *st, kip4_t src, kip4_t dst, const uint8_t *p,
                size_t len, uint8_t ttl);

/* KWORK_OP_PING (kping_req_t), submitted by the stack once the interface is
 * up: sends the request (the ping is tx->owner while it goes out) and waits
 * for the reply. May find no transmit slot: then net_tx_alloc has queued
 * the item and the stack calls icmp_ping_submit again later. With
 * ICMP_PINGS_MAX pings waiting already, it completes with KERR_NO_SPACE;
 * the round-trip time is measured from when the request got its slot. */
void icmp_ping_submit(net_stack_t *st, kwork_t *w);
/* The ping is cancelled, or its frame failed: stop waiting for it. */
void icmp_ping_forget(net_stack_t *st, kwork_t *w);

/* Destination unreachable, port unreachable (type 3 code 3), for the
 * datagram whose IPv4 header starts at `ip` (`len` bytes of it available):
 * quotes the header and 8 bytes of payload, subject to the rate limit
 * (icmp_unreach_limited). */
void icmp_port_unreachable(net_stack_t *st, const uint8_t *ip, size_t len);

#endif
