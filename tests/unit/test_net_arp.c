/* test_net_arp.c: net/arp.c (RFC 826) through the net harness: answering
 * requests for our address, the cache (merge, expiry, replacement),
 * validation of received packets, resolution of frames and ARP_RESOLVE
 * items (request, retries, give-up), the limits of the pending table, and
 * the gratuitous ARP. Frames are built by hand and read back byte by byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "fake_platform.h"
#include "net_harness.h"

#define OTHER KIP4(10, 0, 2, 7)

static const uint8_t MAC_B[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0b};

/* ---------------------------------------------------------------- helpers */

static net_stack_t *st(void) { return nh_stack(); }

static size_t free_slots(void) {
  size_t n = 0;
  for (net_tx_t *t = st()->tx_free; t; t = t->next)
    n++;
  return n;
}

static void inject_reply(const uint8_t *sha, kip4_t spa) {
  nh_inject_arp(NH_MAC, 2, sha, spa, NH_MAC, NH_OUR);
}

/* Check that sent frame i is an ARP packet with these fields, from us. */
static void assert_arp_sent(size_t i, const uint8_t *eth_dst, uint16_t op,
                            kip4_t spa, const uint8_t *tha, kip4_t tpa) {
  size_t len;
  const uint8_t *f = nh_sent(i, &len);
  assert_int_equal(len, ETH_MIN_FRAME);
  assert_memory_equal(f, eth_dst, 6);
  assert_memory_equal(f + 6, NH_MAC, 6);
  assert_int_equal(net_get16(f + 12), ETH_TYPE_ARP);
  const uint8_t *p = f + ETH_HLEN;
  assert_int_equal(net_get16(p), 1);
  assert_int_equal(net_get16(p + 2), 0x0800);
  assert_int_equal(p[4], 6);
  assert_int_equal(p[5], 4);
  assert_int_equal(net_get16(p + 6), op);
  assert_memory_equal(p + 8, NH_MAC, 6);
  assert_int_equal(net_get32(p + 14), spa);
  assert_memory_equal(p + 18, tha, 6);
  assert_int_equal(net_get32(p + 24), tpa);
  for (size_t k = ETH_HLEN + 28; k < len; k++)
    assert_int_equal(f[k], 0);
}

static void assert_request_sent(size_t i, kip4_t tpa) {
  assert_arp_sent(i, NH_BCAST_MAC, 1, NH_OUR, NH_ZERO_MAC, tpa);
}

static kerr_t submit_resolve(karp_req_t *r, kip4_t addr) {
  memset(r, 0, sizeof(*r));
  kwork_init(&r->work, KWORK_OP_ARP_RESOLVE, r, nh_record, 0);
  r->addr = addr;
  return nh_submit(&r->work);
}

/* A frame for `nexthop` carrying an IP-sized payload of `n` bytes of
 * `fill`, handed to arp_output as ipv4_output would. */
static net_tx_t *output_frame(kip4_t nexthop, uint8_t fill, size_t n) {
  net_tx_t *tx = net_tx_alloc(st(), NULL);
  assert_non_null(tx);
  memset(tx->frame + ETH_HLEN, fill, n);
  tx->len = (uint16_t)(ETH_HLEN + n);
  arp_output(st(), tx, nexthop);
  return tx;
}

/* --------------------------------------------------- answering and cache */

static void test_request_for_us_answered(void **state) {
  (void)state;
  nh_inject_arp(NH_BCAST_MAC, 1, NH_PEER_MAC, NH_PEER, NH_ZERO_MAC, NH_OUR);
  assert_int_equal(nh_stats()->arp_rx, 1);
  assert_int_equal(nh_stats()->arp_replies_sent, 1);
  assert_int_equal(nh_sent_count(), 1);
  assert_arp_sent(0, NH_PEER_MAC, 2, NH_OUR, NH_PEER_MAC, NH_PEER);
  /* ... and the asker is learned */
  uint8_t mac[6];
  assert_true(arp_lookup(st(), NH_PEER, mac));
  assert_memory_equal(mac, NH_PEER_MAC, 6);
  assert_int_equal(nh_stats()->arp_drop_bad, 0);
  assert_int_equal(free_slots(), KCONFIG_NET_TX_SLOTS);
}

/* The reply goes to the sender hardware address of the packet (which must
 * be the Ethernet source: test_sender_mac_must_be_frame_source). */
static void test_reply_goes_to_sender_mac(void **state) {
  (void)state;
  nh_inject_arp(NH_MAC, 1, MAC_B, OTHER, NH_ZERO_MAC, NH_OUR);
  assert_int_equal(nh_sent_count(), 1);
  assert_arp_sent(0, MAC_B, 2, NH_OUR, MAC_B, OTHER);
}

static void test_request_for_other_ignored(void **state) {
  (void)state;
  nh_inject_arp(NH_BCAST_MAC, 1, NH_PEER_MAC, NH_PEER, NH_ZERO_MAC, OTHER);
  assert_int_equal(nh_stats()->arp_rx, 1);
  assert_int_equal(nh_sent_count(), 0);
  assert_int_equal(nh_stats()->arp_replies_sent, 0);
  assert_int_equal(nh_stats()->arp_drop_bad, 0);
  assert_false(arp_lookup(st(), NH_PEER, NULL));
}

