/* arp.c: ARP for IPv4 over Ethernet (RFC 826), with the announcement of
 * RFC 5227 section 2.3.
 *
 * Packet (the Ethernet payload, EtherType 0x0806), 28 bytes:
 *   0  htype  2  1 (Ethernet)
 *   2  ptype  2  0x0800 (IPv4)
 *   4  hlen   1  6
 *   5  plen   1  4
 *   6  op     2  1 request, 2 reply
 *   8  sha    6  sender MAC
 *   14 spa    4  sender IPv4 address
 *   18 tha    6  target MAC (zero in a request)
 *   24 tpa    4  target IPv4 address
 *
 * Receiving follows RFC 826's merge: a sender already in the cache (or
 * being resolved) is updated; a packet whose target is our address adds
 * the sender; a request for our address is answered with a reply to the
 * asker. A sender IP of 0.0.0.0 is an RFC 5227 probe: never cached, but a
 * probe for our address is answered (so the prober sees the conflict).
 *
 * Counted arp_drop_bad: shorter than 28 bytes; htype, ptype, hlen, plen or
 * op not as above; sender MAC broadcast, multicast, zero or ours (our own
 * frame looped back), or not the frame's Ethernet source (ARP has no
 * checksum: a damaged sender MAC would poison the cache for
 * KCONFIG_ARP_TTL_NS; found by the simulator's corrupting wire); sender IP multicast, 240/4, a broadcast, or ours
 * (another host claims it); a reply from 0.0.0.0.
 *
 * Cache entries expire lazily: a lookup ignores an entry whose time has
 * passed, so expiry needs no wake-up. Only retries ask for one. */
#include "kfmt.h"
#include "kstring.h"
#include "stack.h"

#define ARP_LEN 28
#define ARP_HTYPE_ETHER 1u
#define ARP_OP_REQUEST 1u
#define ARP_OP_REPLY 2u

static const uint8_t zero_mac[ETH_ALEN];

/* Broadcast, multicast (bit 0 of the first byte) or all zeros. */
static bool mac_bad(const uint8_t *m) {
  return (m[0] & 1u) != 0 || kmemcmp(m, zero_mac, ETH_ALEN) == 0;
}

/* Never a host's address: multicast (224/4), reserved (240/4, with
 * 255.255.255.255), our subnet's broadcast. 0.0.0.0 is handled apart. */
static bool ip_bad(const net_stack_t *st, kip4_t a) {
  return (a >> 28) >= 0xeu || net_is_broadcast(st, a);
}

static bool is_ours(const net_stack_t *st, kip4_t a) {
  return st->up && a == st->cfg.addr;
}

/* ------------------------------------------------------------------ cache */

static arp_entry_t *cache_find(arp_t *a, kip4_t ip, ktime_t now) {
  for (size_t i = 0; i < KARRAY_SIZE(a->cache); i++) {
    arp_entry_t *e = &a->cache[i];
    if (e->expires > now && e->ip == ip)
      return e;
  }
  return NULL;
}

/* Insert or refresh ip -> mac. A full cache replaces the entry that
 * expires soonest (the oldest: every entry lives KCONFIG_ARP_TTL_NS). */
static void cache_put(arp_t *a, kip4_t ip, const uint8_t *mac, ktime_t now) {
  arp_entry_t *e = cache_find(a, ip, now);
  if (e == NULL) {
    e = &a->cache[0];
    for (size_t i = 1; i < KARRAY_SIZE(a->cache) && e->expires > now; i++) {
      if (a->cache[i].expires < e->expires)
        e = &a->cache[i];
    }
  }
  e->ip = ip;
  kmemcpy(e->mac, mac, ETH_ALEN);
  e->expires = now + KCONFIG_ARP_TTL_NS;
}

bool arp_lookup(net_stack_t *st, kip4_t ip, uint8_t mac[ETH_ALEN]) {
  arp_entry_t *e = cache_find(&st->arp, ip, net_now(st));
  if (e != NULL && mac != NULL)
    kmemcpy(mac, e->mac, ETH_ALEN);
  return e != NULL;
}

/* ---------------------------------------------------------------- packets */

/* Send an ARP packet from us (sha = our MAC, spa = our address or 0.0.0.0)
 * to the Ethernet address `dst`. */
static bool arp_send(net_stack_t *st, uint16_t op, const uint8_t *dst,
                     const uint8_t *tha, kip4_t tpa) {
  net_tx_t *tx = net_tx_alloc(st, NULL);
  if (tx == NULL) {
    NET_DROP(st, tx_drop_no_slot);
    return false;
  }
  uint8_t *p = tx->frame + ETH_HLEN;
  net_put16(p + 0, ARP_HTYPE_ETHER);
  net_put16(p + 2, ETH_TYPE_IPV4);
  p[4] = ETH_ALEN;
  p[5] = 4;
  net_put16(p + 6, op);
  kmemcpy(p + 8, st->mac, ETH_ALEN);
  net_put32(p + 14, st->up ? st->cfg.addr : KIP4_ANY);
  kmemcpy(p + 18, tha, ETH_ALEN);
  net_put32(p + 24, tpa);
  if (op == ARP_OP_REQUEST)
    st->stats.arp_requests_sent++;
  else
    st->stats.arp_replies_sent++;
  eth_output(st, tx, dst, ETH_TYPE_ARP, ARP_LEN);
  return true;
}

