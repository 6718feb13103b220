/* test_net_udp.c: net/udp.c, UDP sockets of the IPv4 stack, driven through
 * the user API (kudp_* items) on the net harness: datagrams are injected as
 * frames from the wire and the frames the stack sends are read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "support/net_harness.h"

/* -------------------------------------------------------------- helpers */

static kerr_t bind_port(kudp_bind_req_t *r, uint16_t port) {
  memset(r, 0, sizeof(*r));
  kwork_init(&r->work, KWORK_OP_UDP_BIND, NULL, nh_record, 0);
  r->port = port;
  assert_int_equal(nh_submit(&r->work), KERR_OK);
  assert_int_equal(kwork_state(&r->work), KWORK_STATE_IDLE);
  return r->work.result;
}

static kerr_t unbind(uint32_t sock) {
  kudp_bind_req_t r;
  memset(&r, 0, sizeof(r));
  kwork_init(&r.work, KWORK_OP_UDP_UNBIND, NULL, nh_record, 0);
  r.sock = sock;
  assert_int_equal(nh_submit(&r.work), KERR_OK);
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_IDLE);
  return r.work.result;
}

static void post_recv(kudp_recv_req_t *r, uint32_t sock) {
  memset(r, 0, sizeof(*r));
  kwork_init(&r->work, KWORK_OP_UDP_RECV, NULL, nh_record, 0);
  r->sock = sock;
  assert_int_equal(nh_submit(&r->work), KERR_OK);
}

static void inject_udp(kip4_t src, uint16_t sport, kip4_t dst, uint16_t dport,
                       const char *text) {
  uint8_t f[KCONFIG_NET_FRAME_MAX];
  size_t n = nh_udp_frame(f, src, sport, dst, dport, text, strlen(text));
  nh_inject(f, n);
}

/* A UDP datagram by hand: `field` as its length field, `cksum` as given
 * (or computed over `field` bytes when cksum is -1), in an IPv4 packet of
 * UDP_HLEN + len bytes of payload. */
static size_t udp_by_hand(uint8_t *f, const void *data, size_t len,
                          uint16_t field, int cksum) {
  uint8_t u[256];
  assert_true(UDP_HLEN + len <= sizeof(u));
  net_put16(u, 1234);
  net_put16(u + 2, 7);
  net_put16(u + 4, field);
  net_put16(u + 6, 0);
  memcpy(u + UDP_HLEN, data, len);
  if (cksum < 0) {
    uint16_t c = net_fold(net_sum(
        net_pseudo_sum(NH_PEER, NH_OUR, IP_PROTO_UDP, field), u, field));
    net_put16(u + 6, c ? c : 0xffff);
  } else {
    net_put16(u + 6, (uint16_t)cksum);
  }
  return nh_ipv4_frame(f, NH_PEER, NH_OUR, IP_PROTO_UDP, u, UDP_HLEN + len);
}

/* Check the IPv4 + UDP headers of a sent frame; returns the UDP header. */
static const uint8_t *check_udp_frame(const uint8_t *f, size_t flen,
                                      const uint8_t *dst_mac, kip4_t src,
                                      kip4_t dst, uint16_t sport,
                                      uint16_t dport, size_t dlen) {
  assert_true(flen >= NET_PAYLOAD + UDP_HLEN + dlen);
  assert_memory_equal(f, dst_mac, 6);
  assert_memory_equal(f + 6, NH_MAC, 6);
  assert_int_equal(net_get16(f + 12), ETH_TYPE_IPV4);
  const uint8_t *ip = f + ETH_HLEN;
  assert_int_equal(ip[0], 0x45);
  assert_int_equal(net_get16(ip + 2), IP_HLEN + UDP_HLEN + dlen);
  assert_int_equal(ip[9], IP_PROTO_UDP);
  assert_true(ip[8] > 0);
  assert_int_equal(net_get32(ip + 12), src);
  assert_int_equal(net_get32(ip + 16), dst);
  assert_int_equal(net_fold(net_sum(0, ip, IP_HLEN)), 0);
  const uint8_t *u = ip + IP_HLEN;
  assert_int_equal(net_get16(u), sport);
  assert_int_equal(net_get16(u + 2), dport);
  assert_int_equal(net_get16(u + 4), UDP_HLEN + dlen);
  assert_int_not_equal(net_get16(u + 6), 0);
  uint16_t ulen = (uint16_t)(UDP_HLEN + dlen);
  assert_int_equal(
      net_fold(net_sum(net_pseudo_sum(src, dst, IP_PROTO_UDP, ulen), u, ulen)),
      0);
  return u;
}