/* RFC 826 merge: a sender already known is updated even when the packet
 * is not for us. */
static void test_known_sender_updated(void **state) {
  (void)state;
  uint8_t mac[6];
  inject_reply(NH_PEER_MAC, NH_PEER);
  assert_true(arp_lookup(st(), NH_PEER, mac));
  assert_memory_equal(mac, NH_PEER_MAC, 6);
  nh_inject_arp(NH_BCAST_MAC, 1, MAC_B, NH_PEER, NH_ZERO_MAC, OTHER);
  assert_true(arp_lookup(st(), NH_PEER, mac));
  assert_memory_equal(mac, MAC_B, 6);
  assert_int_equal(nh_sent_count(), 0);
}

static void test_reply_fills_cache(void **state) {
  (void)state;
  uint8_t mac[6];
  assert_false(arp_lookup(st(), OTHER, mac));
  inject_reply(MAC_B, OTHER);
  assert_true(arp_lookup(st(), OTHER, mac));
  assert_memory_equal(mac, MAC_B, 6);
  assert_int_equal(nh_sent_count(), 0); /* replies are not answered */
  assert_int_equal(nh_stats()->arp_rx, 1);
}

/* Before the interface has an address nothing is "for us". */
static void test_not_answered_without_address(void **state) {
  (void)state;
  nh_init();
  net_stack_start(st(), false);
  nh_run(0);
  nh_inject_arp(NH_BCAST_MAC, 1, NH_PEER_MAC, NH_PEER, NH_ZERO_MAC, NH_OUR);
  nh_inject_arp(NH_BCAST_MAC, 1, NH_PEER_MAC, NH_PEER, NH_ZERO_MAC, 0);
  assert_int_equal(nh_stats()->arp_rx, 2);
  assert_int_equal(nh_sent_count(), 0);
  assert_false(arp_lookup(st(), NH_PEER, NULL));
}

/* RFC 5227 probe (sender IP 0) for our address: answered, not cached. */
static void test_probe_for_us_answered(void **state) {
  (void)state;
  nh_inject_arp(NH_BCAST_MAC, 1, MAC_B, 0, NH_ZERO_MAC, NH_OUR);
  assert_int_equal(nh_sent_count(), 1);
  assert_arp_sent(0, MAC_B, 2, NH_OUR, MAC_B, 0);
  assert_false(arp_lookup(st(), 0, NULL));
  assert_int_equal(nh_stats()->arp_drop_bad, 0);
  /* a probe for another address: nothing */
  nh_inject_arp(NH_BCAST_MAC, 1, MAC_B, 0, NH_ZERO_MAC, OTHER);
  assert_int_equal(nh_sent_count(), 1);
  assert_int_equal(nh_stats()->arp_drop_bad, 0);
}

/* No transmit slot for the reply: dropped and counted. */
static void test_reply_without_slot(void **state) {
  (void)state;
  net_tx_t *held[KCONFIG_NET_TX_SLOTS];
  for (size_t i = 0; i < KCONFIG_NET_TX_SLOTS; i++)
    assert_non_null(held[i] = net_tx_alloc(st(), NULL));
  uint64_t drops = kstats(nh_kernel())->drops;
  nh_inject_arp(NH_BCAST_MAC, 1, NH_PEER_MAC, NH_PEER, NH_ZERO_MAC, NH_OUR);
  assert_int_equal(nh_sent_count(), 0);
  assert_int_equal(nh_stats()->tx_drop_no_slot, 1);
  assert_int_equal(nh_stats()->arp_replies_sent, 0);
  assert_int_equal(kstats(nh_kernel())->drops, drops + 1);
  assert_true(arp_lookup(st(), NH_PEER, NULL)); /* still learned */
  for (size_t i = 0; i < KCONFIG_NET_TX_SLOTS; i++)
    net_tx_fail(st(), held[i], KERR_CANCELLED);
  assert_int_equal(free_slots(), KCONFIG_NET_TX_SLOTS);
}

/* ------------------------------------------------------------- malformed */

/* Each mutation of a valid request for us makes it bad. */
static void test_malformed_dropped(void **state) {
  (void)state;
  uint8_t good[28];
  nh_arp_packet(good, 1, NH_PEER_MAC, NH_PEER, NH_ZERO_MAC, NH_OUR);
  struct {
    size_t off;
    uint8_t val;
  } muts[] = {
      {1, 6},    /* htype 6 (IEEE 802) */
      {0, 1},    /* htype 0x0101 */
      {2, 0x86}, /* ptype 0x8600 */
      {3, 0x06}, /* ptype 0x0806 */
      {4, 8},    /* hlen */
      {5, 16},   /* plen */
      {7, 0},    /* op 0 */
      {7, 3},    /* op 3 (RARP request) */
      {6, 1},    /* op 0x0101 */
      {8, 0xff}, /* sender MAC ff:55:... : group bit */
      {8, 0x01}, /* sender MAC 01:55:... : multicast */
      {14, 224}, /* sender IP 224.0.2.2 */
      {14, 255}, /* sender IP 255.0.2.2 */
      {17, 255}, /* sender IP 10.0.2.255: the subnet broadcast */
      {17, 15},  /* sender IP 10.0.2.15: ours */
  };
  uint64_t drops = kstats(nh_kernel())->drops;
  for (size_t i = 0; i < KARRAY_SIZE(muts); i++) {
    uint8_t a[28], f[64];
    memcpy(a, good, sizeof(a));
    a[muts[i].off] = muts[i].val;
    nh_inject(f, nh_frame(f, NULL, ETH_TYPE_ARP, a, sizeof(a)));
    assert_int_equal(nh_stats()->arp_drop_bad, i + 1);
  }
  assert_int_equal(nh_stats()->arp_rx, KARRAY_SIZE(muts));
  assert_int_equal(kstats(nh_kernel())->drops, drops + KARRAY_SIZE(muts));
  assert_int_equal(nh_sent_count(), 0);
  assert_false(arp_lookup(st(), NH_PEER, NULL));
  assert_false(arp_lookup(st(), NH_OUR, NULL));
}

