/* net_harness.c: the IPv4 stack on the fake platform (net_harness.h). The
 * network device under the stack is a small fake of its own: it holds the
 * stack's standing receives (in the order they came), copies each frame
 * sent, lends each injected
 * frame's buffer as a real device does (kdev_buf_lent), and counts released
 * buffers. */
#include "net_harness.h"

#include <assert.h>
#include <string.h>

#include "fake_platform.h"

const uint8_t NH_MAC[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
const uint8_t NH_PEER_MAC[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
const uint8_t NH_BCAST_MAC[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
const uint8_t NH_ZERO_MAC[6];

static kernel_t g_k;

static nh_completion_t g_log[NH_MAX_LOG];
static size_t g_nlog;

static struct {
  kdevice_t dev;
  kwork_list_t recvs; /* the standing receives at the device, oldest first */
  uint8_t rx[NH_RX_BUFS][KCONFIG_NET_FRAME_MAX];
  size_t rx_len[NH_RX_BUFS];
  uint32_t ready[NH_RX_BUFS]; /* nh_queue: frames arrived, not yet polled */
  size_t nready;
  size_t polls;
  bool rx_out[NH_RX_BUFS];
  size_t released;
  uint8_t sent[NH_MAX_SENT][KCONFIG_NET_FRAME_MAX];
  size_t sent_len[NH_MAX_SENT];
  size_t nsent;
  bool hold;
  kwork_t *held[NH_MAX_SENT];
  size_t nheld;
} g;

/* Complete the oldest posted receive with buffer b. */
static void deliver(uint32_t b) {
  kwork_t *w = kwork_list_pop(&g.recvs);
  assert(w != NULL && "the stack has no receive posted");
  knet_recv_req_t *r = KCONTAINER_OF(w, knet_recv_req_t, work);
  r->frame = g.rx[b];
  r->length = g.rx_len[b];
  r->buf = kdev_buf(&g.dev, b);
  kdev_buf_lent(&g.dev);
  kdev_complete(&g.dev, w, KERR_OK);
}

/* As a real device: every queued frame that has a posted receive, in
 * order. */
static void deliver_ready(void) {
  size_t n = 0;
  while (n < g.nready && !kwork_list_empty(&g.recvs))
    deliver(g.ready[n++]);
  memmove(g.ready, g.ready + n, (g.nready - n) * sizeof(g.ready[0]));
  g.nready -= n;
}

static void nic_poll(kdevice_t *dev) {
  (void)dev;
  g.polls++;
  deliver_ready();
}

static kerr_t nic_submit(kdevice_t *dev, kwork_t *w) {
  if (w->op == KWORK_OP_NET_RECV) {
    kwork_list_push(&g.recvs, w);
    deliver_ready(); /* a frame that waited takes it at once */
    return KERR_OK;
  }
  knet_send_req_t *r = KCONTAINER_OF(w, knet_send_req_t, work);
  assert(r->length <= KCONFIG_NET_FRAME_MAX);
  if (g.nsent < NH_MAX_SENT) {
    memcpy(g.sent[g.nsent], r->frame, r->length);
    g.sent_len[g.nsent++] = r->length;
  }
  if (g.hold) {
    assert(g.nheld < NH_MAX_SENT);
    g.held[g.nheld++] = w;
  } else {
    kdev_complete(dev, w, KERR_OK);
  }
  return KERR_OK;
}

static kerr_t nic_cancel(kdevice_t *dev, kwork_t *w) {
  (void)dev;
  if (kwork_list_take(&g.recvs, w))
    return KERR_OK;
  for (size_t i = 0; i < g.nheld; i++) {
    if (g.held[i] == w) {
      g.held[i] = g.held[--g.nheld];
      return KERR_OK;
    }
  }
  return KERR_BUSY;
}

static kerr_t nic_release(kdevice_t *dev, uint32_t index) {
  (void)dev;
  if (index >= NH_RX_BUFS || !g.rx_out[index])
    return KERR_STATE;
  g.rx_out[index] = false;
  g.released++;
  return KERR_OK;
}

static const kdevice_ops_t nic_ops = {.submit = nic_submit,
                                      .cancel = nic_cancel,
                                      .poll = nic_poll,
                                      .release = nic_release};

kernel_t *nh_init(void) {
  memset(&g, 0, sizeof(g));
  memset(g_log, 0, sizeof(g_log));
  g_nlog = 0;
  fake_platform_reset();
  g.dev = (kdevice_t){.ops = &nic_ops, .name = "fake-nic", .cls = KDEV_NET};
  memcpy(g.dev.info.net.mac, NH_MAC, 6);
  g.dev.info.net.mtu = 1500;
  fake_platform_add_device(&g.dev);
  kmain_init(&g_k, NULL);
  assert(fake_platform_register_result(0) == KERR_OK);
  /* The fallback the tests expect of DHCP: NH_OUR on the server's subnet. */
  static const kip_config_t fallback = {.addr = NH_OUR,
                                        .netmask = NH_MASK,
                                        .gateway = NH_GW,
                                        .dns = KIP4(10, 0, 2, 3)};
  assert(net_attach(&g_k, &(net_attach_t){.fallback = &fallback}) == KERR_OK);
  return &g_k;
}

kernel_t *nh_kernel(void) { return &g_k; }

net_stack_t *nh_stack(void) { return net_stack_of(&g_k); }

const knet_stats_t *nh_stats(void) { return knet_stats(&g_k); }

void nh_run(ktime_t ns) {
  ktime_t target = fake_clock(&g_k) + ns;
  for (int guard = 0;; guard++) {
    assert(guard < 1000000 && "the loop never went idle");
    kmain_tick(&g_k, fake_clock(&g_k));
    ktime_t d = kmain_next_delay(&g_k);
    if (d == 0)
      continue;
    ktime_t now = fake_clock(&g_k);
    if (d == KTIME_NEVER || now + d > target) {
      if (now >= target)
        return;
      fake_clock_set(&g_k, target);
      continue; /* one more tick at the target */
    }
    fake_clock_set(&g_k, now + d);
  }
}

void nh_start(void) {
  net_stack_start(nh_stack(), true);
  nh_run(0);
}

void nh_up(kip4_t addr, kip4_t mask, kip4_t gw) {
  net_stack_t *st = nh_stack();
  net_stack_start(st, false);
  kip_config_t cfg = {.addr = addr,
                      .netmask = mask,
                      .gateway = gw,
                      .dns = gw,
                      .source = KIP_SOURCE_STATIC};
  net_configure(st, &cfg);
  nh_run(0);
  nh_sent_clear();
}

int nh_setup(void **state) {
  (void)state;
  nh_init();
  nh_up(NH_OUR, NH_MASK, NH_GW);
  return 0;
}

int nh_setup_no_gateway(void **state) {
  (void)state;
  nh_init();
  nh_up(NH_OUR, NH_MASK, 0);
  return 0;
}

/* A free receive buffer holding a copy of the frame. */
static uint32_t take_buf(const void *frame, size_t len) {
  assert(len <= KCONFIG_NET_FRAME_MAX);
  uint32_t b = 0;
  while (b < NH_RX_BUFS && g.rx_out[b])
    b++;
  assert(b < NH_RX_BUFS && "every receive buffer is out");
  memcpy(g.rx[b], frame, len);
  g.rx_len[b] = len;
  g.rx_out[b] = true;
  return b;
}

void nh_inject(const void *frame, size_t len) {
  if (kwork_list_empty(&g.recvs))
    nh_run(0);
  assert(!kwork_list_empty(&g.recvs) && "the stack has no receive posted");
  deliver(take_buf(frame, len));
  nh_run(0);
}

void nh_queue(const void *frame, size_t len) {
  assert(g.nready < NH_RX_BUFS);
  g.ready[g.nready++] = take_buf(frame, len);
  kdev_raise(&g.dev);
}

size_t nh_queued(void) { return g.nready; }

size_t nh_recvs_posted(void) {
  size_t n = 0;
  for (kwork_t *w = g.recvs.head; w != NULL; w = w->next)
    n++;
  return n;
}

size_t nh_polls(void) { return g.polls; }

kerr_t nh_submit(kwork_t *w) {
  kerr_t err = ksubmit(&g_k, w);
  nh_run(0);
  return err;
}

size_t nh_sent_count(void) { return g.nsent; }

const uint8_t *nh_sent(size_t i, size_t *len) {
  assert(i < g.nsent);
  if (len)
    *len = g.sent_len[i];
  return g.sent[i];
}

void nh_sent_clear(void) { g.nsent = 0; }

void nh_hold_sends(bool hold) { g.hold = hold; }

void nh_complete_sends(kerr_t result) {
  size_t n = g.nheld;
  kwork_t *w[NH_MAX_SENT];
  memcpy(w, g.held, n * sizeof(w[0]));
  g.nheld = 0;
  for (size_t i = 0; i < n; i++)
    kdev_complete(&g.dev, w[i], result);
  nh_run(0);
}

size_t nh_released(void) { return g.released; }

size_t nh_rx_outstanding(void) {
  size_t n = 0;
  for (size_t i = 0; i < NH_RX_BUFS; i++)
    n += g.rx_out[i];
  return n;
}

/* ---------------------------------------------------------------- builders */

size_t nh_frame(uint8_t *f, const uint8_t *dst, uint16_t type,
                const void *payload, size_t len) {
  memcpy(f, dst ? dst : NH_MAC, 6);
  memcpy(f + 6, NH_PEER_MAC, 6);
  net_put16(f + 12, type);
  if (len)
    memcpy(f + ETH_HLEN, payload, len);
  return ETH_HLEN + len;
}

size_t nh_ipv4_frame(uint8_t *f, kip4_t src, kip4_t dst, uint8_t proto,
                     const void *payload, size_t len) {
  uint8_t *ip = f + ETH_HLEN;
  memcpy(f, NH_MAC, 6);
  memcpy(f + 6, NH_PEER_MAC, 6);
  net_put16(f + 12, ETH_TYPE_IPV4);
  memset(ip, 0, IP_HLEN);
  ip[0] = 0x45;
  net_put16(ip + 2, (uint16_t)(IP_HLEN + len));
  net_put16(ip + 4, 0x1234);
  ip[8] = 64;
  ip[9] = proto;
  net_put32(ip + 12, src);
  net_put32(ip + 16, dst);
  nh_fix_ip_checksum(f);
  if (len)
    memcpy(ip + IP_HLEN, payload, len);
  return NET_PAYLOAD + len;
}

size_t nh_udp_frame(uint8_t *f, kip4_t src, uint16_t sport, kip4_t dst,
                    uint16_t dport, const void *data, size_t len) {
  uint8_t udp[UDP_HLEN + KCONFIG_NET_FRAME_MAX];
  assert(len <= KUDP_MAX_PAYLOAD);
  net_put16(udp, sport);
  net_put16(udp + 2, dport);
  net_put16(udp + 4, (uint16_t)(UDP_HLEN + len));
  net_put16(udp + 6, 0);
  if (len)
    memcpy(udp + UDP_HLEN, data, len);
  uint32_t sum =
      net_pseudo_sum(src, dst, IP_PROTO_UDP, (uint16_t)(UDP_HLEN + len));
  uint16_t c = net_fold(net_sum(sum, udp, UDP_HLEN + len));
  net_put16(udp + 6, c ? c : 0xffff);
  return nh_ipv4_frame(f, src, dst, IP_PROTO_UDP, udp, UDP_HLEN + len);
}

void nh_fix_ip_checksum(uint8_t *f) {
  uint8_t *ip = f + ETH_HLEN;
  size_t hlen = (size_t)(ip[0] & 0xf) * 4;
  net_put16(ip + 10, 0);
  net_put16(ip + 10, net_fold(net_sum(0, ip, hlen)));
}

size_t nh_icmp_echo(uint8_t *m, uint8_t type, uint16_t id, uint16_t seq,
                    size_t n) {
  m[0] = type;
  m[1] = 0;
  net_put16(m + 2, 0);
  net_put16(m + 4, id);
  net_put16(m + 6, seq);
  for (size_t i = 0; i < n; i++)
    m[ICMP_HLEN + i] = (uint8_t)(0xa0 + i);
  net_put16(m + 2, net_fold(net_sum(0, m, ICMP_HLEN + n)));
  return ICMP_HLEN + n;
}

/* --------------------------------------------------------------------- ARP */

size_t nh_arp_packet(uint8_t *p, uint16_t op, const uint8_t *sha, kip4_t spa,
                     const uint8_t *tha, kip4_t tpa) {
  net_put16(p, 1);
  net_put16(p + 2, ETH_TYPE_IPV4);
  p[4] = 6;
  p[5] = 4;
  net_put16(p + 6, op);
  memcpy(p + 8, sha, 6);
  net_put32(p + 14, spa);
  memcpy(p + 18, tha, 6);
  net_put32(p + 24, tpa);
  return NH_ARP_LEN;
}

void nh_inject_arp(const uint8_t *dst, uint16_t op, const uint8_t *sha,
                   kip4_t spa, const uint8_t *tha, kip4_t tpa) {
  uint8_t a[NH_ARP_LEN], f[ETH_MIN_FRAME];
  size_t n = nh_frame(f, dst, ETH_TYPE_ARP, a,
                      nh_arp_packet(a, op, sha, spa, tha, tpa));
  memcpy(f + 6, sha, 6); /* the sender sends its own frame */
  nh_inject(f, n);
}

bool nh_learn_peer(kip4_t ip) {
  nh_inject_arp(NH_BCAST_MAC, 1, NH_PEER_MAC, ip, NH_ZERO_MAC, NH_OUR);
  nh_sent_clear();
  return arp_lookup(nh_stack(), ip, NULL);
}

bool nh_answer_arp(kip4_t ip) {
  if (g.nsent == 0)
    return false;
  const uint8_t *f = g.sent[g.nsent - 1];
  if (memcmp(f, NH_BCAST_MAC, 6) != 0 || net_get16(f + 12) != ETH_TYPE_ARP ||
      net_get16(f + ETH_HLEN + 6) != 1 || net_get32(f + ETH_HLEN + 24) != ip)
    return false;
  nh_inject_arp(NH_MAC, 2, NH_PEER_MAC, ip, NH_MAC, NH_OUR);
  return true;
}

/* ---------------------------------------------------------- completion log */

void nh_record(kwork_t *w) {
  assert(g_nlog < NH_MAX_LOG && "the completion log is full");
  nh_completion_t *c = &g_log[g_nlog++];
  c->work = w;
  c->result = w->result;
  if (w->op == KWORK_OP_UDP_RECV && w->result == KERR_OK) {
    kudp_recv_req_t *r = KCONTAINER_OF(w, kudp_recv_req_t, work);
    c->src_addr = r->src_addr;
    c->src_port = r->src_port;
    c->data = r->data;
    c->length = r->length;
    c->buf = r->buf;
    memcpy(c->copy, r->data, KMIN(r->length, sizeof(c->copy)));
  }
}

size_t nh_times_called(const kwork_t *w) {
  size_t n = 0;
  for (size_t i = 0; i < g_nlog; i++)
    n += g_log[i].work == w;
  return n;
}

kerr_t nh_result_of(const kwork_t *w) { return nh_completion(w, 0)->result; }

const nh_completion_t *nh_completion(const kwork_t *w, size_t n) {
  for (size_t i = 0; i < g_nlog; i++)
    if (g_log[i].work == w && n-- == 0)
      return &g_log[i];
  assert(!"no such completion of this item");
  return NULL;
}
