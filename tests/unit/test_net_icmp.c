/* test_net_icmp.c: net/icmp.c through the harness (net_harness.h).
 *
 * Echo requests answered byte for byte (and not when sent to a broadcast);
 * malformed messages counted; pings: the request on the wire, the reply
 * completing it with its round-trip time and TTL, replies that do not match,
 * deadlines, cancels, no route, no transmit slot, a full table; port
 * unreachables: their bytes and the rate limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "net_harness.h"

#define FAR KIP4(93, 184, 216, 34)

/* ------------------------------------------------------------- helpers */

static void fix_icmp_checksum(uint8_t *m, size_t len) {
  net_put16(m + 2, 0);
  net_put16(m + 2, net_fold(net_sum(0, m, len)));
}

static void inject_icmp(kip4_t src, kip4_t dst, const uint8_t *m, size_t len,
                        uint8_t ttl) {
  static uint8_t f[KCONFIG_NET_FRAME_MAX];
  size_t n = nh_ipv4_frame(f, src, dst, IP_PROTO_ICMP, m, len);
  f[ETH_HLEN + 8] = ttl;
  nh_fix_ip_checksum(f);
  nh_inject(f, n);
}

/* Frame i sent is IPv4 to `dst` from us, protocol ICMP, to NH_PEER_MAC;
 * its header and ICMP checksums are right. Returns the ICMP message. */
static const uint8_t *sent_icmp(size_t i, kip4_t dst, size_t *mlen) {
  size_t len;
  const uint8_t *f = nh_sent(i, &len);
  assert_memory_equal(f, NH_PEER_MAC, 6);
  assert_memory_equal(f + 6, NH_MAC, 6);
  assert_int_equal(net_get16(f + 12), ETH_TYPE_IPV4);
  const uint8_t *ip = f + ETH_HLEN;
  assert_int_equal(ip[0], 0x45);
  assert_int_equal(ip[1], 0);
  size_t total = net_get16(ip + 2);
  assert_true(total >= IP_HLEN + ICMP_HLEN);
  assert_int_equal(len, KMAX(ETH_HLEN + total, (size_t)ETH_MIN_FRAME));
  assert_int_equal(net_get16(ip + 6), 0x4000);
  assert_int_equal(ip[8], KCONFIG_IP_TTL);
  assert_int_equal(ip[9], IP_PROTO_ICMP);
  assert_int_equal(net_fold(net_sum(0, ip, IP_HLEN)), 0);
  assert_int_equal(net_get32(ip + 12), NH_OUR);
  assert_int_equal(net_get32(ip + 16), dst);
  *mlen = total - IP_HLEN;
  assert_int_equal(net_fold(net_sum(0, ip + IP_HLEN, *mlen)), 0);
  return ip + IP_HLEN;
}

/* ------------------------------------------------------------- pings */

typedef struct {
  kping_req_t req;
  int calls;
  kerr_t result;
} ping_t;

static void on_ping(kwork_t *w) {
  ping_t *p = w->ctx;
  p->calls++;
  p->result = w->result;
}

static kerr_t ping(ping_t *p, kip4_t target, uint16_t size, ktime_t timeout) {
  memset(p, 0, sizeof(*p));
  kwork_init(&p->req.work, KWORK_OP_PING, p, on_ping, 0);
  p->req.target = target;
  p->req.size = size;
  if (timeout)
    kwork_set_timeout(nh_kernel(), &p->req.work, timeout);
  return nh_submit(&p->req.work);
}

/* Answer echo request `i` as the target would: the same message, type 0. */
static void answer_ping(size_t i, kip4_t from, uint8_t ttl) {
  size_t mlen;
  const uint8_t *m = sent_icmp(i, from, &mlen);
  static uint8_t r[KCONFIG_NET_FRAME_MAX];
  memcpy(r, m, mlen);
  r[0] = 0;
  fix_icmp_checksum(r, mlen);
  inject_icmp(from, NH_OUR, r, mlen, ttl);
}

/* ------------------------------------------------------ echo requests */

