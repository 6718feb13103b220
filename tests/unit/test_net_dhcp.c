/* test_net_dhcp.c: net/dhcp.c, the DHCP client, on the net harness. The
 * test plays the server (QEMU's user network: 10.0.2.2 leases 10.0.2.15):
 * it reads the client's messages from the frames sent and injects replies;
 * nh_run moves the fake clock for retransmissions, the fallback and the
 * lease's times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "support/fake_platform.h"
#include "support/net_harness.h"

#define SERVER NH_GW /* slirp's DHCP server is its gateway */
#define DNS KIP4(10, 0, 2, 3)
#define BCAST KIP4(255, 255, 255, 255)

static net_stack_t *st(void) { return nh_stack(); }

static size_t g_callbacks;
static void count_cb(kwork_t *w) {
  (void)w;
  g_callbacks++;
}

static int setup(void **state) {
  (void)state;
  nh_init();
  g_callbacks = 0;
  return 0;
}

/* ------------------------------------------------------ client messages */

/* A sent frame that is a DHCP message (UDP 68 -> 67); checks the link,
 * IPv4 and UDP layers and returns the BOOTP message and its length. */
static const uint8_t *dhcp_msg(size_t i, const uint8_t *dst_mac, kip4_t src,
                               kip4_t dst, size_t *mlen) {
  size_t len;
  const uint8_t *f = nh_sent(i, &len);
  assert_memory_equal(f, dst_mac, 6);
  assert_memory_equal(f + 6, NH_MAC, 6);
  assert_int_equal(net_get16(f + 12), ETH_TYPE_IPV4);
  const uint8_t *ip = f + ETH_HLEN;
  assert_int_equal(ip[9], IP_PROTO_UDP);
  assert_int_equal(net_get32(ip + 12), src);
  assert_int_equal(net_get32(ip + 16), dst);
  assert_int_equal(net_fold(net_sum(0, ip, IP_HLEN)), 0);
  const uint8_t *u = ip + IP_HLEN;
  uint16_t ulen = net_get16(u + 4);
  assert_int_equal(net_get16(ip + 2), IP_HLEN + ulen);
  assert_true(ETH_HLEN + IP_HLEN + (size_t)ulen <= len);
  assert_int_equal(net_get16(u), 68);
  assert_int_equal(net_get16(u + 2), 67);
  assert_int_not_equal(net_get16(u + 6), 0);
  assert_int_equal(
      net_fold(net_sum(net_pseudo_sum(src, dst, IP_PROTO_UDP, ulen), u, ulen)),
      0);
  *mlen = ulen - UDP_HLEN;
  assert_true(*mlen >= 300); /* the BOOTP minimum */
  const uint8_t *m = u + UDP_HLEN;
  assert_int_equal(m[0], 1); /* BOOTREQUEST */
  assert_int_equal(m[1], 1);
  assert_int_equal(m[2], 6);
  assert_memory_equal(m + 28, NH_MAC, 6);
  assert_int_equal(net_get32(m + 236), 0x63825363u);
  return m;
}

/* An option of a message we sent (walks every option to the end), or NULL. */
static const uint8_t *option(const uint8_t *m, size_t len, uint8_t code,
                             size_t *olen) {
  const uint8_t *found = NULL;
  size_t i = 240;
  for (;;) {
    assert_true(i < len);
    if (m[i] == 0) {
      i++;
      continue;
    }
    if (m[i] == 255)
      return found;
    assert_true(i + 2 + m[i + 1] <= len);
    if (m[i] == code) {
      found = m + i + 2;
      *olen = m[i + 1];
    }
    i += 2u + m[i + 1];
  }
}

static uint8_t msg_type(const uint8_t *m, size_t len) {
  size_t olen;
  const uint8_t *o = option(m, len, 53, &olen);
  assert_non_null(o);
  assert_int_equal(olen, 1);
  return o[0];
}

static bool has_param(const uint8_t *m, size_t len, uint8_t code) {
  size_t olen;
  const uint8_t *o = option(m, len, 55, &olen);
  assert_non_null(o);
  for (size_t i = 0; i < olen; i++)
    if (o[i] == code)
      return true;
  return false;
}

static kip4_t opt_addr(const uint8_t *m, size_t len, uint8_t code) {
  size_t olen;
  const uint8_t *o = option(m, len, code, &olen);
  if (o == NULL)
    return 0;
  assert_int_equal(olen, 4);
  return net_get32(o);
}

/* ------------------------------------------------------- server replies */

typedef struct {
  uint8_t b[600];
  size_t len;
} reply_t;

/* A BOOTREPLY for xid with yiaddr, and option 53 = type (0: none). */
static void reply_init(reply_t *r, uint8_t type, uint32_t xid, kip4_t yiaddr) {
  memset(r, 0, sizeof(*r));
  r->b[0] = 2;
  r->b[1] = 1;
  r->b[2] = 6;
  net_put32(r->b + 4, xid);
  net_put32(r->b + 16, yiaddr);
  net_put32(r->b + 20, SERVER);
  memcpy(r->b + 28, NH_MAC, 6);
  net_put32(r->b + 236, 0x63825363u);
  r->len = 240;
  if (type) {
    r->b[r->len++] = 53;
    r->b[r->len++] = 1;
    r->b[r->len++] = type;
  }
}