static void send_request(net_stack_t *st, kip4_t ip) {
  arp_send(st, ARP_OP_REQUEST, eth_broadcast, zero_mac, ip);
}

void arp_announce(net_stack_t *st) {
  if (st->up)
    send_request(st, st->cfg.addr);
}

/* ---------------------------------------------------------------- pending */

static arp_pending_t *pending_find(arp_t *a, kip4_t ip) {
  for (size_t i = 0; i < KARRAY_SIZE(a->pending); i++) {
    if (a->pending[i].ip == ip && ip != 0)
      return &a->pending[i];
  }
  return NULL;
}

/* The pending entry for ip; a new one sends its first request at once.
 * NULL when all KCONFIG_ARP_PENDING are in use. */
static arp_pending_t *pending_get(net_stack_t *st, kip4_t ip) {
  arp_t *a = &st->arp;
  arp_pending_t *p = pending_find(a, ip);
  if (p != NULL)
    return p;
  for (size_t i = 0; i < KARRAY_SIZE(a->pending) && p == NULL; i++) {
    if (a->pending[i].ip == 0)
      p = &a->pending[i];
  }
  if (p == NULL)
    return NULL;
  kmemset(p, 0, sizeof(*p));
  p->ip = ip;
  p->tries = 1;
  p->next_try = net_now(st) + KCONFIG_ARP_RETRY_NS;
  send_request(st, ip);
  net_wake_at(st, p->next_try);
  return p;
}

/* Detach everything waiting on p and free it, so that whatever the
 * completions below cause (a slot freed, a program's next send) finds a
 * consistent table. */
static void pending_take(arp_pending_t *p, net_tx_t **frames,
                         kwork_list_t *resolves) {
  *frames = p->head;
  *resolves = p->resolves;
  kmemset(p, 0, sizeof(*p));
}

static void pending_resolved(net_stack_t *st, arp_pending_t *p,
                             const uint8_t *mac) {
  net_tx_t *tx;
  kwork_list_t resolves;
  pending_take(p, &tx, &resolves);
  while (tx != NULL) {
    net_tx_t *next = tx->next;
    tx->next = NULL;
    KASSERT(tx->len >= ETH_HLEN);
    eth_output(st, tx, mac, ETH_TYPE_IPV4, tx->len - ETH_HLEN);
    tx = next;
  }
  kwork_t *w;
  while ((w = kwork_list_pop(&resolves)) != NULL) {
    karp_req_t *r = KCONTAINER_OF(w, karp_req_t, work);
    kmemcpy(r->mac, mac, ETH_ALEN);
    net_complete(st, w, KERR_OK);
  }
}

static void pending_failed(net_stack_t *st, arp_pending_t *p) {
  net_tx_t *tx;
  kwork_list_t resolves;
  char ip[KFMT_IP4_LEN];
  klog(KLOG_DEBUG, "arp: no answer for %s\n", kfmt_ip4(ip, p->ip));
  pending_take(p, &tx, &resolves);
  while (tx != NULL) {
    net_tx_t *next = tx->next;
    tx->next = NULL;
    NET_DROP(st, arp_unresolved);
    net_tx_fail(st, tx, KERR_UNREACHABLE);
    tx = next;
  }
  kwork_t *w;
  while ((w = kwork_list_pop(&resolves)) != NULL)
    net_complete(st, w, KERR_UNREACHABLE);
}

/* Nobody waits for p any more: stop resolving. */
static void pending_release_if_idle(arp_pending_t *p) {
  if (p->head == NULL && kwork_list_empty(&p->resolves))
    kmemset(p, 0, sizeof(*p));
}

/* ------------------------------------------------------------------ input */

void arp_input(net_stack_t *st, const uint8_t *eth_src, const uint8_t *p,
               size_t len) {
  st->stats.arp_rx++;
  if (len < ARP_LEN || net_get16(p) != ARP_HTYPE_ETHER ||
      net_get16(p + 2) != ETH_TYPE_IPV4 || p[4] != ETH_ALEN || p[5] != 4) {
    NET_DROP(st, arp_drop_bad);
    return;
  }
  uint16_t op = net_get16(p + 6);
  const uint8_t *sha = p + 8;
  kip4_t spa = net_get32(p + 14);
  kip4_t tpa = net_get32(p + 24);
  if ((op != ARP_OP_REQUEST && op != ARP_OP_REPLY) || mac_bad(sha) ||
      kmemcmp(sha, st->mac, ETH_ALEN) == 0 ||
      kmemcmp(sha, eth_src, ETH_ALEN) != 0 || ip_bad(st, spa) ||
      is_ours(st, spa) || (spa == KIP4_ANY && op != ARP_OP_REQUEST)) {
    NET_DROP(st, arp_drop_bad);
    return;
  }
  bool for_us = is_ours(st, tpa);

  if (spa != KIP4_ANY) {
    ktime_t now = net_now(st);
    arp_t *a = &st->arp;
    arp_pending_t *pend = pending_find(a, spa);
    if (for_us || pend != NULL || cache_find(a, spa, now) != NULL)
      cache_put(a, spa, sha, now);
    if (pend != NULL)
      pending_resolved(st, pend, sha);
  }
  if (for_us && op == ARP_OP_REQUEST)
    arp_send(st, ARP_OP_REPLY, sha, sha, spa);
}

