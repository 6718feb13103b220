/* test_net_ipv4.c: net/ipv4.c through the harness (net_harness.h): frames
 * injected as from the wire, frames read back as the NIC got them.
 *
 * Input: a good datagram reaches ICMP; each malformed kind is dropped under
 * its own counter (and kstats()->drops) and reaches nothing; options are
 * skipped and counted; Ethernet padding is cut. Output: the header's every
 * field, routing (broadcast, on-link, gateway, no route), the size limit,
 * and the source 0.0.0.0 before the interface has an address. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "net_harness.h"

#define FAR KIP4(93, 184, 216, 34)
#define SUBNET_BCAST KIP4(10, 0, 2, 255)

static int setup_down(void **state) {
  (void)state;
  nh_init();
  return 0;
}

/* ------------------------------------------------------------- builders */

/* A good frame: an echo request (id 0x4242, seq 7, 16 data bytes) from
 * `src` to `dst`. */
static size_t good_frame(uint8_t *f, kip4_t src, kip4_t dst) {
  uint8_t m[64];
  size_t n = nh_icmp_echo(m, 8, 0x4242, 7, 16);
  return nh_ipv4_frame(f, src, dst, IP_PROTO_ICMP, m, n);
}

/* ------------------------------------------------- what a drop looks like */

/* The sum of every IPv4 drop counter. */
static uint64_t ip_drops(void) {
  const knet_stats_t *s = nh_stats();
  return s->ip_drop_short + s->ip_drop_version + s->ip_drop_length +
         s->ip_drop_checksum + s->ip_drop_ttl + s->ip_drop_fragment +
         s->ip_drop_bad_source + s->ip_drop_not_ours + s->ip_drop_protocol;
}

/* Inject f; it must be dropped under exactly *counter, counted in kstats,
 * reach no protocol and cause no frame to be sent. */
static void expect_drop(const uint8_t *f, size_t n, const uint64_t *counter) {
  uint64_t rx = nh_stats()->ip_rx, before = *counter, all = ip_drops();
  uint64_t drops = kstats(nh_kernel())->drops, icmp = nh_stats()->icmp_rx;
  nh_inject(f, n);
  assert_int_equal(nh_stats()->ip_rx, rx + 1);
  assert_int_equal(*counter, before + 1);
  assert_int_equal(ip_drops(), all + 1);
  assert_int_equal(kstats(nh_kernel())->drops, drops + 1);
  assert_int_equal(nh_stats()->icmp_rx, icmp);
  assert_int_equal(nh_sent_count(), 0);
}

/* ------------------------------------------------------------------ input */

static void test_good_datagram_reaches_icmp(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  uint8_t f[128];
  size_t n = good_frame(f, NH_PEER, NH_OUR);
  nh_inject(f, n);
  assert_int_equal(nh_stats()->ip_rx, 1);
  assert_int_equal(ip_drops(), 0);
  assert_int_equal(nh_stats()->ip_options, 0);
  assert_int_equal(nh_stats()->icmp_rx, 1);
  assert_int_equal(nh_stats()->icmp_echo_replied, 1);
  assert_int_equal(kstats(nh_kernel())->drops, 0);
  assert_int_equal(nh_sent_count(), 1);
  assert_int_equal(nh_rx_outstanding(), 0);
}

static void test_drop_short(void **state) {
  (void)state;
  uint8_t f[128], ip[IP_HLEN];
  size_t n = good_frame(f, NH_PEER, NH_OUR);
  (void)n;
  memcpy(ip, f + ETH_HLEN, IP_HLEN);
  n = nh_frame(f, NULL, ETH_TYPE_IPV4, ip, IP_HLEN - 1);
  expect_drop(f, n, &nh_stats()->ip_drop_short);
  n = nh_frame(f, NULL, ETH_TYPE_IPV4, ip, 0);
  expect_drop(f, n, &nh_stats()->ip_drop_short);
}