static void reply_opt(reply_t *r, uint8_t code, const void *v, uint8_t len) {
  r->b[r->len++] = code;
  r->b[r->len++] = len;
  memcpy(r->b + r->len, v, len);
  r->len += len;
}

static void reply_addr(reply_t *r, uint8_t code, kip4_t a) {
  uint8_t v[4];
  net_put32(v, a);
  reply_opt(r, code, v, 4);
}

static void reply_u32(reply_t *r, uint8_t code, uint32_t x) {
  reply_addr(r, code, x);
}

static void reply_end(reply_t *r) { r->b[r->len++] = 255; }

/* What slirp sends: server id, netmask, router, DNS, lease. */
static void reply_slirp(reply_t *r, uint8_t type, uint32_t xid,
                        uint32_t lease) {
  reply_init(r, type, xid, NH_OUR);
  reply_addr(r, 54, SERVER);
  reply_addr(r, 1, NH_MASK);
  reply_addr(r, 3, SERVER);
  reply_addr(r, 6, DNS);
  reply_u32(r, 51, lease);
  reply_end(r);
}

/* The reply as a frame from the server, to `dst` (as slirp: broadcast). */
static void inject_reply_to(const reply_t *r, kip4_t dst) {
  uint8_t f[KCONFIG_NET_FRAME_MAX];
  nh_inject(f, nh_udp_frame(f, SERVER, 67, dst, 68, r->b, r->len));
}

static void inject_reply(const reply_t *r) { inject_reply_to(r, BCAST); }

/* The reply as a broadcast frame from `src`. */
static void inject_reply_from(const reply_t *r, kip4_t src) {
  uint8_t f[KCONFIG_NET_FRAME_MAX];
  nh_inject(f, nh_udp_frame(f, src, 67, BCAST, 68, r->b, r->len));
}

/* nh_start, the DISCOVER, the OFFER, the REQUEST, the ACK of a lease. */
static void get_lease(uint32_t lease) {
  nh_start();
  uint32_t xid = st()->dhcp.xid;
  reply_t r;
  reply_slirp(&r, 2, xid, lease);
  inject_reply(&r);
  assert_int_equal(st()->dhcp.state, DHCP_REQUESTING);
  reply_slirp(&r, 5, xid, lease);
  inject_reply(&r);
  assert_int_equal(st()->dhcp.state, DHCP_BOUND);
  assert_true(st()->up);
  nh_sent_clear();
}

/* ------------------------------------------------------------------ tests */

static void test_discover(void **state) {
  (void)state;
  assert_int_equal(nh_sent_count(), 0); /* nothing before the start */
  nh_start();
  assert_int_equal(st()->dhcp.state, DHCP_SELECTING);
  assert_false(st()->up);
  assert_int_equal(nh_sent_count(), 1);
  size_t len;
  const uint8_t *m = dhcp_msg(0, NH_BCAST_MAC, 0, BCAST, &len);
  assert_int_equal(net_get32(m + 4), st()->dhcp.xid);
  assert_int_equal(net_get16(m + 10), 0x8000); /* broadcast the reply */
  assert_int_equal(net_get32(m + 12), 0);      /* ciaddr */
  assert_int_equal(net_get32(m + 16), 0);      /* yiaddr */
  assert_int_equal(msg_type(m, len), 1);       /* DISCOVER */
  assert_true(has_param(m, len, 1));
  assert_true(has_param(m, len, 3));
  assert_true(has_param(m, len, 6));
  assert_true(has_param(m, len, 51));
  assert_true(has_param(m, len, 54));
  assert_int_equal(opt_addr(m, len, 50), 0);
  assert_int_equal(opt_addr(m, len, 54), 0);
  size_t olen;
  const uint8_t *id = option(m, len, 61, &olen);
  if (id != NULL) { /* the client id is optional: type 1, the MAC */
    assert_int_equal(olen, 7);
    assert_int_equal(id[0], 1);
    assert_memory_equal(id + 1, NH_MAC, 6);
  }
}