static void test_echo_request_answered(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  uint8_t m[64];
  size_t mlen = nh_icmp_echo(m, 8, 0x4242, 7, 16);
  inject_icmp(NH_PEER, NH_OUR, m, mlen, 64);
  assert_int_equal(nh_stats()->icmp_rx, 1);
  assert_int_equal(nh_stats()->icmp_echo_replied, 1);
  assert_int_equal(kstats(nh_kernel())->drops, 0);
  assert_int_equal(nh_sent_count(), 1);
  size_t len, rlen;
  const uint8_t *f = nh_sent(0, &len);
  assert_int_equal(len, ETH_MIN_FRAME); /* 58 bytes, padded */
  assert_int_equal(f[58], 0);
  assert_int_equal(f[59], 0);
  const uint8_t *r = sent_icmp(0, NH_PEER, &rlen);
  assert_int_equal(net_get16(f + ETH_HLEN + 2), IP_HLEN + mlen);
  assert_int_equal(rlen, mlen);
  assert_int_equal(r[0], 0); /* echo reply */
  assert_int_equal(r[1], 0);
  assert_int_equal(net_get16(r + 4), 0x4242);
  assert_int_equal(net_get16(r + 6), 7);
  assert_memory_equal(r + 8, m + 8, 16);
  /* Identification: the stack's next one was taken. */
  assert_int_equal(net_get16(f + ETH_HLEN + 4),
                   (uint16_t)(nh_stack()->ip.next_id - 1));
}

/* With the peer unknown, the reply waits for ARP. */
static void test_echo_reply_after_arp(void **state) {
  (void)state;
  uint8_t m[64];
  size_t mlen = nh_icmp_echo(m, 8, 1, 2, 0);
  inject_icmp(NH_PEER, NH_OUR, m, mlen, 64);
  assert_int_equal(nh_sent_count(), 1);
  assert_true(nh_answer_arp(NH_PEER));
  assert_int_equal(nh_sent_count(), 2);
  size_t rlen;
  const uint8_t *r = sent_icmp(1, NH_PEER, &rlen);
  assert_int_equal(rlen, 8);
  assert_int_equal(r[0], 0);
  assert_int_equal(net_get16(r + 4), 1);
  assert_int_equal(net_get16(r + 6), 2);
}

static void test_largest_echo_request(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  static uint8_t m[ICMP_HLEN + KPING_MAX_PAYLOAD];
  size_t mlen = nh_icmp_echo(m, 8, 9, 9, KPING_MAX_PAYLOAD);
  inject_icmp(NH_PEER, NH_OUR, m, mlen, 64);
  size_t rlen;
  const uint8_t *r = sent_icmp(0, NH_PEER, &rlen);
  assert_int_equal(rlen, mlen);
  assert_memory_equal(r + 4, m + 4, mlen - 4);
}

static void test_echo_not_answered(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  uint8_t m[64];
  size_t mlen = nh_icmp_echo(m, 8, 1, 1, 8);
  inject_icmp(NH_PEER, KIP4_BROADCAST, m, mlen, 64);
  inject_icmp(NH_PEER, KIP4(10, 0, 2, 255), m, mlen, 64);
  inject_icmp(0, NH_OUR, m, mlen, 64); /* from 0.0.0.0: nowhere to answer */
  assert_int_equal(nh_stats()->icmp_rx, 3);
  assert_int_equal(nh_stats()->icmp_echo_replied, 0);
  assert_int_equal(nh_stats()->icmp_drop_bad, 0);
  assert_int_equal(nh_sent_count(), 0);
}

static void test_short_and_bad_checksum(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  uint8_t m[64];
  size_t mlen = nh_icmp_echo(m, 8, 1, 1, 8);
  inject_icmp(NH_PEER, NH_OUR, m, ICMP_HLEN - 1, 64);
  assert_int_equal(nh_stats()->icmp_drop_bad, 1);
  inject_icmp(NH_PEER, NH_OUR, m, 0, 64);
  assert_int_equal(nh_stats()->icmp_drop_bad, 2);
  m[9] ^= 0x40;
  inject_icmp(NH_PEER, NH_OUR, m, mlen, 64);
  assert_int_equal(nh_stats()->icmp_drop_bad, 3);
  assert_int_equal(nh_stats()->icmp_rx, 3);
  assert_int_equal(kstats(nh_kernel())->drops, 3);
  assert_int_equal(nh_stats()->icmp_echo_replied, 0);
  assert_int_equal(nh_sent_count(), 0);
}