static void test_drop_version_6(void **state) {
  (void)state;
  uint8_t f[128];
  size_t n = good_frame(f, NH_PEER, NH_OUR);
  f[ETH_HLEN] = 0x65;
  nh_fix_ip_checksum(f);
  expect_drop(f, n, &nh_stats()->ip_drop_version);
}

static void test_drop_ihl_4(void **state) {
  (void)state;
  uint8_t f[128];
  size_t n = good_frame(f, NH_PEER, NH_OUR);
  f[ETH_HLEN] = 0x44;
  expect_drop(f, n, &nh_stats()->ip_drop_length);
}

static void test_drop_ihl_beyond_length(void **state) {
  (void)state;
  uint8_t f[128];
  size_t n = good_frame(f, NH_PEER, NH_OUR); /* 44 bytes of IPv4 */
  f[ETH_HLEN] = 0x4f;                        /* a 60-byte header */
  expect_drop(f, n, &nh_stats()->ip_drop_length);
}

static void test_drop_total_length_beyond_frame(void **state) {
  (void)state;
  uint8_t f[128];
  size_t n = good_frame(f, NH_PEER, NH_OUR);
  net_put16(f + ETH_HLEN + 2, (uint16_t)(n - ETH_HLEN + 1));
  nh_fix_ip_checksum(f);
  expect_drop(f, n, &nh_stats()->ip_drop_length);
}

static void test_drop_total_length_below_header(void **state) {
  (void)state;
  uint8_t f[128];
  size_t n = good_frame(f, NH_PEER, NH_OUR);
  net_put16(f + ETH_HLEN + 2, IP_HLEN - 1);
  nh_fix_ip_checksum(f);
  expect_drop(f, n, &nh_stats()->ip_drop_length);
}

static void test_drop_bad_checksum(void **state) {
  (void)state;
  uint8_t f[128];
  size_t n = good_frame(f, NH_PEER, NH_OUR);
  f[ETH_HLEN + 11] ^= 0x01;
  expect_drop(f, n, &nh_stats()->ip_drop_checksum);
  /* A header changed after its checksum was computed. */
  n = good_frame(f, NH_PEER, NH_OUR);
  f[ETH_HLEN + 1] = 0x10; /* TOS */
  expect_drop(f, n, &nh_stats()->ip_drop_checksum);
}

static void test_drop_ttl_0(void **state) {
  (void)state;
  uint8_t f[128];
  size_t n = good_frame(f, NH_PEER, NH_OUR);
  f[ETH_HLEN + 8] = 0;
  nh_fix_ip_checksum(f);
  expect_drop(f, n, &nh_stats()->ip_drop_ttl);
}

static void test_drop_fragments(void **state) {
  (void)state;
  uint8_t f[128];
  size_t n = good_frame(f, NH_PEER, NH_OUR);
  net_put16(f + ETH_HLEN + 6, 0x2000); /* MF, offset 0: the first */
  nh_fix_ip_checksum(f);
  expect_drop(f, n, &nh_stats()->ip_drop_fragment);
  net_put16(f + ETH_HLEN + 6, 0x0001); /* the last, offset 8 */
  nh_fix_ip_checksum(f);
  expect_drop(f, n, &nh_stats()->ip_drop_fragment);
  net_put16(f + ETH_HLEN + 6, 0x3fff); /* MF and the largest offset */
  nh_fix_ip_checksum(f);
  expect_drop(f, n, &nh_stats()->ip_drop_fragment);
  net_put16(f + ETH_HLEN + 6, 0x5000); /* DF with offset 0x1000 */
  nh_fix_ip_checksum(f);
  expect_drop(f, n, &nh_stats()->ip_drop_fragment);
  assert_int_equal(nh_stats()->ip_drop_fragment, 4);
}

static void test_df_is_not_a_fragment(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  uint8_t f[128];
  size_t n = good_frame(f, NH_PEER, NH_OUR);
  net_put16(f + ETH_HLEN + 6, 0x4000);
  nh_fix_ip_checksum(f);
  nh_inject(f, n);
  assert_int_equal(ip_drops(), 0);
  assert_int_equal(nh_stats()->icmp_rx, 1);
}