static void test_offer_request_ack(void **state) {
  (void)state;
  /* A program's first item starts the stack (and DHCP); IP_CONFIG waits. */
  kip_config_req_t c1, c2;
  memset(&c1, 0, sizeof(c1));
  kwork_init(&c1.work, KWORK_OP_IP_CONFIG, NULL, count_cb, 0);
  assert_int_equal(nh_submit(&c1.work), KERR_OK);
  assert_int_equal(kwork_state(&c1.work), KWORK_STATE_LIVE);
  assert_int_equal(nh_sent_count(), 1);
  size_t len;
  const uint8_t *m = dhcp_msg(0, NH_BCAST_MAC, 0, BCAST, &len);
  assert_int_equal(msg_type(m, len), 1);
  uint32_t xid = net_get32(m + 4);
  nh_sent_clear();

  reply_t r;
  reply_slirp(&r, 2, xid, 86400);
  inject_reply(&r);
  assert_int_equal(st()->dhcp.state, DHCP_REQUESTING);
  assert_int_equal(nh_sent_count(), 1);
  m = dhcp_msg(0, NH_BCAST_MAC, 0, BCAST, &len);
  assert_int_equal(msg_type(m, len), 3); /* REQUEST */
  assert_int_equal(net_get32(m + 4), xid);
  assert_int_equal(net_get16(m + 10), 0x8000);
  assert_int_equal(net_get32(m + 12), 0);
  assert_int_equal(opt_addr(m, len, 50), NH_OUR);
  assert_int_equal(opt_addr(m, len, 54), SERVER);
  assert_int_equal(kwork_state(&c1.work), KWORK_STATE_LIVE);
  assert_false(st()->up);
  nh_sent_clear();

  reply_slirp(&r, 5, xid, 86400);
  klog_set_level(KLOG_INFO);
  fake_uart_clear();
  inject_reply(&r);
  assert_non_null(strstr(fake_uart_output(), "dhcp: 10.0.2.15/24 gateway "
                                             "10.0.2.2 dns 10.0.2.3 lease "
                                             "86400 s\n"));
  assert_int_equal(st()->dhcp.state, DHCP_BOUND);
  assert_true(st()->up);
  assert_int_equal(st()->cfg.addr, NH_OUR);
  assert_int_equal(st()->cfg.netmask, NH_MASK);
  assert_int_equal(st()->cfg.gateway, SERVER);
  assert_int_equal(st()->cfg.dns, DNS);
  assert_int_equal(st()->cfg.source, KIP_SOURCE_DHCP);
  assert_int_equal(st()->cfg.lease_s, 86400);
  assert_int_equal(st()->dhcp.t1_s, 43200);
  assert_int_equal(st()->dhcp.t2_s, 75600);
  assert_int_equal(nh_stats()->dhcp_drop_bad, 0);

  /* The waiting IP_CONFIG completed with the lease. */
  assert_int_equal(kwork_state(&c1.work), KWORK_STATE_IDLE);
  assert_int_equal(c1.work.result, KERR_OK);
  assert_int_equal(g_callbacks, 1);
  assert_int_equal(c1.config.addr, NH_OUR);
  assert_int_equal(c1.config.netmask, NH_MASK);
  assert_int_equal(c1.config.gateway, SERVER);
  assert_int_equal(c1.config.dns, DNS);
  assert_int_equal(c1.config.source, KIP_SOURCE_DHCP);
  assert_int_equal(c1.config.lease_s, 86400);
  /* Another one completes at once. */
  memset(&c2, 0, sizeof(c2));
  kwork_init(&c2.work, KWORK_OP_IP_CONFIG, NULL, count_cb, 0);
  assert_int_equal(nh_submit(&c2.work), KERR_OK);
  assert_int_equal(c2.work.result, KERR_OK);
  assert_int_equal(c2.config.addr, NH_OUR);

  /* Bound: no more DHCP messages for a long while (only ARP). */
  nh_sent_clear();
  nh_run(KTIME_S(3600));
  for (size_t i = 0; i < nh_sent_count(); i++)
    assert_int_equal(net_get16(nh_sent(i, NULL) + 12), ETH_TYPE_ARP);
  /* A late ACK while bound is not for us. */
  inject_reply(&r);
  assert_int_equal(nh_stats()->dhcp_drop_bad, 1);
  assert_int_equal(st()->dhcp.state, DHCP_BOUND);
}

static void test_options_t1_t2_and_defaults(void **state) {
  (void)state;
  nh_start();
  uint32_t xid = st()->dhcp.xid;
  reply_t r;
  /* An offer without server id: the sender is the server. */
  reply_init(&r, 2, xid, NH_OUR);
  reply_end(&r);
  inject_reply(&r);
  assert_int_equal(st()->dhcp.state, DHCP_REQUESTING);
  size_t len;
  const uint8_t *m = dhcp_msg(1, NH_BCAST_MAC, 0, BCAST, &len);
  assert_int_equal(opt_addr(m, len, 54), SERVER);

  /* An ACK with pads, two routers, T1 and T2, and no netmask. */
  reply_init(&r, 5, xid, NH_OUR);
  r.b[r.len++] = 0;
  reply_u32(&r, 51, 1000);
  uint8_t routers[8];
  net_put32(routers, KIP4(10, 0, 2, 1));
  net_put32(routers + 4, SERVER);
  reply_opt(&r, 3, routers, 8);
  reply_u32(&r, 58, 300);
  reply_u32(&r, 59, 600);
  r.b[r.len++] = 0;
  reply_end(&r);
  inject_reply(&r);
  assert_true(st()->up);
  assert_int_equal(st()->cfg.netmask, NH_MASK); /* the default */
  assert_int_equal(st()->cfg.gateway, KIP4(10, 0, 2, 1));
  assert_int_equal(st()->cfg.dns, 0);
  assert_int_equal(st()->cfg.lease_s, 1000);
  assert_int_equal(st()->dhcp.t1_s, 300);
  assert_int_equal(st()->dhcp.t2_s, 600);
}