/* ------------------------------------------------------------------ tests */

static void test_bind_unbind(void **state) {
  (void)state;
  kudp_bind_req_t a, b, c, d;
  assert_int_equal(bind_port(&a, 5000), KERR_OK);
  assert_int_equal(a.port, 5000);
  assert_int_not_equal(a.sock, 0);
  assert_int_equal(bind_port(&b, 5000), KERR_BUSY);

  /* Port 0: a free ephemeral port, different each time. */
  assert_int_equal(bind_port(&b, 0), KERR_OK);
  assert_true(b.port >= 49152);
  assert_int_equal(bind_port(&c, 0), KERR_OK);
  assert_true(c.port >= 49152);
  assert_int_not_equal(b.port, c.port);
  assert_int_not_equal(b.sock, c.sock);
  /* An ephemeral port is bound like any other. */
  assert_int_equal(bind_port(&d, b.port), KERR_BUSY);

  /* Unbind; the id is then stale, even once the slot is reused. */
  assert_int_equal(unbind(a.sock), KERR_OK);
  assert_int_equal(unbind(a.sock), KERR_NOT_BOUND);
  assert_int_equal(bind_port(&d, 5000), KERR_OK);
  assert_int_not_equal(d.sock, a.sock);
  assert_int_equal(d.sock & 0xffff, a.sock & 0xffff); /* the same slot */
  assert_int_equal(unbind(a.sock), KERR_NOT_BOUND);
  kudp_recv_req_t r;
  post_recv(&r, a.sock);
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_IDLE);
  assert_int_equal(r.work.result, KERR_NOT_BOUND);
  assert_int_equal(unbind(0), KERR_NOT_BOUND);
  assert_int_equal(unbind(0xffff), KERR_NOT_BOUND);
  assert_int_equal(unbind(d.sock), KERR_OK);
}

static void test_bind_no_space(void **state) {
  (void)state;
  kudp_bind_req_t r[KCONFIG_UDP_SOCKETS + 1];
  for (uint32_t i = 0; i < KCONFIG_UDP_SOCKETS; i++)
    assert_int_equal(bind_port(&r[i], (uint16_t)(6000 + i)), KERR_OK);
  assert_int_equal(bind_port(&r[KCONFIG_UDP_SOCKETS], 7000), KERR_NO_SPACE);
  assert_int_equal(bind_port(&r[KCONFIG_UDP_SOCKETS], 0), KERR_NO_SPACE);
  /* A bound port is still KERR_BUSY, not KERR_NO_SPACE. */
  assert_int_equal(bind_port(&r[KCONFIG_UDP_SOCKETS], 6000), KERR_BUSY);
  assert_int_equal(unbind(r[3].sock), KERR_OK);
  assert_int_equal(bind_port(&r[KCONFIG_UDP_SOCKETS], 7000), KERR_OK);
}

