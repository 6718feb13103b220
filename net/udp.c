/* udp.c: UDP (RFC 768) for programs, with the host rules of RFC 1122 4.1.
 *
 * The header, 8 bytes, big-endian:
 *
 *   0  source port
 *   2  destination port
 *   4  length (header + data, >= 8)
 *   6  checksum over the pseudo-header (source, destination, 0, 17, length),
 *      the header and the data; 0 means "not computed" (accepted), and a
 *      computed 0 is sent as 0xffff
 *
 * Sockets serve the same work items as the hosted socket backend
 * (platform/hosted/udp.c), with the same semantics: socket ids carry a
 * generation (ksockid.h) so stale ids fail KERR_NOT_BOUND; port 0
 * binds a free ephemeral port (49152-65535, RFC 6335); a bound port is
 * KERR_BUSY; no free socket is KERR_NO_SPACE; unbind cancels the socket's
 * receives. Receive is zero copy: a datagram handed to a program is the
 * network device's buffer, which the program gives back with kbuf_release.
 * That buffer is counted in kstats()->bufs_out once, by the network device
 * when it lent the frame to the stack (kdev_buf_lent); passing it on to a
 * program, or holding it in a socket's queue, is not another lend.
 * Datagrams that arrive while no receive is posted wait in the socket's
 * queue (KCONFIG_UDP_QUEUE), then are dropped and counted.
 *
 * Port 68 belongs to the DHCP client while it runs (dhcp.c). */
#include "stack.h"

#include "ksockid.h"
#include "kstring.h"

#define EPHEMERAL_FIRST 49152u
#define EPHEMERAL_COUNT 16384u

/* ---------------------------------------------------------------- sockets */

_Static_assert(KCONFIG_UDP_SOCKETS < 0xffff, "a slot fits a socket id");

static udp_sock_t *lookup(udp_t *u, uint32_t id) {
  uint32_t i = ksockid_slot(id);
  udp_sock_t *s = i < KCONFIG_UDP_SOCKETS ? &u->socks[i] : NULL;
  return s != NULL && s->bound && ksockid_is(id, i, s->gen) ? s : NULL;
}

static udp_sock_t *by_port(udp_t *u, uint16_t port) {
  for (uint32_t i = 0; i < KCONFIG_UDP_SOCKETS; i++)
    if (u->socks[i].bound && u->socks[i].port == port)
      return &u->socks[i];
  return NULL;
}

/* A free port from the ephemeral range, starting at a random place. There
 * are far fewer sockets than ports, so one always exists. */
static uint16_t ephemeral(net_stack_t *st) {
  udp_t *u = &st->udp;
  if (u->next_ephemeral < EPHEMERAL_FIRST)
    u->next_ephemeral =
        (uint16_t)(EPHEMERAL_FIRST + net_rand(st) % EPHEMERAL_COUNT);
  for (uint32_t n = 0; n < EPHEMERAL_COUNT; n++) {
    uint16_t port = u->next_ephemeral;
    u->next_ephemeral =
        port == 0xffffu ? EPHEMERAL_FIRST : (uint16_t)(port + 1);
    if (by_port(u, port) == NULL)
      return port;
  }
  return 0;
}

static kerr_t do_bind(net_stack_t *st, kudp_bind_req_t *r) {
  udp_t *u = &st->udp;
  udp_sock_t *s = NULL;
  for (uint32_t i = 0; i < KCONFIG_UDP_SOCKETS; i++) {
    if (u->socks[i].bound && r->port != 0 && u->socks[i].port == r->port)
      return KERR_BUSY;
    if (!u->socks[i].bound && s == NULL)
      s = &u->socks[i];
  }
  if (s == NULL)
    return KERR_NO_SPACE;
  uint16_t port = r->port ? r->port : ephemeral(st);
  if (port == 0)
    return KERR_NO_SPACE;
  s->bound = true;
  s->port = port;
  s->recvs = (kwork_list_t){NULL, NULL};
  s->qhead = s->qlen = 0;
  r->port = port;
  r->sock = ksockid_make((uint32_t)(s - u->socks), s->gen);
  return KERR_OK;
}

static void do_unbind(net_stack_t *st, udp_sock_t *s) {
  kwork_t *w;
  while ((w = kwork_list_pop(&s->recvs)) != NULL)
    net_complete(st, w, KERR_CANCELLED);
  for (; s->qlen > 0; s->qlen--) {
    kbuf_release(st->dev.k, s->queue[s->qhead].buf);
    s->qhead = (s->qhead + 1) % KCONFIG_UDP_QUEUE;
  }
  s->qhead = 0;
  s->bound = false;
  s->port = 0;
  s->gen++;
}

/* Hand queued datagrams to posted receives while both last. */
static void pump(net_stack_t *st, udp_sock_t *s) {
  while (s->qlen > 0 && !kwork_list_empty(&s->recvs)) {
    const udp_queued_t *q = &s->queue[s->qhead];
    kudp_recv_req_t *r =
        KCONTAINER_OF(kwork_list_pop(&s->recvs), kudp_recv_req_t, work);
    r->src_addr = q->src_addr;
    r->src_port = q->src_port;
    r->data = q->data;
    r->length = q->length;
    r->buf = q->buf;
    s->qhead = (s->qhead + 1) % KCONFIG_UDP_QUEUE;
    s->qlen--;
    net_complete(st, &r->work, KERR_OK);
  }
}