static void test_retransmit_then_static(void **state) {
  (void)state;
  nh_start();
  assert_int_equal(nh_sent_count(), 1);
  uint32_t xid = st()->dhcp.xid;
  /* 250 ms, then doubling: sent at 0, 0.25, 0.75, 1.75 s; the next would be
   * at 3.75 s, after the 3 s fallback. */
  static const struct {
    ktime_t step;
    size_t count;
  } steps[] = {{KTIME_MS(249), 1}, {KTIME_MS(1), 2},   {KTIME_MS(499), 2},
               {KTIME_MS(1), 3},   {KTIME_MS(999), 3}, {KTIME_MS(1), 4}};
  for (size_t i = 0; i < KARRAY_SIZE(steps); i++) {
    nh_run(steps[i].step);
    assert_int_equal(nh_sent_count(), steps[i].count);
  }
  for (size_t i = 0; i < 4; i++) {
    size_t len;
    const uint8_t *m = dhcp_msg(i, NH_BCAST_MAC, 0, BCAST, &len);
    assert_int_equal(msg_type(m, len), 1);
    assert_int_equal(net_get32(m + 4), xid);
  }
  assert_false(st()->up);

  /* The fallback, KCONFIG_DHCP_TIMEOUT_NS after the start. */
  ktime_t left = KCONFIG_DHCP_TIMEOUT_NS - KTIME_MS(1750);
  nh_run(left - 1);
  assert_false(st()->up);
  assert_int_equal(nh_sent_count(), 4);
  nh_run(1);
  assert_true(st()->up);
  assert_int_equal(st()->dhcp.state, DHCP_STATIC);
  assert_int_equal(st()->cfg.addr, NH_OUR);
  assert_int_equal(st()->cfg.netmask, NH_MASK);
  assert_int_equal(st()->cfg.gateway, SERVER);
  assert_int_equal(st()->cfg.dns, DNS);
  assert_int_equal(st()->cfg.source, KIP_SOURCE_STATIC);
  assert_int_equal(st()->cfg.lease_s, 0);

  /* Stopped: nothing but ARP afterwards, and a late offer is not DHCP's. */
  nh_sent_clear();
  nh_run(KTIME_S(60));
  for (size_t i = 0; i < nh_sent_count(); i++)
    assert_int_equal(net_get16(nh_sent(i, NULL) + 12), ETH_TYPE_ARP);
  reply_t r;
  reply_slirp(&r, 2, xid, 86400);
  inject_reply_to(&r, NH_OUR);
  assert_int_equal(nh_stats()->dhcp_drop_bad, 0);
  assert_int_equal(nh_stats()->udp_drop_no_port, 1);
  assert_int_equal(st()->dhcp.state, DHCP_STATIC);
}

/* A platform that gives net_attach no fallback (hosted): at the timeout a
 * new attempt, with a new xid, and the interface stays down until a lease
 * comes. */
static void test_no_fallback_asks_again(void **state) {
  (void)state;
  st()->has_fallback = false; /* as net_attach leaves it without one */
  nh_start();
  uint32_t xid = st()->dhcp.xid;
  nh_run(KCONFIG_DHCP_TIMEOUT_NS - 1);
  nh_sent_clear();
  nh_run(1);
  assert_false(st()->up);
  assert_int_equal(st()->dhcp.state, DHCP_SELECTING);
  assert_int_not_equal(st()->dhcp.xid, xid);
  assert_int_equal(nh_sent_count(), 1);
  size_t len;
  const uint8_t *m = dhcp_msg(0, NH_BCAST_MAC, 0, BCAST, &len);
  assert_int_equal(msg_type(m, len), 1);
  assert_int_equal(net_get32(m + 4), st()->dhcp.xid);
  /* Many timeouts later, still asking, never a static address. */
  nh_run(10 * KCONFIG_DHCP_TIMEOUT_NS);
  assert_false(st()->up);
  assert_int_not_equal(st()->dhcp.state, DHCP_STATIC);
  /* The lease of the attempt in progress is taken. */
  reply_t r;
  reply_slirp(&r, 2, st()->dhcp.xid, 86400);
  inject_reply(&r);
  reply_slirp(&r, 5, st()->dhcp.xid, 86400);
  inject_reply(&r);
  assert_true(st()->up);
  assert_int_equal(st()->cfg.source, KIP_SOURCE_DHCP);
}