static void test_bad_senders_dropped(void **state) {
  (void)state;
  /* sender MAC 0, the broadcast MAC, our MAC */
  nh_inject_arp(NH_BCAST_MAC, 1, NH_ZERO_MAC, NH_PEER, NH_ZERO_MAC, NH_OUR);
  nh_inject_arp(NH_BCAST_MAC, 1, NH_BCAST_MAC, NH_PEER, NH_ZERO_MAC, NH_OUR);
  nh_inject_arp(NH_BCAST_MAC, 1, NH_MAC, NH_PEER, NH_ZERO_MAC, NH_OUR);
  /* replies from 0.0.0.0 and from the broadcast address */
  nh_inject_arp(NH_MAC, 2, MAC_B, 0, NH_MAC, NH_OUR);
  nh_inject_arp(NH_MAC, 2, MAC_B, KIP4_BROADCAST, NH_MAC, NH_OUR);
  assert_int_equal(nh_stats()->arp_rx, 5);
  assert_int_equal(nh_stats()->arp_drop_bad, 5);
  assert_int_equal(nh_sent_count(), 0);
  assert_false(arp_lookup(st(), NH_PEER, NULL));
}

/* ARP carries no checksum: a frame whose sender MAC is not its Ethernet
 * source (one damaged byte on the wire, or a forgery) is dropped and
 * counted, and neither answered nor cached. Before, such a reply poisoned
 * the cache for KCONFIG_ARP_TTL_NS (found by realmos-sim --faults net: "ARP
 * for node 2 gave the wrong MAC"). */
static void test_sender_mac_must_be_frame_source(void **state) {
  (void)state;
  uint8_t a[NH_ARP_LEN], f[ETH_MIN_FRAME];
  uint8_t damaged[6];
  memcpy(damaged, NH_PEER_MAC, 6);
  damaged[5] ^= 0x40;
  /* A reply from NH_PEER_MAC that names a damaged sender MAC. */
  size_t n = nh_frame(f, NH_MAC, ETH_TYPE_ARP, a,
                      nh_arp_packet(a, 2, damaged, NH_PEER, NH_MAC, NH_OUR));
  nh_inject(f, n);
  assert_int_equal(nh_stats()->arp_drop_bad, 1);
  assert_false(arp_lookup(st(), NH_PEER, NULL));
  /* A request for us the same way: not answered. */
  n = nh_frame(f, NH_BCAST_MAC, ETH_TYPE_ARP, a,
               nh_arp_packet(a, 1, damaged, NH_PEER, NH_ZERO_MAC, NH_OUR));
  nh_inject(f, n);
  assert_int_equal(nh_stats()->arp_drop_bad, 2);
  assert_int_equal(nh_sent_count(), 0);
  /* The same reply, undamaged, is taken. */
  n = nh_frame(f, NH_MAC, ETH_TYPE_ARP, a,
               nh_arp_packet(a, 2, NH_PEER_MAC, NH_PEER, NH_MAC, NH_OUR));
  nh_inject(f, n);
  uint8_t mac[6];
  assert_true(arp_lookup(st(), NH_PEER, mac));
  assert_memory_equal(mac, NH_PEER_MAC, 6);
}

static void test_short_packet_dropped(void **state) {
  (void)state;
  uint8_t a[28], f[64];
  nh_arp_packet(a, 1, NH_PEER_MAC, NH_PEER, NH_ZERO_MAC, NH_OUR);
  nh_inject(f, nh_frame(f, NULL, ETH_TYPE_ARP, a, 27));
  nh_inject(f, nh_frame(f, NULL, ETH_TYPE_ARP, a, 8));
  nh_inject(f, nh_frame(f, NULL, ETH_TYPE_ARP, a, 0));
  assert_int_equal(nh_stats()->arp_rx, 3);
  assert_int_equal(nh_stats()->arp_drop_bad, 3);
  assert_int_equal(nh_sent_count(), 0);
  /* 28 bytes, and a padded frame (46 bytes of payload), are fine */
  nh_inject(f, nh_frame(f, NULL, ETH_TYPE_ARP, a, 28));
  memset(f + ETH_HLEN + 28, 0, 18);
  nh_inject(f, ETH_MIN_FRAME);
  assert_int_equal(nh_stats()->arp_drop_bad, 3);
  assert_int_equal(nh_sent_count(), 2);
}