static void test_deliver_to_posted_receive(void **state) {
  (void)state;
  kudp_bind_req_t b;
  kudp_recv_req_t r;
  assert_int_equal(bind_port(&b, 7), KERR_OK);
  post_recv(&r, b.sock);
  assert_int_equal(nh_times_called(&r.work), 0);
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_LIVE);

  inject_udp(NH_PEER, 1234, NH_OUR, 7, "hello");
  assert_int_equal(nh_times_called(&r.work), 1);
  const nh_completion_t *c = nh_completion(&r.work, 0);
  assert_int_equal(c->result, KERR_OK);
  assert_int_equal(c->src_addr, NH_PEER);
  assert_int_equal(c->src_port, 1234);
  assert_int_equal(c->length, 5);
  assert_memory_equal(c->copy, "hello", 5);
  /* Zero copy: the frame's buffer is the program's until it releases it. */
  assert_int_equal(nh_rx_outstanding(), 1);
  assert_int_equal(nh_released(), 0);
  assert_memory_equal(r.data, "hello", 5);
  assert_ptr_equal(r.data, c->data);
  /* A standing item: live again, waiting for the next datagram. */
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_LIVE);
  assert_int_equal(nh_stats()->udp_rx, 1);

  assert_int_equal(kbuf_release(nh_kernel(), c->buf), KERR_OK);
  assert_int_equal(nh_released(), 1);
  assert_int_equal(nh_rx_outstanding(), 0);
  assert_int_equal(kbuf_release(nh_kernel(), c->buf), KERR_STATE);

  /* Broadcasts reach bound sockets too. */
  inject_udp(NH_PEER, 99, KIP4(255, 255, 255, 255), 7, "all");
  assert_int_equal(nh_times_called(&r.work), 2);
  c = nh_completion(&r.work, 1);
  assert_int_equal(c->src_port, 99);
  assert_int_equal(c->length, 3);
  assert_memory_equal(c->copy, "all", 3);
  assert_int_equal(kbuf_release(nh_kernel(), c->buf), KERR_OK);

  /* Another port: not for this socket. */
  inject_udp(NH_PEER, 1234, NH_OUR, 8, "x");
  assert_int_equal(nh_times_called(&r.work), 2);
  assert_int_equal(nh_stats()->udp_drop_no_port, 1);
}

static void test_queue_in_order(void **state) {
  (void)state;
  kudp_bind_req_t b;
  kudp_recv_req_t r;
  assert_int_equal(bind_port(&b, 9000), KERR_OK);
  inject_udp(NH_PEER, 1, NH_OUR, 9000, "first");
  inject_udp(NH_PEER, 2, NH_OUR, 9000, "second");
  inject_udp(NH_PEER, 3, NH_OUR, 9000, "third");
  assert_int_equal(nh_rx_outstanding(), 3); /* kept by the socket */
  assert_int_equal(nh_released(), 0);

  post_recv(&r, b.sock);
  assert_int_equal(nh_times_called(&r.work), 3);
  static const char *want[] = {"first", "second", "third"};
  for (size_t n = 0; n < 3; n++) {
    const nh_completion_t *c = nh_completion(&r.work, n);
    assert_int_equal(c->result, KERR_OK);
    assert_int_equal(c->src_port, n + 1);
    assert_int_equal(c->length, strlen(want[n]));
    assert_memory_equal(c->copy, want[n], strlen(want[n]));
    assert_int_equal(kbuf_release(nh_kernel(), c->buf), KERR_OK);
  }
  assert_int_equal(nh_rx_outstanding(), 0);
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_LIVE);

  /* The queue is empty: the next datagram goes to the receive directly. */
  inject_udp(NH_PEER, 4, NH_OUR, 9000, "fourth");
  assert_int_equal(nh_times_called(&r.work), 4);
  assert_memory_equal(nh_completion(&r.work, 3)->copy, "fourth", 6);
}

static void test_queue_overflow(void **state) {
  (void)state;
  kudp_bind_req_t b;
  assert_int_equal(bind_port(&b, 9000), KERR_OK);
  uint64_t drops = kstats(nh_kernel())->drops;
  for (int i = 0; i < KCONFIG_UDP_QUEUE + 2; i++)
    inject_udp(NH_PEER, 1, NH_OUR, 9000, "q");
  assert_int_equal(nh_stats()->udp_drop_queue_full, 2);
  assert_int_equal(kstats(nh_kernel())->drops, drops + 2);
  assert_int_equal(nh_rx_outstanding(), KCONFIG_UDP_QUEUE);
  assert_int_equal(nh_released(), 2);
  /* Unbind gives the queued buffers back. */
  assert_int_equal(unbind(b.sock), KERR_OK);
  assert_int_equal(nh_rx_outstanding(), 0);
  assert_int_equal(nh_released(), KCONFIG_UDP_QUEUE + 2);
}

/* kstats bufs_out counts the network device's buffers: once when the NIC
 * lends a frame to the stack, whether the stack hands it on to a program,
 * queues it, or gives it back itself. */
