/* nic.c (sim): a node's network device. Frames from the wire land in a free
 * receive buffer (none free: dropped and counted, as virtio-net would when
 * its ring is empty) and wait in a ring until the loop polls; a standing
 * NET_RECV takes one frame per completion. A send is handed to the wire at
 * once and completes a little later, at an event, so a cancel can find it
 * in flight (KERR_BUSY: it completes with its real result). */
#include <string.h>

#include "sim.h"

#define TX_TIME KTIME_US(2)

static sim_nic_t *of(kdevice_t *dev) {
  return KCONTAINER_OF(dev, sim_nic_t, dev);
}

static sim_node_t *node_of(sim_nic_t *nic) {
  return KCONTAINER_OF(nic, sim_node_t, nic);
}

static void deliver(sim_nic_t *nic) {
  while (nic->ring_len > 0 && !kwork_list_empty(&nic->recvs)) {
    uint16_t b = nic->ring[nic->ring_head];
    nic->ring_head = (nic->ring_head + 1) % SIM_NIC_RING;
    nic->ring_len--;
    knet_recv_req_t *r =
        KCONTAINER_OF(kwork_list_pop(&nic->recvs), knet_recv_req_t, work);
    r->frame = nic->bufs[b];
    r->length = nic->lens[b];
    r->buf = kdev_buf(&nic->dev, b);
    kdev_buf_lent(&nic->dev);
    kdev_complete(&nic->dev, &r->work, KERR_OK);
  }
}

void sim_nic_receive(sim_node_t *n, const uint8_t *frame, size_t len) {
  sim_nic_t *nic = &n->nic;
  if (sim_lie("drop") && ++nic->lie_count % 50 == 0)
    return;
  int32_t b = kpool_take(&nic->pool);
  if (b < 0 || len > KCONFIG_NET_FRAME_MAX) {
    kdev_count_drop(&nic->dev);
    sim_trace("nic-drop", n->id, NULL, 0);
    return;
  }
  memcpy(nic->bufs[b], frame, len);
  nic->lens[b] = (uint16_t)len;
  nic->ring[(nic->ring_head + nic->ring_len) % SIM_NIC_RING] = (uint16_t)b;
  nic->ring_len++;
  kdev_raise(&nic->dev);
}

/* The event that finishes a send: arg is the node, a its boot, b the item. */
static void sent(void *arg, uint64_t boot, uint64_t item) {
  sim_node_t *n = arg;
  if (!n->up || n->boot != boot)
    return;
  kwork_t *w = (kwork_t *)(uintptr_t)item;
  kwork_list_remove(&n->nic.sent, w);
  kwork_list_push(&n->nic.done, w);
  kdev_raise(&n->nic.dev);
}

static kerr_t nic_submit(kdevice_t *dev, kwork_t *w) {
  sim_nic_t *nic = of(dev);
  sim_node_t *n = node_of(nic);
  if (w->op == KWORK_OP_NET_RECV) {
    kwork_list_push(&nic->recvs, w);
    deliver(nic);
    return KERR_OK;
  }
  knet_send_req_t *r = KCONTAINER_OF(w, knet_send_req_t, work);
  if (r->length < 14 || r->length > KCONFIG_NET_FRAME_MAX)
    return KERR_INVALID;
  sim_wire_send(n->id, r->frame, r->length);
  kwork_list_push(&nic->sent, w);
  sim_at(g_sim.now + TX_TIME, sent, n, n->boot, (uint64_t)(uintptr_t)w);
  return KERR_OK;
}

static kerr_t nic_cancel(kdevice_t *dev, kwork_t *w) {
  sim_nic_t *nic = of(dev);
  if (kwork_list_take(&nic->recvs, w))
    return KERR_OK;
  return KERR_BUSY; /* a send is on the wire: it completes with KERR_OK */
}

static void nic_poll(kdevice_t *dev) {
  sim_nic_t *nic = of(dev);
  kwork_t *w;
  while ((w = kwork_list_pop(&nic->done)) != NULL)
    kdev_complete(dev, w, KERR_OK);
  deliver(nic);
}

static kerr_t nic_release(kdevice_t *dev, uint32_t index) {
  if (!kpool_put(&of(dev)->pool, index))
    return KERR_STATE;
  return KERR_OK;
}

static const kdevice_ops_t nic_ops = {.submit = nic_submit,
                                      .cancel = nic_cancel,
                                      .poll = nic_poll,
                                      .release = nic_release};

void sim_nic_init(sim_node_t *n) {
  sim_nic_t *nic = &n->nic;
  memset(nic, 0, sizeof(*nic));
  kpool_init(&nic->pool, nic->pool_stack, nic->pool_out, SIM_NIC_BUFS);
  nic->dev = (kdevice_t){.ops = &nic_ops, .name = "sim-nic", .cls = KDEV_NET};
  memcpy(nic->dev.info.net.mac, n->mac, 6);
  nic->dev.info.net.mtu = 1500;
}
