/* udp.c (hosted): the `socket` backend. UDP work items on Linux UDP sockets,
 * non-blocking, watched edge-triggered through the platform's epoll.
 *
 * Sockets are dual-stack (IPv6 with IPV6_V6ONLY off), because on a stock
 * Debian `localhost` resolves to ::1 first and `nc -u localhost 8888` sends
 * over IPv6. The API speaks IPv4, so a datagram from ::1 is shown to the
 * program as coming from 127.0.0.1, and the socket remembers the port: a
 * reply to 127.0.0.1 at that port goes back over ::1 (until 127.0.0.1 at the
 * same port speaks over IPv4: the latest family wins). Datagrams from other
 * IPv6 addresses have no IPv4 name and are dropped and counted.
 *
 * IP_CONFIG answers 127.0.0.1/8 (KIP_SOURCE_HOST); PING and ARP_RESOLVE are
 * KERR_UNSUPPORTED here: they need raw frames (the `frames` backend, where
 * net/ serves them). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hosted.h"
#include "kpool.h"

#define LOOP_PEERS 8
#define READ_BUDGET 64

typedef struct {
  int fd;             /* -1: free */
  uint16_t gen;       /* bumped on unbind, so stale socket ids fail */
  uint16_t port;      /* the port the program sees */
  kwork_list_t recvs; /* posted standing receives, oldest first */
  kwork_list_t sends; /* sends waiting for the socket to drain */
  uint16_t v6_loop[LOOP_PEERS]; /* ports of recent peers on ::1 */
  uint32_t v6_next;
} hosted_udp_sock_t;

typedef struct {
  kdevice_t dev;
  platform_t *p;
  uint16_t host_port;
  hosted_udp_sock_t socks[KCONFIG_UDP_SOCKETS];
  uint8_t bufs[KCONFIG_UDP_RX_BUFFERS][KUDP_MAX_PAYLOAD];
  kpool_t pool; /* which of bufs are handed out */
  uint16_t pool_stack[KCONFIG_UDP_RX_BUFFERS];
  bool pool_out[KCONFIG_UDP_RX_BUFFERS];
} hosted_udp_t;

static hosted_udp_t g_udp;

#define SOCK_ID(u, s) (((uint32_t)(s)->gen << 16) | (uint32_t)((s) - (u)->socks + 1))

static hosted_udp_sock_t *lookup(hosted_udp_t *u, uint32_t id) {
  uint32_t i = (id & 0xffffu) - 1;
  if (i >= KCONFIG_UDP_SOCKETS)
    return NULL;
  hosted_udp_sock_t *s = &u->socks[i];
  return s->fd >= 0 && s->gen == (id >> 16) ? s : NULL;
}

static bool is_v6_loop_peer(const hosted_udp_sock_t *s, uint16_t port) {
  for (uint32_t i = 0; i < LOOP_PEERS; i++)
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
    for (uint32_t i = 0; *addr == KIP4(127, 0, 0, 1) && i < LOOP_PEERS; i++)
      if (s->v6_loop[i] == port)
        s->v6_loop[i] = 0;
    return true;
  }
  if (!IN6_IS_ADDR_LOOPBACK(&from->sin6_addr))
    return false;
  if (!is_v6_loop_peer(s, port))
    s->v6_loop[s->v6_next++ % LOOP_PEERS] = port;
  *addr = KIP4(127, 0, 0, 1);
  return true;
}

/* Hand waiting datagrams to posted receives while both last, at most
 * READ_BUDGET reads per poll: a flood on one socket cannot hold the loop, and
 * a read error that does not clear cannot spin it. What is left is read on
 * the next tick (the device raises itself, since the edge is spent). */
static void pump_recv(hosted_udp_t *u, hosted_udp_sock_t *s) {
  for (unsigned budget = READ_BUDGET;
       !kwork_list_empty(&s->recvs) && kpool_peek(&u->pool) >= 0;
       budget--) {
    if (budget == 0) {
      kdev_raise(&u->dev);
      return;
    }
    uint16_t b = (uint16_t)kpool_peek(&u->pool);
    struct sockaddr_in6 from;
    socklen_t flen = sizeof(from);
    ssize_t n = recvfrom(s->fd, u->bufs[b], KUDP_MAX_PAYLOAD, MSG_TRUNC,
                         (struct sockaddr *)&from, &flen);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return;
      continue; /* EINTR, or an ICMP error queued for an earlier send */
    }
    kip4_t src;
    /* Larger than any datagram we can hand out, or a peer with no IPv4 name. */
    if ((size_t)n > KUDP_MAX_PAYLOAD || !peer_v4(s, &from, &src)) {
      kdev_count_drop(&u->dev);
      continue;
    }
    kpool_take(&u->pool);
    kudp_recv_req_t *r =
        KCONTAINER_OF(kwork_list_pop(&s->recvs), kudp_recv_req_t, work);
    r->src_addr = src;
    r->src_port = ntohs(from.sin6_port);
    r->data = u->bufs[b];
    r->length = (size_t)n;
    r->buf = kdev_buf(&u->dev, b);
    kdev_buf_lent(&u->dev);
    kdev_complete(&u->dev, &r->work, KERR_OK);
  }
}