static void test_bufs_out_counts_each_frame_once(void **state) {
  (void)state;
  const kstats_t *s = kstats(nh_kernel());
  assert_int_equal(s->bufs_out, 0);
  kudp_bind_req_t b, q;
  kudp_recv_req_t r;
  assert_int_equal(bind_port(&b, 7), KERR_OK);
  post_recv(&r, b.sock);

  /* To the program: one lend, held until the program releases it. */
  inject_udp(NH_PEER, 1234, NH_OUR, 7, "one");
  inject_udp(NH_PEER, 1234, NH_OUR, 7, "two");
  assert_int_equal(s->bufs_out, 2);
  assert_int_equal(s->bufs_out, nh_rx_outstanding());
  kbuf_t first = nh_completion(&r.work, 0)->buf;
  assert_int_equal(kbuf_release(nh_kernel(), first), KERR_OK);
  assert_int_equal(s->bufs_out, 1);
  /* A second release is refused and does not count. */
  assert_int_equal(kbuf_release(nh_kernel(), first), KERR_STATE);
  assert_int_equal(s->bufs_out, 1);
  assert_int_equal(kbuf_release(nh_kernel(), nh_completion(&r.work, 1)->buf),
                   KERR_OK);
  assert_int_equal(s->bufs_out, 0);

  /* Nothing bound there: the stack gives the frame back at once. */
  inject_udp(NH_PEER, 1234, NH_OUR, 8, "x");
  assert_int_equal(s->bufs_out, 0);

  /* Queued on a socket with no receive: out until the unbind frees it. */
  assert_int_equal(bind_port(&q, 9000), KERR_OK);
  for (int i = 0; i < 3; i++)
    inject_udp(NH_PEER, 1, NH_OUR, 9000, "q");
  assert_int_equal(s->bufs_out, 3);
  assert_int_equal(unbind(q.sock), KERR_OK);
  assert_int_equal(s->bufs_out, 0);
  assert_int_equal(nh_rx_outstanding(), 0);
}

static void test_checksums(void **state) {
  (void)state;
  kudp_bind_req_t b;
  kudp_recv_req_t r;
  assert_int_equal(bind_port(&b, 7), KERR_OK);
  post_recv(&r, b.sock);
  uint8_t f[128];

  /* One bit flipped in the data: dropped. */
  size_t n = udp_by_hand(f, "abcd", 4, 12, -1);
  f[n - 1] ^= 0x01;
  nh_inject(f, n);
  assert_int_equal(nh_stats()->udp_drop_checksum, 1);
  assert_int_equal(nh_times_called(&r.work), 0);
  assert_int_equal(nh_rx_outstanding(), 0);

  /* A checksum of 0 means none: accepted. */
  n = udp_by_hand(f, "abcd", 4, 12, 0);
  f[n - 1] ^= 0x01; /* "abce" */
  nh_inject(f, n);
  assert_int_equal(nh_times_called(&r.work), 1);
  assert_memory_equal(nh_completion(&r.work, 0)->copy, "abce", 4);
  assert_int_equal(nh_stats()->udp_drop_checksum, 1);

  /* A right one: accepted. */
  nh_inject(f, udp_by_hand(f, "wxyz", 4, 12, -1));
  assert_int_equal(nh_times_called(&r.work), 2);
  assert_memory_equal(nh_completion(&r.work, 1)->copy, "wxyz", 4);
  assert_int_equal(nh_stats()->udp_rx, 3);
}

