/* net_harness.h: the IPv4 stack (net/) on the fake platform, for the
 * tests/unit/test_net_*.c suites. A fake network device (MAC NH_MAC) sits
 * under the stack; the test injects frames as if they came from the wire
 * and reads the frames the stack sent.
 *
 *   nh_init()        fresh kernel, fake NIC, the stack registered (not
 *                    started: nothing is sent yet)
 *   nh_up(a, m, g)   start the stack with a static configuration, no DHCP
 *                    (what DHCP would do: net_configure); the gratuitous
 *                    ARP it sends is cleared from the sent list
 *   nh_start()       start the stack as a program's first item would, so
 *                    DHCP begins (tests of dhcp.c)
 *   nh_inject(f, n)  a frame arrives: the stack's standing receive completes
 *                    with a copy of it, then the loop runs (nh_run(0))
 *   nh_run(ns)       advance the fake clock by ns and run the loop until it
 *                    has nothing ready (timers due by then fire)
 *   nh_sent...       frames the stack handed to the NIC, in order; the
 *                    harness completes each send KERR_OK at once unless
 *                    nh_hold_sends(true)
 *   nh_submit(w)     ksubmit a program's item, then nh_run(0)
 */
#ifndef REALMOS_TEST_NET_HARNESS_H
#define REALMOS_TEST_NET_HARNESS_H

#include "stack.h"

#define NH_MAX_SENT 256
#define NH_RX_BUFS 64

extern const uint8_t NH_MAC[6];      /* ours: 52:54:00:12:34:56 */
extern const uint8_t NH_PEER_MAC[6]; /* a peer: 52:55:0a:00:02:02 */

kernel_t *nh_init(void);
void nh_up(kip4_t addr, kip4_t mask, kip4_t gw);
void nh_start(void);
net_stack_t *nh_stack(void);
kernel_t *nh_kernel(void);

void nh_inject(const void *frame, size_t len);
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

#endif
