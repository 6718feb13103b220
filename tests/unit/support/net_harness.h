/* net_harness.h: the IPv4 stack (net/) on the fake platform, for the
 * tests/unit/test_net_*.c suites. A fake network device (MAC NH_MAC) sits
 * under the stack; the test injects frames as if they came from the wire
 * and reads the frames the stack sent.
 *
 *   nh_init()        fresh kernel, fake NIC, the stack registered (not
 *                    started: nothing is sent yet), the completion log
 *                    empty
 *   nh_up(a, m, g)   start the stack with a static configuration, no DHCP
 *                    (what DHCP would do: net_configure); the gratuitous
 *                    ARP it sends is cleared from the sent list
 *   nh_start()       start the stack as a program's first item would, so
 *                    DHCP begins (tests of dhcp.c)
 *   nh_inject(f, n)  a frame arrives: the oldest of the stack's standing
 *                    receives completes with a copy of it, then the loop
 *                    runs (nh_run(0))
 *   nh_queue(f, n)   a frame arrives and waits in the fake NIC, which is
 *                    raised; its next poll (in the next tick) completes
 *                    every waiting frame that has a posted receive, as a
 *                    real device does with a burst
 *   nh_run(ns)       advance the fake clock by ns and run the loop until it
 *                    has nothing ready (timers due by then fire)
 *   nh_sent...       frames the stack handed to the NIC, in order; the
 *                    harness completes each send KERR_OK at once unless
 *                    nh_hold_sends(true)
 *   nh_submit(w)     ksubmit a program's item, then nh_run(0)
 *   nh_record        a completion callback that logs each completion, for
 *                    nh_times_called / nh_result_of / nh_completion
 *
 * Helpers that check something return what they found (a bool, a value),
 * so the test asserts on it; the harness itself only assert()s its own
 * preconditions (it is also built into tests/fuzz, without cmocka).
 */
#ifndef REALMOS_TEST_NET_HARNESS_H
#define REALMOS_TEST_NET_HARNESS_H

#include "stack.h"

#define NH_MAX_SENT 256
#define NH_RX_BUFS 64

#define NH_MAX_LOG 128
#define NH_ARP_LEN 28 /* an ARP packet for IPv4 over Ethernet */

/* The configuration the tests give the stack (QEMU's user network). */
#define NH_OUR KIP4(10, 0, 2, 15)
#define NH_MASK KIP4(255, 255, 255, 0)
#define NH_GW KIP4(10, 0, 2, 2)
#define NH_PEER NH_GW /* NH_PEER_MAC's address: the gateway */

extern const uint8_t NH_MAC[6];      /* ours: 52:54:00:12:34:56 */
extern const uint8_t NH_PEER_MAC[6]; /* a peer: 52:55:0a:00:02:02 */
extern const uint8_t NH_BCAST_MAC[6];
extern const uint8_t NH_ZERO_MAC[6];

kernel_t *nh_init(void);
void nh_up(kip4_t addr, kip4_t mask, kip4_t gw);
void nh_start(void);
net_stack_t *nh_stack(void);
kernel_t *nh_kernel(void);
const knet_stats_t *nh_stats(void);

/* cmocka setups: nh_init(), then nh_up(NH_OUR, NH_MASK, NH_GW), or with no
 * gateway (0). */
int nh_setup(void **state);
int nh_setup_no_gateway(void **state);

void nh_inject(const void *frame, size_t len);
void nh_queue(const void *frame, size_t len);
/* Frames queued and not yet delivered; receives the stack has posted at the
 * NIC; polls of the NIC so far. */
size_t nh_queued(void);
size_t nh_recvs_posted(void);
size_t nh_polls(void);
void nh_run(ktime_t ns);
kerr_t nh_submit(kwork_t *w);

size_t nh_sent_count(void);
/* The i-th frame sent since the last clear (copied when it was sent). */
const uint8_t *nh_sent(size_t i, size_t *len);
void nh_sent_clear(void);
/* true: sends stay at the NIC until nh_complete_sends(result). */
void nh_hold_sends(bool hold);
void nh_complete_sends(kerr_t result);

/* Receive buffers the stack (or a program) has released to the NIC, and
 * those still out. */
size_t nh_released(void);
size_t nh_rx_outstanding(void);

/* Builders. Each writes at `f` and returns the bytes written.
 * nh_frame: an Ethernet frame from NH_PEER_MAC to `dst` (NULL: NH_MAC).
 * nh_ipv4_frame: Ethernet + a 20-byte IPv4 header (TTL 64, checksum right)
 * + payload. nh_udp_frame: ... + a UDP header with the right checksum. */
size_t nh_frame(uint8_t *f, const uint8_t *dst, uint16_t type,
                const void *payload, size_t len);
size_t nh_ipv4_frame(uint8_t *f, kip4_t src, kip4_t dst, uint8_t proto,
                     const void *payload, size_t len);
size_t nh_udp_frame(uint8_t *f, kip4_t src, uint16_t sport, kip4_t dst,
                    uint16_t dport, const void *data, size_t len);
/* Recompute the IPv4 header checksum of frame f (its IHL says how long the
 * header is). */
void nh_fix_ip_checksum(uint8_t *f);
/* An ICMP echo message (type 8 request or 0 reply) with `n` data bytes
 * 0xa0 + i, checksum right, at m; returns ICMP_HLEN + n. */
size_t nh_icmp_echo(uint8_t *m, uint8_t type, uint16_t id, uint16_t seq,
                    size_t n);

/* --------------------------------------------------------------------- ARP */

/* A 28-byte ARP packet (htype 1, ptype IPv4) at p; returns NH_ARP_LEN. */
size_t nh_arp_packet(uint8_t *p, uint16_t op, const uint8_t *sha, kip4_t spa,
                     const uint8_t *tha, kip4_t tpa);
/* The peer (Ethernet source NH_PEER_MAC) sends that ARP packet to `dst`. */
void nh_inject_arp(const uint8_t *dst, uint16_t op, const uint8_t *sha,
                   kip4_t spa, const uint8_t *tha, kip4_t tpa);
/* The peer, at `ip`, broadcasts a request for NH_OUR; the stack answers and
 * learns NH_PEER_MAC for ip. The sent list is cleared. Returns whether the
 * stack's ARP cache now holds ip. */
bool nh_learn_peer(kip4_t ip);
/* If the frame sent last is an ARP request to the broadcast MAC for `ip`,
 * the peer answers it (ip is at NH_PEER_MAC) and this returns true; else it
 * injects nothing and returns false. */
bool nh_answer_arp(kip4_t ip);

/* ---------------------------------------------------------- completion log */

/* One completion seen by nh_record. For a UDP receive that succeeded, what
 * it delivered too. */
typedef struct {
  kwork_t *work;
  kerr_t result;
  kip4_t src_addr;
  uint16_t src_port;
  const uint8_t *data;
  size_t length;
  kbuf_t buf;
  uint8_t copy[64]; /* the first bytes of data, kept after the release */
} nh_completion_t;

/* A kwork_t callback: logs the completion (at most NH_MAX_LOG). */
void nh_record(kwork_t *w);
/* How many times w completed. */
size_t nh_times_called(const kwork_t *w);
/* The result of w's first completion; w must have completed. */
kerr_t nh_result_of(const kwork_t *w);
/* w's n-th completion (0 first); it must have happened. */
const nh_completion_t *nh_completion(const kwork_t *w, size_t n);

#endif
