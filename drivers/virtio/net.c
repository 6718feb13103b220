/* net.c: virtio-net (device type 1, virtio 1.x spec 5.1). Queue 0 receives,
 * queue 1 transmits. Every frame carries a virtio_net_hdr in front: 12 bytes
 * with VERSION_1 (num_buffers is always there), 10 on a legacy device
 * without MRG_RXBUF (spec 5.1.6.1, legacy note). We offer no offloads, so
 * the header we send is all zeros and the one we get is skipped.
 *
 * Layout (spec 5.1.6.6, legacy note): a legacy device that has not
 * negotiated VIRTIO_F_ANY_LAYOUT needs the header in a descriptor of its
 * own, on both queues, with the frame in the descriptors after it; with
 * VERSION_1 (which implies it) or ANY_LAYOUT, any split is allowed. So:
 *
 *   - a send is always two descriptors: the one shared, all-zero header
 *     (read-only, never written), then the caller's frame itself. No copy:
 *     the device reads the frame where the NET_SEND points, which the
 *     work-item contract keeps unchanged until the send completes. Memory
 *     is identity mapped on every platform (virtqueue.h), so any pointer a
 *     program has is an address the device can read.
 *   - a receive buffer is one descriptor (header and frame together) when
 *     any layout is allowed, else the same memory as two: the header, then
 *     the rest.
 *
 * Receive buffers are a static pool. Each is in one place at a time: in the
 * receive ring, waiting in the ready FIFO (a frame arrived while no receive
 * was posted), or out with the program until kbuf_release. Released buffers
 * go straight back into the ring.
 *
 * The program holds at most NET_RX_SHARE buffers at once: when it holds that
 * many, a frame that arrives (or waits in the FIFO) is dropped and counted,
 * and its buffer goes straight back into the ring. So the ring never runs dry
 * because of the program, and no frame is lost without a count. Frames that
 * only wait in the FIFO (a burst faster than the program's receives) are not
 * dropped: while the FIFO holds every buffer, the device keeps the rest.
 * However many receives the program has posted, one poll completes every
 * frame the device has returned, up to one per posted receive. */
#include "kstring.h"
#include "transport.h"
#include "work_list.h"

/* Receive buffers: the program's KCONFIG_NET_RX_BUFFERS, and one more per
 * receive the stack keeps posted. One poll hands out a whole burst at once
 * (up to KCONFIG_NET_RX_POSTED frames), while the buffers of the burst
 * before are still on their way back: an echo releases its buffer a tick or
 * two after its frame is sent. With only KCONFIG_NET_RX_BUFFERS, the demo's
 * echo with 32 datagrams in flight had the program at its share now and
 * then (2 to 4 frames in 1,000 dropped and counted, arm64 under QEMU). */
#define NET_RXN (KCONFIG_NET_RX_BUFFERS + KCONFIG_NET_RX_POSTED)
#define NET_RX_RESERVE 4u /* always in the ring, never with the program */
_Static_assert(NET_RXN > NET_RX_RESERVE, "too few receive buffers");
#define NET_RX_SHARE (NET_RXN - NET_RX_RESERVE) /* most the program holds */
#define NET_HDR_MAX 12u
/* Room for header, the largest frame and a VLAN tag; longer is dropped. */
#define NET_BUF_BYTES (NET_HDR_MAX + KCONFIG_NET_FRAME_MAX + 4u)
#define NET_RXQ 0
#define NET_TXQ 1

#define VIRTIO_NET_F_MAC (1ull << 5) /* config holds the MAC address */
/* Legacy only (spec 6.3): the device takes the header and the frame in any
 * split of descriptors. Implied by VERSION_1. */
#define VIRTIO_F_ANY_LAYOUT (1ull << 27)
#define NET_TX_DESCS 2u      /* header, frame */
#define VIRTIO_NET_CFG_MAC 0 /* 6 bytes */

enum { RX_FREE, RX_POSTED, RX_READY, RX_OUT };

static struct {
  kdevice_t dev;
  virtio_transport_t *t;
  virtqueue_t rxq, txq;
  uint32_t hdr_len;
  uint32_t rx_descs; /* per receive buffer: 1, or 2 (header on its own) */
  uint8_t rx_state[NET_RXN];
  uint16_t ready[NET_RXN]; /* FIFO of RX_READY buffers */
  uint32_t ready_len[NET_RXN];
  uint32_t ready_head, nready;
  uint32_t nout; /* buffers out with the program */
  kwork_list_t recvs;
  kwork_list_t sends; /* LIVE, waiting for room in the transmit queue */
} g_net;
static _Alignas(64) uint8_t g_rx_buf[NET_RXN][NET_BUF_BYTES];
/* The header of every frame we send: no offloads, num_buffers 0. */
static const uint8_t g_tx_hdr[NET_HDR_MAX];
static virtq_mem_t g_rx_mem, g_tx_mem;

