/* dhcp.c: the DHCP client (RFC 2131; options RFC 2132), from port 68 to the
 * server's port 67 (dhcp.h has the states).
 *
 * The message (BOOTP, RFC 951), big-endian, offsets in bytes:
 *
 *     0 op (1 BOOTREQUEST, 2 BOOTREPLY)   1 htype (1 Ethernet)
 *     2 hlen (6)                          3 hops
 *     4 xid                               8 secs
 *    10 flags (0x8000: broadcast the reply)
 *    12 ciaddr (ours, when renewing)     16 yiaddr (the address offered)
 *    20 siaddr   24 giaddr   28 chaddr (16 bytes; our MAC first)
 *    44 sname (64)   108 file (128)   236 magic cookie 99.130.83.99
 *   240 options: code, length, value; 0 pad (no length), 255 end
 *
 * We send at least 300 bytes (the BOOTP minimum relays expect). Options we
 * send: 53 message type (1 DISCOVER, 3 REQUEST), 61 client id (1, MAC),
 * 50 requested address and 54 server id (REQUEST after an OFFER only),
 * 55 parameter request list (1 netmask, 3 router, 6 DNS, 51 lease, 54).
 * Options we read: 53 (2 OFFER, 5 ACK, 6 NAK), 54, 1, 3 and 6 (the first
 * host's address of the list other than yiaddr; none such: none), 51
 * lease seconds, 58 T1, 59 T2 (defaults: 1/2 and 7/8 of the lease, RFC
 * 2131 4.4.5). A host's address is not 0.0.0.0, 127/8, 224/4 or 240/4. A
 * reply is ignored and counted (dhcp_drop_bad) when it is short, not a
 * BOOTREPLY, has the wrong xid, chaddr or cookie, an option running past
 * the end or of the wrong size, no end option, no message type, a server
 * id (54, or the sender without one) that is no host's address, a netmask
 * that is not a prefix, an address (yiaddr) that is no host's or (in an
 * ACK, on a subnet up to /30: option 1, else /24) is its subnet's network
 * or broadcast address, or is not what the state waits for.
 *
 * Timing: the DISCOVER (and the REQUEST after an OFFER) is sent again after
 * 250 ms, doubling up to 2 s, until KCONFIG_DHCP_TIMEOUT_NS after the start;
 * then the static fallback. Renewing (unicast to the server) and rebinding
 * (broadcast) retransmit after half the time left to T2 or to the lease's
 * end, at least 60 s apart (RFC 2131 4.4.5). */
#include "stack.h"

#include "kfmt.h"
#include "kstring.h"

#define BOOTP_OP 0
#define BOOTP_HTYPE 1
#define BOOTP_HLEN 2
#define BOOTP_XID 4
#define BOOTP_SECS 8
#define BOOTP_FLAGS 10
#define BOOTP_CIADDR 12
#define BOOTP_YIADDR 16
#define BOOTP_CHADDR 28
#define BOOTP_COOKIE 236
#define BOOTP_OPTIONS 240
#define BOOTP_MIN_LEN 300

#define BOOTREQUEST 1
#define BOOTREPLY 2
#define DHCP_COOKIE 0x63825363u
#define DHCP_FLAG_BROADCAST 0x8000u

enum {
  OPT_PAD = 0,
  OPT_NETMASK = 1,
  OPT_ROUTER = 3,
  OPT_DNS = 6,
  OPT_REQUESTED = 50,
  OPT_LEASE = 51,
  OPT_TYPE = 53,
  OPT_SERVER = 54,
  OPT_PARAMS = 55,
  OPT_T1 = 58,
  OPT_T2 = 59,
  OPT_CLIENT_ID = 61,
  OPT_END = 255,
};

enum {
  DHCPDISCOVER = 1,
  DHCPOFFER = 2,
  DHCPREQUEST = 3,
  DHCPACK = 5,
  DHCPNAK = 6,
};

