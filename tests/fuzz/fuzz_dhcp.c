/* fuzz_dhcp.c: libFuzzer harness for the DHCP client's reply path
 * (net/dhcp.c), on the net harness (tests/unit/support/net_harness.c).
 *
 * Input: one selector byte, then the DHCP message (BOOTP header and
 * options) as a server sends it. The selector:
 *   bits 0-2  the client's state when the reply comes (mod 5): SELECTING,
 *             REQUESTING, BOUND, RENEWING, REBINDING
 *   bit 3     keep the input's xid and chaddr (else the harness writes the
 *             client's own, read from the DISCOVER or REQUEST it sent)
 *   bits 4-5  IPv4 source: the server 10.0.2.2, another host 10.0.2.9,
 *             0.0.0.0 (which reaches DHCP), or 127.0.0.1 (which ipv4.c
 *             drops)
 *   bit 6     to 10.0.2.15 instead of 255.255.255.255
 *   bit 7     the reply arrives twice
 * The harness wraps the message in a frame (UDP 67 -> 68, checksums right),
 * so every input reaches dhcp_input. Each input starts from a fresh stack
 * that a program's IP_CONFIG started and the harness's server led to the
 * state (lease 100 s: T1 50 s, T2 87 s).
 *
 * Checked: a reply counted bad (dhcp_drop_bad) changes nothing; an accepted
 * one moves the state only as RFC 2131 allows, and a lease taken (also as
 * IP_CONFIG reports it) has a host's address (not 0.0.0.0, 127/8, 224/4,
 * 240/4; up to a /30 not the subnet's network or broadcast address), a
 * prefix netmask, a host's address or none as gateway and DNS server, a
 * host's address as server, and T1 <= T2 <= lease. Then the clock runs
 * 2^33 s, past any lease (no one answers any more): every frame the stack
 * sends goes between hosts' addresses (or 0.0.0.0 as source, or broadcast),
 * no receive buffer is leaked, the loop goes idle, and the client ends up
 * with an address (an infinite lease or the static fallback), its IP_CONFIG
 * completed once. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net_harness.h"

#define SERVER NH_GW
#define LEASE_INFINITE 0xffffffffu
#define BOOTP_LEN 240 /* up to the options */

static const kip4_t g_sources[4] = {SERVER, KIP4(10, 0, 2, 9), KIP4_ANY,
                                    KIP4(127, 0, 0, 1)};
static kip_config_req_t g_cfg_req;
static unsigned g_cfg_calls; /* its completions */
static kerr_t g_cfg_result;
static uint32_t g_xid; /* of the client's last DISCOVER or REQUEST */

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond))                                                               \
      abort();                                                                 \
  } while (0)

/* ---------------------------------------------------------- address rules */

static bool unicast_ok(kip4_t a) {
  return a != KIP4_ANY && (a >> 24) != 127u && (a >> 28) < 0xeu;
}

static bool prefix_ok(kip4_t m) { return (~m & (~m + 1u)) == 0; }

static bool lease_ok(const kip_config_t *c) {
  if (!unicast_ok(c->addr) || !prefix_ok(c->netmask))
    return false;
  kip4_t host = c->addr & ~c->netmask;
  if (c->netmask < KIP4(255, 255, 255, 254) &&
      (host == 0 || host == ~c->netmask))
    return false;
  if (c->dns != KIP4_ANY && (!unicast_ok(c->dns) || c->dns == c->addr))
    return false;
  return c->gateway == KIP4_ANY ||
         (unicast_ok(c->gateway) && c->gateway != c->addr);
}

/* -------------------------------------------------------------- the client */

/* The BOOTP message of the last DHCP frame the stack sent (UDP 68 -> 67),
 * or NULL. */
static const uint8_t *last_request(void) {
  for (size_t i = nh_sent_count(); i-- > 0;) {
    size_t len;
    const uint8_t *f = nh_sent(i, &len);
    const uint8_t *ip = f + ETH_HLEN, *u = ip + IP_HLEN;
    if (len < NET_PAYLOAD + UDP_HLEN + BOOTP_LEN ||
        net_get16(f + 12) != ETH_TYPE_IPV4 || ip[9] != IP_PROTO_UDP ||
        net_get16(u) != UDP_PORT_DHCP_CLIENT ||
        net_get16(u + 2) != UDP_PORT_DHCP_SERVER)
      continue;
    return u + UDP_HLEN;
  }
  return NULL;
}