static void test_other_types_ignored(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  uint8_t m[64] = {0};
  m[0] = 13; /* timestamp request */
  fix_icmp_checksum(m, 20);
  inject_icmp(NH_PEER, NH_OUR, m, 20, 64);
  memset(m, 0, sizeof(m));
  m[0] = 3; /* an unreachable for something we sent */
  m[1] = 3;
  fix_icmp_checksum(m, 36);
  inject_icmp(NH_PEER, NH_OUR, m, 36, 64);
  assert_int_equal(nh_stats()->icmp_rx, 2);
  assert_int_equal(nh_stats()->icmp_drop_bad + nh_stats()->icmp_drop_unmatched,
                   0);
  assert_int_equal(kstats(nh_kernel())->drops, 0);
  assert_int_equal(nh_sent_count(), 0);
}

/* Every slot held at the NIC: the next reply is dropped and counted. */
static void test_echo_without_a_slot(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  nh_hold_sends(true);
  uint8_t m[64];
  size_t mlen = nh_icmp_echo(m, 8, 1, 1, 8);
  for (int i = 0; i < KCONFIG_NET_TX_SLOTS; i++)
    inject_icmp(NH_PEER, NH_OUR, m, mlen, 64);
  assert_int_equal(nh_stats()->icmp_echo_replied, KCONFIG_NET_TX_SLOTS);
  assert_int_equal(nh_stats()->tx_drop_no_slot, 0);
  inject_icmp(NH_PEER, NH_OUR, m, mlen, 64);
  assert_int_equal(nh_stats()->icmp_echo_replied, KCONFIG_NET_TX_SLOTS);
  assert_int_equal(nh_stats()->tx_drop_no_slot, 1);
  assert_int_equal(nh_sent_count(), KCONFIG_NET_TX_SLOTS);
  nh_complete_sends(KERR_OK);
  inject_icmp(NH_PEER, NH_OUR, m, mlen, 64);
  assert_int_equal(nh_stats()->icmp_echo_replied, KCONFIG_NET_TX_SLOTS + 1);
}

/* -------------------------------------------------------------- pings */

static void test_ping_round_trip(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  ping_t p;
  assert_int_equal(ping(&p, NH_GW, 56, 0), KERR_OK);
  assert_int_equal(nh_sent_count(), 1);
  size_t mlen;
  const uint8_t *m = sent_icmp(0, NH_GW, &mlen);
  assert_int_equal(mlen, ICMP_HLEN + 56);
  assert_int_equal(m[0], 8);
  assert_int_equal(m[1], 0);
  uint16_t ident = nh_stack()->icmp.ident;
  assert_int_not_equal(ident, 0);
  assert_int_equal(net_get16(m + 4), ident);
  uint16_t seq = net_get16(m + 6);
  nh_run(KTIME_MS(5));
  assert_int_equal(p.calls, 0);
  answer_ping(0, NH_GW, 61);
  assert_int_equal(p.calls, 1);
  assert_int_equal(p.result, KERR_OK);
  assert_int_equal(p.req.rtt, KTIME_MS(5));
  assert_int_equal(p.req.ttl, 61);
  assert_int_equal(nh_stats()->icmp_drop_unmatched, 0);
  assert_true(kwork_list_empty(&nh_stack()->icmp.pings));
  /* The next ping: same identifier, the next sequence number. */
  ping_t q;
  assert_int_equal(ping(&q, NH_GW, 0, 0), KERR_OK);
  m = sent_icmp(1, NH_GW, &mlen);
  assert_int_equal(mlen, ICMP_HLEN);
  assert_int_equal(net_get16(m + 4), ident);
  assert_int_equal(net_get16(m + 6), (uint16_t)(seq + 1));
  answer_ping(1, NH_GW, 64);
  assert_int_equal(q.result, KERR_OK);
  assert_int_equal(q.req.rtt, 0);
  /* Both answered once: a second copy of the reply matches nothing. */
  answer_ping(1, NH_GW, 64);
  assert_int_equal(q.calls, 1);
  assert_int_equal(nh_stats()->icmp_drop_unmatched, 1);
  assert_int_equal(kstats(nh_kernel())->bad_completions, 0);
}