/* Put every free receive buffer into the ring, as far as it has room. */
static void refill(void) {
  for (uint32_t b = 0; b < NET_RXN && virtq_free(&g_net.rxq) >= g_net.rx_descs;
       b++) {
    if (g_net.rx_state[b] != RX_FREE)
      continue;
    uint32_t h = g_net.rx_descs == 1 ? NET_BUF_BYTES : g_net.hdr_len;
    virtq_buf_t vb[2] = {{g_rx_buf[b], h},
                         {g_rx_buf[b] + h, NET_BUF_BYTES - h}};
    if (virtq_add(&g_net.rxq, vb, 0, g_net.rx_descs, g_rx_buf[b]) != KERR_OK)
      return;
    g_net.rx_state[b] = RX_POSTED;
  }
}

/* Hand waiting frames to posted receives, oldest first. */
static void deliver(void) {
  bool dropped = false;
  while (g_net.nready > 0 && !kwork_list_empty(&g_net.recvs)) {
    uint16_t b = g_net.ready[g_net.ready_head];
    g_net.ready_head = (g_net.ready_head + 1) % NET_RXN;
    g_net.nready--;
    if (g_net.nout >= NET_RX_SHARE) {
      kdev_count_drop(&g_net.dev); /* the program holds its whole share */
      g_net.rx_state[b] = RX_FREE;
      dropped = true;
      continue;
    }
    g_net.rx_state[b] = RX_OUT;
    g_net.nout++;
    knet_recv_req_t *r =
        KCONTAINER_OF(kwork_list_pop(&g_net.recvs), knet_recv_req_t, work);
    r->frame = g_rx_buf[b] + g_net.hdr_len;
    r->length = g_net.ready_len[b];
    r->buf = kdev_buf(&g_net.dev, b);
    kdev_buf_lent(&g_net.dev);
    kdev_complete(&g_net.dev, &r->work, KERR_OK);
  }
  if (dropped) { /* the buffers go back now: the ring may be empty, and an
                  * empty ring raises no interrupt that would refill it */
    refill();
    virtio_kick(g_net.t, NET_RXQ, &g_net.rxq);
  }
}

static void reap_rx(void) {
  uint8_t *p;
  uint32_t len;
  while ((p = virtq_pop(&g_net.rxq, &len)) != NULL) {
    uint16_t b = (uint16_t)((p - g_rx_buf[0]) / NET_BUF_BYTES);
    if (len < g_net.hdr_len + 14u ||
        len > g_net.hdr_len + KCONFIG_NET_FRAME_MAX) {
      kdev_count_drop(&g_net.dev); /* runt, or longer than we handle */
      g_net.rx_state[b] = RX_FREE;
      continue;
    }
    if (g_net.nout >= NET_RX_SHARE) {
      kdev_count_drop(&g_net.dev); /* the program holds its whole share */
      g_net.rx_state[b] = RX_FREE;
      continue;
    }
    /* A buffer is in one place at a time, so the FIFO never overflows. */
    g_net.ready[(g_net.ready_head + g_net.nready) % NET_RXN] = b;
    g_net.nready++;
    g_net.ready_len[b] = len - g_net.hdr_len;
    g_net.rx_state[b] = RX_READY;
  }
}

/* Hand waiting sends to the device, in order, while the queue has room:
 * each is the shared header and the caller's frame, not copied. */
static void start_sends(void) {
  while (virtq_free(&g_net.txq) >= NET_TX_DESCS &&
         !kwork_list_empty(&g_net.sends)) {
    kwork_t *w = kwork_list_pop(&g_net.sends);
    knet_send_req_t *r = KCONTAINER_OF(w, knet_send_req_t, work);
    virtq_buf_t vb[NET_TX_DESCS] = {{g_tx_hdr, g_net.hdr_len},
                                    {r->frame, (uint32_t)r->length}};
    kerr_t err = virtq_add(&g_net.txq, vb, NET_TX_DESCS, 0, w);
    KASSERT(err == KERR_OK); /* the room was checked */
  }
}

static void reap_tx(void) {
  kwork_t *w;
  while ((w = virtq_pop(&g_net.txq, NULL)) != NULL)
    kdev_complete(&g_net.dev, w, KERR_OK);
}

