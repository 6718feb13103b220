/* icmp.c: ICMP for IPv4 (RFC 792), as RFC 1122 3.2.2 asks of a host.
 *
 * Every message starts with 8 bytes, big-endian:
 *
 *   0  type    (0 echo reply, 3 destination unreachable, 8 echo request)
 *   1  code    (for type 3: 3 port unreachable)
 *   2  checksum (RFC 1071 over the whole ICMP message)
 *   4  echo: identifier (2), sequence number (2)
 *      unreachable: 4 unused bytes, zero
 *   8  echo: data, returned unchanged in the reply
 *      unreachable: the offending datagram's IPv4 header and the first 8
 *      bytes of its payload (enough for the UDP ports)
 *
 * Echo requests to our address are answered; those to a broadcast address
 * are ignored (RFC 1122 3.2.2.6 allows it). Pings (KWORK_OP_PING) send
 * requests with this stack's identifier and a sequence number, and a
 * payload pattern derived from the sequence number; a reply completes its
 * ping only if identifier, sequence number and data all match.
 *
 * Unreachables are rate-limited (RFC 1122 3.2.2 and RFC 1812 4.3.2.8) by a
 * token bucket: KCONFIG_ICMP_UNREACH_PER_S tokens a second, as many at most,
 * full at the first use. Messages of other types are ignored. */
#include "kstring.h"
#include "stack.h"

#define ICMP_ECHO_REPLY 0u
#define ICMP_UNREACH 3u
#define ICMP_UNREACH_PORT 3u
#define ICMP_ECHO_REQUEST 8u
#define ICMP_MAX_LEN (KCONFIG_NET_FRAME_MAX - NET_PAYLOAD)
/* What an unreachable quotes: the header and 64 bits of data. */
#define ICMP_QUOTE_DATA 8u

/* The checksum of the ICMP message at m (`len` bytes), stored in place. */
static void icmp_finish(uint8_t *m, size_t len) {
  net_put16(m + 2, 0);
  net_put16(m + 2, net_fold(net_sum(0, m, len)));
}

/* --------------------------------------------------------- echo requests */

static void echo_reply(net_stack_t *st, kip4_t to, const uint8_t *p,
                       size_t len) {
  if (len > ICMP_MAX_LEN) { /* a jumbo frame: it would not fit ours */
    NET_DROP(st, icmp_drop_bad);
    return;
  }
  net_tx_t *tx = net_tx_alloc(st, NULL);
  if (!tx) {
    NET_DROP(st, tx_drop_no_slot);
    return;
  }
  uint8_t *m = tx->frame + NET_PAYLOAD;
  kmemcpy(m, p, len); /* identifier, sequence number and data */
  m[0] = ICMP_ECHO_REPLY;
  m[1] = 0;
  icmp_finish(m, len);
  st->stats.icmp_echo_replied++;
  ipv4_output(st, tx, to, IP_PROTO_ICMP, len);
}

/* ----------------------------------------------------------------- pings */

static uint8_t pattern(uint16_t seq, size_t i) { return (uint8_t)(seq + i); }

static icmp_ping_t *find_seq(icmp_t *ic, uint16_t seq) {
  for (size_t i = 0; i < ICMP_PINGS_MAX; i++)
    if (ic->waiting[i].work && ic->waiting[i].seq == seq)
      return &ic->waiting[i];
  return NULL;
}

static icmp_ping_t *find_work(icmp_t *ic, const kwork_t *w) {
  for (size_t i = 0; i < ICMP_PINGS_MAX; i++)
    if (ic->waiting[i].work == w)
      return &ic->waiting[i];
  return NULL;
}

static bool data_matches(const icmp_ping_t *e, const uint8_t *data,
                         size_t len) {
  const kping_req_t *req = KCONTAINER_OF(e->work, kping_req_t, work);
  if (len != req->size)
    return false;
  for (size_t i = 0; i < len; i++)
    if (data[i] != pattern(e->seq, i))
      return false;
  return true;
}

static void echo_reply_in(net_stack_t *st, const uint8_t *p, size_t len,
                          uint8_t ttl) {
  icmp_t *ic = &st->icmp;
  icmp_ping_t *e = NULL;
  if (ic->ident != 0 && net_get16(p + 4) == ic->ident)
    e = find_seq(ic, net_get16(p + 6));
  if (!e || !data_matches(e, p + ICMP_HLEN, len - ICMP_HLEN)) {
    NET_DROP(st, icmp_drop_unmatched);
    return;
  }
  kwork_t *w = e->work;
  kping_req_t *req = KCONTAINER_OF(w, kping_req_t, work);
  req->rtt = net_now(st) - e->sent;
  req->ttl = ttl;
  e->work = NULL;
  kwork_list_remove(&ic->pings, w);
  /* A reply may beat the request's send completion: the slot must not
   * complete the ping a second time. */
  for (size_t i = 0; i < KCONFIG_NET_TX_SLOTS; i++)
    if (st->tx[i].owner == w)
      st->tx[i].owner = NULL;
  net_complete(st, w, KERR_OK);
}