static void test_short_and_bad_length(void **state) {
  (void)state;
  kudp_bind_req_t b;
  kudp_recv_req_t r;
  assert_int_equal(bind_port(&b, 7), KERR_OK);
  post_recv(&r, b.sock);
  uint8_t f[128];

  /* Shorter than a UDP header. */
  static const uint8_t four[4] = {0x04, 0xd2, 0x00, 0x07};
  nh_inject(f, nh_ipv4_frame(f, NH_PEER, NH_OUR, IP_PROTO_UDP, four, 4));
  assert_int_equal(nh_stats()->udp_drop_short, 1);

  /* A length field below 8, and one beyond the packet. */
  nh_inject(f, udp_by_hand(f, "abcd", 4, 7, 0));
  assert_int_equal(nh_stats()->udp_drop_length, 1);
  nh_inject(f, udp_by_hand(f, "abcd", 4, 13, 0));
  assert_int_equal(nh_stats()->udp_drop_length, 2);
  assert_int_equal(nh_times_called(&r.work), 0);
  assert_int_equal(nh_rx_outstanding(), 0);

  /* Bytes beyond the length field are cut (and not summed). */
  nh_inject(f, udp_by_hand(f, "abcdef", 6, 11, -1));
  assert_int_equal(nh_times_called(&r.work), 1);
  const nh_completion_t *c = nh_completion(&r.work, 0);
  assert_int_equal(c->length, 3);
  assert_memory_equal(c->copy, "abc", 3);
  assert_int_equal(nh_stats()->udp_drop_length, 2);
  assert_int_equal(nh_stats()->udp_drop_checksum, 0);
  assert_int_equal(nh_stats()->udp_rx, 4);
}

static void test_closed_port_unreachable(void **state) {
  (void)state;
  assert_true(nh_learn_peer(NH_PEER));
  uint8_t f[128];
  size_t n = nh_udp_frame(f, NH_PEER, 1234, NH_OUR, 9999, "nobody", 6);
  nh_inject(f, n);
  assert_int_equal(nh_stats()->udp_drop_no_port, 1);
  assert_int_equal(nh_sent_count(), 1);
  size_t len;
  const uint8_t *s = nh_sent(0, &len);
  assert_memory_equal(s, NH_PEER_MAC, 6);
  const uint8_t *ip = s + ETH_HLEN;
  assert_int_equal(ip[9], IP_PROTO_ICMP);
  assert_int_equal(net_get32(ip + 12), NH_OUR);
  assert_int_equal(net_get32(ip + 16), NH_PEER);
  const uint8_t *icmp = ip + IP_HLEN;
  assert_int_equal(icmp[0], 3); /* destination unreachable */
  assert_int_equal(icmp[1], 3); /* port */
  /* It quotes the datagram's IPv4 header and the UDP header. */
  assert_memory_equal(icmp + ICMP_HLEN, f + ETH_HLEN, IP_HLEN + UDP_HLEN);
  assert_int_equal(nh_stats()->icmp_unreach_sent, 1);
  assert_int_equal(nh_rx_outstanding(), 0);

  /* Not for a broadcast, limited or the subnet's. */
  nh_sent_clear();
  inject_udp(NH_PEER, 1234, KIP4(255, 255, 255, 255), 9999, "b");
  inject_udp(NH_PEER, 1234, KIP4(10, 0, 2, 255), 9999, "b");
  assert_int_equal(nh_stats()->udp_drop_no_port, 3);
  assert_int_equal(nh_sent_count(), 0);
  assert_int_equal(nh_stats()->icmp_unreach_sent, 1);
}

static void send_to(kudp_send_req_t *s, uint32_t sock, kip4_t dst,
                    uint16_t port, const void *data, size_t len) {
  memset(s, 0, sizeof(*s));
  kwork_init(&s->work, KWORK_OP_UDP_SEND, NULL, nh_record, 0);
  s->sock = sock;
  s->dst_addr = dst;
  s->dst_port = port;
  s->data = data;
  s->length = len;
  assert_int_equal(nh_submit(&s->work), KERR_OK);
}