#define LEASE_INFINITE 0xffffffffu
#define DEFAULT_NETMASK KIP4(255, 255, 255, 0) /* when the ACK has none */
#define RETRY_FIRST KTIME_MS(250)
#define RETRY_MAX KTIME_S(2)
#define RENEW_RETRY_MIN KTIME_S(60)

/* What a reply said. */
typedef struct {
  uint8_t type;
  kip4_t yiaddr, server, netmask, router, dns;
  uint32_t lease, t1, t2;
  bool has_server, has_netmask, has_router, has_dns, has_lease, has_t1, has_t2;
} dhcp_reply_t;

/* ------------------------------------------------------------------ times */

static ktime_t lease_time(const dhcp_t *d, uint32_t s) {
  return d->lease_s == LEASE_INFINITE ? KTIME_NEVER : d->bound_at + KTIME_S(s);
}

static ktime_t next_event(const dhcp_t *d) {
  switch (d->state) {
  case DHCP_SELECTING:
  case DHCP_REQUESTING:
    return KMIN(d->next_send, d->started + KCONFIG_DHCP_TIMEOUT_NS);
  case DHCP_BOUND:
    return lease_time(d, d->t1_s);
  case DHCP_RENEWING:
    return KMIN(d->next_send, lease_time(d, d->t2_s));
  case DHCP_REBINDING:
    return KMIN(d->next_send, lease_time(d, d->lease_s));
  default:
    return KTIME_NEVER;
  }
}

static void schedule(net_stack_t *st) {
  ktime_t when = next_event(&st->dhcp);
  if (when != KTIME_NEVER)
    net_wake_at(st, when);
}

/* When to send again after a message sent at `now`. */
static ktime_t retry_at(const dhcp_t *d, ktime_t now) {
  if (d->state == DHCP_SELECTING || d->state == DHCP_REQUESTING) {
    uint32_t doublings = d->tries > 0 ? KMIN(d->tries - 1, 3u) : 0;
    return now + KMIN(RETRY_FIRST << doublings, RETRY_MAX);
  }
  ktime_t limit =
      lease_time(d, d->state == DHCP_RENEWING ? d->t2_s : d->lease_s);
  if (limit == KTIME_NEVER)
    return now + RENEW_RETRY_MIN;
  ktime_t wait = limit > now ? (limit - now) / 2 : 0;
  return KMIN(now + KMAX(wait, RENEW_RETRY_MIN), limit);
}

/* ------------------------------------------------------------------- send */

static uint8_t *put_opt(uint8_t *o, uint8_t code, uint8_t len) {
  o[0] = code;
  o[1] = len;
  return o + 2 + len;
}

/* Build and send the message the state calls for (DISCOVER while
 * selecting, REQUEST otherwise). */