/* KERR_OK: sent; KERR_BUSY: the socket buffer is full, try later. */
static kerr_t try_send(hosted_udp_sock_t *s, kudp_send_req_t *r) {
  struct sockaddr_in6 to = {.sin6_family = AF_INET6,
                            .sin6_port = htons(r->dst_port)};
  if (r->dst_addr == KIP4(127, 0, 0, 1) && is_v6_loop_peer(s, r->dst_port)) {
    to.sin6_addr = in6addr_loopback;
  } else { /* ::ffff:a.b.c.d */
    to.sin6_addr.s6_addr[10] = to.sin6_addr.s6_addr[11] = 0xff;
    uint32_t be = htonl(r->dst_addr);
    memcpy(&to.sin6_addr.s6_addr[12], &be, 4);
  }
  for (;;) {
    ssize_t n = sendto(s->fd, r->data, r->length, 0, (struct sockaddr *)&to,
                       sizeof(to));
    if (n >= 0)
      return KERR_OK;
    switch (errno) {
    case EINTR:
      continue;
    case EAGAIN:
    case ENOBUFS:
      return KERR_BUSY;
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
}

static void pump_send(hosted_udp_t *u, hosted_udp_sock_t *s) {
  while (!kwork_list_empty(&s->sends)) {
    kudp_send_req_t *r = KCONTAINER_OF(s->sends.head, kudp_send_req_t, work);
    kerr_t err = try_send(s, r);
    if (err == KERR_BUSY)
      return;
    kwork_list_remove(&s->sends, &r->work);
    kdev_complete(&u->dev, &r->work, err);
  }
}

static kerr_t do_bind(hosted_udp_t *u, kudp_bind_req_t *r) {
  hosted_udp_sock_t *s = NULL;
  for (uint32_t i = 0; i < KCONFIG_UDP_SOCKETS; i++) {
    if (u->socks[i].fd >= 0 && r->port != 0 && u->socks[i].port == r->port)
      return KERR_BUSY;
    if (u->socks[i].fd < 0 && s == NULL)
      s = &u->socks[i];
  }
  if (s == NULL)
    return KERR_NO_SPACE;
  int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return KERR_IO;
  int off = 0, rcvbuf = 1 << 20; /* room for bursts while the loop is busy */
  setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  uint16_t host = r->port == HOSTED_ECHO_PORT ? u->host_port : r->port;
  struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(host)};
  socklen_t alen = sizeof(a);
  if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
      getsockname(fd, (struct sockaddr *)&a, &alen) < 0) {
    kerr_t err = errno == EADDRINUSE ? KERR_BUSY : KERR_IO;
    close(fd);
    return err;
  }
  if (platform_irq_route(u->p, (uint32_t)fd, &u->dev) != KERR_OK) {
    close(fd);
    return KERR_IO;
  }
  s->fd = fd;
  s->port = r->port ? r->port : ntohs(a.sin6_port);
  memset(s->v6_loop, 0, sizeof(s->v6_loop));
  r->port = s->port;
  r->sock = SOCK_ID(u, s);
  klog(KLOG_DEBUG, "udp: port %u bound on host port %u\n", s->port,
       ntohs(a.sin6_port));
  return KERR_OK;
}

static void do_unbind(hosted_udp_t *u, hosted_udp_sock_t *s) {
  kwork_t *w;
  while ((w = kwork_list_pop(&s->recvs)) != NULL)
    kdev_complete(&u->dev, w, KERR_CANCELLED);
  while ((w = kwork_list_pop(&s->sends)) != NULL)
    kdev_complete(&u->dev, w, KERR_CANCELLED);
  close(s->fd); /* also leaves the epoll set */
  s->fd = -1;
  s->gen++;
}