static void test_send(void **state) {
  (void)state;
  kudp_bind_req_t b;
  kudp_send_req_t s;
  assert_int_equal(bind_port(&b, 5000), KERR_OK);
  assert_true(nh_learn_peer(NH_PEER));
  send_to(&s, b.sock, NH_PEER, 7, "ping", 4);
  assert_int_equal(nh_times_called(&s.work), 1);
  assert_int_equal(s.work.result, KERR_OK);
  assert_int_equal(nh_sent_count(), 1);
  size_t len;
  const uint8_t *f = nh_sent(0, &len);
  const uint8_t *u =
      check_udp_frame(f, len, NH_PEER_MAC, NH_OUR, NH_PEER, 5000, 7, 4);
  assert_memory_equal(u + UDP_HLEN, "ping", 4);

  /* An empty datagram, to a broadcast. */
  nh_sent_clear();
  send_to(&s, b.sock, KIP4(255, 255, 255, 255), 9, NULL, 0);
  assert_int_equal(s.work.result, KERR_OK);
  assert_int_equal(nh_sent_count(), 1);
  f = nh_sent(0, &len);
  check_udp_frame(f, len, NH_BCAST_MAC, NH_OUR, KIP4_BROADCAST, 5000, 9, 0);

  /* A payload whose checksum computes to 0 goes out as 0xffff: find the
   * checksum with a zero word, then put that word in the data. */
  nh_sent_clear();
  uint8_t data[2] = {0, 0};
  send_to(&s, b.sock, NH_PEER, 7, data, 2);
  f = nh_sent(0, &len);
  uint16_t c = net_get16(f + NET_PAYLOAD + 6);
  net_put16(data, c == 0xffff ? 0 : c);
  nh_sent_clear();
  send_to(&s, b.sock, NH_PEER, 7, data, 2);
  f = nh_sent(0, &len);
  assert_int_equal(net_get16(f + NET_PAYLOAD + 6), 0xffff);
  check_udp_frame(f, len, NH_PEER_MAC, NH_OUR, NH_PEER, 5000, 7, 2);

  /* The largest payload, and a stale socket. */
  static uint8_t big[KUDP_MAX_PAYLOAD];
  for (size_t i = 0; i < sizeof(big); i++)
    big[i] = (uint8_t)i;
  nh_sent_clear();
  send_to(&s, b.sock, NH_PEER, 7, big, sizeof(big));
  assert_int_equal(s.work.result, KERR_OK);
  f = nh_sent(0, &len);
  u = check_udp_frame(f, len, NH_PEER_MAC, NH_OUR, NH_PEER, 5000, 7,
                      sizeof(big));
  assert_memory_equal(u + UDP_HLEN, big, sizeof(big));
  assert_int_equal(unbind(b.sock), KERR_OK);
  nh_sent_clear();
  send_to(&s, b.sock, NH_PEER, 7, "x", 1);
  assert_int_equal(s.work.result, KERR_NOT_BOUND);
  assert_int_equal(nh_sent_count(), 0);
}

static void test_send_waits_for_arp(void **state) {
  (void)state;
  kudp_bind_req_t b;
  kudp_send_req_t s;
  assert_int_equal(bind_port(&b, 5000), KERR_OK);
  send_to(&s, b.sock, NH_PEER, 7, "hey", 3);
  /* An ARP request goes out; the datagram waits for the answer. */
  assert_int_equal(nh_times_called(&s.work), 0);
  assert_int_equal(nh_sent_count(), 1);
  size_t len;
  assert_int_equal(net_get16(nh_sent(0, &len) + 12), ETH_TYPE_ARP);
  nh_sent_clear();

  /* The peer's ARP reply. */
  nh_inject_arp(NH_MAC, 2, NH_PEER_MAC, NH_PEER, NH_MAC, NH_OUR);
  assert_int_equal(nh_sent_count(), 1);
  const uint8_t *u = check_udp_frame(nh_sent(0, &len), len, NH_PEER_MAC, NH_OUR,
                                     NH_PEER, 5000, 7, 3);
  assert_memory_equal(u + UDP_HLEN, "hey", 3);
  assert_int_equal(nh_times_called(&s.work), 1);
  assert_int_equal(s.work.result, KERR_OK);
}

/* A send cancelled while it waits for ARP gives its transmit slot back,
 * and the answer then sends nothing for it. */
static void test_cancel_send_waiting_for_arp(void **state) {
  (void)state;
  kudp_bind_req_t b;
  kudp_send_req_t s;
  assert_int_equal(bind_port(&b, 5000), KERR_OK);
  size_t free_before = 0;
  for (net_tx_t *t = nh_stack()->tx_free; t; t = t->next)
    free_before++;
  send_to(&s, b.sock, NH_PEER, 7, "hey", 3);
  nh_sent_clear(); /* the ARP request */
  assert_int_equal(kcancel(nh_kernel(), &s.work), KERR_OK);
  nh_run(0);
  assert_int_equal(nh_times_called(&s.work), 1);
  assert_int_equal(s.work.result, KERR_CANCELLED);
  size_t free_after = 0;
  for (net_tx_t *t = nh_stack()->tx_free; t; t = t->next)
    free_after++;
  assert_int_equal(free_after, free_before);
  nh_inject_arp(NH_MAC, 2, NH_PEER_MAC, NH_PEER, NH_MAC, NH_OUR);
  assert_int_equal(nh_sent_count(), 0);
  assert_int_equal(nh_times_called(&s.work), 1);
}