static void test_request_retransmitted(void **state) {
  (void)state;
  nh_start();
  uint32_t xid = st()->dhcp.xid;
  reply_t r;
  reply_slirp(&r, 2, xid, 86400);
  nh_run(KTIME_MS(100));
  inject_reply(&r);
  nh_sent_clear();
  nh_run(KTIME_MS(250));
  assert_int_equal(nh_sent_count(), 1);
  size_t len;
  const uint8_t *m = dhcp_msg(0, NH_BCAST_MAC, 0, BCAST, &len);
  assert_int_equal(msg_type(m, len), 3);
  assert_int_equal(opt_addr(m, len, 50), NH_OUR);
  /* No ACK at all: the static fallback still comes. */
  nh_run(KCONFIG_DHCP_TIMEOUT_NS);
  assert_int_equal(st()->dhcp.state, DHCP_STATIC);
  assert_int_equal(st()->cfg.source, KIP_SOURCE_STATIC);
}

static void test_renewal(void **state) {
  (void)state;
  get_lease(100); /* T1 50 s, T2 87 s */
  uint32_t old_xid = st()->dhcp.xid;
  nh_run(KTIME_S(49));
  nh_learn_peer(SERVER);
  assert_int_equal(nh_sent_count(), 0);
  assert_int_equal(st()->dhcp.state, DHCP_BOUND);

  /* T1: a REQUEST unicast to the server, from our address. */
  nh_run(KTIME_S(1));
  assert_int_equal(st()->dhcp.state, DHCP_RENEWING);
  assert_int_equal(nh_sent_count(), 1);
  size_t len;
  const uint8_t *m = dhcp_msg(0, NH_PEER_MAC, NH_OUR, SERVER, &len);
  assert_int_equal(msg_type(m, len), 3);
  uint32_t xid = net_get32(m + 4);
  assert_int_equal(xid, st()->dhcp.xid);
  assert_int_not_equal(xid, old_xid);
  assert_int_equal(net_get32(m + 12), NH_OUR); /* ciaddr */
  assert_int_equal(net_get16(m + 10), 0);      /* no broadcast flag */
  assert_int_equal(opt_addr(m, len, 50), 0);
  assert_int_equal(opt_addr(m, len, 54), 0);
  assert_true(st()->up);
  nh_sent_clear();

  /* The ACK (unicast to us): a new lease from now, no new announcement. */
  nh_run(KTIME_S(2));
  reply_t r;
  reply_slirp(&r, 5, xid, 200);
  inject_reply_to(&r, NH_OUR);
  assert_int_equal(st()->dhcp.state, DHCP_BOUND);
  assert_int_equal(st()->cfg.lease_s, 200);
  assert_int_equal(st()->cfg.addr, NH_OUR);
  assert_int_equal(st()->dhcp.t1_s, 100);
  assert_int_equal(st()->dhcp.bound_at, KTIME_S(52));
  assert_int_equal(nh_sent_count(), 0);
  assert_int_equal(nh_stats()->dhcp_drop_bad, 0);
  /* The next T1 is 100 s from the ACK. */
  nh_run(KTIME_S(99));
  assert_int_equal(st()->dhcp.state, DHCP_BOUND);
  nh_run(KTIME_S(1));
  assert_int_equal(st()->dhcp.state, DHCP_RENEWING);
}

static void test_rebinding_and_expiry(void **state) {
  (void)state;
  get_lease(100); /* T1 50 s, T2 87 s (whole seconds), end 100 s */
  nh_run(KTIME_S(50));
  assert_int_equal(st()->dhcp.state, DHCP_RENEWING);
  /* The server does not answer; at T2, REBINDING: broadcast from us. */
  nh_run(KTIME_MS(36999));
  assert_int_equal(st()->dhcp.state, DHCP_RENEWING);
  nh_sent_clear();
  nh_run(KTIME_MS(1));
  assert_int_equal(st()->dhcp.state, DHCP_REBINDING);
  size_t n = nh_sent_count(), len;
  assert_true(n >= 1);
  const uint8_t *m = dhcp_msg(n - 1, NH_BCAST_MAC, NH_OUR, BCAST, &len);
  assert_int_equal(msg_type(m, len), 3);
  assert_int_equal(net_get32(m + 12), NH_OUR);
  assert_int_equal(opt_addr(m, len, 50), 0);
  assert_true(st()->up);

  /* The lease ends: the address goes, and a new DISCOVER. */
  nh_run(KTIME_MS(12999));
  assert_true(st()->up);
  nh_sent_clear();
  nh_run(KTIME_MS(1));
  assert_false(st()->up);
  assert_int_equal(st()->cfg.addr, 0);
  assert_int_equal(st()->dhcp.state, DHCP_SELECTING);
  assert_int_equal(nh_sent_count(), 1);
  m = dhcp_msg(0, NH_BCAST_MAC, 0, BCAST, &len);
  assert_int_equal(msg_type(m, len), 1);

  /* And a new lease can be had. */
  uint32_t xid = st()->dhcp.xid;
  reply_t r;
  reply_slirp(&r, 2, xid, 86400);
  inject_reply(&r);
  reply_slirp(&r, 5, xid, 86400);
  inject_reply(&r);
  assert_true(st()->up);
  assert_int_equal(st()->cfg.lease_s, 86400);
}