/* ------------------------------------------------------------ resolution */

static void test_resolve_hit_at_once(void **state) {
  (void)state;
  inject_reply(MAC_B, OTHER);
  karp_req_t r;
  assert_int_equal(submit_resolve(&r, OTHER), KERR_OK);
  assert_int_equal(nh_times_called(&r.work), 1);
  assert_int_equal(nh_result_of(&r.work), KERR_OK);
  assert_memory_equal(r.mac, MAC_B, 6);
  assert_int_equal(nh_sent_count(), 0);
}

static void test_resolve_own_address(void **state) {
  (void)state;
  karp_req_t r;
  assert_int_equal(submit_resolve(&r, NH_OUR), KERR_OK);
  assert_int_equal(nh_result_of(&r.work), KERR_OK);
  assert_memory_equal(r.mac, NH_MAC, 6);
  assert_int_equal(nh_sent_count(), 0);
}

static void test_resolve_bad_address(void **state) {
  (void)state;
  karp_req_t r1, r2, r3;
  assert_int_equal(submit_resolve(&r1, KIP4_BROADCAST), KERR_OK);
  assert_int_equal(submit_resolve(&r2, KIP4(224, 0, 0, 1)), KERR_OK);
  assert_int_equal(submit_resolve(&r3, KIP4(10, 0, 2, 255)), KERR_OK);
  assert_int_equal(nh_result_of(&r1.work), KERR_INVALID);
  assert_int_equal(nh_result_of(&r2.work), KERR_INVALID);
  assert_int_equal(nh_result_of(&r3.work), KERR_INVALID);
  assert_int_equal(nh_sent_count(), 0);
}

static void test_resolve_by_request_and_reply(void **state) {
  (void)state;
  karp_req_t r, r2;
  assert_int_equal(submit_resolve(&r, OTHER), KERR_OK);
  assert_int_equal(nh_times_called(&r.work), 0);
  assert_int_equal(nh_sent_count(), 1);
  assert_request_sent(0, OTHER);
  assert_int_equal(nh_stats()->arp_requests_sent, 2); /* with nh_up's */
  /* a second item for the same address shares the request */
  assert_int_equal(submit_resolve(&r2, OTHER), KERR_OK);
  assert_int_equal(nh_sent_count(), 1);
  inject_reply(MAC_B, OTHER);
  assert_int_equal(nh_times_called(&r.work), 1);
  assert_int_equal(nh_times_called(&r2.work), 1);
  assert_int_equal(nh_result_of(&r.work), KERR_OK);
  assert_int_equal(nh_result_of(&r2.work), KERR_OK);
  assert_memory_equal(r.mac, MAC_B, 6);
  assert_memory_equal(r2.mac, MAC_B, 6);
  /* resolved: no more requests */
  nh_run(KTIME_S(5));
  assert_int_equal(nh_sent_count(), 1);
  assert_true(arp_lookup(st(), OTHER, NULL));
}

/* A gratuitous ARP from the address being resolved resolves it too. */
static void test_resolve_by_gratuitous(void **state) {
  (void)state;
  karp_req_t r;
  submit_resolve(&r, OTHER);
  nh_inject_arp(NH_BCAST_MAC, 1, MAC_B, OTHER, NH_ZERO_MAC, OTHER);
  assert_int_equal(nh_result_of(&r.work), KERR_OK);
  assert_memory_equal(r.mac, MAC_B, 6);
  assert_int_equal(nh_sent_count(), 1); /* our request; no reply to it */
}

/* Requests at 0, R, 2R, ... (KCONFIG_ARP_TRIES of them), failure at
 * TRIES * R. */
static void test_resolve_gives_up(void **state) {
  (void)state;
  karp_req_t r;
  submit_resolve(&r, OTHER);
  assert_int_equal(nh_sent_count(), 1);
  for (unsigned i = 1; i < KCONFIG_ARP_TRIES; i++) {
    nh_run(KCONFIG_ARP_RETRY_NS - 1);
    assert_int_equal(nh_sent_count(), i);
    nh_run(1);
    assert_int_equal(nh_sent_count(), i + 1);
    assert_request_sent(i, OTHER);
  }
  nh_run(KCONFIG_ARP_RETRY_NS - 1);
  assert_int_equal(nh_times_called(&r.work), 0);
  nh_run(1);
  assert_int_equal(nh_times_called(&r.work), 1);
  assert_int_equal(nh_result_of(&r.work), KERR_UNREACHABLE);
  assert_int_equal(nh_sent_count(), KCONFIG_ARP_TRIES);
  assert_int_equal(nh_stats()->arp_requests_sent, 1 + KCONFIG_ARP_TRIES);
  /* and nothing more happens */
  nh_run(KTIME_S(10));
  assert_int_equal(nh_sent_count(), KCONFIG_ARP_TRIES);
  assert_int_equal(nh_times_called(&r.work), 1);
  /* a late reply has nobody to wake; addressed to us, it is cached */
  inject_reply(MAC_B, OTHER);
  assert_true(arp_lookup(st(), OTHER, NULL));
}