void icmp_ping_submit(net_stack_t *st, kwork_t *w) {
  icmp_t *ic = &st->icmp;
  kping_req_t *req = KCONTAINER_OF(w, kping_req_t, work);
  if (req->size > KPING_MAX_PAYLOAD) {
    net_complete(st, w, KERR_RANGE);
    return;
  }
  icmp_ping_t *e = find_work(ic, NULL);
  if (!e) {
    net_complete(st, w, KERR_NO_SPACE);
    return;
  }
  net_tx_t *tx = net_tx_alloc(st, w);
  if (!tx)
    return; /* w waits for a slot; the stack submits it again */
  if (ic->ident == 0) {
    ic->ident = (uint16_t)net_rand(st);
    if (ic->ident == 0)
      ic->ident = 1;
  }
  while (find_seq(ic, ic->next_seq)) /* after a wrap: one still waits */
    ic->next_seq++;
  e->work = w;
  e->seq = ic->next_seq++;
  e->sent = net_now(st);
  kwork_list_push(&ic->pings, w);

  uint8_t *m = tx->frame + NET_PAYLOAD;
  m[0] = ICMP_ECHO_REQUEST;
  m[1] = 0;
  net_put16(m + 4, ic->ident);
  net_put16(m + 6, e->seq);
  for (size_t i = 0; i < req->size; i++)
    m[ICMP_HLEN + i] = pattern(e->seq, i);
  icmp_finish(m, ICMP_HLEN + req->size);
  tx->owner = w;
  /* Registered first: a frame that fails at once calls icmp_ping_forget. */
  ipv4_output(st, tx, req->target, IP_PROTO_ICMP, ICMP_HLEN + req->size);
}

void icmp_ping_forget(net_stack_t *st, kwork_t *w) {
  icmp_ping_t *e = find_work(&st->icmp, w);
  if (!e)
    return;
  e->work = NULL;
  kwork_list_remove(&st->icmp.pings, w);
}

/* ------------------------------------------------------------------ input */

void icmp_input(net_stack_t *st, kip4_t src, kip4_t dst, const uint8_t *p,
                size_t len, uint8_t ttl) {
  st->stats.icmp_rx++;
  if (len < ICMP_HLEN || net_fold(net_sum(0, p, len)) != 0) {
    NET_DROP(st, icmp_drop_bad);
    return;
  }
  switch (p[0]) {
  case ICMP_ECHO_REQUEST: /* from 0.0.0.0: no address to answer */
    if (st->up && dst == st->cfg.addr && src != KIP4_ANY)
      echo_reply(st, src, p, len);
    break;
  case ICMP_ECHO_REPLY:
    echo_reply_in(st, p, len, ttl);
    break;
  default:
    break; /* unreachables and the rest: nothing waits for them */
  }
}

/* ----------------------------------------------------------- unreachable */

/* Refill the bucket by the time since the last refill; take a token. */
static bool take_token(net_stack_t *st) {
  icmp_t *ic = &st->icmp;
  const uint32_t max = KCONFIG_ICMP_UNREACH_PER_S;
  const ktime_t every = KTIME_S(1) / KMAX(KCONFIG_ICMP_UNREACH_PER_S, 1);
  ktime_t now = net_now(st);
  if (!ic->bucket_started) {
    ic->bucket_started = true;
    ic->tokens = max;
    ic->refilled = now;
  } else if (now > ic->refilled) {
    ktime_t n = (now - ic->refilled) / every;
    if (n >= max - ic->tokens) {
      ic->tokens = max;
      ic->refilled = now;
    } else {
      ic->tokens += (uint32_t)n;
      ic->refilled += n * every;
    }
  }
  if (ic->tokens == 0)
    return false;
  ic->tokens--;
  return true;
}

void icmp_port_unreachable(net_stack_t *st, const uint8_t *ip, size_t len) {
  if (len < IP_HLEN)
    return;
  kip4_t to = net_get32(ip + 12);
  if (to == KIP4_ANY)
    return; /* a host without an address: nowhere to send it */
  size_t quote = (size_t)(ip[0] & 0xfu) * 4 + ICMP_QUOTE_DATA;
  quote = KMIN(quote, len);
  if (!take_token(st)) {
    st->stats.icmp_unreach_limited++;
    return;
  }
  net_tx_t *tx = net_tx_alloc(st, NULL);
  if (!tx) {
    st->icmp.tokens++; /* nothing was sent */
    NET_DROP(st, tx_drop_no_slot);
    return;
  }
  uint8_t *m = tx->frame + NET_PAYLOAD;
  m[0] = ICMP_UNREACH;
  m[1] = ICMP_UNREACH_PORT;
  net_put32(m + 4, 0);
  kmemcpy(m + ICMP_HLEN, ip, quote);
  icmp_finish(m, ICMP_HLEN + quote);
  st->stats.icmp_unreach_sent++;
  ipv4_output(st, tx, to, IP_PROTO_ICMP, ICMP_HLEN + quote);
}