/* ----------------------------------------------------------------- output */

void arp_output(net_stack_t *st, net_tx_t *tx, kip4_t nexthop) {
  uint8_t mac[ETH_ALEN];
  KASSERT(tx->len >= ETH_HLEN);
  if (nexthop == KIP4_BROADCAST) {
    eth_output(st, tx, eth_broadcast, ETH_TYPE_IPV4, tx->len - ETH_HLEN);
    return;
  }
  if (arp_lookup(st, nexthop, mac)) {
    eth_output(st, tx, mac, ETH_TYPE_IPV4, tx->len - ETH_HLEN);
    return;
  }
  arp_pending_t *p = pending_get(st, nexthop);
  if (p == NULL || p->nframes >= KCONFIG_ARP_QUEUE) {
    NET_DROP(st, arp_drop_queue_full);
    net_tx_fail(st, tx, KERR_NO_SPACE);
    return;
  }
  tx->next = NULL;
  tx->nexthop = nexthop;
  tx->since = net_now(st);
  if (p->tail != NULL)
    p->tail->next = tx;
  else
    p->head = tx;
  p->tail = tx;
  p->nframes++;
}

bool arp_forget(net_stack_t *st, net_tx_t *tx) {
  for (size_t i = 0; i < KARRAY_SIZE(st->arp.pending); i++) {
    arp_pending_t *p = &st->arp.pending[i];
    net_tx_t *prev = NULL;
    for (net_tx_t *x = p->head; x != NULL; prev = x, x = x->next) {
      if (x != tx)
        continue;
      if (prev != NULL)
        prev->next = x->next;
      else
        p->head = x->next;
      if (p->tail == x)
        p->tail = prev;
      x->next = NULL;
      p->nframes--;
      pending_release_if_idle(p);
      return true;
    }
  }
  return false;
}

/* ---------------------------------------------------------------- resolve */

void arp_resolve_submit(net_stack_t *st, kwork_t *w) {
  karp_req_t *r = KCONTAINER_OF(w, karp_req_t, work);
  if (r->addr == KIP4_ANY || ip_bad(st, r->addr)) {
    net_complete(st, w, KERR_INVALID);
    return;
  }
  if (is_ours(st, r->addr)) {
    kmemcpy(r->mac, st->mac, ETH_ALEN);
    net_complete(st, w, KERR_OK);
    return;
  }
  if (arp_lookup(st, r->addr, r->mac)) {
    net_complete(st, w, KERR_OK);
    return;
  }
  arp_pending_t *p = pending_get(st, r->addr);
  if (p == NULL) {
    net_complete(st, w, KERR_NO_SPACE);
    return;
  }
  kwork_list_push(&p->resolves, w);
}

void arp_resolve_cancel(net_stack_t *st, kwork_t *w) {
  for (size_t i = 0; i < KARRAY_SIZE(st->arp.pending); i++) {
    arp_pending_t *p = &st->arp.pending[i];
    if (p->ip != 0 && kwork_list_take(&p->resolves, w)) {
      pending_release_if_idle(p);
      return;
    }
  }
}

/* ------------------------------------------------------------------- tick */

void arp_tick(net_stack_t *st, ktime_t now) {
  arp_t *a = &st->arp;
  ktime_t wake = KTIME_NEVER;

  for (size_t i = 0; i < KARRAY_SIZE(a->cache); i++) {
    if (a->cache[i].expires != 0 && a->cache[i].expires <= now)
      a->cache[i].expires = 0;
  }
  for (size_t i = 0; i < KARRAY_SIZE(a->pending); i++) {
    arp_pending_t *p = &a->pending[i];
    if (p->ip == 0)
      continue;
    if (p->next_try <= now) {
      if (p->tries >= KCONFIG_ARP_TRIES) {
        pending_failed(st, p);
        continue;
      }
      p->tries++;
      p->next_try = now + KCONFIG_ARP_RETRY_NS;
      send_request(st, p->ip);
    }
    if (p->ip != 0 && p->next_try < wake)
      wake = p->next_try;
  }
  if (wake != KTIME_NEVER)
    net_wake_at(st, wake);
}
