/* net.c (hosted): the `frames` backend. Raw Ethernet frames on a TAP
 * interface, or one frame per UDP datagram in the format of QEMU's
 * `-netdev dgram,local.type=inet,...,remote.type=inet,...`, so that a hosted
 * kernel and a QEMU guest can share one virtual LAN. With --pcap, every
 * frame delivered to the kernel and every frame the host took from it also
 * goes to the capture (pcap.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hosted.h"
#include "kpool.h"
#include "pcap.h"

#define NBUF KCONFIG_NET_RX_BUFFERS
#define READ_BUDGET 64

static struct {
  kdevice_t dev;
  int fd;
  bool dgram;
  struct sockaddr_in remote; /* dgram: the peer; frames from others drop */
  uint8_t bufs[NBUF][KCONFIG_NET_FRAME_MAX];
  kpool_t pool; /* which of bufs are handed out */
  uint16_t pool_stack[NBUF];
  bool pool_out[NBUF];
  kwork_list_t recvs, sends;
} g_net;

/* Read one frame into buffer b: its length, 0 to skip it, -1 when empty. */
static ssize_t read_frame(uint16_t b) {
  struct sockaddr_in from;
  socklen_t flen = sizeof(from);
  ssize_t n = g_net.dgram
                  ? recvfrom(g_net.fd, g_net.bufs[b], KCONFIG_NET_FRAME_MAX,
                             MSG_TRUNC, (struct sockaddr *)&from, &flen)
                  : read(g_net.fd, g_net.bufs[b], KCONFIG_NET_FRAME_MAX);
  if (n < 0)
    return errno == EAGAIN || errno == EWOULDBLOCK ? -1 : 0;
  bool stranger =
      g_net.dgram && (from.sin_addr.s_addr != g_net.remote.sin_addr.s_addr ||
                      from.sin_port != g_net.remote.sin_port);
  if (n < 14 || n > KCONFIG_NET_FRAME_MAX || stranger) {
    kdev_count_drop(&g_net.dev);
    return 0;
  }
  return n;
}

/* At most READ_BUDGET reads per poll, as in udp.c: a flood cannot hold the
 * loop, and a read error that does not clear cannot spin it. */
static void pump_recv(void) {
  for (unsigned budget = READ_BUDGET;
       !kwork_list_empty(&g_net.recvs) && kpool_peek(&g_net.pool) >= 0;
       budget--) {
    if (budget == 0) {
      kdev_raise(&g_net.dev);
      return;
    }
    uint16_t b = (uint16_t)kpool_peek(&g_net.pool);
    ssize_t n = read_frame(b);
    if (n < 0)
      return;
    if (n == 0)
      continue;
    kpool_take(&g_net.pool);
    hosted_pcap_frame(g_net.bufs[b], (size_t)n);
    knet_recv_req_t *r =
        KCONTAINER_OF(kwork_list_pop(&g_net.recvs), knet_recv_req_t, work);
    r->frame = g_net.bufs[b];
    r->length = (size_t)n;
    r->buf = kdev_buf(&g_net.dev, b);
    kdev_buf_lent(&g_net.dev);
    kdev_complete(&g_net.dev, &r->work, KERR_OK);
  }
}

static void pump_send(void) {
  while (!kwork_list_empty(&g_net.sends)) {
    knet_send_req_t *r = KCONTAINER_OF(g_net.sends.head, knet_send_req_t, work);
    ssize_t n = g_net.dgram ? sendto(g_net.fd, r->frame, r->length, 0,
                                     (struct sockaddr *)&g_net.remote,
                                     sizeof(g_net.remote))
                            : write(g_net.fd, r->frame, r->length);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS))
      return;
    if (n < 0 && errno == EINTR)
      continue;
    kwork_list_remove(&g_net.sends, &r->work);
    if (n == (ssize_t)r->length)
      hosted_pcap_frame(r->frame, r->length);
    /* A dgram peer that is not listening yet answers with ICMP: like a cable
     * with nobody at the other end, the frame is simply gone. */
    bool gone = n < 0 && errno == ECONNREFUSED;
    kdev_complete(&g_net.dev, &r->work,
                  n == (ssize_t)r->length || gone ? KERR_OK : KERR_IO);
  }
}

