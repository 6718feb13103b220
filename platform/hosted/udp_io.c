/* udp_io.c (hosted): the `socket` backend's calls to the host. Datagrams come
 * in by recvmmsg, up to UDP_RX_BATCH per call, and go out by sendmmsg, up to
 * UDP_TX_BATCH per call; udp.c decides when. Here too: the IPv4 names of
 * dual-stack peers (udp.c's header comment says why ::1 is 127.0.0.1). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "udp_impl.h"

/* Scratch for one call; the loop is single-threaded. */
static struct mmsghdr g_rx_msg[UDP_RX_BATCH];
static struct iovec g_rx_iov[UDP_RX_BATCH];
static struct sockaddr_in6 g_rx_from[UDP_RX_BATCH];
static uint16_t g_rx_buf[UDP_RX_BATCH];
static struct mmsghdr g_tx_msg[UDP_TX_BATCH];
static struct iovec g_tx_iov[UDP_TX_BATCH];
static struct sockaddr_in6 g_tx_to[UDP_TX_BATCH];
static kwork_t *g_tx_work[UDP_TX_BATCH];

static bool is_v6_loop_peer(const hosted_udp_sock_t *s, uint16_t port) {
  if (s->v6_count == 0) /* the common case, IPv4 peers only: no scan */
    return false;
  for (uint32_t i = 0; i < UDP_LOOP_PEERS; i++)
    if (s->v6_loop[i] == port)
      return true;
  return false;
}

/* The IPv4 name of a peer, or false if it has none. */
static bool peer_v4(hosted_udp_sock_t *s, const struct sockaddr_in6 *from,
                    kip4_t *addr) {
  uint16_t port = ntohs(from->sin6_port);
  if (IN6_IS_ADDR_V4MAPPED(&from->sin6_addr)) {
    const uint8_t *b = from->sin6_addr.s6_addr + 12;
    *addr = KIP4(b[0], b[1], b[2], b[3]);
    /* 127.0.0.1 at this port now speaks IPv4: replies go that way. */
    for (uint32_t i = 0;
         *addr == KIP4(127, 0, 0, 1) && s->v6_count > 0 && i < UDP_LOOP_PEERS;
         i++) {
      if (s->v6_loop[i] == port) {
        s->v6_loop[i] = 0;
        s->v6_count--;
      }
    }
    return true;
  }
  if (!IN6_IS_ADDR_LOOPBACK(&from->sin6_addr))
    return false;
  if (!is_v6_loop_peer(s, port)) { /* port is never 0: a free slot is 0 */
    uint16_t *slot = &s->v6_loop[s->v6_next++ % UDP_LOOP_PEERS];
    s->v6_count += *slot == 0;
    *slot = port;
  }
  *addr = KIP4(127, 0, 0, 1);
  return true;
}

/* Where a send goes: ::1 for a remembered ::1 peer, else ::ffff:a.b.c.d. */
static void peer_v6(const hosted_udp_sock_t *s, const kudp_send_req_t *r,
                    struct sockaddr_in6 *to) {
  *to = (struct sockaddr_in6){.sin6_family = AF_INET6,
                              .sin6_port = htons(r->dst_port)};
  if (r->dst_addr == KIP4(127, 0, 0, 1) && is_v6_loop_peer(s, r->dst_port)) {
    to->sin6_addr = in6addr_loopback;
    return;
  }
  to->sin6_addr.s6_addr[10] = to->sin6_addr.s6_addr[11] = 0xff;
  uint32_t be = htonl(r->dst_addr);
  memcpy(&to->sin6_addr.s6_addr[12], &be, 4);
}

static void ready_push(hosted_udp_t *u, hosted_udp_sock_t *s, uint16_t b) {
  u->rx[b].next = UDP_NO_BUF;
  if (s->nready++ == 0)
    s->ready_head = b;
  else
    u->rx[s->ready_tail].next = b;
  s->ready_tail = b;
}

void hosted_udp_io_init(void) {
  for (uint32_t i = 0; i < UDP_RX_BATCH; i++) {
    g_rx_iov[i].iov_len = KUDP_MAX_PAYLOAD;
    g_rx_msg[i].msg_hdr = (struct msghdr){
        .msg_name = &g_rx_from[i], .msg_iov = &g_rx_iov[i], .msg_iovlen = 1};
  }
}