static uint32_t sent_xid(void) {
  const uint8_t *m = last_request();
  CHECK(m != NULL);
  return net_get32(m + 4);
}

/* The harness's server: a reply of `type` leasing NH_OUR for 100 s. */
static void serve(uint8_t type) {
  uint8_t b[BOOTP_LEN + 32] = {2, 1, 6}, f[KCONFIG_NET_FRAME_MAX];
  net_put32(b + 4, sent_xid());
  net_put32(b + 16, NH_OUR);
  memcpy(b + 28, NH_MAC, ETH_ALEN);
  net_put32(b + 236, 0x63825363u);
  uint8_t *o = b + BOOTP_LEN;
  *o++ = 53, *o++ = 1, *o++ = type;
  *o++ = 54, *o++ = 4, net_put32(o, SERVER), o += 4;
  *o++ = 1, *o++ = 4, net_put32(o, NH_MASK), o += 4;
  *o++ = 3, *o++ = 4, net_put32(o, NH_GW), o += 4;
  *o++ = 51, *o++ = 4, net_put32(o, 100), o += 4;
  *o++ = 255;
  nh_inject(f, nh_udp_frame(f, SERVER, UDP_PORT_DHCP_SERVER, KIP4_BROADCAST,
                            UDP_PORT_DHCP_CLIENT, b, (size_t)(o - b)));
}

static void on_config(kwork_t *w) {
  g_cfg_calls++;
  g_cfg_result = w->result;
  CHECK(g_cfg_req.config.source != KIP_SOURCE_DHCP ||
        lease_ok(&g_cfg_req.config));
}

/* A fresh stack with the client in `state`. */
static void setup(dhcp_state_t state) {
  nh_init();
  g_cfg_calls = 0;
  kwork_init(&g_cfg_req.work, KWORK_OP_IP_CONFIG, NULL, on_config, 0);
  CHECK(nh_submit(&g_cfg_req.work) == KERR_OK); /* starts DHCP */
  if (state >= DHCP_REQUESTING)
    serve(2);
  g_xid = sent_xid();
  if (state >= DHCP_BOUND) {
    serve(5);
    nh_learn_peer(SERVER); /* so that a renewal goes out at once */
  }
  if (state >= DHCP_RENEWING)
    nh_run(KTIME_S(50));
  if (state >= DHCP_REBINDING)
    nh_run(KTIME_S(37));
  if (state >= DHCP_RENEWING)
    g_xid = sent_xid();
  CHECK(nh_stack()->dhcp.state == state);
  CHECK(nh_stats()->dhcp_drop_bad == 0);
  nh_sent_clear();
}

/* ------------------------------------------------------------------ checks */

typedef struct {
  dhcp_t dhcp;
  kip_config_t cfg;
  bool up;
  uint64_t bad, udp_rx;
  size_t sent;
} seen_t;

static void observe(seen_t *s) {
  net_stack_t *st = nh_stack();
  memset(s, 0, sizeof(*s));
  memcpy(&s->dhcp, &st->dhcp, sizeof(s->dhcp));
  memcpy(&s->cfg, &st->cfg, sizeof(s->cfg));
  s->up = st->up;
  s->bad = nh_stats()->dhcp_drop_bad;
  s->udp_rx = nh_stats()->udp_rx;
  s->sent = nh_sent_count();
}

static bool same_config(const kip_config_t *a, const kip_config_t *b) {
  return a->addr == b->addr && a->netmask == b->netmask &&
         a->gateway == b->gateway && a->dns == b->dns &&
         a->source == b->source && a->lease_s == b->lease_s;
}