static void test_resolve_cancelled(void **state) {
  (void)state;
  karp_req_t r;
  submit_resolve(&r, OTHER);
  assert_int_equal(kcancel(nh_kernel(), &r.work), KERR_OK);
  nh_run(0);
  assert_int_equal(nh_times_called(&r.work), 1);
  assert_int_equal(nh_result_of(&r.work), KERR_CANCELLED);
  /* nobody waits any more: no retries */
  nh_run(KTIME_S(5));
  assert_int_equal(nh_sent_count(), 1);
  assert_int_equal(nh_times_called(&r.work), 1);
  inject_reply(MAC_B, OTHER); /* harmless */
  assert_int_equal(nh_times_called(&r.work), 1);
}

/* Frames wait, then leave in order with the MAC filled in. */
static void test_frames_released_in_order(void **state) {
  (void)state;
  output_frame(OTHER, 0x11, 20);
  output_frame(OTHER, 0x22, 100);
  output_frame(OTHER, 0x33, 46);
  nh_run(0);
  assert_int_equal(nh_sent_count(), 1);
  assert_request_sent(0, OTHER);
  assert_int_equal(free_slots(), KCONFIG_NET_TX_SLOTS - 3);
  inject_reply(MAC_B, OTHER);
  assert_int_equal(nh_sent_count(), 4);
  static const struct {
    uint8_t fill;
    size_t n, len;
  } want[] = {{0x11, 20, 60}, {0x22, 100, 114}, {0x33, 46, 60}};
  for (size_t i = 0; i < 3; i++) {
    size_t len;
    const uint8_t *f = nh_sent(1 + i, &len);
    assert_int_equal(len, want[i].len);
    assert_memory_equal(f, MAC_B, 6);
    assert_memory_equal(f + 6, NH_MAC, 6);
    assert_int_equal(net_get16(f + 12), ETH_TYPE_IPV4);
    for (size_t k = 0; k < want[i].n; k++)
      assert_int_equal(f[ETH_HLEN + k], want[i].fill);
    for (size_t k = ETH_HLEN + want[i].n; k < len; k++)
      assert_int_equal(f[k], 0);
  }
  assert_int_equal(free_slots(), KCONFIG_NET_TX_SLOTS);
  /* now a hit: sent at once */
  output_frame(OTHER, 0x44, 30);
  nh_run(0);
  assert_int_equal(nh_sent_count(), 5);
  assert_memory_equal(nh_sent(4, NULL), MAC_B, 6);
  assert_int_equal(nh_stats()->arp_requests_sent, 2);
}

static void test_frames_fail_unresolved(void **state) {
  (void)state;
  output_frame(OTHER, 0x11, 20);
  output_frame(OTHER, 0x22, 20);
  uint64_t drops = kstats(nh_kernel())->drops;
  nh_run(KCONFIG_ARP_RETRY_NS * KCONFIG_ARP_TRIES);
  assert_int_equal(nh_sent_count(), KCONFIG_ARP_TRIES);
  for (size_t i = 0; i < KCONFIG_ARP_TRIES; i++)
    assert_request_sent(i, OTHER);
  assert_int_equal(nh_stats()->arp_unresolved, 2);
  assert_int_equal(kstats(nh_kernel())->drops, drops + 2);
  assert_int_equal(free_slots(), KCONFIG_NET_TX_SLOTS);
}

/* Through the whole stack: a ping to an unknown on-link address sends the
 * request; nobody answers; the ping fails KERR_UNREACHABLE. */
static void test_ping_unreachable(void **state) {
  (void)state;
  kping_req_t p;
  memset(&p, 0, sizeof(p));
  kwork_init(&p.work, KWORK_OP_PING, &p, nh_record, 0);
  p.target = OTHER;
  p.size = 8;
  assert_int_equal(nh_submit(&p.work), KERR_OK);
  assert_int_equal(nh_sent_count(), 1);
  assert_request_sent(0, OTHER);
  nh_run(KCONFIG_ARP_RETRY_NS * KCONFIG_ARP_TRIES);
  assert_int_equal(nh_times_called(&p.work), 1);
  assert_int_equal(nh_result_of(&p.work), KERR_UNREACHABLE);
  assert_int_equal(nh_stats()->arp_unresolved, 1);
  assert_int_equal(free_slots(), KCONFIG_NET_TX_SLOTS);
}

/* A ping to an off-link address resolves the gateway, and its frame goes
 * to the gateway's MAC once it answers. */
static void test_ping_via_gateway(void **state) {
  (void)state;
  kping_req_t p;
  memset(&p, 0, sizeof(p));
  kwork_init(&p.work, KWORK_OP_PING, &p, nh_record, 0);
  p.target = KIP4(192, 0, 2, 1);
  p.size = 8;
  assert_int_equal(nh_submit(&p.work), KERR_OK);
  assert_int_equal(nh_sent_count(), 1);
  assert_request_sent(0, NH_PEER);
  inject_reply(NH_PEER_MAC, NH_PEER);
  assert_int_equal(nh_sent_count(), 2);
  size_t len;
  const uint8_t *f = nh_sent(1, &len);
  assert_memory_equal(f, NH_PEER_MAC, 6);
  assert_int_equal(net_get16(f + 12), ETH_TYPE_IPV4);
  assert_int_equal(net_get32(f + ETH_HLEN + 16), KIP4(192, 0, 2, 1));
  assert_int_equal(f[ETH_HLEN + 9], IP_PROTO_ICMP);
  assert_int_equal(nh_times_called(&p.work), 0); /* waits for the echo reply */
  kcancel(nh_kernel(), &p.work);
  nh_run(0);
  assert_int_equal(nh_result_of(&p.work), KERR_CANCELLED);
}