static void test_drop_bad_sources(void **state) {
  (void)state;
  /* Loopback and 240/4 were let through before (RFC 1122 3.2.1.3; the
   * DHCP fuzzer's helper noticed). */
  const kip4_t bad[] = {KIP4_BROADCAST,
                        SUBNET_BCAST,
                        KIP4(224, 0, 0, 1),
                        KIP4(239, 255, 255, 250),
                        NH_OUR,
                        KIP4(127, 0, 0, 1),
                        KIP4(127, 255, 0, 9),
                        KIP4(240, 0, 0, 1),
                        KIP4(254, 1, 2, 3)};
  uint8_t f[128];
  for (size_t i = 0; i < KARRAY_SIZE(bad); i++) {
    size_t n = good_frame(f, bad[i], NH_OUR);
    expect_drop(f, n, &nh_stats()->ip_drop_bad_source);
  }
  assert_int_equal(nh_stats()->ip_drop_bad_source, KARRAY_SIZE(bad));
}

static void test_drop_other_destinations(void **state) {
  (void)state;
  const kip4_t other[] = {KIP4(10, 0, 2, 99), FAR, KIP4(224, 0, 0, 1),
                          KIP4(10, 0, 3, 255), KIP4(0, 0, 0, 0)};
  uint8_t f[128];
  for (size_t i = 0; i < KARRAY_SIZE(other); i++) {
    size_t n = good_frame(f, NH_PEER, other[i]);
    expect_drop(f, n, &nh_stats()->ip_drop_not_ours);
  }
  assert_int_equal(nh_stats()->ip_drop_not_ours, KARRAY_SIZE(other));
}

static void test_broadcast_destinations_accepted(void **state) {
  (void)state;
  uint8_t f[128];
  size_t n = good_frame(f, NH_PEER, KIP4_BROADCAST);
  nh_inject(f, n);
  n = good_frame(f, NH_PEER, SUBNET_BCAST);
  nh_inject(f, n);
  assert_int_equal(nh_stats()->ip_rx, 2);
  assert_int_equal(ip_drops(), 0);
  assert_int_equal(nh_stats()->icmp_rx, 2);
  /* Echo requests to a broadcast are not answered. */
  assert_int_equal(nh_stats()->icmp_echo_replied, 0);
  assert_int_equal(nh_sent_count(), 0);
}

static void test_drop_unknown_protocol(void **state) {
  (void)state;
  uint8_t f[128];
  const uint8_t tcp[20] = {0};
  size_t n = nh_ipv4_frame(f, NH_PEER, NH_OUR, 6, tcp, sizeof(tcp));
  expect_drop(f, n, &nh_stats()->ip_drop_protocol);
  n = nh_ipv4_frame(f, NH_PEER, NH_OUR, 0, tcp, sizeof(tcp));
  expect_drop(f, n, &nh_stats()->ip_drop_protocol);
}

/* IHL 6 (a NOP NOP NOP EOL option word): the options are skipped, the
 * payload found after them, and the reply carries none. */
static void test_options_skipped_and_counted(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  uint8_t m[64], f[128];
  size_t mlen = nh_icmp_echo(m, 8, 0x4242, 7, 16);
  size_t n = nh_ipv4_frame(f, NH_PEER, NH_OUR, IP_PROTO_ICMP, m, mlen);
  uint8_t *ip = f + ETH_HLEN;
  memmove(ip + 24, ip + 20, mlen);
  ip[20] = 1;
  ip[21] = 1;
  ip[22] = 1;
  ip[23] = 0;
  ip[0] = 0x46;
  net_put16(ip + 2, (uint16_t)(24 + mlen));
  nh_fix_ip_checksum(f);
  nh_inject(f, n + 4);
  assert_int_equal(nh_stats()->ip_options, 1);
  assert_int_equal(ip_drops(), 0);
  assert_int_equal(nh_stats()->icmp_rx, 1);
  assert_int_equal(nh_stats()->icmp_drop_bad, 0);
  assert_int_equal(nh_sent_count(), 1);
  size_t len;
  const uint8_t *r = nh_sent(0, &len);
  assert_int_equal(r[ETH_HLEN], 0x45);
  assert_int_equal(net_get16(r + ETH_HLEN + 2), IP_HLEN + mlen);
  assert_memory_equal(r + NET_PAYLOAD + 4, m + 4, mlen - 4);
}