static void transmit(net_stack_t *st, ktime_t now) {
  dhcp_t *d = &st->dhcp;
  d->tries++;
  d->next_send = retry_at(d, now);
  net_tx_t *tx = net_tx_alloc(st, NULL);
  if (tx == NULL) {
    NET_DROP(st, tx_drop_no_slot); /* the next retransmission tries again */
    return;
  }
  uint8_t *m = tx->frame + NET_PAYLOAD + UDP_HLEN;
  kmemset(m, 0, BOOTP_MIN_LEN);
  bool selecting = d->state == DHCP_SELECTING;
  bool renewal = d->state == DHCP_RENEWING || d->state == DHCP_REBINDING;
  m[BOOTP_OP] = BOOTREQUEST;
  m[BOOTP_HTYPE] = 1;
  m[BOOTP_HLEN] = ETH_ALEN;
  net_put32(m + BOOTP_XID, d->xid);
  ktime_t secs = (now - d->started) / KTIME_S(1);
  net_put16(m + BOOTP_SECS, (uint16_t)KMIN(secs, 0xffffu));
  if (renewal)
    net_put32(m + BOOTP_CIADDR, st->cfg.addr);
  else
    net_put16(m + BOOTP_FLAGS, DHCP_FLAG_BROADCAST);
  kmemcpy(m + BOOTP_CHADDR, st->mac, ETH_ALEN);
  net_put32(m + BOOTP_COOKIE, DHCP_COOKIE);

  uint8_t *o = m + BOOTP_OPTIONS;
  o[2] = selecting ? DHCPDISCOVER : DHCPREQUEST;
  o = put_opt(o, OPT_TYPE, 1);
  o[2] = 1; /* hardware type: Ethernet */
  kmemcpy(o + 3, st->mac, ETH_ALEN);
  o = put_opt(o, OPT_CLIENT_ID, 1 + ETH_ALEN);
  if (d->state == DHCP_REQUESTING) {
    net_put32(o + 2, d->offered);
    o = put_opt(o, OPT_REQUESTED, 4);
    net_put32(o + 2, d->server);
    o = put_opt(o, OPT_SERVER, 4);
  }
  static const uint8_t params[] = {OPT_NETMASK, OPT_ROUTER, OPT_DNS, OPT_LEASE,
                                   OPT_SERVER};
  kmemcpy(o + 2, params, sizeof(params));
  o = put_opt(o, OPT_PARAMS, sizeof(params));
  *o++ = OPT_END;
  size_t len = KMAX((size_t)(o - m), (size_t)BOOTP_MIN_LEN);

  kip4_t dst = d->state == DHCP_RENEWING ? d->server : KIP4_BROADCAST;
  udp_output(st, tx, UDP_PORT_DHCP_CLIENT, dst, UDP_PORT_DHCP_SERVER, len);
}

/* ------------------------------------------------------------ transitions */

/* The platform's fallback (net_attach), or, without one, a new attempt. */
static void configure_static(net_stack_t *st) {
  if (!st->has_fallback) {
    klog(KLOG_INFO, "dhcp: no lease yet, asking again\n");
    dhcp_start(st);
    return;
  }
  st->dhcp.state = DHCP_STATIC;
  klog(KLOG_INFO, "dhcp: no lease, static address\n");
  net_configure(st, &st->fallback);
}

void dhcp_start(net_stack_t *st) {
  dhcp_t *d = &st->dhcp;
  ktime_t now = net_now(st);
  kmemset(d, 0, sizeof(*d));
  d->state = DHCP_SELECTING;
  d->xid = net_rand(st);
  d->started = now;
  transmit(st, now);
  schedule(st);
}

static void restart(net_stack_t *st) {
  if (st->up)
    net_deconfigure(st);
  dhcp_start(st);
}

static unsigned prefix_len(kip4_t mask) {
  unsigned n = 0;
  for (; mask & 0x80000000u; mask <<= 1)
    n++;
  return n;
}

static void log_lease(const kip_config_t *c) {
  char a[KFMT_IP4_LEN], g[KFMT_IP4_LEN], n[KFMT_IP4_LEN];
  klog(KLOG_INFO, "dhcp: %s/%u gateway %s dns %s lease %u s\n",
       kfmt_ip4(a, c->addr), prefix_len(c->netmask), kfmt_ip4(g, c->gateway),
       kfmt_ip4(n, c->dns), (unsigned)c->lease_s);
}

/* An ACK: the lease starts now. */
static void bind_lease(net_stack_t *st, const dhcp_reply_t *r) {
  dhcp_t *d = &st->dhcp;
  bool renewal = d->state == DHCP_RENEWING || d->state == DHCP_REBINDING;
  kip_config_t cfg = {.addr = r->yiaddr,
                      .netmask = r->has_netmask ? r->netmask : DEFAULT_NETMASK,
                      .gateway = r->has_router ? r->router : KIP4_ANY,
                      .dns = r->has_dns ? r->dns : KIP4_ANY,
                      .source = KIP_SOURCE_DHCP,
                      .lease_s = r->lease};
  d->lease_s = r->lease;
  d->t2_s = r->has_t2 && r->t2 <= r->lease
                ? r->t2
                : (uint32_t)((uint64_t)r->lease * 7 / 8);
  d->t1_s = r->has_t1 && r->t1 <= d->t2_s ? r->t1 : KMIN(r->lease / 2, d->t2_s);
  if (r->has_server)
    d->server = r->server;
  d->lease = cfg;
  d->bound_at = net_now(st);
  d->state = DHCP_BOUND;
  d->tries = 0;
  if (renewal && st->up && st->cfg.addr == cfg.addr &&
      st->cfg.netmask == cfg.netmask) {
    st->cfg = cfg; /* the same address: nothing to announce */
    return;
  }
  if (st->up)
    net_deconfigure(st);
  log_lease(&cfg);
  net_configure(st, &cfg);
}