static void test_ping_largest(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  ping_t p;
  assert_int_equal(ping(&p, NH_GW, KPING_MAX_PAYLOAD, 0), KERR_OK);
  size_t len, mlen;
  nh_sent(0, &len);
  assert_int_equal(len, KCONFIG_NET_FRAME_MAX);
  sent_icmp(0, NH_GW, &mlen);
  assert_int_equal(mlen, ICMP_HLEN + KPING_MAX_PAYLOAD);
  answer_ping(0, NH_GW, 64);
  assert_int_equal(p.result, KERR_OK);
  ping_t big;
  assert_int_equal(ping(&big, NH_GW, KPING_MAX_PAYLOAD + 1, 0), KERR_RANGE);
  assert_int_equal(nh_sent_count(), 1);
}

/* The gateway is not in the cache: ARP first, then the echo request. */
static void test_ping_after_arp(void **state) {
  (void)state;
  ping_t p;
  assert_int_equal(ping(&p, FAR, 8, 0), KERR_OK);
  assert_int_equal(nh_sent_count(), 1);
  nh_run(KTIME_MS(2));
  assert_true(nh_answer_arp(NH_GW));
  assert_int_equal(nh_sent_count(), 2);
  size_t mlen;
  const uint8_t *m = sent_icmp(1, FAR, &mlen);
  assert_int_equal(m[0], 8);
  nh_run(KTIME_MS(3));
  answer_ping(1, FAR, 50);
  assert_int_equal(p.result, KERR_OK);
  assert_int_equal(p.req.rtt, KTIME_MS(5)); /* from the submit */
  assert_int_equal(p.req.ttl, 50);
}

static void test_ping_replies_out_of_order(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  ping_t p[3];
  for (int i = 0; i < 3; i++) {
    assert_int_equal(ping(&p[i], NH_GW, (uint16_t)(10 * i), 0), KERR_OK);
    nh_run(KTIME_MS(1));
  }
  answer_ping(2, NH_GW, 64);
  answer_ping(0, NH_GW, 64);
  answer_ping(1, NH_GW, 64);
  for (int i = 0; i < 3; i++) {
    assert_int_equal(p[i].calls, 1);
    assert_int_equal(p[i].result, KERR_OK);
  }
  assert_int_equal(p[0].req.rtt, KTIME_MS(3));
  assert_int_equal(p[1].req.rtt, KTIME_MS(2));
  assert_int_equal(p[2].req.rtt, KTIME_MS(1));
  assert_int_equal(nh_stats()->icmp_drop_unmatched, 0);
}

/* Replies that are not the ping's: another identifier, another sequence
 * number, other data, less data. Each is counted; the ping still waits. */
static void test_unmatched_replies(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  ping_t p;
  assert_int_equal(ping(&p, NH_GW, 16, 0), KERR_OK);
  size_t mlen;
  const uint8_t *m = sent_icmp(0, NH_GW, &mlen);
  uint8_t r[64];
  for (int kind = 0; kind < 6; kind++) {
    memcpy(r, m, mlen);
    r[0] = 0;
    size_t rlen = mlen;
    if (kind == 0)
      r[4] ^= 0x01; /* identifier */
    else if (kind == 1)
      r[7] ^= 0x01; /* sequence number */
    else if (kind == 2)
      r[ICMP_HLEN + 15] ^= 0x80; /* data */
    else if (kind == 3)
      rlen--; /* a byte short */
    else if (kind == 4)
      r[0] = 8; /* a request from the peer with our numbers: not a reply */
    else        /* a byte more, continuing the run the data seems to follow */
      r[rlen] = (uint8_t)(r[rlen - 1] + 1), rlen++;
    fix_icmp_checksum(r, rlen);
    inject_icmp(NH_PEER, NH_OUR, r, rlen, 64);
  }
  assert_int_equal(nh_stats()->icmp_drop_unmatched, 5);
  assert_int_equal(nh_stats()->icmp_drop_bad, 0);
  assert_int_equal(nh_stats()->icmp_echo_replied, 1); /* kind 4 */
  assert_int_equal(p.calls, 0);
  answer_ping(0, NH_GW, 64);
  assert_int_equal(p.calls, 1);
  assert_int_equal(p.result, KERR_OK);
}

/* Two pings of one size: a reply with the second's numbers but the first's
 * data is not the second's reply. */