/* A 60-byte frame with a 44-byte datagram: the 2 bytes of padding are not
 * part of the payload (the ICMP checksum would fail if they were). */
static void test_ethernet_padding_cut(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  uint8_t m[64], f[128];
  /* 12 bytes: 46 bytes of frame */
  size_t mlen = nh_icmp_echo(m, 8, 0x4242, 7, 4);
  size_t n = nh_ipv4_frame(f, NH_PEER, NH_OUR, IP_PROTO_ICMP, m, mlen);
  assert_int_equal(n, 46);
  memset(f + n, 0x5a, 60 - n);
  nh_inject(f, 60);
  assert_int_equal(ip_drops(), 0);
  assert_int_equal(nh_stats()->icmp_rx, 1);
  assert_int_equal(nh_stats()->icmp_drop_bad, 0);
  assert_int_equal(nh_stats()->icmp_echo_replied, 1);
  size_t len;
  const uint8_t *r = nh_sent(0, &len);
  assert_int_equal(net_get16(r + ETH_HLEN + 2), IP_HLEN + mlen);
  assert_int_equal(net_fold(net_sum(0, r + NET_PAYLOAD, mlen)), 0);
}

/* Before the interface has an address, any destination is accepted (a
 * DHCP offer may be unicast to the address offered). */
/* Before the address comes, only DHCP's answers (UDP to port 68) are
 * taken, to any destination: an offer may come to the address it offers.
 * Anything else is not ours yet; answering it would answer from an address
 * the sender did not aim at (the simulator found a rebooting node echoing a
 * datagram meant for another node). */
static void test_only_dhcp_while_down(void **state) {
  (void)state;
  net_stack_t *st = nh_stack();
  assert_false(st->up);
  uint8_t f[128];
  const kip4_t dsts[] = {KIP4(10, 0, 2, 99), KIP4_BROADCAST, FAR};
  for (size_t i = 0; i < KARRAY_SIZE(dsts); i++) {
    size_t n = good_frame(f, NH_PEER, dsts[i]);
    net_rx_t rx = {.frame = f, .len = n, .buf = 0, .kept = false};
    ipv4_input(st, &rx, f + ETH_HLEN, n - ETH_HLEN);
    n = nh_udp_frame(f, NH_PEER, 7, dsts[i], 7, "echo?", 5);
    rx.len = n;
    ipv4_input(st, &rx, f + ETH_HLEN, n - ETH_HLEN);
  }
  assert_int_equal(nh_stats()->ip_drop_not_ours, 6);
  assert_int_equal(ip_drops(), 6);
  assert_int_equal(nh_stats()->icmp_rx, 0);
  assert_int_equal(nh_stats()->udp_rx, 0);
  /* To port 68, whatever the destination: it reaches UDP (and DHCP). */
  for (size_t i = 0; i < KARRAY_SIZE(dsts); i++) {
    size_t n = nh_udp_frame(f, NH_PEER, 67, dsts[i], 68, "offer", 5);
    net_rx_t rx = {.frame = f, .len = n, .buf = 0, .kept = false};
    ipv4_input(st, &rx, f + ETH_HLEN, n - ETH_HLEN);
  }
  assert_int_equal(nh_stats()->udp_rx, 3);
  assert_int_equal(ip_drops(), 6);
  /* A broadcast source is still bad. */
  size_t n = good_frame(f, KIP4_BROADCAST, NH_OUR);
  net_rx_t rx = {.frame = f, .len = n, .buf = 0, .kept = false};
  ipv4_input(st, &rx, f + ETH_HLEN, n - ETH_HLEN);
  assert_int_equal(nh_stats()->ip_drop_bad_source, 1);
}

/* ----------------------------------------------------------------- output */