/* ------------------------------------------------------------------ input */

/* A host's address: not 0.0.0.0, 127/8, multicast (224/4) or 240/4 (with
 * 255.255.255.255). */
static bool usable_address(kip4_t a) {
  return a != KIP4_ANY && (a >> 28) < 0xeu && (a >> 24) != 127u;
}

/* Ones, then zeros. */
static bool is_prefix(kip4_t mask) { return (~mask & (~mask + 1u)) == 0; }

/* A host's address on a subnet of `mask` (a prefix): usable, and up to a
 * /30 neither the subnet's network address nor its broadcast address. */
static bool usable_on_subnet(kip4_t a, kip4_t mask) {
  kip4_t host = a & ~mask;
  return usable_address(a) &&
         (mask >= KIP4(255, 255, 255, 254) || (host != 0 && host != ~mask));
}

/* The first usable address of a list (options 3 and 6) other than `self`;
 * false if there is none. */
static bool first_usable(const uint8_t *v, uint8_t len, kip4_t self,
                         kip4_t *out) {
  for (size_t i = 0; i + 4 <= len; i += 4) {
    kip4_t a = net_get32(v + i);
    if (usable_address(a) && a != self) {
      *out = a;
      return true;
    }
  }
  return false;
}

/* Check a reply to us and read its options; false if it is malformed or
 * not ours. */
static bool parse(const net_stack_t *st, const uint8_t *p, size_t len,
                  dhcp_reply_t *r) {
  if (len < BOOTP_OPTIONS || p[BOOTP_OP] != BOOTREPLY ||
      net_get32(p + BOOTP_XID) != st->dhcp.xid ||
      kmemcmp(p + BOOTP_CHADDR, st->mac, ETH_ALEN) != 0 ||
      net_get32(p + BOOTP_COOKIE) != DHCP_COOKIE)
    return false;
  kmemset(r, 0, sizeof(*r));
  r->yiaddr = net_get32(p + BOOTP_YIADDR);
  size_t i = BOOTP_OPTIONS;
  for (;;) {
    if (i >= len)
      return false; /* no end option */
    uint8_t code = p[i];
    if (code == OPT_PAD) {
      i++;
      continue;
    }
    if (code == OPT_END)
      break;
    if (i + 2 > len || i + 2 + p[i + 1] > len)
      return false; /* runs past the end */
    uint8_t olen = p[i + 1];
    const uint8_t *v = p + i + 2;
    i += 2u + olen;
    bool ok = true;
    switch (code) {
    case OPT_TYPE:
      ok = olen == 1;
      r->type = ok ? v[0] : 0;
      break;
    case OPT_SERVER:
      ok = r->has_server = olen == 4 && usable_address(net_get32(v));
      r->server = ok ? net_get32(v) : 0;
      break;
    case OPT_NETMASK:
      ok = r->has_netmask = olen == 4 && is_prefix(net_get32(v));
      r->netmask = ok ? net_get32(v) : 0;
      break;
    case OPT_ROUTER: /* a list, in order of preference */
      ok = olen >= 4 && olen % 4 == 0;
      r->has_router = ok && first_usable(v, olen, r->yiaddr, &r->router);
      break;
    case OPT_DNS:
      ok = olen >= 4 && olen % 4 == 0;
      r->has_dns = ok && first_usable(v, olen, r->yiaddr, &r->dns);
      break;
    case OPT_LEASE:
      ok = r->has_lease = olen == 4;
      r->lease = ok ? net_get32(v) : 0;
      break;
    case OPT_T1:
      ok = r->has_t1 = olen == 4;
      r->t1 = ok ? net_get32(v) : 0;
      break;
    case OPT_T2:
      ok = r->has_t2 = olen == 4;
      r->t2 = ok ? net_get32(v) : 0;
      break;
    default:
      break; /* not ours to read */
    }
    if (!ok)
      return false;
  }
  return r->type != 0;
}

