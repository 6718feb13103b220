/* test_net_eth.c: net/eth.c, Ethernet II framing, through the net harness:
 * which received frames are accepted and where they go, which are dropped
 * and under which counter, and the header and padding of frames sent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "net_harness.h"

static const uint8_t OTHER_MAC[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x57};
static const uint8_t MCAST_MAC[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};

/* An ARP request from the peer for our address (28 bytes). */
static size_t arp_request(uint8_t *p) {
  return nh_arp_packet(p, 1, NH_PEER_MAC, NH_PEER, NH_ZERO_MAC, NH_OUR);
}

static void test_short_frames_dropped(void **state) {
  (void)state;
  uint8_t f[ETH_HLEN] = {0};
  memcpy(f, NH_MAC, 6);
  uint64_t drops = kstats(nh_kernel())->drops;
  size_t released = nh_released();
  nh_inject(f, 0);
  nh_inject(f, 1);
  nh_inject(f, ETH_HLEN - 1);
  assert_int_equal(nh_stats()->eth_rx, 3);
  assert_int_equal(nh_stats()->eth_drop_short, 3);
  assert_int_equal(kstats(nh_kernel())->drops, drops + 3);
  assert_int_equal(nh_released(), released + 3);
  assert_int_equal(nh_rx_outstanding(), 0);
  assert_int_equal(nh_sent_count(), 0);
}

/* A bare header is long enough for Ethernet; the empty payload is the next
 * layer's business (IPv4 counts it short). */
static void test_header_only_frame_passes(void **state) {
  (void)state;
  uint8_t f[ETH_HLEN];
  nh_inject(f, nh_frame(f, NULL, ETH_TYPE_IPV4, NULL, 0));
  assert_int_equal(nh_stats()->eth_rx, 1);
  assert_int_equal(nh_stats()->eth_drop_short, 0);
  assert_int_equal(nh_stats()->ip_rx, 1);
  assert_int_equal(nh_stats()->ip_drop_short, 1);
}

static void test_other_unicast_dropped(void **state) {
  (void)state;
  uint8_t f[64], a[28];
  nh_inject(f, nh_frame(f, OTHER_MAC, ETH_TYPE_ARP, a, arp_request(a)));
  assert_int_equal(nh_stats()->eth_rx, 1);
  assert_int_equal(nh_stats()->eth_drop_not_ours, 1);
  assert_int_equal(nh_stats()->arp_rx, 0);
  assert_int_equal(nh_sent_count(), 0);
}

static void test_multicast_dropped(void **state) {
  (void)state;
  uint8_t f[64], a[28];
  nh_inject(f, nh_frame(f, MCAST_MAC, ETH_TYPE_ARP, a, arp_request(a)));
  assert_int_equal(nh_stats()->eth_drop_not_ours, 1);
  assert_int_equal(nh_stats()->arp_rx, 0);
  assert_int_equal(nh_sent_count(), 0);
}

static void test_unknown_types_dropped(void **state) {
  (void)state;
  static const uint16_t types[] = {0x86dd, 0x8100, 0x88a8, 0x0000,
                                   0x0801, 0x0805, 0x0807, 0xffff};
  uint8_t f[64], a[28];
  uint64_t drops = kstats(nh_kernel())->drops;
  for (size_t i = 0; i < KARRAY_SIZE(types); i++)
    nh_inject(f, nh_frame(f, NULL, types[i], a, arp_request(a)));
  assert_int_equal(nh_stats()->eth_rx, KARRAY_SIZE(types));
  assert_int_equal(nh_stats()->eth_drop_type, KARRAY_SIZE(types));
  assert_int_equal(kstats(nh_kernel())->drops, drops + KARRAY_SIZE(types));
  assert_int_equal(nh_stats()->arp_rx, 0);
  assert_int_equal(nh_stats()->ip_rx, 0);
  assert_int_equal(nh_sent_count(), 0);
}

/* ARP to broadcast and to our MAC both reach arp.c (and get answered). */
static void test_broadcast_and_ours_accepted(void **state) {
  (void)state;
  uint8_t f[64], a[28];
  nh_inject(f, nh_frame(f, NH_BCAST_MAC, ETH_TYPE_ARP, a, arp_request(a)));
  nh_inject(f, nh_frame(f, NH_MAC, ETH_TYPE_ARP, a, arp_request(a)));
  assert_int_equal(nh_stats()->eth_rx, 2);
  assert_int_equal(nh_stats()->arp_rx, 2);
  assert_int_equal(nh_stats()->eth_drop_not_ours + nh_stats()->eth_drop_type +
                       nh_stats()->eth_drop_short,
                   0);
  assert_int_equal(nh_sent_count(), 2);
}

/* The payload handed up starts after the header: a valid IPv4 frame is
 * accepted by ipv4.c without a drop. */