/* `len` payload bytes 0, 1, 2... in a fresh slot, sent to dst as UDP. */
static net_tx_t *send_payload(kip4_t dst, size_t len) {
  net_stack_t *st = nh_stack();
  net_tx_t *tx = net_tx_alloc(st, NULL);
  assert_non_null(tx);
  for (size_t i = 0; i < len && NET_PAYLOAD + i < sizeof(tx->frame); i++)
    tx->frame[NET_PAYLOAD + i] = (uint8_t)i;
  ipv4_output(st, tx, dst, IP_PROTO_UDP, len);
  nh_run(0);
  return tx;
}

static void check_header(const uint8_t *ip, kip4_t src, kip4_t dst,
                         size_t len) {
  assert_int_equal(ip[0], 0x45);
  assert_int_equal(ip[1], 0);
  assert_int_equal(net_get16(ip + 2), IP_HLEN + len);
  assert_int_equal(net_get16(ip + 6), 0x4000); /* DF, offset 0 */
  assert_int_equal(ip[8], KCONFIG_IP_TTL);
  assert_int_equal(ip[9], IP_PROTO_UDP);
  assert_int_equal(net_get32(ip + 12), src);
  assert_int_equal(net_get32(ip + 16), dst);
  assert_int_equal(net_fold(net_sum(0, ip, IP_HLEN)), 0);
  for (size_t i = 0; i < len; i++)
    assert_int_equal(ip[IP_HLEN + i], (uint8_t)i);
}

static void test_output_header_on_link(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  send_payload(NH_PEER, 8);
  send_payload(NH_PEER, 8);
  assert_int_equal(nh_sent_count(), 2);
  size_t len;
  const uint8_t *f = nh_sent(0, &len);
  assert_int_equal(len, ETH_MIN_FRAME); /* 42 bytes, padded */
  assert_memory_equal(f, NH_PEER_MAC, 6);
  assert_memory_equal(f + 6, NH_MAC, 6);
  assert_int_equal(net_get16(f + 12), ETH_TYPE_IPV4);
  check_header(f + ETH_HLEN, NH_OUR, NH_PEER, 8);
  uint16_t id = net_get16(f + ETH_HLEN + 4);
  f = nh_sent(1, &len);
  check_header(f + ETH_HLEN, NH_OUR, NH_PEER, 8);
  assert_int_equal(net_get16(f + ETH_HLEN + 4), (uint16_t)(id + 1));
}

static void test_output_off_link_goes_to_gateway(void **state) {
  (void)state;
  send_payload(FAR, 8);
  assert_int_equal(nh_sent_count(), 1);
  assert_true(nh_answer_arp(NH_GW)); /* asks for the gateway, not FAR */
  assert_int_equal(nh_sent_count(), 2);
  size_t len;
  const uint8_t *f = nh_sent(1, &len);
  assert_memory_equal(f, NH_PEER_MAC, 6);
  check_header(f + ETH_HLEN, NH_OUR, FAR, 8);
}

static void test_output_on_link_resolves_the_destination(void **state) {
  (void)state;
  kip4_t host = KIP4(10, 0, 2, 7);
  send_payload(host, 8);
  assert_int_equal(nh_sent_count(), 1);
  assert_true(nh_answer_arp(host));
  assert_int_equal(nh_sent_count(), 2);
  size_t len;
  const uint8_t *f = nh_sent(1, &len);
  check_header(f + ETH_HLEN, NH_OUR, host, 8);
}

static void test_output_broadcast_needs_no_arp(void **state) {
  (void)state;
  uint64_t asked = nh_stats()->arp_requests_sent; /* the announcement */
  send_payload(KIP4_BROADCAST, 8);
  send_payload(SUBNET_BCAST, 8);
  assert_int_equal(nh_sent_count(), 2);
  assert_int_equal(nh_stats()->arp_requests_sent, asked);
  size_t len;
  const uint8_t *f = nh_sent(0, &len);
  assert_memory_equal(f, NH_BCAST_MAC, 6);
  check_header(f + ETH_HLEN, NH_OUR, KIP4_BROADCAST, 8);
  f = nh_sent(1, &len);
  assert_memory_equal(f, NH_BCAST_MAC, 6);
  check_header(f + ETH_HLEN, NH_OUR, SUBNET_BCAST, 8);
}