static void test_nak_restarts(void **state) {
  (void)state;
  nh_start();
  uint32_t xid = st()->dhcp.xid;
  reply_t r;
  reply_slirp(&r, 2, xid, 86400);
  inject_reply(&r);
  assert_int_equal(st()->dhcp.state, DHCP_REQUESTING);
  nh_sent_clear();
  reply_init(&r, 6, xid, 0);
  reply_addr(&r, 54, SERVER);
  reply_end(&r);
  inject_reply(&r);
  assert_int_equal(st()->dhcp.state, DHCP_SELECTING);
  assert_int_equal(nh_sent_count(), 1);
  size_t len;
  const uint8_t *m = dhcp_msg(0, NH_BCAST_MAC, 0, BCAST, &len);
  assert_int_equal(msg_type(m, len), 1);
  assert_int_equal(nh_stats()->dhcp_drop_bad, 0);

  /* A NAK while renewing takes the address away. */
  xid = st()->dhcp.xid;
  reply_slirp(&r, 2, xid, 100);
  inject_reply(&r);
  reply_slirp(&r, 5, xid, 100);
  inject_reply(&r);
  assert_true(st()->up);
  nh_run(KTIME_S(50));
  assert_int_equal(st()->dhcp.state, DHCP_RENEWING);
  nh_sent_clear();
  reply_init(&r, 6, st()->dhcp.xid, 0);
  reply_end(&r);
  inject_reply(&r);
  assert_false(st()->up);
  assert_int_equal(st()->dhcp.state, DHCP_SELECTING);
  assert_int_equal(nh_sent_count(), 1);
  m = dhcp_msg(0, NH_BCAST_MAC, 0, BCAST, &len);
  assert_int_equal(msg_type(m, len), 1);
}

/* Inject r; it must be counted bad and change nothing. */
static void expect_bad(const reply_t *r, uint64_t *bad) {
  dhcp_state_t s = st()->dhcp.state;
  size_t sent = nh_sent_count();
  inject_reply(r);
  assert_int_equal(nh_stats()->dhcp_drop_bad, ++*bad);
  assert_int_equal(st()->dhcp.state, s);
  assert_int_equal(nh_sent_count(), sent);
  assert_false(st()->up);
}

static void test_malformed_replies(void **state) {
  (void)state;
  nh_start();
  uint32_t xid = st()->dhcp.xid;
  uint64_t bad = 0;
  reply_t r;

  reply_slirp(&r, 2, xid, 86400);
  r.len = 239; /* shorter than the fixed part */
  expect_bad(&r, &bad);
  reply_slirp(&r, 2, xid + 1, 86400); /* another transaction */
  expect_bad(&r, &bad);
  reply_slirp(&r, 2, xid, 86400);
  net_put32(r.b + 236, 0x63825364u); /* cookie */
  expect_bad(&r, &bad);
  reply_slirp(&r, 2, xid, 86400);
  r.b[33] ^= 1; /* another client's chaddr */
  expect_bad(&r, &bad);
  reply_slirp(&r, 2, xid, 86400);
  r.b[0] = 1; /* a BOOTREQUEST */
  expect_bad(&r, &bad);

  /* Truncated options: an option's length byte missing, or its value
   * running past the end; and no end option at all. */
  reply_init(&r, 2, xid, NH_OUR);
  r.b[r.len++] = 54;
  expect_bad(&r, &bad);
  reply_init(&r, 2, xid, NH_OUR);
  r.b[r.len++] = 54;
  r.b[r.len++] = 4;
  r.b[r.len++] = 10;
  expect_bad(&r, &bad);
  reply_init(&r, 2, xid, NH_OUR);
  reply_addr(&r, 54, SERVER);
  r.b[r.len++] = 12;
  r.b[r.len++] = 200; /* a host name of 200 bytes, in a short message */
  r.b[r.len++] = 'x';
  expect_bad(&r, &bad);
  reply_init(&r, 2, xid, NH_OUR);
  reply_addr(&r, 54, SERVER);
  expect_bad(&r, &bad); /* no end */
  reply_init(&r, 2, xid, NH_OUR);
  r.len -= 3;
  memset(r.b + r.len, 0, 20);
  r.len += 20; /* only pads */
  expect_bad(&r, &bad);

  /* Well-formed, but not an offer: no type, a wrong-sized type, an ACK
   * while selecting, an offer of 0.0.0.0, a malformed server id. */
  reply_init(&r, 0, xid, NH_OUR);
  reply_addr(&r, 54, SERVER);
  reply_end(&r);
  expect_bad(&r, &bad);
  reply_init(&r, 0, xid, NH_OUR);
  reply_opt(&r, 53, "\x02\x02", 2);
  reply_end(&r);
  expect_bad(&r, &bad);
  reply_slirp(&r, 5, xid, 86400);
  expect_bad(&r, &bad);
  reply_init(&r, 2, xid, 0);
  reply_addr(&r, 54, SERVER);
  reply_end(&r);
  expect_bad(&r, &bad);
  reply_init(&r, 2, xid, NH_OUR);
  reply_opt(&r, 54, "\x0a\x00\x02", 3);
  reply_end(&r);
  expect_bad(&r, &bad);
  assert_int_equal(nh_sent_count(), 1); /* the DISCOVER only */

  /* A good offer still works; an ACK from another server, or without a
   * lease time, does not. */
  reply_slirp(&r, 2, xid, 86400);
  inject_reply(&r);
  assert_int_equal(st()->dhcp.state, DHCP_REQUESTING);
  reply_slirp(&r, 5, xid, 86400);
  net_put32(r.b + 240 + 3 + 2, KIP4(10, 0, 2, 9)); /* option 54 */
  expect_bad(&r, &bad);
  reply_init(&r, 5, xid, NH_OUR);
  reply_addr(&r, 54, SERVER);
  reply_end(&r);
  expect_bad(&r, &bad);
  reply_slirp(&r, 5, xid, 86400);
  r.len -= 1; /* the end option cut off */
  expect_bad(&r, &bad);
  reply_slirp(&r, 5, xid, 86400);
  inject_reply(&r);
  assert_true(st()->up);
  assert_int_equal(nh_stats()->dhcp_drop_bad, bad);
}

