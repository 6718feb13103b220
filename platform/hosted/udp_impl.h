/* udp_impl.h (hosted): the `socket` backend's state, shared by udp.c (the
 * device: work items, sockets, when to read and when to send) and udp_io.c
 * (the host calls: recvmmsg and sendmmsg, and the IPv4 names of dual-stack
 * peers). */
#ifndef REALMOS_HOSTED_UDP_IMPL_H
#define REALMOS_HOSTED_UDP_IMPL_H

#include "hosted.h"
#include "kpool.h"

/* Datagrams one recvmmsg reads ahead, at most (fewer if fewer buffers are
 * free). Half the buffers: a second batch can be read while the program
 * still holds the first. */
#define UDP_RX_BATCH (KCONFIG_UDP_RX_BUFFERS / 2)
/* Datagrams one sendmmsg hands to the host, at most. */
#define UDP_TX_BATCH 64
/* recvmmsg calls per socket per poll or kick (64 datagrams): a flood on one
 * socket cannot hold the loop, and a read error that does not clear cannot
 * spin it. */
#define UDP_READ_CALLS 2
/* ::1 peers a socket remembers. As many as the device has buffers: a reply
 * to any datagram still held (read ahead, or lent to the program) finds its
 * peer, even when a batch brings that many ::1 peers at once. */
#define UDP_LOOP_PEERS KCONFIG_UDP_RX_BUFFERS

#define UDP_NO_BUF 0xffffu

/* A datagram read ahead, waiting in its buffer for a posted receive. */
typedef struct {
  uint16_t
      next; /* the next buffer in the socket's ready queue, or UDP_NO_BUF */
  uint16_t length;
  uint16_t src_port;
  kip4_t src_addr;
} hosted_udp_rx_t;

typedef struct {
  int fd;             /* -1: free */
  uint16_t gen;       /* bumped on unbind, so stale socket ids fail */
  uint16_t port;      /* the port the program sees */
  kwork_list_t recvs; /* posted standing receives, oldest first */
  kwork_list_t sends; /* sends not yet taken by the host, in submit order */
  uint32_t nsends;
  uint16_t ready_head, ready_tail; /* datagrams read ahead, oldest first */
  uint32_t nready;
  bool drained;   /* the last read emptied the socket: wait for an edge */
  bool full;      /* the last read filled every buffer it offered */
  bool blocked;   /* the host refused a send (EAGAIN): wait for EPOLLOUT */
  bool watch_out; /* EPOLLOUT is in the fd's epoll events */
  bool served;    /* a read-ahead datagram went to a receive since the kick */
  uint8_t held;   /* sends held for a batch: polls since (0: not held) */
  uint16_t v6_loop[UDP_LOOP_PEERS]; /* ports of recent peers on ::1; 0: none */
  uint32_t v6_next;
  uint32_t v6_count; /* entries of v6_loop that are not 0 */
} hosted_udp_sock_t;

typedef struct {
  kdevice_t dev;
  platform_t *p;
  uint16_t host_port, guest_port; /* guest_port is bound at host_port */
  uint16_t fwd_host[HOSTED_FORWARDS], fwd_guest[HOSTED_FORWARDS]; /* more */
  unsigned nfwd;
  bool starved; /* a read waited for a free buffer */
  uint32_t top; /* socks[top..] are all free: poll and kick look no further */
  hosted_udp_sock_t socks[KCONFIG_UDP_SOCKETS];
  uint8_t bufs[KCONFIG_UDP_RX_BUFFERS][KUDP_MAX_PAYLOAD];
  hosted_udp_rx_t rx[KCONFIG_UDP_RX_BUFFERS];
  kpool_t pool; /* which of bufs are taken (read ahead or lent out) */
  uint16_t pool_stack[KCONFIG_UDP_RX_BUFFERS];
  bool pool_out[KCONFIG_UDP_RX_BUFFERS];
} hosted_udp_t;

/* udp_io.c. The parts of the read headers that never change. */
void hosted_udp_io_init(void);
/* One recvmmsg into up to UDP_RX_BATCH free buffers, appended to
 * the socket's ready queue; datagrams too long or from a peer with no IPv4
 * name are dropped and counted. Returns false when the call failed with an
 * error other than EAGAIN (worth another try); sets s->drained when the host
 * socket was found empty and u->starved when no buffer was free. */
bool hosted_udp_read(hosted_udp_t *u, hosted_udp_sock_t *s);
/* sendmmsg the socket's sends in order and complete them, until none is left
 * or the host refuses (EAGAIN, ENOBUFS: s->blocked, the rest wait). */
void hosted_udp_send(hosted_udp_t *u, hosted_udp_sock_t *s);

#endif