static void test_ipv4_handed_up(void **state) {
  (void)state;
  uint8_t f[128];
  uint8_t junk[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  /* protocol 99: IPv4 parses it and counts it as an unknown protocol */
  nh_inject(f, nh_ipv4_frame(f, NH_PEER, NH_OUR, 99, junk, sizeof(junk)));
  assert_int_equal(nh_stats()->eth_rx, 1);
  assert_int_equal(nh_stats()->ip_rx, 1);
  assert_int_equal(nh_stats()->ip_drop_protocol, 1);
  assert_int_equal(nh_stats()->ip_drop_short + nh_stats()->ip_drop_checksum +
                       nh_stats()->ip_drop_version + nh_stats()->ip_drop_length,
                   0);
  assert_int_equal(nh_stats()->arp_rx, 0);
}

/* eth_output on a slot whose payload is `n` bytes of 0xa5 and whose frame
 * beyond it holds stale bytes. */
static const uint8_t *send_payload(size_t n, uint16_t type, size_t *len) {
  net_stack_t *st = nh_stack();
  net_tx_t *tx = net_tx_alloc(st, NULL);
  assert_non_null(tx);
  memset(tx->frame, 0xee, sizeof(tx->frame));
  memset(tx->frame + ETH_HLEN, 0xa5, n);
  eth_output(st, tx, NH_PEER_MAC, type, n);
  assert_int_equal(tx->len, KMAX(ETH_HLEN + n, (size_t)ETH_MIN_FRAME));
  nh_run(0);
  assert_int_equal(nh_sent_count(), 1);
  const uint8_t *f = nh_sent(0, len);
  assert_memory_equal(f, NH_PEER_MAC, 6);
  assert_memory_equal(f + 6, NH_MAC, 6);
  assert_int_equal(net_get16(f + 12), type);
  for (size_t i = 0; i < n; i++)
    assert_int_equal(f[ETH_HLEN + i], 0xa5);
  return f;
}

static void test_output_pads_short_frames(void **state) {
  (void)state;
  static const size_t sizes[] = {0, 1, 28, 45};
  uint64_t tx0 = nh_stats()->eth_tx; /* the gratuitous ARP of nh_up */
  for (size_t k = 0; k < KARRAY_SIZE(sizes); k++) {
    nh_sent_clear();
    size_t len;
    const uint8_t *f = send_payload(sizes[k], ETH_TYPE_ARP, &len);
    assert_int_equal(len, ETH_MIN_FRAME);
    for (size_t i = ETH_HLEN + sizes[k]; i < ETH_MIN_FRAME; i++)
      assert_int_equal(f[i], 0);
  }
  assert_int_equal(nh_stats()->eth_tx, tx0 + KARRAY_SIZE(sizes));
}

static void test_output_long_frames_not_padded(void **state) {
  (void)state;
  uint64_t tx0 = nh_stats()->eth_tx;
  size_t len;
  send_payload(46, ETH_TYPE_IPV4, &len);
  assert_int_equal(len, 60);
  nh_sent_clear();
  send_payload(47, ETH_TYPE_IPV4, &len);
  assert_int_equal(len, 61);
  nh_sent_clear();
  send_payload(1500, ETH_TYPE_IPV4, &len);
  assert_int_equal(len, 1514);
  assert_int_equal(nh_stats()->eth_tx, tx0 + 3);
}

/* The slot comes back once the device is done with it. */
static void test_output_returns_slot(void **state) {
  (void)state;
  size_t free_before = 0, free_after = 0;
  for (net_tx_t *t = nh_stack()->tx_free; t; t = t->next)
    free_before++;
  size_t len;
  send_payload(10, ETH_TYPE_IPV4, &len);
  for (net_tx_t *t = nh_stack()->tx_free; t; t = t->next)
    free_after++;
  assert_int_equal(free_before, KCONFIG_NET_TX_SLOTS);
  assert_int_equal(free_after, KCONFIG_NET_TX_SLOTS);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_short_frames_dropped, nh_setup),
      cmocka_unit_test_setup(test_header_only_frame_passes, nh_setup),
      cmocka_unit_test_setup(test_other_unicast_dropped, nh_setup),
      cmocka_unit_test_setup(test_multicast_dropped, nh_setup),
      cmocka_unit_test_setup(test_unknown_types_dropped, nh_setup),
      cmocka_unit_test_setup(test_broadcast_and_ours_accepted, nh_setup),
      cmocka_unit_test_setup(test_ipv4_handed_up, nh_setup),
      cmocka_unit_test_setup(test_output_pads_short_frames, nh_setup),
      cmocka_unit_test_setup(test_output_long_frames_not_padded, nh_setup),
      cmocka_unit_test_setup(test_output_returns_slot, nh_setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