/* dhcp_input straight on a heap copy of exactly `len` bytes, so the
 * address sanitizer catches any read past the message's end. */
static void input_exact(const reply_t *r, size_t len) {
  uint8_t *copy = malloc(len);
  assert_non_null(copy);
  memcpy(copy, r->b, len);
  dhcp_input(st(), SERVER, copy, len);
  free(copy);
}

static void test_never_reads_past_the_end(void **state) {
  (void)state;
  nh_start();
  uint32_t xid = st()->dhcp.xid;
  reply_t r;
  reply_slirp(&r, 2, xid, 86400);
  /* Every cut of a good offer, from the fixed part to just before its end
   * option, is bad; option values that claim to run past the end are
   * never read. */
  uint64_t bad = nh_stats()->dhcp_drop_bad;
  for (size_t len = 0; len < r.len; len++) {
    input_exact(&r, len);
    assert_int_equal(nh_stats()->dhcp_drop_bad, ++bad);
    assert_int_equal(st()->dhcp.state, DHCP_SELECTING);
  }
  reply_init(&r, 2, xid, NH_OUR);
  r.b[r.len++] = 54;
  r.b[r.len++] = 255;
  input_exact(&r, r.len);
  assert_int_equal(nh_stats()->dhcp_drop_bad, ++bad);
  /* The whole offer is taken. */
  reply_slirp(&r, 2, xid, 86400);
  input_exact(&r, r.len);
  assert_int_equal(nh_stats()->dhcp_drop_bad, bad);
  assert_int_equal(st()->dhcp.state, DHCP_REQUESTING);
}

/* An ACK (lease 86400 s) for yiaddr with netmask `mask` (0: none). */
static void ack_with(reply_t *r, uint32_t xid, kip4_t yiaddr, kip4_t mask) {
  reply_init(r, 5, xid, yiaddr);
  reply_addr(r, 54, SERVER);
  if (mask)
    reply_addr(r, 1, mask);
  reply_u32(r, 51, 86400);
  reply_end(r);
}

static void test_ack_needs_a_usable_address_on_a_prefix(void **state) {
  (void)state;
  nh_start();
  uint32_t xid = st()->dhcp.xid;
  reply_t r;
  reply_slirp(&r, 2, xid, 86400);
  inject_reply(&r);
  assert_int_equal(st()->dhcp.state, DHCP_REQUESTING);
  uint64_t bad = 0;
  /* A netmask that is not ones then zeros; the subnet's network and
   * broadcast addresses, under the given mask or the default /24. */
  ack_with(&r, xid, NH_OUR, KIP4(255, 255, 255, 1));
  expect_bad(&r, &bad);
  ack_with(&r, xid, NH_OUR, KIP4(255, 0, 255, 0));
  expect_bad(&r, &bad);
  ack_with(&r, xid, KIP4(10, 0, 2, 0), NH_MASK);
  expect_bad(&r, &bad);
  ack_with(&r, xid, KIP4(10, 0, 2, 255), NH_MASK);
  expect_bad(&r, &bad);
  ack_with(&r, xid, KIP4(10, 0, 0, 255), 0);
  expect_bad(&r, &bad);
  ack_with(&r, xid, KIP4(10, 0, 255, 255), KIP4(255, 255, 0, 0));
  expect_bad(&r, &bad);
  /* Under a /31 or /32 every address is a host's. */
  ack_with(&r, xid, KIP4(10, 0, 2, 255), KIP4(255, 255, 255, 254));
  inject_reply(&r);
  assert_true(st()->up);
  assert_int_equal(st()->cfg.addr, KIP4(10, 0, 2, 255));
  assert_int_equal(st()->cfg.netmask, KIP4(255, 255, 255, 254));
  assert_int_equal(nh_stats()->dhcp_drop_bad, bad);
}

