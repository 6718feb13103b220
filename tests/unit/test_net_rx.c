/* test_net_rx.c: the stack's standing receives (net/stack.c). It keeps
 * KCONFIG_NET_RX_POSTED of them at the network device, so one poll of the
 * device hands it a whole burst, and it handles every frame of the burst in
 * that tick's callbacks: the datagrams reach their socket, and the answers
 * the stack makes itself reach the device, before the tick ends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "fake_platform.h"
#include "support/net_harness.h"

#define PORT 7

static kudp_bind_req_t g_bind;
static kudp_recv_req_t g_recv;

static void bind_and_receive(void) {
  memset(&g_bind, 0, sizeof(g_bind));
  kwork_init(&g_bind.work, KWORK_OP_UDP_BIND, NULL, nh_record, 0);
  g_bind.port = PORT;
  assert_int_equal(nh_submit(&g_bind.work), KERR_OK);
  assert_int_equal(g_bind.work.result, KERR_OK);
  memset(&g_recv, 0, sizeof(g_recv));
  kwork_init(&g_recv.work, KWORK_OP_UDP_RECV, NULL, nh_record, 0);
  g_recv.sock = g_bind.sock;
  assert_int_equal(nh_submit(&g_recv.work), KERR_OK);
}

/* Datagram i of a burst: "burst NN". */
static void queue_datagram(unsigned i) {
  char text[16];
  uint8_t f[KCONFIG_NET_FRAME_MAX];
  int n = snprintf(text, sizeof(text), "burst %02u", i);
  nh_queue(f, nh_udp_frame(f, NH_PEER, 1000, NH_OUR, PORT, text, (size_t)n));
}

static void one_tick(void) { kmain_tick(nh_kernel(), fake_clock(nh_kernel())); }

/* The program got datagrams 0..n-1, in order; their buffers go back. */
static void check_delivered(unsigned n) {
  assert_int_equal(nh_times_called(&g_recv.work), n);
  for (unsigned i = 0; i < n; i++) {
    char text[16];
    int len = snprintf(text, sizeof(text), "burst %02u", i);
    const nh_completion_t *c = nh_completion(&g_recv.work, i);
    assert_int_equal(c->result, KERR_OK);
    assert_int_equal(c->length, (size_t)len);
    assert_memory_equal(c->copy, text, (size_t)len);
    assert_int_equal(kbuf_release(nh_kernel(), c->buf), KERR_OK);
  }
  assert_int_equal(nh_rx_outstanding(), 0);
}

static void test_receives_posted(void **state) {
  (void)state;
  assert_int_equal(nh_recvs_posted(), KCONFIG_NET_RX_POSTED);
}

/* A burst as large as the receives posted: one poll, one tick. */
static void test_burst_in_one_tick(void **state) {
  (void)state;
  bind_and_receive();
  uint64_t eth = nh_stats()->eth_rx, udp = nh_stats()->udp_rx;
  size_t polls = nh_polls();
  for (unsigned i = 0; i < KCONFIG_NET_RX_POSTED; i++)
    queue_datagram(i);
  one_tick();
  assert_int_equal(nh_polls(), polls + 1);
  assert_int_equal(nh_queued(), 0);
  assert_int_equal(nh_stats()->eth_rx - eth, KCONFIG_NET_RX_POSTED);
  assert_int_equal(nh_stats()->udp_rx - udp, KCONFIG_NET_RX_POSTED);
  /* Every receive is back at the device by the end of the same tick. */
  assert_int_equal(nh_recvs_posted(), KCONFIG_NET_RX_POSTED);
  nh_run(0);
  check_delivered(KCONFIG_NET_RX_POSTED);
}

/* A larger burst: the poll takes as many as are posted; the rest take
 * the receives as they are re-armed, and the tick's next pass handles them
 * (kmain_tick runs callbacks and dispatch again while in-kernel work is
 * left, up to KCONFIG_TICK_PASSES). The program here has one receive
 * posted, so its socket queues what it has not taken yet
 * (KCONFIG_UDP_QUEUE): what is delivered comes in order, and what is not
 * is counted. */
static void test_burst_larger_than_posted(void **state) {
  (void)state;
  bind_and_receive();
  const unsigned n = KCONFIG_NET_RX_POSTED + 8;
  uint64_t eth = nh_stats()->eth_rx, full = nh_stats()->udp_drop_queue_full;
  for (unsigned i = 0; i < n; i++)
    queue_datagram(i);
  one_tick();
  assert_int_equal(nh_queued(), 0);
  assert_int_equal(nh_stats()->eth_rx - eth, n); /* all in the same tick */
  nh_run(0);
  size_t got = nh_times_called(&g_recv.work);
  assert_true(got >= 1 + KCONFIG_UDP_QUEUE);
  assert_int_equal(got + (nh_stats()->udp_drop_queue_full - full), n);
  check_delivered((unsigned)got);
}

/* Frames the stack answers itself: a burst of echo requests is answered
 * in the tick it arrives, every reply at the device before the tick ends. */
static void test_burst_answered_in_one_tick(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  for (unsigned i = 0; i < KCONFIG_NET_RX_POSTED; i++) {
    uint8_t m[ICMP_HLEN + 8], f[ETH_MIN_FRAME + 64];
    size_t len = nh_icmp_echo(m, 8, 0x77, (uint16_t)i, 8);
    nh_queue(f, nh_ipv4_frame(f, NH_PEER, NH_OUR, IP_PROTO_ICMP, m, len));
  }
  one_tick();
  assert_int_equal(nh_sent_count(), KCONFIG_NET_RX_POSTED);
  for (unsigned i = 0; i < KCONFIG_NET_RX_POSTED; i++) {
    size_t len;
    const uint8_t *f = nh_sent(i, &len);
    assert_memory_equal(f, NH_PEER_MAC, 6);
    assert_int_equal(f[NET_PAYLOAD], 0);                 /* echo reply */
    assert_int_equal(net_get16(f + NET_PAYLOAD + 6), i); /* its sequence */
  }
  nh_run(0);
  assert_int_equal(nh_rx_outstanding(), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_receives_posted, nh_setup),
      cmocka_unit_test_setup(test_burst_in_one_tick, nh_setup),
      cmocka_unit_test_setup(test_burst_larger_than_posted, nh_setup),
      cmocka_unit_test_setup(test_burst_answered_in_one_tick, nh_setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
