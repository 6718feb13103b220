/* fuzz_net.c: libFuzzer harness for the IPv4 stack's receive path. Each
 * input is one Ethernet frame, handed to the whole stack (eth, arp, ipv4,
 * icmp, udp, dhcp) through the same fake network device as the unit tests
 * (tests/unit/support/net_harness.c). The stack is up at 10.0.2.15/24 with
 * a UDP socket on port 8080 whose program takes every datagram and releases
 * it, so deliveries are exercised too. State carries over between inputs
 * (ARP cache, queues), as it would on a wire.
 *
 * After each frame: no receive buffer is leaked (all but the one the stack
 * may hold are back), nothing completed twice, and the loop went idle
 * (nh_run asserts that). Inputs longer than a frame are cut. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "net_harness.h"

static kudp_bind_req_t g_bind;
static kudp_recv_req_t g_recv;
static uint64_t g_datagrams;

static void on_datagram(kwork_t *w) {
  if (w->result != KERR_OK)
    abort(); /* the standing receive never ends here */
  g_datagrams++;
  kbuf_release(nh_kernel(), g_recv.buf);
}

static void on_bound(kwork_t *w) {
  if (w->result != KERR_OK)
    abort();
}

static void setup(void) {
  nh_init();
  nh_up(KIP4(10, 0, 2, 15), KIP4(255, 255, 255, 0), KIP4(10, 0, 2, 2));
  kwork_init(&g_bind.work, KWORK_OP_UDP_BIND, NULL, on_bound, 0);
  g_bind.port = 8080;
  if (nh_submit(&g_bind.work) != KERR_OK)
    abort();
  kwork_init(&g_recv.work, KWORK_OP_UDP_RECV, NULL, on_datagram, 0);
  g_recv.sock = g_bind.sock;
  if (nh_submit(&g_recv.work) != KERR_OK)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int ready;
  if (!ready) {
    setup();
    ready = 1;
  }
  if (size > KCONFIG_NET_FRAME_MAX)
    size = KCONFIG_NET_FRAME_MAX;
  nh_inject(data, size);
  nh_run(KTIME_MS(300)); /* let ARP retries and timers run */
  nh_sent_clear();
  if (nh_rx_outstanding() != 0)
    abort(); /* a buffer the stack never gave back */
  if (kstats(nh_kernel())->bad_completions != 0)
    abort();
  return 0;
}
