/* udp.c (hosted): the `socket` backend. UDP work items on Linux UDP sockets,
 * non-blocking, watched edge-triggered through the platform's epoll
 * (EPOLLIN; EPOLLOUT only while sends wait).
 *
 * Host calls come in batches (udp_io.c makes them): a read is a recvmmsg
 * into free buffers, and what the posted receive does not take waits here,
 * in order, for the next receives; sends are handed over by sendmmsg at
 * kick, held while the program works through datagrams read ahead. So an
 * echo under load costs the host two calls per batch, not two per datagram.
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
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ksockid.h"
#include "udp_impl.h"

static hosted_udp_t g_udp;

_Static_assert(KCONFIG_UDP_SOCKETS < 0xffff, "a slot fits a socket id");

static hosted_udp_sock_t *lookup(hosted_udp_t *u, uint32_t id) {
  uint32_t i = ksockid_slot(id);
  hosted_udp_sock_t *s = i < KCONFIG_UDP_SOCKETS ? &u->socks[i] : NULL;
  return s != NULL && s->fd >= 0 && ksockid_is(id, i, s->gen) ? s : NULL;
}

/* Read-ahead datagrams to posted receives, oldest to oldest. */
static void serve(hosted_udp_t *u, hosted_udp_sock_t *s) {
  while (s->nready > 0 && !kwork_list_empty(&s->recvs)) {
    uint16_t b = s->ready_head;
    s->ready_head = u->rx[b].next;
    s->nready--;
    s->served = true;
    kudp_recv_req_t *r =
        KCONTAINER_OF(kwork_list_pop(&s->recvs), kudp_recv_req_t, work);
    r->src_addr = u->rx[b].src_addr;
    r->src_port = u->rx[b].src_port;
    r->data = u->bufs[b];
    r->length = u->rx[b].length;
    r->buf = kdev_buf(&u->dev, b);
    kdev_buf_lent(&u->dev);
    kdev_complete(&u->dev, &r->work, KERR_OK);
  }
}

/* Read while receives are posted and nothing read ahead is left for them,
 * until the host socket is empty (EAGAIN) or no buffer is free. At most
 * UDP_READ_CALLS calls; what is left is read on the next tick (the device
 * raises itself, since the edge is spent). */
static void pump_recv(hosted_udp_t *u, hosted_udp_sock_t *s) {
  serve(u, s);
  for (unsigned calls = 0;
       !kwork_list_empty(&s->recvs) && !s->drained && u->pool.nfree > 0;
       calls++) {
    if (calls == UDP_READ_CALLS) {
      kdev_raise(&u->dev);
      return;
    }
    hosted_udp_read(u, s);
    serve(u, s);
  }
  if (!kwork_list_empty(&s->recvs) && !s->drained)
    u->starved = true; /* no buffer: udp_release raises the device */
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
  uint16_t host = r->port == u->guest_port ? u->host_port : r->port;
  for (unsigned i = 0; i < u->nfwd; i++)
    if (r->port == u->fwd_guest[i])
      host = u->fwd_host[i];
  struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(host)};
  socklen_t alen = sizeof(a);
  if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
      getsockname(fd, (struct sockaddr *)&a, &alen) < 0) {
    kerr_t err = errno == EADDRINUSE ? KERR_BUSY : KERR_IO;
    close(fd);
    return err;
  }
  /* EPOLLIN only: udp_io.c adds EPOLLOUT while sends wait. */
  if (hosted_irq_watch(u->p, EPOLL_CTL_ADD, fd, &u->dev, EPOLLIN | EPOLLET) !=
      KERR_OK) {
    close(fd);
    return KERR_IO;
  }
  uint16_t gen = s->gen;
  *s = (hosted_udp_sock_t){.fd = fd,
                           .gen = gen,
                           .port = r->port ? r->port : ntohs(a.sin6_port),
                           .ready_head = UDP_NO_BUF,
                           .ready_tail = UDP_NO_BUF};
  u->top = KMAX(u->top, (uint32_t)(s - u->socks) + 1);
  r->port = s->port;
  r->sock = ksockid_make((uint32_t)(s - u->socks), s->gen);
  klog(KLOG_DEBUG, "udp: port %u bound on host port %u\n", s->port,
       ntohs(a.sin6_port));
  return KERR_OK;
}

/* Sends already submitted still go out (unless the host socket is full);
 * what is left is cancelled, and datagrams read ahead are let go. */
static void do_unbind(hosted_udp_t *u, hosted_udp_sock_t *s) {
  s->blocked = false; /* one more try, even if the last one met EAGAIN */
  hosted_udp_send(u, s);
  kwork_t *w;
  while ((w = kwork_list_pop(&s->recvs)) != NULL)
    kdev_complete(&u->dev, w, KERR_CANCELLED);
  while ((w = kwork_list_pop(&s->sends)) != NULL)
    kdev_complete(&u->dev, w, KERR_CANCELLED);
  for (; s->nready > 0; s->nready--) {
    kpool_put(&u->pool, s->ready_head);
    s->ready_head = u->rx[s->ready_head].next;
  }
  close(s->fd); /* also leaves the epoll set */
  s->fd = -1;
  s->gen++;
  while (u->top > 0 && u->socks[u->top - 1].fd < 0)
    u->top--;
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
  if (kwork_ops[w->op].handle_at == 0) /* an op of the class not here */
    return KERR_UNSUPPORTED;
  hosted_udp_sock_t *s = lookup(u, kwork_handle(w));
  if (s == NULL)
    return KERR_NOT_BOUND;
  switch (w->op) {
  case KWORK_OP_UDP_UNBIND:
    do_unbind(u, s);
    kdev_complete(dev, w, KERR_OK);
    return KERR_OK;
  case KWORK_OP_UDP_RECV: /* served now if read ahead, else read at kick */
    kwork_list_push(&s->recvs, w);
    serve(u, s);
    return KERR_OK;
  case KWORK_OP_UDP_SEND: /* goes out at kick, in submit order */
    kwork_list_push(&s->sends, w);
    s->nsends++;
    return KERR_OK;
  default:
    return KERR_UNSUPPORTED;
  }
}