/* A waiting ping that is cancelled leaves the queue (arp_forget); the
 * reply then sends nothing. */
static void test_cancelled_frame_forgotten(void **state) {
  (void)state;
  kping_req_t p;
  memset(&p, 0, sizeof(p));
  kwork_init(&p.work, KWORK_OP_PING, &p, nh_record, 0);
  p.target = OTHER;
  p.size = 8;
  nh_submit(&p.work);
  output_frame(OTHER, 0x55, 20); /* a second frame stays */
  assert_int_equal(free_slots(), KCONFIG_NET_TX_SLOTS - 2);
  kcancel(nh_kernel(), &p.work);
  nh_run(0);
  assert_int_equal(nh_result_of(&p.work), KERR_CANCELLED);
  assert_int_equal(free_slots(), KCONFIG_NET_TX_SLOTS - 1);
  inject_reply(MAC_B, OTHER);
  assert_int_equal(nh_sent_count(), 2);
  const uint8_t *f = nh_sent(1, NULL);
  assert_memory_equal(f, MAC_B, 6);
  assert_int_equal(f[ETH_HLEN], 0x55);
  assert_int_equal(free_slots(), KCONFIG_NET_TX_SLOTS);
  /* arp_forget of a frame that is not waiting */
  net_tx_t *tx = net_tx_alloc(st(), NULL);
  assert_false(arp_forget(st(), tx));
  net_tx_fail(st(), tx, KERR_CANCELLED);
}

/* arp_forget of the last waiter stops the retries. */
static void test_forget_last_frame_stops(void **state) {
  (void)state;
  net_tx_t *a = output_frame(OTHER, 1, 20);
  net_tx_t *b = output_frame(OTHER, 2, 20);
  net_tx_t *c = output_frame(OTHER, 3, 20);
  assert_true(arp_forget(st(), b)); /* the middle */
  assert_true(arp_forget(st(), c)); /* the tail */
  assert_false(arp_forget(st(), c));
  net_tx_t *d = output_frame(OTHER, 4, 20); /* appended after a */
  assert_true(arp_forget(st(), a));         /* the head */
  assert_true(arp_forget(st(), d));         /* the last one */
  net_tx_fail(st(), a, KERR_CANCELLED);
  net_tx_fail(st(), b, KERR_CANCELLED);
  net_tx_fail(st(), c, KERR_CANCELLED);
  net_tx_fail(st(), d, KERR_CANCELLED);
  nh_run(KTIME_S(5));
  assert_int_equal(nh_sent_count(), 1);
  assert_int_equal(nh_stats()->arp_unresolved, 0);
  assert_int_equal(free_slots(), KCONFIG_NET_TX_SLOTS);
}

/* Every pending entry in use: a frame for a new address fails at once. */
static void test_pending_table_full(void **state) {
  (void)state;
  for (unsigned i = 0; i < KCONFIG_ARP_PENDING; i++)
    output_frame(KIP4(10, 0, 2, 100 + i), (uint8_t)i, 20);
  nh_run(0);
  assert_int_equal(nh_sent_count(), KCONFIG_ARP_PENDING);
  for (unsigned i = 0; i < KCONFIG_ARP_PENDING; i++)
    assert_request_sent(i, KIP4(10, 0, 2, 100 + i));
  /* a ping to a new address fails KERR_NO_SPACE */
  kping_req_t p;
  memset(&p, 0, sizeof(p));
  kwork_init(&p.work, KWORK_OP_PING, &p, nh_record, 0);
  p.target = KIP4(10, 0, 2, 99);
  p.size = 8;
  nh_submit(&p.work);
  assert_int_equal(nh_result_of(&p.work), KERR_NO_SPACE);
  assert_int_equal(nh_stats()->arp_drop_queue_full, 1);
  /* a resolve too */
  karp_req_t r;
  submit_resolve(&r, KIP4(10, 0, 2, 98));
  assert_int_equal(nh_result_of(&r.work), KERR_NO_SPACE);
  assert_int_equal(nh_sent_count(), KCONFIG_ARP_PENDING);
  /* an address already pending still takes frames */
  output_frame(KIP4(10, 0, 2, 100), 0x77, 20);
  assert_int_equal(nh_stats()->arp_drop_queue_full, 1);
  assert_int_equal(free_slots(),
                   KCONFIG_NET_TX_SLOTS - KCONFIG_ARP_PENDING - 1);
  inject_reply(MAC_B, KIP4(10, 0, 2, 100));
  assert_int_equal(nh_sent_count(), KCONFIG_ARP_PENDING + 2);
  assert_int_equal(nh_sent(KCONFIG_ARP_PENDING, NULL)[ETH_HLEN], 0);
  assert_int_equal(nh_sent(KCONFIG_ARP_PENDING + 1, NULL)[ETH_HLEN], 0x77);
  /* the freed entry serves a new address */
  output_frame(KIP4(10, 0, 2, 99), 0x88, 20);
  nh_run(0);
  assert_int_equal(nh_stats()->arp_drop_queue_full, 1);
  assert_request_sent(KCONFIG_ARP_PENDING + 2, KIP4(10, 0, 2, 99));
  /* the rest fail in time */
  nh_run(KCONFIG_ARP_RETRY_NS * KCONFIG_ARP_TRIES);
  assert_int_equal(nh_stats()->arp_unresolved, KCONFIG_ARP_PENDING);
  assert_int_equal(free_slots(), KCONFIG_NET_TX_SLOTS);
}