bool hosted_udp_read(hosted_udp_t *u, hosted_udp_sock_t *s) {
  uint32_t want = KMIN(UDP_RX_BATCH, u->pool.nfree);
  if (want == 0) {
    u->starved = true; /* udp_release raises the device */
    return true;
  }
  /* The buffers kpool_take hands out next, top of its stack first (kpool.h);
   * only those that get a datagram are taken. The rest of each header was
   * set once, in hosted_udp_io_init; recvmmsg rewrites msg_namelen. */
  for (uint32_t i = 0; i < want; i++) {
    g_rx_iov[i].iov_base = u->bufs[u->pool.stack[u->pool.nfree - 1 - i]];
    g_rx_msg[i].msg_hdr.msg_namelen = sizeof(g_rx_from[i]);
  }
  /* MSG_TRUNC: msg_len is the datagram's real length, so a long one shows. */
  int n = recvmmsg(s->fd, g_rx_msg, want, MSG_TRUNC, NULL);
  int err = errno;
  uint32_t got = n > 0 ? (uint32_t)n : 0;
  for (uint32_t i = 0; i < got; i++) /* before any is put back */
    g_rx_buf[i] = (uint16_t)kpool_take(&u->pool);
  for (uint32_t i = 0; i < got; i++) {
    uint16_t b = g_rx_buf[i];
    kip4_t src;
    /* Larger than any datagram we can hand out, or no IPv4 name. */
    if (g_rx_msg[i].msg_len > KUDP_MAX_PAYLOAD ||
        !peer_v4(s, &g_rx_from[i], &src)) {
      kdev_count_drop(&u->dev);
      kpool_put(&u->pool, b);
      continue;
    }
    u->rx[b].length = (uint16_t)g_rx_msg[i].msg_len;
    u->rx[b].src_addr = src;
    u->rx[b].src_port = ntohs(g_rx_from[i].sin6_port);
    ready_push(u, s, b);
  }
  s->full = got == want;
  /* Short means empty: recvmmsg stops early at EAGAIN, or at an error it
   * keeps for the next call, and this socket has none to keep. It is not
   * connected and has no IP_RECVERR, so Linux queues no ICMP errors on it
   * (udp_err: only for connected sockets), and a bad checksum is skipped,
   * not reported. So the read that would meet EAGAIN is saved: the next
   * datagram is an edge, and poll reads again. */
  if (got < want && (n >= 0 || err == EAGAIN || err == EWOULDBLOCK))
    s->drained = true;
  return n >= 0 || err == EAGAIN || err == EWOULDBLOCK;
}

static kerr_t send_error(int err) {
  switch (err) {
  case EMSGSIZE:
    return KERR_RANGE;
  case ENETUNREACH:
  case EHOSTUNREACH:
  case ECONNREFUSED:
    return KERR_UNREACHABLE;
  default:
    return KERR_IO;
  }
}

/* EPOLLOUT only while sends wait: a writable socket is an edge after every
 * datagram sent, and each would wake the loop for nothing. */
static void watch_out(hosted_udp_t *u, hosted_udp_sock_t *s, bool on) {
  if (s->watch_out == on)
    return;
  uint32_t ev = EPOLLIN | EPOLLET | (on ? EPOLLOUT : 0);
  if (hosted_irq_watch(u->p, EPOLL_CTL_MOD, s->fd, &u->dev, ev) == KERR_OK)
    s->watch_out = on;
}

void hosted_udp_send(hosted_udp_t *u, hosted_udp_sock_t *s) {
  s->held = 0;
  while (!kwork_list_empty(&s->sends) && !s->blocked) {
    uint32_t n = 0;
    for (kwork_t *w = s->sends.head; w && n < UDP_TX_BATCH; w = w->next, n++) {
      kudp_send_req_t *r = KCONTAINER_OF(w, kudp_send_req_t, work);
      peer_v6(s, r, &g_tx_to[n]);
      g_tx_iov[n] = (struct iovec){(void *)r->data, r->length};
      g_tx_msg[n].msg_hdr = (struct msghdr){.msg_name = &g_tx_to[n],
                                            .msg_namelen = sizeof(g_tx_to[n]),
                                            .msg_iov = &g_tx_iov[n],
                                            .msg_iovlen = 1};
      g_tx_work[n] = w;
    }
    int sent = sendmmsg(s->fd, g_tx_msg, n, 0);
    kerr_t result = KERR_OK;
    if (sent < 0) {
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
        klog(KLOG_DEBUG, "udp: port %u: host socket full, sends wait\n",
             s->port);
        s->blocked = true;
        watch_out(u, s, true);
        return;
      }
      /* The first one failed; sendmmsg would fail it again: complete it. */
      result = send_error(errno);
      sent = 1;
    }
    for (int i = 0; i < sent; i++) {
      kwork_list_remove(&s->sends, g_tx_work[i]);
      s->nsends--;
      kdev_complete(&u->dev, g_tx_work[i], result);
    }
  }
  if (kwork_list_empty(&s->sends))
    watch_out(u, s, false);
}