static kerr_t udp_submit(kdevice_t *dev, kwork_t *w) {
  hosted_udp_t *u = KCONTAINER_OF(dev, hosted_udp_t, dev);
  if (w->op == KWORK_OP_IP_CONFIG) { /* the host's own stack does IP */
    KCONTAINER_OF(w, kip_config_req_t, work)->config =
        (kip_config_t){.addr = KIP4(127, 0, 0, 1),
                       .netmask = KIP4(255, 0, 0, 0),
                       .source = KIP_SOURCE_HOST};
    kdev_complete(dev, w, KERR_OK);
    return KERR_OK;
  }
  if (w->op == KWORK_OP_PING || w->op == KWORK_OP_ARP_RESOLVE)
    return KERR_UNSUPPORTED; /* raw ICMP and ARP need the frames backend */
  if (w->op == KWORK_OP_UDP_BIND) {
    kerr_t err = do_bind(u, KCONTAINER_OF(w, kudp_bind_req_t, work));
    if (err == KERR_OK)
      kdev_complete(dev, w, KERR_OK);
    return err;
  }
  uint32_t id = w->op == KWORK_OP_UDP_UNBIND
                    ? KCONTAINER_OF(w, kudp_bind_req_t, work)->sock
                : w->op == KWORK_OP_UDP_RECV
                    ? KCONTAINER_OF(w, kudp_recv_req_t, work)->sock
                    : KCONTAINER_OF(w, kudp_send_req_t, work)->sock;
  hosted_udp_sock_t *s = lookup(u, id);
  if (s == NULL)
    return KERR_NOT_BOUND;
  switch (w->op) {
  case KWORK_OP_UDP_UNBIND:
    do_unbind(u, s);
    kdev_complete(dev, w, KERR_OK);
    return KERR_OK;
  case KWORK_OP_UDP_RECV:
    kwork_list_push(&s->recvs, w);
    pump_recv(u, s);
    return KERR_OK;
  default: /* KWORK_OP_UDP_SEND, in order behind any that wait */
    kwork_list_push(&s->sends, w);
    pump_send(u, s);
    return KERR_OK;
  }
}

static kerr_t udp_cancel(kdevice_t *dev, kwork_t *w) {
  hosted_udp_t *u = KCONTAINER_OF(dev, hosted_udp_t, dev);
  /* A receive or send LIVE here sits on its socket's list; nothing else
   * stays at this device. */
  if (w->op == KWORK_OP_UDP_RECV) {
    hosted_udp_sock_t *s =
        lookup(u, KCONTAINER_OF(w, kudp_recv_req_t, work)->sock);
    if (s) {
      kwork_list_remove(&s->recvs, w);
      return KERR_OK;
    }
  } else if (w->op == KWORK_OP_UDP_SEND) {
    hosted_udp_sock_t *s =
        lookup(u, KCONTAINER_OF(w, kudp_send_req_t, work)->sock);
    if (s) {
      kwork_list_remove(&s->sends, w);
      return KERR_OK;
    }
  }
  return KERR_BUSY;
}

static void udp_poll(kdevice_t *dev) {
  hosted_udp_t *u = KCONTAINER_OF(dev, hosted_udp_t, dev);
  for (uint32_t i = 0; i < KCONFIG_UDP_SOCKETS; i++) {
    hosted_udp_sock_t *s = &u->socks[i];
    if (s->fd >= 0) {
      pump_send(u, s);
      pump_recv(u, s);
    }
  }
}

static kerr_t udp_release(kdevice_t *dev, uint32_t index) {
  hosted_udp_t *u = KCONTAINER_OF(dev, hosted_udp_t, dev);
  if (!kpool_put(&u->pool, index))
    return KERR_STATE;
  kdev_raise(dev); /* datagrams may be waiting for a buffer */
  return KERR_OK;
}

static const kdevice_ops_t udp_ops = {.submit = udp_submit,
                                      .cancel = udp_cancel,
                                      .poll = udp_poll,
                                      .release = udp_release};

const char *hosted_udp_init(platform_t *p, uint16_t host_port) {
  hosted_udp_t *u = &g_udp;
  memset(u, 0, sizeof(*u));
  u->dev = (kdevice_t){.ops = &udp_ops, .name = "udp-socket", .cls = KDEV_IP};
  u->p = p;
  u->host_port = host_port;
  for (uint32_t i = 0; i < KCONFIG_UDP_SOCKETS; i++)
    u->socks[i].fd = -1;
  kpool_init(&u->pool, u->pool_stack, u->pool_out, KCONFIG_UDP_RX_BUFFERS);
  if (kdev_register(p->k, &u->dev) != KERR_OK)
    return "too many devices";
  return NULL;
}

void hosted_udp_close(void) {
  hosted_udp_t *u = &g_udp;
  for (uint32_t i = 0; i < KCONFIG_UDP_SOCKETS; i++)
    if (u->socks[i].fd >= 0)
      close(u->socks[i].fd);
}