static void test_reply_with_another_pings_data(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  ping_t a, b;
  assert_int_equal(ping(&a, NH_GW, 16, 0), KERR_OK);
  assert_int_equal(ping(&b, NH_GW, 16, 0), KERR_OK);
  size_t alen, blen;
  const uint8_t *am = sent_icmp(0, NH_GW, &alen);
  const uint8_t *bm = sent_icmp(1, NH_GW, &blen);
  uint8_t r[64];
  memcpy(r, bm, ICMP_HLEN);
  memcpy(r + ICMP_HLEN, am + ICMP_HLEN, alen - ICMP_HLEN);
  r[0] = 0;
  fix_icmp_checksum(r, blen);
  inject_icmp(NH_GW, NH_OUR, r, blen, 64);
  assert_int_equal(nh_stats()->icmp_drop_unmatched, 1);
  assert_int_equal(a.calls + b.calls, 0);
  answer_ping(1, NH_GW, 64);
  answer_ping(0, NH_GW, 64);
  assert_int_equal(a.result, KERR_OK);
  assert_int_equal(b.result, KERR_OK);
  assert_int_equal(a.calls + b.calls, 2);
}

/* After the sequence numbers wrap, one still waiting is not reused. */
static void test_sequence_wrap_skips_a_waiting_ping(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  ping_t a, b;
  assert_int_equal(ping(&a, NH_GW, 8, 0), KERR_OK);
  size_t len;
  uint16_t seq = net_get16(sent_icmp(0, NH_GW, &len) + 6);
  nh_stack()->icmp.next_seq = seq; /* 65536 pings later */
  assert_int_equal(ping(&b, NH_GW, 8, 0), KERR_OK);
  assert_int_equal(net_get16(sent_icmp(1, NH_GW, &len) + 6),
                   (uint16_t)(seq + 1));
  answer_ping(1, NH_GW, 64);
  assert_int_equal(b.result, KERR_OK);
  assert_int_equal(a.calls, 0);
  answer_ping(0, NH_GW, 64);
  assert_int_equal(a.result, KERR_OK);
}

static void test_reply_without_ping(void **state) {
  (void)state;
  uint8_t m[64];
  size_t mlen = nh_icmp_echo(m, 0, 0, 0, 8);
  inject_icmp(NH_PEER, NH_OUR, m, mlen, 64);
  mlen = nh_icmp_echo(m, 0, 0x1234, 1, 8);
  inject_icmp(NH_PEER, NH_OUR, m, mlen, 64);
  assert_int_equal(nh_stats()->icmp_drop_unmatched, 2);
  assert_int_equal(kstats(nh_kernel())->drops, 2);
  assert_int_equal(nh_sent_count(), 0);
}

static void test_ping_deadline(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  uint64_t live = kstats(nh_kernel())->live; /* the stack's receive */
  ping_t p;
  assert_int_equal(ping(&p, NH_GW, 8, KTIME_MS(100)), KERR_OK);
  nh_run(KTIME_MS(99));
  assert_int_equal(p.calls, 0);
  nh_run(KTIME_MS(2));
  assert_int_equal(p.calls, 1);
  assert_int_equal(p.result, KERR_TIMEOUT);
  assert_true(kwork_list_empty(&nh_stack()->icmp.pings));
  /* The late reply completes nothing. */
  answer_ping(0, NH_GW, 64);
  assert_int_equal(p.calls, 1);
  assert_int_equal(nh_stats()->icmp_drop_unmatched, 1);
  assert_int_equal(kstats(nh_kernel())->bad_completions, 0);
  assert_int_equal(kstats(nh_kernel())->live, live);
}

static void test_ping_cancel(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  ping_t p;
  assert_int_equal(ping(&p, NH_GW, 8, 0), KERR_OK);
  assert_int_equal(kcancel(nh_kernel(), &p.req.work), KERR_OK);
  nh_run(0);
  assert_int_equal(p.calls, 1);
  assert_int_equal(p.result, KERR_CANCELLED);
  assert_true(kwork_list_empty(&nh_stack()->icmp.pings));
  answer_ping(0, NH_GW, 64);
  assert_int_equal(p.calls, 1);
  assert_int_equal(nh_stats()->icmp_drop_unmatched, 1);
}