/* KCONFIG_ARP_QUEUE frames waiting for one address: the next fails. (The
 * default queue is as long as the slot pool, so the count is set here.) */
static void test_queue_full(void **state) {
  (void)state;
  output_frame(OTHER, 1, 20);
  arp_pending_t *p = NULL;
  for (size_t i = 0; i < KCONFIG_ARP_PENDING; i++)
    if (st()->arp.pending[i].ip == OTHER)
      p = &st()->arp.pending[i];
  assert_non_null(p);
  assert_int_equal(p->nframes, 1);
  p->nframes = KCONFIG_ARP_QUEUE;
  uint64_t drops = kstats(nh_kernel())->drops;
  output_frame(OTHER, 2, 20);
  assert_int_equal(nh_stats()->arp_drop_queue_full, 1);
  assert_int_equal(kstats(nh_kernel())->drops, drops + 1);
  assert_int_equal(free_slots(), KCONFIG_NET_TX_SLOTS - 2); /* + request */
  p->nframes = 1;
  inject_reply(MAC_B, OTHER);
  assert_int_equal(nh_sent_count(), 2);
  assert_int_equal(nh_sent(1, NULL)[ETH_HLEN], 1);
  assert_int_equal(free_slots(), KCONFIG_NET_TX_SLOTS);
}

/* ----------------------------------------------------------------- cache */

static void test_cache_expires(void **state) {
  (void)state;
  inject_reply(MAC_B, OTHER);
  nh_run(KCONFIG_ARP_TTL_NS - 1);
  assert_true(arp_lookup(st(), OTHER, NULL));
  nh_run(1);
  assert_false(arp_lookup(st(), OTHER, NULL));
  /* sending again asks again */
  output_frame(OTHER, 1, 20);
  nh_run(0);
  assert_int_equal(nh_sent_count(), 1);
  assert_request_sent(0, OTHER);
  inject_reply(MAC_B, OTHER);
  assert_int_equal(nh_sent_count(), 2);
}

/* A refresh (a new reply) restarts the lifetime. */
static void test_cache_refresh(void **state) {
  (void)state;
  inject_reply(MAC_B, OTHER);
  nh_run(KCONFIG_ARP_TTL_NS / 2);
  inject_reply(MAC_B, OTHER);
  nh_run(KCONFIG_ARP_TTL_NS - 1);
  assert_true(arp_lookup(st(), OTHER, NULL));
  nh_run(1);
  assert_false(arp_lookup(st(), OTHER, NULL));
}

/* Full: the entry expiring soonest goes. */
static void test_cache_full_replaces_oldest(void **state) {
  (void)state;
  uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0};
  for (unsigned i = 0; i < KCONFIG_ARP_ENTRIES; i++) {
    mac[5] = (uint8_t)i;
    inject_reply(mac, KIP4(10, 0, 2, 100 + i));
    nh_run(KTIME_MS(1));
  }
  for (unsigned i = 0; i < KCONFIG_ARP_ENTRIES; i++)
    assert_true(arp_lookup(st(), KIP4(10, 0, 2, 100 + i), NULL));
  /* refresh the oldest: the second oldest becomes the one to go */
  mac[5] = 0;
  inject_reply(mac, KIP4(10, 0, 2, 100));
  mac[5] = 0xee;
  inject_reply(mac, KIP4(10, 0, 2, 50));
  uint8_t got[6];
  assert_true(arp_lookup(st(), KIP4(10, 0, 2, 50), got));
  assert_memory_equal(got, mac, 6);
  assert_true(arp_lookup(st(), KIP4(10, 0, 2, 100), NULL));
  assert_false(arp_lookup(st(), KIP4(10, 0, 2, 101), NULL));
  for (unsigned i = 2; i < KCONFIG_ARP_ENTRIES; i++) {
    assert_true(arp_lookup(st(), KIP4(10, 0, 2, 100 + i), got));
    assert_int_equal(got[5], i);
  }
  /* the next goes too */
  inject_reply(mac, KIP4(10, 0, 2, 51));
  assert_false(arp_lookup(st(), KIP4(10, 0, 2, 102), NULL));
  assert_true(arp_lookup(st(), KIP4(10, 0, 2, 50), NULL));
}