static void kick_both(void) {
  virtio_kick(g_net.t, NET_RXQ, &g_net.rxq);
  virtio_kick(g_net.t, NET_TXQ, &g_net.txq);
}

static kerr_t net_submit(kdevice_t *dev, kwork_t *w) {
  (void)dev;
  if (w->op == KWORK_OP_NET_RECV) {
    kwork_list_push(&g_net.recvs, w);
    deliver();
    return KERR_OK;
  }
  knet_send_req_t *r = KCONTAINER_OF(w, knet_send_req_t, work);
  if (r->length > KCONFIG_NET_FRAME_MAX)
    return KERR_RANGE;
  kwork_list_push(&g_net.sends, w);
  start_sends();
  return KERR_OK;
}

static kerr_t net_cancel(kdevice_t *dev, kwork_t *w) {
  (void)dev;
  if (w->op == KWORK_OP_NET_RECV) {
    kwork_list_remove(&g_net.recvs, w);
    return KERR_OK;
  }
  if (kwork_list_take(&g_net.sends, w))
    return KERR_OK;
  return KERR_BUSY; /* at the device: completes when sent */
}

static void net_poll(kdevice_t *dev) {
  (void)dev;
  g_net.t->ops->isr_ack(g_net.t); /* first: the line drops */
  reap_tx();
  reap_rx();
  deliver();
  start_sends();
  refill();
  kick_both();
}

static void net_kick(kdevice_t *dev) {
  (void)dev;
  kick_both();
}

static kerr_t net_release(kdevice_t *dev, uint32_t index) {
  (void)dev;
  if (index >= NET_RXN || g_net.rx_state[index] != RX_OUT)
    return KERR_STATE;
  g_net.rx_state[index] = RX_FREE;
  g_net.nout--;
  refill();
  virtio_kick(g_net.t, NET_RXQ, &g_net.rxq);
  return KERR_OK;
}

static const kdevice_ops_t net_ops = {.submit = net_submit,
                                      .cancel = net_cancel,
                                      .poll = net_poll,
                                      .kick = net_kick,
                                      .release = net_release};

kerr_t virtio_net_attach(platform_t *p, virtio_transport_t *t) {
  if (g_net.t != NULL)
    return KERR_NO_SPACE; /* one virtio-net is driven */
  kerr_t err =
      virtio_begin(t, VIRTIO_NET_F_MAC | (t->modern ? 0 : VIRTIO_F_ANY_LAYOUT));
  if (err == KERR_OK)
    err = virtio_queue(t, NET_RXQ, &g_net.rxq, &g_rx_mem);
  if (err == KERR_OK)
    err = virtio_queue(t, NET_TXQ, &g_net.txq, &g_tx_mem);
  if (err != KERR_OK)
    return err;
  g_net.hdr_len = (t->features & VIRTIO_F_VERSION_1) ? 12u : 10u;
  g_net.rx_descs =
      (t->features & (VIRTIO_F_VERSION_1 | VIRTIO_F_ANY_LAYOUT)) ? 1u : 2u;
  if (g_net.txq.size < NET_TX_DESCS || g_net.rxq.size < g_net.rx_descs) {
    virtio_fail(t, "queues too small for a frame");
    return KERR_UNSUPPORTED;
  }
  g_net.t = t;
  g_net.dev =
      (kdevice_t){.ops = &net_ops, .name = "virtio-net", .cls = KDEV_NET};
  knet_info_t *info = &g_net.dev.info.net;
  if (t->features & VIRTIO_NET_F_MAC) {
    for (uint32_t i = 0; i < 6; i++)
      info->mac[i] = (uint8_t)t->ops->config_read(t, VIRTIO_NET_CFG_MAC + i, 1);
  } else {
    /* A locally administered unicast address, since the device gave none. */
    static const uint8_t fallback[6] = {0x02, 0, 0, 0, 0, 0x01};
    kmemcpy(info->mac, fallback, 6);
  }
  info->mtu = 1500;
  refill(); /* buffers may be added before DRIVER_OK, not notified */
  err = kdev_register(drv_kernel(p), &g_net.dev);
  if (err == KERR_OK)
    err = drv_irq_route(p, t->irq, &g_net.dev);
  if (err != KERR_OK)
    return err;
  virtio_ready(t);
  kick_both();
  klog(KLOG_INFO, "virtio-net: %02x:%02x:%02x:%02x:%02x:%02x\n", info->mac[0],
       info->mac[1], info->mac[2], info->mac[3], info->mac[4], info->mac[5]);
  return KERR_OK;
}