static void test_ping_no_route(void **state) {
  (void)state;
  ping_t p;
  assert_int_equal(ping(&p, FAR, 8, 0), KERR_OK);
  assert_int_equal(p.calls, 1);
  assert_int_equal(p.result, KERR_UNREACHABLE);
  assert_int_equal(nh_sent_count(), 0);
  assert_true(kwork_list_empty(&nh_stack()->icmp.pings));
  for (size_t i = 0; i < ICMP_PINGS_MAX; i++)
    assert_null(nh_stack()->icmp.waiting[i].work);
}

/* Nobody answers ARP: the ping fails, and is forgotten. */
static void test_ping_arp_fails(void **state) {
  (void)state;
  ping_t p;
  assert_int_equal(ping(&p, KIP4(10, 0, 2, 7), 8, 0), KERR_OK);
  nh_run(KTIME_S(5));
  assert_int_equal(p.calls, 1);
  assert_int_equal(p.result, KERR_UNREACHABLE);
  assert_true(kwork_list_empty(&nh_stack()->icmp.pings));
  for (size_t i = 0; i < ICMP_PINGS_MAX; i++)
    assert_null(nh_stack()->icmp.waiting[i].work);
}

/* No transmit slot: the ping waits for one. Its reply then comes while its
 * request is still at the NIC, and the send failing afterwards must not
 * complete it again. */
static void test_ping_waits_for_a_slot(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  nh_hold_sends(true);
  uint8_t m[64];
  size_t mlen = nh_icmp_echo(m, 8, 1, 1, 8);
  for (int i = 0; i < KCONFIG_NET_TX_SLOTS; i++)
    inject_icmp(NH_PEER, NH_OUR, m, mlen, 64);
  nh_sent_clear();
  ping_t p;
  assert_int_equal(ping(&p, NH_GW, 8, 0), KERR_OK);
  assert_int_equal(nh_sent_count(), 0);
  assert_int_equal(nh_stats()->tx_drop_no_slot, 0);
  nh_run(KTIME_MS(1));
  nh_complete_sends(KERR_OK); /* the echo replies: the ping goes out */
  assert_int_equal(nh_sent_count(), 1);
  size_t rlen;
  const uint8_t *r = sent_icmp(0, NH_GW, &rlen);
  assert_int_equal(r[0], 8);
  nh_run(KTIME_MS(2));
  answer_ping(0, NH_GW, 64);
  assert_int_equal(p.calls, 1);
  assert_int_equal(p.result, KERR_OK);
  assert_int_equal(p.req.rtt, KTIME_MS(2)); /* from when it was sent */
  nh_complete_sends(KERR_IO);               /* the request's send, late */
  assert_int_equal(p.calls, 1);
  assert_int_equal(p.result, KERR_OK);
  assert_int_equal(kstats(nh_kernel())->bad_completions, 0);
}

static void test_ping_table_full(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  static ping_t p[ICMP_PINGS_MAX + 1];
  for (size_t i = 0; i < ICMP_PINGS_MAX; i++)
    assert_int_equal(ping(&p[i], NH_GW, 4, 0), KERR_OK);
  assert_int_equal(nh_sent_count(), ICMP_PINGS_MAX);
  assert_int_equal(ping(&p[ICMP_PINGS_MAX], NH_GW, 4, 0), KERR_OK);
  assert_int_equal(p[ICMP_PINGS_MAX].calls, 1);
  assert_int_equal(p[ICMP_PINGS_MAX].result, KERR_NO_SPACE);
  assert_int_equal(nh_sent_count(), ICMP_PINGS_MAX);
  /* An answer frees a place. */
  answer_ping(5, NH_GW, 64);
  assert_int_equal(p[5].result, KERR_OK);
  ping_t again;
  assert_int_equal(ping(&again, NH_GW, 4, 0), KERR_OK);
  assert_int_equal(again.calls, 0);
  answer_ping(ICMP_PINGS_MAX, NH_GW, 64);
  assert_int_equal(again.calls, 1);
  assert_int_equal(again.result, KERR_OK);
  for (size_t i = 0; i < ICMP_PINGS_MAX; i++)
    if (i != 5)
      assert_int_equal(p[i].calls, 0);
}

/* ----------------------------------------------------- port unreachable */

static size_t udp_to_closed_port(uint8_t *f, kip4_t dst, size_t n) {
  uint8_t data[32];
  for (size_t i = 0; i < sizeof(data); i++)
    data[i] = (uint8_t)(0x30 + i);
  return nh_udp_frame(f, NH_PEER, 5555, dst, 9999, data, n);
}