static void test_unusable_server_router_and_dns(void **state) {
  (void)state;
  nh_start();
  uint32_t xid = st()->dhcp.xid;
  uint64_t bad = 0;
  reply_t r;
  /* A server id, or a sender without one, that is no host's address. */
  static const kip4_t not_hosts[] = {0, KIP4(127, 0, 0, 1), KIP4(224, 0, 0, 1),
                                     BCAST};
  for (size_t i = 0; i < KARRAY_SIZE(not_hosts); i++) {
    reply_init(&r, 2, xid, NH_OUR);
    reply_addr(&r, 54, not_hosts[i]);
    reply_end(&r);
    expect_bad(&r, &bad);
  }
  /* Without a server id the sender counts: one of 240/4 or 127/8 never
   * reaches DHCP (ipv4.c drops it as a bad source); 0.0.0.0 does, and DHCP
   * refuses it. */
  reply_init(&r, 2, xid, NH_OUR);
  reply_end(&r);
  inject_reply_from(&r, KIP4(240, 0, 0, 1));
  assert_int_equal(nh_stats()->ip_drop_bad_source, 1);
  inject_reply_from(&r, KIP4(0, 0, 0, 0));
  assert_int_equal(nh_stats()->dhcp_drop_bad, ++bad);
  inject_reply_from(&r, KIP4(127, 0, 0, 1));
  assert_int_equal(nh_stats()->ip_drop_bad_source, 2);
  assert_int_equal(nh_stats()->dhcp_drop_bad, bad);
  assert_int_equal(st()->dhcp.state, DHCP_SELECTING);

  /* Routers and DNS servers: the first that is a host's address, and not
   * the one leased; none such, none. */
  reply_slirp(&r, 2, xid, 86400);
  inject_reply(&r);
  reply_init(&r, 5, xid, NH_OUR);
  reply_addr(&r, 54, SERVER);
  reply_u32(&r, 51, 100);
  uint8_t list[16];
  net_put32(list, 0);
  net_put32(list + 4, NH_OUR);
  net_put32(list + 8, KIP4(224, 0, 0, 2));
  net_put32(list + 12, KIP4(10, 0, 2, 1));
  reply_opt(&r, 3, list, 16);
  net_put32(list, KIP4(127, 0, 0, 53));
  net_put32(list + 4, DNS);
  reply_opt(&r, 6, list, 8);
  reply_end(&r);
  inject_reply(&r);
  assert_true(st()->up);
  assert_int_equal(st()->cfg.gateway, KIP4(10, 0, 2, 1));
  assert_int_equal(st()->cfg.dns, DNS);
  assert_int_equal(nh_stats()->dhcp_drop_bad, bad);

  /* Rebinding, any server may answer, but with a host's address. */
  nh_run(KTIME_S(88));
  assert_int_equal(st()->dhcp.state, DHCP_REBINDING);
  xid = st()->dhcp.xid;
  reply_init(&r, 5, xid, NH_OUR);
  reply_addr(&r, 54, 0);
  reply_u32(&r, 51, 100);
  net_put32(list, BCAST);
  reply_opt(&r, 3, list, 4);
  reply_end(&r);
  inject_reply(&r);
  assert_int_equal(nh_stats()->dhcp_drop_bad, ++bad);
  assert_int_equal(st()->dhcp.state, DHCP_REBINDING);
  r.b[240 + 3 + 2] = 10; /* option 54: 10.0.0.0 */
  inject_reply(&r);
  assert_int_equal(st()->dhcp.state, DHCP_BOUND);
  assert_int_equal(st()->dhcp.server, KIP4(10, 0, 0, 0));
  assert_int_equal(st()->cfg.gateway, 0);
  assert_int_equal(nh_stats()->dhcp_drop_bad, bad);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_discover, setup),
      cmocka_unit_test_setup(test_offer_request_ack, setup),
      cmocka_unit_test_setup(test_options_t1_t2_and_defaults, setup),
      cmocka_unit_test_setup(test_retransmit_then_static, setup),
      cmocka_unit_test_setup(test_no_fallback_asks_again, setup),
      cmocka_unit_test_setup(test_request_retransmitted, setup),
      cmocka_unit_test_setup(test_renewal, setup),
      cmocka_unit_test_setup(test_rebinding_and_expiry, setup),
      cmocka_unit_test_setup(test_nak_restarts, setup),
      cmocka_unit_test_setup(test_malformed_replies, setup),
      cmocka_unit_test_setup(test_never_reads_past_the_end, setup),
      cmocka_unit_test_setup(test_ack_needs_a_usable_address_on_a_prefix,
                             setup),
      cmocka_unit_test_setup(test_unusable_server_router_and_dns, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