/* An expired entry's place is reused before any live one. */
static void test_cache_reuses_expired(void **state) {
  (void)state;
  inject_reply(MAC_B, KIP4(10, 0, 2, 40));
  nh_run(KTIME_S(1));
  for (unsigned i = 1; i < KCONFIG_ARP_ENTRIES; i++)
    inject_reply(MAC_B, KIP4(10, 0, 2, 100 + i));
  nh_run(KCONFIG_ARP_TTL_NS - KTIME_S(1)); /* the first has expired */
  assert_false(arp_lookup(st(), KIP4(10, 0, 2, 40), NULL));
  inject_reply(MAC_B, KIP4(10, 0, 2, 41));
  for (unsigned i = 1; i < KCONFIG_ARP_ENTRIES; i++)
    assert_true(arp_lookup(st(), KIP4(10, 0, 2, 100 + i), NULL));
  assert_true(arp_lookup(st(), KIP4(10, 0, 2, 41), NULL));
}

/* ------------------------------------------------------------ gratuitous */

static void test_gratuitous_at_configure(void **state) {
  (void)state;
  assert_int_equal(nh_stats()->arp_requests_sent, 1); /* nh_up's, cleared */
  arp_announce(st());
  nh_run(0);
  assert_int_equal(nh_sent_count(), 1);
  assert_arp_sent(0, NH_BCAST_MAC, 1, NH_OUR, NH_ZERO_MAC, NH_OUR);
  assert_int_equal(nh_stats()->arp_requests_sent, 2);
}

/* Seen as the harness's NIC sees it: the first frame after configuring. */
static void test_gratuitous_first_frame(void **state) {
  (void)state;
  nh_init();
  net_stack_start(st(), false);
  nh_run(0);
  assert_int_equal(nh_sent_count(), 0);
  kip_config_t cfg = {.addr = NH_OUR, .netmask = NH_MASK, .gateway = NH_PEER};
  net_configure(st(), &cfg);
  nh_run(0);
  assert_int_equal(nh_sent_count(), 1);
  assert_arp_sent(0, NH_BCAST_MAC, 1, NH_OUR, NH_ZERO_MAC, NH_OUR);
}

/* Our own announcement, looped back, is neither answered nor cached. */
static void test_own_gratuitous_ignored(void **state) {
  (void)state;
  nh_inject_arp(NH_BCAST_MAC, 1, NH_MAC, NH_OUR, NH_ZERO_MAC, NH_OUR);
  assert_int_equal(nh_sent_count(), 0);
  assert_false(arp_lookup(st(), NH_OUR, NULL));
  assert_int_equal(nh_stats()->arp_drop_bad, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_request_for_us_answered, nh_setup),
      cmocka_unit_test_setup(test_reply_goes_to_sender_mac, nh_setup),
      cmocka_unit_test_setup(test_request_for_other_ignored, nh_setup),
      cmocka_unit_test_setup(test_known_sender_updated, nh_setup),
      cmocka_unit_test_setup(test_reply_fills_cache, nh_setup),
      cmocka_unit_test_setup(test_not_answered_without_address, nh_setup),
      cmocka_unit_test_setup(test_probe_for_us_answered, nh_setup),
      cmocka_unit_test_setup(test_reply_without_slot, nh_setup),
      cmocka_unit_test_setup(test_malformed_dropped, nh_setup),
      cmocka_unit_test_setup(test_bad_senders_dropped, nh_setup),
      cmocka_unit_test_setup(test_sender_mac_must_be_frame_source, nh_setup),
      cmocka_unit_test_setup(test_short_packet_dropped, nh_setup),
      cmocka_unit_test_setup(test_resolve_hit_at_once, nh_setup),
      cmocka_unit_test_setup(test_resolve_own_address, nh_setup),
      cmocka_unit_test_setup(test_resolve_bad_address, nh_setup),
      cmocka_unit_test_setup(test_resolve_by_request_and_reply, nh_setup),
      cmocka_unit_test_setup(test_resolve_by_gratuitous, nh_setup),
      cmocka_unit_test_setup(test_resolve_gives_up, nh_setup),
      cmocka_unit_test_setup(test_resolve_cancelled, nh_setup),
      cmocka_unit_test_setup(test_frames_released_in_order, nh_setup),
      cmocka_unit_test_setup(test_frames_fail_unresolved, nh_setup),
      cmocka_unit_test_setup(test_ping_unreachable, nh_setup),
      cmocka_unit_test_setup(test_ping_via_gateway, nh_setup),
      cmocka_unit_test_setup(test_cancelled_frame_forgotten, nh_setup),
      cmocka_unit_test_setup(test_forget_last_frame_stops, nh_setup),
      cmocka_unit_test_setup(test_pending_table_full, nh_setup),
      cmocka_unit_test_setup(test_queue_full, nh_setup),
      cmocka_unit_test_setup(test_cache_expires, nh_setup),
      cmocka_unit_test_setup(test_cache_refresh, nh_setup),
      cmocka_unit_test_setup(test_cache_full_replaces_oldest, nh_setup),
      cmocka_unit_test_setup(test_cache_reuses_expired, nh_setup),
      cmocka_unit_test_setup(test_gratuitous_at_configure, nh_setup),
      cmocka_unit_test_setup(test_gratuitous_first_frame, nh_setup),
      cmocka_unit_test_setup(test_own_gratuitous_ignored, nh_setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