static kerr_t udp_cancel(kdevice_t *dev, kwork_t *w) {
  hosted_udp_t *u = KCONTAINER_OF(dev, hosted_udp_t, dev);
  /* A receive or send LIVE here sits on its socket's list; nothing else
   * stays at this device. */
  hosted_udp_sock_t *s = lookup(u, kwork_handle(w));
  if (w->op == KWORK_OP_UDP_RECV) {
    if (s) {
      kwork_list_remove(&s->recvs, w);
      return KERR_OK;
    }
  } else if (w->op == KWORK_OP_UDP_SEND) {
    if (s) {
      kwork_list_remove(&s->sends, w);
      s->nsends--;
      return KERR_OK;
    }
  }
  return KERR_BUSY;
}

/* Raised: an fd's edge, a buffer back after starving, or sends held for a
 * batch. Any socket may have news, so none counts as drained. */
static void udp_poll(kdevice_t *dev) {
  hosted_udp_t *u = KCONTAINER_OF(dev, hosted_udp_t, dev);
  for (uint32_t i = 0; i < u->top; i++) {
    hosted_udp_sock_t *s = &u->socks[i];
    if (s->fd < 0)
      continue;
    s->drained = false;
    s->blocked = false;
    if (s->held == 1) { /* held at the last kick: wait for one more */
      s->held = 2;
      kdev_raise(dev);
    } else if (s->nsends > 0) { /* held through a tick with no receive, or
                                   waiting for the socket to drain */
      hosted_udp_send(u, s);
    }
    pump_recv(u, s);
  }
}

/* After each dispatch batch. Sends go to the host here, all of a socket's
 * at once, except while the program is working through a batch read ahead:
 * each re-armed receive takes the next datagram at submit, with no host
 * call, and its echo would otherwise cost a sendmmsg of one. So while
 * receives were served since the last kick and more datagrams wait (read
 * ahead, or the last read was full), sends are held, up to UDP_TX_BATCH;
 * the kick after the last datagram of a batch was served sends them all.
 * If the program stops taking datagrams, the second poll after the hold
 * sends them. A lone datagram (a short read) is answered at once. Then
 * receives with nothing read ahead read, after the sends: the reply leaves
 * before the read that finds the socket empty. */
static void udp_kick(kdevice_t *dev) {
  hosted_udp_t *u = KCONTAINER_OF(dev, hosted_udp_t, dev);
  for (uint32_t i = 0; i < u->top; i++) {
    hosted_udp_sock_t *s = &u->socks[i];
    if (s->fd < 0)
      continue;
    if (s->nsends > 0 && !s->blocked) {
      if (s->served && (s->nready > 0 || s->full) && s->nsends < UDP_TX_BATCH) {
        s->held = 1;
        kdev_raise(dev);
      } else {
        hosted_udp_send(u, s);
      }
    }
    s->served = false;
    pump_recv(u, s);
  }
}

static kerr_t udp_release(kdevice_t *dev, uint32_t index) {
  hosted_udp_t *u = KCONTAINER_OF(dev, hosted_udp_t, dev);
  if (!kpool_put(&u->pool, index))
    return KERR_STATE;
  if (u->starved) { /* datagrams wait for a buffer */
    u->starved = false;
    kdev_raise(dev);
  }
  return KERR_OK;
}

static const kdevice_ops_t udp_ops = {.submit = udp_submit,
                                      .cancel = udp_cancel,
                                      .poll = udp_poll,
                                      .kick = udp_kick,
                                      .release = udp_release};

const char *hosted_udp_init(platform_t *p, uint16_t host_port,
                            uint16_t guest_port) {
  hosted_udp_t *u = &g_udp;
  memset(u, 0, sizeof(*u));
  u->dev = (kdevice_t){.ops = &udp_ops, .name = "udp-socket", .cls = KDEV_IP};
  u->p = p;
  u->host_port = host_port;
  u->guest_port = guest_port;
  const hosted_options_t *o = &p->opt;
  for (unsigned i = 0; i < o->nfwd; i++) {
    u->fwd_host[i] = o->fwd_host[i];
    u->fwd_guest[i] = o->fwd_guest[i];
  }
  u->nfwd = o->nfwd;
  for (uint32_t i = 0; i < KCONFIG_UDP_SOCKETS; i++)
    u->socks[i].fd = -1;
  kpool_init(&u->pool, u->pool_stack, u->pool_out, KCONFIG_UDP_RX_BUFFERS);
  hosted_udp_io_init();
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