static kerr_t net_submit(kdevice_t *dev, kwork_t *w) {
  (void)dev;
  if (w->op == KWORK_OP_NET_RECV) {
    kwork_list_push(&g_net.recvs, w);
    pump_recv();
  } else {
    kwork_list_push(&g_net.sends, w);
    pump_send();
  }
  return KERR_OK;
}

static kerr_t net_cancel(kdevice_t *dev, kwork_t *w) {
  (void)dev;
  /* Everything LIVE here waits on one of the two lists. */
  kwork_list_remove(w->op == KWORK_OP_NET_RECV ? &g_net.recvs : &g_net.sends,
                    w);
  return KERR_OK;
}

/* Frames move only in submit (a tick's batch of them ends in kick) and in
 * poll: flushing at the end of both puts each tick's frames in the capture
 * file by the end of that tick. */
static void net_kick(kdevice_t *dev) {
  (void)dev;
  hosted_pcap_flush();
}

static void net_poll(kdevice_t *dev) {
  (void)dev;
  pump_send();
  pump_recv();
  hosted_pcap_flush();
}

static kerr_t net_release(kdevice_t *dev, uint32_t index) {
  if (!kpool_put(&g_net.pool, index))
    return KERR_STATE;
  kdev_raise(dev); /* frames may be waiting for a buffer */
  return KERR_OK;
}

static const kdevice_ops_t net_ops = {.submit = net_submit,
                                      .cancel = net_cancel,
                                      .poll = net_poll,
                                      .kick = net_kick,
                                      .release = net_release};

static bool parse_addr(const char *s, struct sockaddr_in *a) {
  char host[64];
  const char *colon = strrchr(s, ':');
  if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
    return false;
  memcpy(host, s, (size_t)(colon - s));
  host[colon - s] = '\0';
  char *end;
  unsigned long port = strtoul(colon + 1, &end, 10);
  *a = (struct sockaddr_in){.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port)};
  return *end == '\0' && port > 0 && port < 65536 &&
         inet_pton(AF_INET, host, &a->sin_addr) == 1;
}

static const char *open_dgram(const hosted_options_t *opt) {
  struct sockaddr_in local;
  if (!parse_addr(opt->dgram_local, &local) ||
      !parse_addr(opt->dgram_remote, &g_net.remote))
    return "dgram addresses must be IPv4 host:port";
  g_net.dgram = true;
  g_net.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (g_net.fd < 0 ||
      bind(g_net.fd, (struct sockaddr *)&local, sizeof(local)) < 0)
    return strerror(errno);
  return NULL;
}

static const char *open_tap(const hosted_options_t *opt) {
  g_net.fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (g_net.fd < 0)
    return strerror(errno);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof(ifr));
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", opt->tap);
  if (ioctl(g_net.fd, TUNSETIFF, &ifr) < 0)
    return strerror(errno);
  return NULL;
}

const char *hosted_net_init(platform_t *p, const hosted_options_t *opt) {
  memset(&g_net, 0, sizeof(g_net));
  const char *why = opt->net == NET_TAP ? open_tap(opt) : open_dgram(opt);
  if (why)
    return why;
  if (opt->pcap && (why = hosted_pcap_open(opt->pcap)) != NULL)
    return why;
  kpool_init(&g_net.pool, g_net.pool_stack, g_net.pool_out, NBUF);
  g_net.dev = (kdevice_t){.ops = &net_ops, .name = "frames", .cls = KDEV_NET};
  /* A locally administered unicast MAC, new each run. */
  uint8_t *mac = g_net.dev.info.net.mac;
  if (getrandom(mac, 6, 0) != 6)
    return "getrandom failed";
  mac[0] = (uint8_t)((mac[0] & 0xfc) | 0x02);
  g_net.dev.info.net.mtu = 1500;
  if (kdev_register(p->k, &g_net.dev) != KERR_OK)
    return "too many devices";
  if (platform_irq_route(p, (uint32_t)g_net.fd, &g_net.dev) != KERR_OK)
    return "cannot watch the frame descriptor";
  return NULL;
}

void hosted_net_close(void) {
  close(g_net.fd);
  hosted_pcap_close();
}