static void test_port_unreachable(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  uint8_t f[128];
  size_t n = udp_to_closed_port(f, NH_OUR, 32);
  nh_inject(f, n);
  assert_int_equal(nh_stats()->icmp_unreach_sent, 1);
  assert_int_equal(nh_sent_count(), 1);
  size_t mlen;
  const uint8_t *m = sent_icmp(0, NH_PEER, &mlen);
  assert_int_equal(mlen, ICMP_HLEN + IP_HLEN + 8);
  assert_int_equal(m[0], 3);
  assert_int_equal(m[1], 3);
  assert_int_equal(net_get32(m + 4), 0);
  /* The original header and the UDP header (ports, length, checksum). */
  assert_memory_equal(m + ICMP_HLEN, f + ETH_HLEN, IP_HLEN + 8);
  assert_int_equal(net_get16(m + ICMP_HLEN + IP_HLEN), 5555);
  assert_int_equal(net_get16(m + ICMP_HLEN + IP_HLEN + 2), 9999);
}

/* Less than 8 bytes of payload: the quote stops at the datagram's end. */
static void test_port_unreachable_short_quote(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  uint8_t ip[IP_HLEN + 4] = {0x45, 0, 0, IP_HLEN + 4, 0, 0, 0x40, 0, 64, 17};
  net_put32(ip + 12, NH_PEER);
  net_put32(ip + 16, NH_OUR);
  ip[20] = 0x11;
  ip[23] = 0x44;
  icmp_port_unreachable(nh_stack(), ip, sizeof(ip));
  nh_run(0);
  size_t mlen;
  const uint8_t *m = sent_icmp(0, NH_PEER, &mlen);
  assert_int_equal(mlen, ICMP_HLEN + sizeof(ip));
  assert_memory_equal(m + ICMP_HLEN, ip, sizeof(ip));
  /* Nothing for a datagram from 0.0.0.0, or one too short to be one. */
  net_put32(ip + 12, 0);
  icmp_port_unreachable(nh_stack(), ip, sizeof(ip));
  icmp_port_unreachable(nh_stack(), ip, IP_HLEN - 1);
  nh_run(0);
  assert_int_equal(nh_sent_count(), 1);
  assert_int_equal(nh_stats()->icmp_unreach_sent, 1);
}

/* No transmit slot: dropped and counted, and the token is not spent. */
static void test_port_unreachable_without_a_slot(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  nh_hold_sends(true);
  uint8_t m[64];
  size_t mlen = nh_icmp_echo(m, 8, 1, 1, 8);
  for (int i = 0; i < KCONFIG_NET_TX_SLOTS; i++)
    inject_icmp(NH_PEER, NH_OUR, m, mlen, 64);
  uint8_t f[128];
  size_t n = udp_to_closed_port(f, NH_OUR, 8);
  for (int i = 0; i < 2 * KCONFIG_ICMP_UNREACH_PER_S; i++)
    nh_inject(f, n);
  assert_int_equal(nh_stats()->tx_drop_no_slot, 2 * KCONFIG_ICMP_UNREACH_PER_S);
  assert_int_equal(nh_stats()->icmp_unreach_sent, 0);
  assert_int_equal(nh_stats()->icmp_unreach_limited, 0);
  nh_hold_sends(false);
  nh_complete_sends(KERR_OK);
  for (int i = 0; i < KCONFIG_ICMP_UNREACH_PER_S; i++)
    nh_inject(f, n);
  assert_int_equal(nh_stats()->icmp_unreach_sent, KCONFIG_ICMP_UNREACH_PER_S);
  assert_int_equal(nh_stats()->icmp_unreach_limited, 0);
}

static void test_no_unreachable_for_broadcast(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  uint8_t f[128];
  size_t n = udp_to_closed_port(f, KIP4_BROADCAST, 8);
  nh_inject(f, n);
  n = udp_to_closed_port(f, KIP4(10, 0, 2, 255), 8);
  nh_inject(f, n);
  assert_int_equal(
      nh_stats()->icmp_unreach_sent + nh_stats()->icmp_unreach_limited, 0);
  assert_int_equal(nh_sent_count(), 0);
}

static void burst(size_t count) {
  uint8_t f[128];
  size_t n = udp_to_closed_port(f, NH_OUR, 8);
  for (size_t i = 0; i < count; i++)
    nh_inject(f, n);
}