/* What one reply did, against the state before it. */
static void check_reply(const seen_t *b) {
  net_stack_t *st = nh_stack();
  const dhcp_t *d = &st->dhcp;
  bool handled = nh_stats()->udp_rx != b->udp_rx;
  if (!handled || nh_stats()->dhcp_drop_bad != b->bad) {
    CHECK(memcmp(&b->dhcp, d, sizeof(*d)) == 0);
    CHECK(same_config(&b->cfg, &st->cfg));
    CHECK(b->up == st->up);
    return;
  }
  switch (b->dhcp.state) {
  case DHCP_SELECTING: /* an OFFER: REQUEST it */
    CHECK(d->state == DHCP_REQUESTING && !st->up);
    CHECK(unicast_ok(d->offered) && unicast_ok(d->server));
    CHECK(nh_sent_count() > b->sent && sent_xid() == d->xid);
    break;
  case DHCP_REQUESTING:
  case DHCP_RENEWING:
  case DHCP_REBINDING:
    if (d->state == DHCP_SELECTING) { /* a NAK, or a lease of 0 s */
      CHECK(!st->up && d->xid != b->dhcp.xid);
      break;
    }
    /* An ACK; T1 or T2 may have passed already (0 s). */
    CHECK(d->state >= DHCP_BOUND && d->state <= DHCP_REBINDING && st->up);
    CHECK(st->cfg.source == KIP_SOURCE_DHCP);
    CHECK(same_config(&st->cfg, &d->lease));
    CHECK(lease_ok(&st->cfg) && unicast_ok(d->server));
    CHECK(d->t1_s <= d->t2_s && d->t2_s <= d->lease_s);
    break;
  default:
    abort(); /* bound: every reply is dropped */
  }
}

/* Every frame sent since the last clear goes between usable addresses. */
static void check_sent(void) {
  for (size_t i = 0; i < nh_sent_count(); i++) {
    size_t len;
    const uint8_t *f = nh_sent(i, &len);
    const uint8_t *p = f + ETH_HLEN;
    kip4_t src, dst;
    if (net_get16(f + 12) == ETH_TYPE_IPV4 && len >= NET_PAYLOAD) {
      src = net_get32(p + 12), dst = net_get32(p + 16);
      CHECK(dst == KIP4_BROADCAST || unicast_ok(dst));
    } else if (net_get16(f + 12) == ETH_TYPE_ARP && len >= ETH_HLEN + 28) {
      src = net_get32(p + 14), dst = net_get32(p + 24);
      CHECK(unicast_ok(dst));
    } else {
      abort(); /* the stack sends nothing else */
    }
    CHECK(src == KIP4_ANY || unicast_ok(src));
  }
  nh_sent_clear();
}

/* ------------------------------------------------------------------ input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  uint8_t sel = data[0];
  size_t len = KMIN(size - 1, (size_t)KUDP_MAX_PAYLOAD);
  setup((dhcp_state_t)(DHCP_SELECTING + (sel & 7) % 5));

  uint8_t msg[KUDP_MAX_PAYLOAD], f[KCONFIG_NET_FRAME_MAX];
  memcpy(msg, data + 1, len);
  if (!(sel & 8)) {
    if (len >= 8)
      net_put32(msg + 4, g_xid);
    if (len >= 28 + ETH_ALEN)
      memcpy(msg + 28, NH_MAC, ETH_ALEN);
  }
  kip4_t src = g_sources[(sel >> 4) & 3];
  kip4_t dst = (sel & 64) ? NH_OUR : KIP4_BROADCAST;
  size_t flen = nh_udp_frame(f, src, UDP_PORT_DHCP_SERVER, dst,
                             UDP_PORT_DHCP_CLIENT, msg, len);
  for (int n = (sel & 128) ? 2 : 1; n > 0; n--) {
    seen_t before;
    observe(&before);
    nh_inject(f, flen);
    check_reply(&before);
    CHECK(nh_rx_outstanding() == 0);
  }

  check_sent();
  for (unsigned shift = 0; shift <= 33; shift++) {
    nh_run(KTIME_S(1ull << shift));
    check_sent();
  }
  const net_stack_t *st = nh_stack();
  CHECK(st->up);
  CHECK(st->dhcp.state == DHCP_STATIC ||
        (st->dhcp.state == DHCP_BOUND && st->dhcp.lease_s == LEASE_INFINITE));
  CHECK(g_cfg_calls == 1 && g_cfg_result == KERR_OK);
  CHECK(nh_rx_outstanding() == 0);
  CHECK(kstats(nh_kernel())->bad_completions == 0);
  return 0;
}