static void test_unbind_cancels_receives(void **state) {
  (void)state;
  kudp_bind_req_t b;
  kudp_recv_req_t r1, r2;
  assert_int_equal(bind_port(&b, 7), KERR_OK);
  uint64_t live = kstats(nh_kernel())->live; /* the stack's own receive */
  post_recv(&r1, b.sock);
  post_recv(&r2, b.sock);
  assert_int_equal(kstats(nh_kernel())->live, live + 2);
  /* Two receives: the oldest gets the first datagram. */
  inject_udp(NH_PEER, 1, NH_OUR, 7, "one");
  assert_int_equal(nh_times_called(&r1.work), 1);
  assert_int_equal(nh_times_called(&r2.work), 0);
  assert_int_equal(kbuf_release(nh_kernel(), r1.buf), KERR_OK);
  inject_udp(NH_PEER, 1, NH_OUR, 7, "two");
  assert_int_equal(nh_times_called(&r2.work), 1);
  assert_int_equal(kbuf_release(nh_kernel(), r2.buf), KERR_OK);

  assert_int_equal(unbind(b.sock), KERR_OK);
  assert_int_equal(nh_times_called(&r1.work), 2);
  assert_int_equal(nh_times_called(&r2.work), 2);
  assert_int_equal(nh_completion(&r1.work, 1)->result, KERR_CANCELLED);
  assert_int_equal(nh_completion(&r2.work, 1)->result, KERR_CANCELLED);
  assert_int_equal(kwork_state(&r1.work), KWORK_STATE_IDLE);
  assert_int_equal(kstats(nh_kernel())->live, live);
}

static void test_cancel_receive(void **state) {
  (void)state;
  kudp_bind_req_t b;
  kudp_recv_req_t r;
  assert_int_equal(bind_port(&b, 7), KERR_OK);
  post_recv(&r, b.sock);
  assert_int_equal(kcancel(nh_kernel(), &r.work), KERR_OK);
  nh_run(0);
  assert_int_equal(nh_times_called(&r.work), 1);
  assert_int_equal(r.work.result, KERR_CANCELLED);
  /* The socket has no receive now: the datagram waits in its queue. */
  inject_udp(NH_PEER, 1, NH_OUR, 7, "later");
  assert_int_equal(nh_times_called(&r.work), 1);
  assert_int_equal(nh_rx_outstanding(), 1);
  post_recv(&r, b.sock);
  assert_int_equal(nh_times_called(&r.work), 2);
  assert_memory_equal(nh_completion(&r.work, 1)->copy, "later", 5);
  assert_int_equal(kbuf_release(nh_kernel(), r.buf), KERR_OK);
  assert_int_equal(nh_rx_outstanding(), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_bind_unbind, nh_setup),
      cmocka_unit_test_setup(test_bind_no_space, nh_setup),
      cmocka_unit_test_setup(test_deliver_to_posted_receive, nh_setup),
      cmocka_unit_test_setup(test_queue_in_order, nh_setup),
      cmocka_unit_test_setup(test_queue_overflow, nh_setup),
      cmocka_unit_test_setup(test_bufs_out_counts_each_frame_once, nh_setup),
      cmocka_unit_test_setup(test_checksums, nh_setup),
      cmocka_unit_test_setup(test_short_and_bad_length, nh_setup),
      cmocka_unit_test_setup(test_closed_port_unreachable, nh_setup),
      cmocka_unit_test_setup(test_send, nh_setup),
      cmocka_unit_test_setup(test_send_waits_for_arp, nh_setup),
      cmocka_unit_test_setup(test_cancel_send_waiting_for_arp, nh_setup),
      cmocka_unit_test_setup(test_unbind_cancels_receives, nh_setup),
      cmocka_unit_test_setup(test_cancel_receive, nh_setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