/* The largest payload fits the frame exactly; one more byte fails the slot
 * (KERR_RANGE) and sends nothing. */
static void test_output_size_limit(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  net_stack_t *st = nh_stack();
  net_tx_t *tx = send_payload(NH_PEER, KCONFIG_NET_FRAME_MAX - NET_PAYLOAD + 1);
  assert_int_equal(nh_sent_count(), 0);
  assert_ptr_equal(st->tx_free, tx); /* the slot came back */
  send_payload(NH_PEER, KCONFIG_NET_FRAME_MAX - NET_PAYLOAD);
  assert_int_equal(nh_sent_count(), 1);
  size_t len;
  const uint8_t *f = nh_sent(0, &len);
  assert_int_equal(len, KCONFIG_NET_FRAME_MAX);
  assert_int_equal(net_get16(f + ETH_HLEN + 2), 1500);
}

static void test_output_no_route(void **state) {
  (void)state;
  net_stack_t *st = nh_stack();
  uint64_t asked = nh_stats()->arp_requests_sent; /* the announcement */
  net_tx_t *tx = send_payload(FAR, 8);
  assert_int_equal(nh_sent_count(), 0);
  assert_int_equal(nh_stats()->arp_requests_sent, asked);
  assert_ptr_equal(st->tx_free, tx);
}

/* Before an address: source 0.0.0.0 (DHCP's discover), to the broadcast. */
static void test_output_source_while_down(void **state) {
  (void)state;
  send_payload(KIP4_BROADCAST, 8);
  assert_int_equal(nh_sent_count(), 1);
  size_t len;
  const uint8_t *f = nh_sent(0, &len);
  assert_memory_equal(f, NH_BCAST_MAC, 6);
  check_header(f + ETH_HLEN, 0, KIP4_BROADCAST, 8);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_good_datagram_reaches_icmp, nh_setup),
      cmocka_unit_test_setup(test_drop_short, nh_setup),
      cmocka_unit_test_setup(test_drop_version_6, nh_setup),
      cmocka_unit_test_setup(test_drop_ihl_4, nh_setup),
      cmocka_unit_test_setup(test_drop_ihl_beyond_length, nh_setup),
      cmocka_unit_test_setup(test_drop_total_length_beyond_frame, nh_setup),
      cmocka_unit_test_setup(test_drop_total_length_below_header, nh_setup),
      cmocka_unit_test_setup(test_drop_bad_checksum, nh_setup),
      cmocka_unit_test_setup(test_drop_ttl_0, nh_setup),
      cmocka_unit_test_setup(test_drop_fragments, nh_setup),
      cmocka_unit_test_setup(test_df_is_not_a_fragment, nh_setup),
      cmocka_unit_test_setup(test_drop_bad_sources, nh_setup),
      cmocka_unit_test_setup(test_drop_other_destinations, nh_setup),
      cmocka_unit_test_setup(test_broadcast_destinations_accepted, nh_setup),
      cmocka_unit_test_setup(test_drop_unknown_protocol, nh_setup),
      cmocka_unit_test_setup(test_options_skipped_and_counted, nh_setup),
      cmocka_unit_test_setup(test_ethernet_padding_cut, nh_setup),
      cmocka_unit_test_setup(test_only_dhcp_while_down, setup_down),
      cmocka_unit_test_setup(test_output_header_on_link, nh_setup),
      cmocka_unit_test_setup(test_output_off_link_goes_to_gateway, nh_setup),
      cmocka_unit_test_setup(test_output_on_link_resolves_the_destination,
                             nh_setup),
      cmocka_unit_test_setup(test_output_broadcast_needs_no_arp, nh_setup),
      cmocka_unit_test_setup(test_output_size_limit, nh_setup),
      cmocka_unit_test_setup(test_output_no_route, nh_setup_no_gateway),
      cmocka_unit_test_setup(test_output_source_while_down, setup_down),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