static void test_port_unreachable_rate_limit(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  const uint64_t rate = KCONFIG_ICMP_UNREACH_PER_S;
  burst(50);
  assert_int_equal(nh_stats()->icmp_unreach_sent, rate);
  assert_int_equal(nh_stats()->icmp_unreach_limited, 50 - rate);
  assert_int_equal(nh_sent_count(), rate);
  /* A tenth of a second later: one more token. */
  nh_run(KTIME_S(1) / rate);
  burst(5);
  assert_int_equal(nh_stats()->icmp_unreach_sent, rate + 1);
  assert_int_equal(nh_stats()->icmp_unreach_limited, 50 - rate + 4);
  /* A second later: a full bucket, and no more. */
  nh_run(KTIME_S(1));
  burst(50);
  assert_int_equal(nh_stats()->icmp_unreach_sent, 2 * rate + 1);
  assert_int_equal(nh_stats()->icmp_unreach_limited, 100 - 2 * rate + 4);
  /* Long idle: still only a bucket's worth. */
  nh_run(KTIME_S(3600));
  assert_true(nh_learn_peer(NH_PEER)); /* the ARP entry expired meanwhile */
  burst(50);
  assert_int_equal(nh_stats()->icmp_unreach_sent, 3 * rate + 1);
  assert_int_equal(nh_sent_count(), rate);
}

/* Half a token's time, twice: the fractions add up to one token. */
static void test_rate_limit_keeps_fractions(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  const uint64_t rate = KCONFIG_ICMP_UNREACH_PER_S;
  burst(rate);
  burst(1);
  assert_int_equal(nh_stats()->icmp_unreach_limited, 1);
  nh_run(KTIME_S(1) / rate / 2);
  burst(1);
  assert_int_equal(nh_stats()->icmp_unreach_limited, 2);
  nh_run(KTIME_S(1) / rate / 2);
  burst(2);
  assert_int_equal(nh_stats()->icmp_unreach_sent, rate + 1);
  assert_int_equal(nh_stats()->icmp_unreach_limited, 3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_echo_request_answered, nh_setup),
      cmocka_unit_test_setup(test_echo_reply_after_arp, nh_setup),
      cmocka_unit_test_setup(test_largest_echo_request, nh_setup),
      cmocka_unit_test_setup(test_echo_not_answered, nh_setup),
      cmocka_unit_test_setup(test_short_and_bad_checksum, nh_setup),
      cmocka_unit_test_setup(test_other_types_ignored, nh_setup),
      cmocka_unit_test_setup(test_echo_without_a_slot, nh_setup),
      cmocka_unit_test_setup(test_ping_round_trip, nh_setup),
      cmocka_unit_test_setup(test_ping_largest, nh_setup),
      cmocka_unit_test_setup(test_ping_after_arp, nh_setup),
      cmocka_unit_test_setup(test_ping_replies_out_of_order, nh_setup),
      cmocka_unit_test_setup(test_unmatched_replies, nh_setup),
      cmocka_unit_test_setup(test_reply_with_another_pings_data, nh_setup),
      cmocka_unit_test_setup(test_sequence_wrap_skips_a_waiting_ping, nh_setup),
      cmocka_unit_test_setup(test_reply_without_ping, nh_setup),
      cmocka_unit_test_setup(test_ping_deadline, nh_setup),
      cmocka_unit_test_setup(test_ping_cancel, nh_setup),
      cmocka_unit_test_setup(test_ping_no_route, nh_setup_no_gateway),
      cmocka_unit_test_setup(test_ping_arp_fails, nh_setup),
      cmocka_unit_test_setup(test_ping_waits_for_a_slot, nh_setup),
      cmocka_unit_test_setup(test_ping_table_full, nh_setup),
      cmocka_unit_test_setup(test_port_unreachable, nh_setup),
      cmocka_unit_test_setup(test_port_unreachable_short_quote, nh_setup),
      cmocka_unit_test_setup(test_port_unreachable_without_a_slot, nh_setup),
      cmocka_unit_test_setup(test_no_unreachable_for_broadcast, nh_setup),
      cmocka_unit_test_setup(test_port_unreachable_rate_limit, nh_setup),
      cmocka_unit_test_setup(test_rate_limit_keeps_fractions, nh_setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