/* What to do with a well-formed reply; false: not what we wait for. */
static bool handle(net_stack_t *st, kip4_t src, const dhcp_reply_t *r) {
  dhcp_t *d = &st->dhcp;
  switch (d->state) {
  case DHCP_SELECTING: {
    if (r->type != DHCPOFFER || !usable_address(r->yiaddr))
      return false;
    kip4_t server = r->has_server ? r->server : src;
    if (!usable_address(server))
      return false;
    d->offered = r->yiaddr;
    d->server = server;
    d->state = DHCP_REQUESTING;
    d->tries = 0;
    transmit(st, net_now(st));
    return true;
  }
  case DHCP_REQUESTING:
  case DHCP_RENEWING:
  case DHCP_REBINDING:
    /* While requesting or renewing, only the chosen server speaks. */
    if (d->state != DHCP_REBINDING && r->has_server && r->server != d->server)
      return false;
    if (r->type == DHCPNAK) {
      restart(st);
      return true;
    }
    if (r->type != DHCPACK || !r->has_lease ||
        !usable_on_subnet(r->yiaddr,
                          r->has_netmask ? r->netmask : DEFAULT_NETMASK))
      return false;
    bind_lease(st, r);
    return true;
  default:
    return false; /* bound: we asked for nothing */
  }
}

void dhcp_input(net_stack_t *st, kip4_t src, const uint8_t *p, size_t len) {
  dhcp_reply_t r;
  if (!parse(st, p, len, &r) || !handle(st, src, &r)) {
    NET_DROP(st, dhcp_drop_bad);
    return;
  }
  schedule(st);
}

/* ------------------------------------------------------------------- time */

/* T1 or T2 passed: renew or rebind. A renewal is a new transaction (new
 * xid; secs count from here). */
static void enter(net_stack_t *st, dhcp_state_t state, ktime_t now) {
  dhcp_t *d = &st->dhcp;
  if (d->state == DHCP_BOUND) {
    d->xid = net_rand(st);
    d->started = now;
  }
  d->state = state;
  d->tries = 0;
  transmit(st, now);
}

void dhcp_tick(net_stack_t *st, ktime_t now) {
  dhcp_t *d = &st->dhcp;
  switch (d->state) {
  case DHCP_SELECTING:
  case DHCP_REQUESTING:
    if (now - d->started >= KCONFIG_DHCP_TIMEOUT_NS) {
      configure_static(st);
      return;
    }
    if (now >= d->next_send)
      transmit(st, now);
    break;
  case DHCP_BOUND:
  case DHCP_RENEWING:
  case DHCP_REBINDING:
    if (now >= lease_time(d, d->lease_s)) {
      klog(KLOG_INFO, "dhcp: lease expired\n");
      restart(st);
      return; /* dhcp_start scheduled */
    }
    if (d->state != DHCP_REBINDING && now >= lease_time(d, d->t2_s)) {
      enter(st, DHCP_REBINDING, now);
    } else if (d->state == DHCP_BOUND && now >= lease_time(d, d->t1_s)) {
      enter(st, DHCP_RENEWING, now);
    } else if (d->state != DHCP_BOUND && now >= d->next_send) {
      transmit(st, now);
    }
    break;
  default:
    return;
  }
  schedule(st);
}