static void do_send(net_stack_t *st, udp_sock_t *s, kudp_send_req_t *r) {
  if (r->length > KUDP_MAX_PAYLOAD) {
    net_complete(st, &r->work, KERR_RANGE);
    return;
  }
  net_tx_t *tx = net_tx_alloc(st, &r->work);
  if (tx == NULL)
    return; /* it waits for a slot; the stack submits it again */
  if (r->length)
    kmemcpy(tx->frame + NET_PAYLOAD + UDP_HLEN, r->data, r->length);
  tx->owner = &r->work;
  udp_output(st, tx, s->port, r->dst_addr, r->dst_port, r->length);
}

void udp_submit(net_stack_t *st, kwork_t *w) {
  if (w->op == KWORK_OP_UDP_BIND) {
    net_complete(st, w, do_bind(st, KCONTAINER_OF(w, kudp_bind_req_t, work)));
    return;
  }
  udp_sock_t *s = lookup(&st->udp, kwork_handle(w));
  if (s == NULL) {
    net_complete(st, w, KERR_NOT_BOUND);
    return;
  }
  switch (w->op) {
  case KWORK_OP_UDP_UNBIND:
    do_unbind(st, s);
    net_complete(st, w, KERR_OK);
    break;
  case KWORK_OP_UDP_RECV:
    kwork_list_push(&s->recvs, w);
    pump(st, s);
    break;
  case KWORK_OP_UDP_SEND:
    do_send(st, s, KCONTAINER_OF(w, kudp_send_req_t, work));
    break;
  default:
    net_complete(st, w, KERR_INVALID);
    break;
  }
}

void udp_cancel(net_stack_t *st, kwork_t *w) {
  if (w->op != KWORK_OP_UDP_RECV)
    return;
  udp_sock_t *s = lookup(&st->udp, kwork_handle(w));
  if (s != NULL)
    kwork_list_take(&s->recvs, w);
}

/* ------------------------------------------------------------------ input */

static bool dhcp_running(const net_stack_t *st) {
  return st->dhcp.state != DHCP_OFF && st->dhcp.state != DHCP_STATIC;
}

void udp_input(net_stack_t *st, net_rx_t *rx, kip4_t src, kip4_t dst,
               const uint8_t *ip, const uint8_t *p, size_t len) {
  st->stats.udp_rx++;
  if (len < UDP_HLEN) {
    NET_DROP(st, udp_drop_short);
    return;
  }
  uint16_t ulen = net_get16(p + 4);
  if (ulen < UDP_HLEN || ulen > len) {
    NET_DROP(st, udp_drop_length);
    return;
  }
  if (net_get16(p + 6) != 0 &&
      net_fold(net_sum(net_pseudo_sum(src, dst, IP_PROTO_UDP, ulen), p,
                       ulen)) != 0) {
    NET_DROP(st, udp_drop_checksum);
    return;
  }
  uint16_t sport = net_get16(p), dport = net_get16(p + 2);
  const uint8_t *data = p + UDP_HLEN;
  uint16_t dlen = (uint16_t)(ulen - UDP_HLEN);

  if (dport == UDP_PORT_DHCP_CLIENT && dhcp_running(st)) {
    dhcp_input(st, src, data, dlen);
    return;
  }
  udp_sock_t *s = by_port(&st->udp, dport);
  if (s == NULL) {
    NET_DROP(st, udp_drop_no_port);
    /* RFC 1122 4.1.3.1; never for broadcasts (3.2.2), nor before we have an
     * address to send it from. */
    if (st->up && dst != KIP4_BROADCAST && !net_is_broadcast(st, dst))
      icmp_port_unreachable(st, ip, (size_t)(p - ip) + ulen);
    return;
  }
  if (!kwork_list_empty(&s->recvs)) {
    kudp_recv_req_t *r =
        KCONTAINER_OF(kwork_list_pop(&s->recvs), kudp_recv_req_t, work);
    r->src_addr = src;
    r->src_port = sport;
    r->data = data;
    r->length = dlen;
    r->buf = rx->buf;
    rx->kept = true;
    net_complete(st, &r->work, KERR_OK);
    return;
  }
  if (s->qlen == KCONFIG_UDP_QUEUE) {
    NET_DROP(st, udp_drop_queue_full);
    return;
  }
  s->queue[(s->qhead + s->qlen) % KCONFIG_UDP_QUEUE] =
      (udp_queued_t){.buf = rx->buf,
                     .data = data,
                     .length = dlen,
                     .src_port = sport,
                     .src_addr = src};
  s->qlen++;
  rx->kept = true;
}

/* ----------------------------------------------------------------- output */

void udp_output(net_stack_t *st, net_tx_t *tx, uint16_t sport, kip4_t dst,
                uint16_t dport, size_t len) {
  if (len > KUDP_MAX_PAYLOAD) {
    net_tx_fail(st, tx, KERR_RANGE);
    return;
  }
  uint8_t *h = tx->frame + NET_PAYLOAD;
  uint16_t ulen = (uint16_t)(UDP_HLEN + len);
  net_put16(h, sport);
  net_put16(h + 2, dport);
  net_put16(h + 4, ulen);
  net_put16(h + 6, 0);
  kip4_t src = st->up ? st->cfg.addr : KIP4_ANY;
  uint16_t sum =
      net_fold(net_sum(net_pseudo_sum(src, dst, IP_PROTO_UDP, ulen), h, ulen));
  net_put16(h + 6, sum ? sum : 0xffffu);
  ipv4_output(st, tx, dst, IP_PROTO_UDP, UDP_HLEN + len);
}
