/* test_net_virtio.c: drivers/virtio/net.c on the host, over a fake
 * transport; the test plays the device on the rings. A send is two
 * descriptors, the shared all-zero header and the caller's own frame (no
 * copy), on every layout; a receive buffer is one descriptor, or two (the
 * header alone first) on a legacy device without VIRTIO_F_ANY_LAYOUT. Each
 * layout is checked by the bytes the device would read and write.
 *
 * Receiving (modern layout): a burst is handed out in one poll; frames
 * beyond the posted receives wait, not dropped; the program holds at most
 * NET_RX_SHARE buffers, and what arrives beyond that is dropped, counted,
 * and its buffer put straight back, even when the ring had run empty (no
 * interrupt would come to refill it); frames of a bad length are dropped
 * and counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "fake_platform.h"
#include "kstats_are.h"

/* The drivers are not part of the unit-test link: take the files. */
#include "../../drivers/virtio/net.c"
#include "../../drivers/virtio/setup.c"
#include "../../drivers/virtio/virtqueue.c"

#define ANY_LAYOUT (1ull << 27)

static kernel_t g_k;

static struct {
  uint8_t status;
  uint64_t offered, accepted;
  unsigned notifies;
} fake;

static const uint8_t MAC[6] = {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};

static uint8_t get_status(virtio_transport_t *t) {
  (void)t;
  return fake.status;
}
static void set_status(virtio_transport_t *t, uint8_t s) {
  (void)t;
  fake.status = s;
}
static uint64_t get_features(virtio_transport_t *t) {
  (void)t;
  return fake.offered;
}
static void set_features(virtio_transport_t *t, uint64_t f) {
  (void)t;
  fake.accepted = f;
}
static uint32_t config_read(virtio_transport_t *t, uint32_t off, unsigned w) {
  (void)t, (void)w;
  return off < 6 ? MAC[off] : 0;
}
static uint32_t config_generation(virtio_transport_t *t) {
  (void)t;
  return 0;
}
static uint16_t queue_max(virtio_transport_t *t, uint16_t q) {
  (void)t;
  return q < 2 ? 256 : 0;
}
static kerr_t queue_setup(virtio_transport_t *t, uint16_t q,
                          const virtqueue_t *vq) {
  (void)t, (void)q, (void)vq;
  return KERR_OK;
}
static void notify(virtio_transport_t *t, uint16_t q) {
  (void)t, (void)q;
  fake.notifies++;
}
static uint32_t isr_ack(virtio_transport_t *t) {
  (void)t;
  return VIRTIO_ISR_QUEUE;
}

static const virtio_transport_ops_t ops = {.get_status = get_status,
                                           .set_status = set_status,
                                           .get_features = get_features,
                                           .set_features = set_features,
                                           .config_read = config_read,
                                           .config_generation =
                                               config_generation,
                                           .queue_max = queue_max,
                                           .queue_setup = queue_setup,
                                           .notify = notify,
                                           .isr_ack = isr_ack};

static virtio_transport_t g_t;

/* A fresh kernel and the driver attached to a device that offers `offered`
 * on a modern or legacy transport. */
static void attach(bool modern, uint64_t offered) {
  memset(&fake, 0, sizeof(fake));
  memset(&g_net, 0, sizeof(g_net));
  fake.offered = offered;
  fake_platform_reset();
  kmain_init(&g_k, NULL);
  g_t = (virtio_transport_t){.ops = &ops,
                             .name = "fake",
                             .device_id = VIRTIO_ID_NET,
                             .irq = 5,
                             .modern = modern};
  assert_int_equal(virtio_net_attach(&g_k.platform, &g_t), KERR_OK);
  assert_true(fake.status & VIRTIO_STATUS_DRIVER_OK);
}

static void run(void) {
  for (int guard = 0; guard < 100; guard++) {
    kmain_tick(&g_k, fake_clock(&g_k));
    if (kmain_next_delay(&g_k) != 0)
      return; /* nothing ready */
  }
  fail_msg("the loop never went idle");
}

/* Device side: the chain at avail entry `i` of vq, as (desc index) list. */
static unsigned chain(const virtqueue_t *vq, uint16_t i, uint16_t *idx) {
  uint16_t d = vq->avail->ring[i & (vq->size - 1)];
  unsigned n = 0;
  for (;;) {
    idx[n++] = d;
    if (!(vq->desc[d].flags & VIRTQ_DESC_F_NEXT))
      return n;
    d = vq->desc[d].next;
  }
}

static void used(virtqueue_t *vq, uint32_t id, uint32_t len) {
  uint16_t i = vq->used->idx;
  vq->used->ring[i & (vq->size - 1)].id = id;
  vq->used->ring[i & (vq->size - 1)].len = len;
  vq->used->idx = (uint16_t)(i + 1);
  kdev_raise(&g_net.dev);
}

static unsigned g_sent, g_frames;
static size_t g_rx_len;
static uint8_t g_rx_copy[KCONFIG_NET_FRAME_MAX];

static void on_sent(kwork_t *w) {
  assert_int_equal(w->result, KERR_OK);
  g_sent++;
}

static void on_frame(kwork_t *w) {
  knet_recv_req_t *r = KCONTAINER_OF(w, knet_recv_req_t, work);
  if (w->result == KERR_CANCELLED)
    return; /* the end of the standing receive (kcancel) */
  assert_int_equal(w->result, KERR_OK);
  g_rx_len = r->length;
  memcpy(g_rx_copy, r->frame, r->length);
  assert_int_equal(kbuf_release(&g_k, r->buf), KERR_OK);
  g_frames++;
}

/* Send a frame and read it back as the device would: the header, zero and
 * hdr_len long, alone in the first descriptor; the caller's frame itself
 * (same address: not copied) in the second. Completing the chain completes
 * the send. */
static void check_send(uint32_t hdr_len) {
  static uint8_t frame[100];
  for (size_t i = 0; i < sizeof(frame); i++)
    frame[i] = (uint8_t)(i * 7 + 1);
  knet_send_req_t s;
  kwork_init(&s.work, KWORK_OP_NET_SEND, NULL, on_sent, 0);
  s.frame = frame;
  s.length = sizeof(frame);
  g_sent = 0;
  uint16_t at = g_net.txq.avail_idx;
  assert_int_equal(ksubmit(&g_k, &s.work), KERR_OK);
  run();
  assert_int_equal(g_net.txq.avail_idx, (uint16_t)(at + 1));
  uint16_t d[4];
  assert_int_equal(chain(&g_net.txq, at, d), 2);
  const struct virtq_desc *h = &g_net.txq.desc[d[0]],
                          *f = &g_net.txq.desc[d[1]];
  assert_int_equal(h->len, hdr_len);
  assert_int_equal(h->flags, VIRTQ_DESC_F_NEXT); /* read-only */
  const uint8_t *hb = (const uint8_t *)(uintptr_t)h->addr;
  for (uint32_t i = 0; i < hdr_len; i++)
    assert_int_equal(hb[i], 0);
  assert_ptr_equal((const void *)(uintptr_t)f->addr, frame);
  assert_int_equal(f->len, sizeof(frame));
  assert_int_equal(f->flags, 0);
  assert_int_equal(g_sent, 0); /* the device still reads it */
  used(&g_net.txq, d[0], 0);
  run();
  assert_int_equal(g_sent, 1);
  assert_int_equal(virtq_free(&g_net.txq), g_net.txq.size);
}

/* The device writes a frame into the first receive buffer (header first,
 * across the chain as it is laid out) and a posted NET_RECV gets it. */
static void check_receive(uint32_t hdr_len, unsigned descs) {
  uint16_t d[4];
  assert_int_equal(chain(&g_net.rxq, 0, d), descs);
  const struct virtq_desc *first = &g_net.rxq.desc[d[0]];
  assert_int_equal(first->flags & VIRTQ_DESC_F_WRITE, VIRTQ_DESC_F_WRITE);
  if (descs == 2) {
    assert_int_equal(first->len, hdr_len);
    assert_int_equal(g_net.rxq.desc[d[1]].len, NET_BUF_BYTES - hdr_len);
    assert_int_equal(g_net.rxq.desc[d[1]].addr, first->addr + hdr_len);
  } else {
    assert_int_equal(first->len, NET_BUF_BYTES);
  }
  uint8_t wire[NET_HDR_MAX + 64];
  const size_t wlen = hdr_len + 64;
  memset(wire, 0xee, hdr_len); /* a header we must skip */
  for (int i = 0; i < 64; i++)
    wire[hdr_len + (size_t)i] = (uint8_t)(0x40 + i);
  size_t off = 0; /* scatter it over the chain, as the device does */
  for (unsigned i = 0; i < descs && off < wlen; i++) {
    struct virtq_desc *x = &g_net.rxq.desc[d[i]];
    size_t n = KMIN((size_t)x->len, wlen - off);
    memcpy((void *)(uintptr_t)x->addr, wire + off, n);
    off += n;
  }
  knet_recv_req_t r;
  kwork_init(&r.work, KWORK_OP_NET_RECV, NULL, on_frame, 0);
  g_frames = 0;
  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  run();
  used(&g_net.rxq, d[0], (uint32_t)wlen);
  run();
  assert_int_equal(g_frames, 1);
  assert_int_equal(g_rx_len, 64);
  assert_memory_equal(g_rx_copy, wire + hdr_len, 64);
  assert_int_equal(kcancel(&g_k, &r.work), KERR_OK);
  run();
}

static void test_modern(void **state) {
  (void)state;
  attach(true, VIRTIO_F_VERSION_1 | VIRTIO_NET_F_MAC | ANY_LAYOUT);
  assert_int_equal(fake.accepted & ANY_LAYOUT, 0); /* legacy only */
  assert_int_equal(g_net.hdr_len, 12);
  assert_memory_equal(g_net.dev.info.net.mac, MAC, 6);
  check_send(12);
  check_receive(12, 1);
}

static void test_legacy_any_layout(void **state) {
  (void)state;
  attach(false, VIRTIO_NET_F_MAC | ANY_LAYOUT);
  assert_true(fake.accepted & ANY_LAYOUT);
  assert_int_equal(g_net.hdr_len, 10);
  check_send(10);
  check_receive(10, 1);
}

static void test_legacy_header_alone(void **state) {
  (void)state;
  attach(false, VIRTIO_NET_F_MAC);
  assert_int_equal(g_net.hdr_len, 10);
  check_send(10);
  check_receive(10, 2);
}

/* More sends than the queue has room for wait, in order, and go out as
 * chains come back. */
static void test_sends_wait_for_room(void **state) {
  (void)state;
  attach(true, VIRTIO_F_VERSION_1);
  const unsigned room = g_net.txq.size / NET_TX_DESCS, n = room + 3;
  static knet_send_req_t s[VIRTQ_MAX_SIZE];
  static uint8_t frames[VIRTQ_MAX_SIZE][60];
  g_sent = 0;
  for (unsigned i = 0; i < n; i++) {
    kwork_init(&s[i].work, KWORK_OP_NET_SEND, NULL, on_sent, 0);
    s[i].frame = frames[i];
    s[i].length = sizeof(frames[i]);
    assert_int_equal(ksubmit(&g_k, &s[i].work), KERR_OK);
  }
  run();
  assert_int_equal(g_net.txq.avail_idx, room);
  for (unsigned i = 0; i < 3; i++) {
    uint16_t d[4];
    assert_int_equal(chain(&g_net.txq, (uint16_t)i, d), 2);
    used(&g_net.txq, d[0], 0);
  }
  run();
  assert_int_equal(g_sent, 3);
  assert_int_equal(g_net.txq.avail_idx, n);
  for (unsigned i = room; i < n; i++) { /* the late ones, in order */
    uint16_t d[4];
    chain(&g_net.txq, (uint16_t)i, d);
    assert_ptr_equal((const void *)(uintptr_t)g_net.txq.desc[d[1]].addr,
                     frames[i]);
  }
}

/* ------------------------------------------------------------- receiving */

/* Device side: the next receive buffer the device has not used yet. */
static uint16_t g_dev_rx;

/* The device fills the next posted receive buffer (one descriptor: modern
 * layout) with a header and a frame of `frame_len` bytes whose first byte
 * is `seq`, and returns it. */
static void device_receives(uint32_t frame_len, uint8_t seq) {
  assert_int_not_equal(g_dev_rx, g_net.rxq.avail->idx); /* a buffer is there */
  uint16_t d[4];
  assert_int_equal(chain(&g_net.rxq, g_dev_rx, d), 1);
  uint8_t *p = (uint8_t *)(uintptr_t)g_net.rxq.desc[d[0]].addr;
  memset(p, 0, g_net.hdr_len + KMIN(frame_len, 14u));
  p[g_net.hdr_len] = seq;
  used(&g_net.rxq, d[0], g_net.hdr_len + frame_len);
  g_dev_rx++;
}

/* Receive buffers in the ring, as the device sees them. */
static uint16_t posted(void) {
  return (uint16_t)(g_net.rxq.avail->idx - g_dev_rx);
}

/* A receive callback that keeps every buffer (no kbuf_release) and logs the
 * first byte of each frame. */
static uint8_t g_seq[NET_RXN + 8];
static kbuf_t g_held[NET_RXN + 8];
static unsigned g_nheld;

static void on_frame_hold(kwork_t *w) {
  knet_recv_req_t *r = KCONTAINER_OF(w, knet_recv_req_t, work);
  if (w->result == KERR_CANCELLED)
    return;
  assert_int_equal(w->result, KERR_OK);
  assert_true(g_nheld < KARRAY_SIZE(g_held));
  g_seq[g_nheld] = ((const uint8_t *)r->frame)[0];
  g_held[g_nheld++] = r->buf;
}

static void attach_receiving(knet_recv_req_t *r, unsigned n) {
  attach(true, VIRTIO_F_VERSION_1);
  g_dev_rx = 0;
  g_nheld = 0;
  for (unsigned i = 0; i < n; i++) {
    kwork_init(&r[i].work, KWORK_OP_NET_RECV, NULL, on_frame_hold, 0);
    assert_int_equal(ksubmit(&g_k, &r[i].work), KERR_OK);
  }
  run();
}

/* Every buffer is posted at attach; the ring has room for all. */
static void test_every_receive_buffer_is_posted(void **state) {
  (void)state;
  knet_recv_req_t r[1];
  attach_receiving(r, 1);
  assert_int_equal(posted(), NET_RXN);
  assert_int_equal(g_nheld, 0);
}

/* A burst the device returns at once is handed out in one tick, one frame
 * per posted receive, in the order the device returned them: all in the
 * poll, not one per pass of the tick (there are more frames than
 * KCONFIG_TICK_PASSES). The receives then wait for the next frames. */
#define BURST (KCONFIG_TICK_PASSES * 2)
static void test_burst_in_one_tick(void **state) {
  (void)state;
  knet_recv_req_t r[BURST];
  attach_receiving(r, BURST);
  for (unsigned i = 0; i < BURST; i++)
    device_receives(60, (uint8_t)(i + 1));
  kmain_tick(&g_k, fake_clock(&g_k));
  assert_int_equal(g_nheld, BURST);
  for (unsigned i = 0; i < BURST; i++)
    assert_int_equal(g_seq[i], i + 1);
  assert_true(KSTATS_ARE(&g_k, STAT(drops, 0), STAT(bufs_out, BURST)));

  /* The next frame is taken too: the receives are still standing. */
  device_receives(60, 0x99);
  run();
  assert_int_equal(g_nheld, BURST + 1);
  assert_int_equal(g_seq[BURST], 0x99);
}

/* A burst larger than the posted receives waits in the driver, not
 * dropped, and is handed out as the receives come back. */
static void test_burst_beyond_the_receives_waits(void **state) {
  (void)state;
  knet_recv_req_t r[2];
  attach_receiving(r, 2);
  for (uint8_t i = 0; i < 20; i++)
    device_receives(60, (uint8_t)(i + 1));
  run();
  assert_int_equal(g_nheld, 20);
  for (unsigned i = 0; i < 20; i++)
    assert_int_equal(g_seq[i], i + 1);
  assert_true(KSTATS_ARE(&g_k, STAT(drops, 0), STAT(bufs_out, 20)));
}

/* The program holds at most NET_RX_SHARE buffers. One receive posted, the
 * device fills every buffer: the program gets its share, the rest is
 * dropped and counted, and those buffers go straight back into the ring.
 * The ring ran empty, so no interrupt would come to refill it: the driver
 * refills and notifies the device itself. Then a released buffer goes back
 * too, and frames flow again. */
static void test_share_drops_and_refills_the_empty_ring(void **state) {
  (void)state;
  knet_recv_req_t r[1];
  attach_receiving(r, 1);
  for (unsigned i = 0; i < NET_RXN; i++)
    device_receives(60, (uint8_t)i);
  assert_int_equal(posted(), 0); /* the device holds nothing to write to */
  unsigned notifies = fake.notifies;
  run();
  assert_int_equal(g_nheld, NET_RX_SHARE);
  for (unsigned i = 0; i < NET_RX_SHARE; i++)
    assert_int_equal(g_seq[i], (uint8_t)i);
  assert_true(KSTATS_ARE(&g_k, STAT(drops, NET_RXN - NET_RX_SHARE),
                         STAT(bufs_out, NET_RX_SHARE)));
  assert_int_equal(posted(), NET_RXN - NET_RX_SHARE);
  assert_true(fake.notifies > notifies);

  /* At its share, with no receive posted, a frame that arrives is dropped
   * at once and its buffer put back: it does not wait for a receive. */
  assert_int_equal(kcancel(&g_k, &r[0].work), KERR_OK);
  run();
  device_receives(60, 0xaa);
  run();
  assert_int_equal(g_nheld, NET_RX_SHARE);
  assert_true(KSTATS_ARE(&g_k, STAT(drops, NET_RXN - NET_RX_SHARE + 1)));
  assert_int_equal(posted(), NET_RXN - NET_RX_SHARE);

  /* A release puts that buffer back in the ring; with a receive posted
   * again, the next frame is taken. */
  assert_int_equal(kbuf_release(&g_k, g_held[0]), KERR_OK);
  assert_int_equal(posted(), NET_RXN - NET_RX_SHARE + 1);
  kwork_init(&r[0].work, KWORK_OP_NET_RECV, NULL, on_frame_hold, 0);
  assert_int_equal(ksubmit(&g_k, &r[0].work), KERR_OK);
  run();
  device_receives(60, 0xbb);
  run();
  assert_int_equal(g_nheld, NET_RX_SHARE + 1);
  assert_int_equal(g_seq[NET_RX_SHARE], 0xbb);
  assert_true(KSTATS_ARE(&g_k, STAT(drops, NET_RXN - NET_RX_SHARE + 1),
                         STAT(bufs_out, NET_RX_SHARE)));
  /* A buffer that is not out is refused. */
  assert_int_equal(kbuf_release(&g_k, g_held[0]), KERR_STATE);
}

/* Frames shorter than an Ethernet header, or longer than
 * KCONFIG_NET_FRAME_MAX, are dropped and counted; the buffer goes back into
 * the ring and the receive waits for the next good frame. */
static void test_bad_lengths_dropped(void **state) {
  (void)state;
  knet_recv_req_t r[1];
  attach_receiving(r, 1);
  device_receives(13, 1);
  device_receives(KCONFIG_NET_FRAME_MAX + 1, 2);
  device_receives(14, 3);                    /* the shortest taken */
  device_receives(KCONFIG_NET_FRAME_MAX, 4); /* the longest taken */
  run();
  assert_int_equal(g_nheld, 2);
  assert_int_equal(g_seq[0], 3);
  assert_int_equal(g_seq[1], 4);
  assert_true(KSTATS_ARE(&g_k, STAT(drops, 2), STAT(bufs_out, 2)));
  assert_int_equal(posted(), NET_RXN - 2); /* the dropped two are back */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_modern),
      cmocka_unit_test(test_legacy_any_layout),
      cmocka_unit_test(test_legacy_header_alone),
      cmocka_unit_test(test_sends_wait_for_room),
      cmocka_unit_test(test_every_receive_buffer_is_posted),
      cmocka_unit_test(test_burst_in_one_tick),
      cmocka_unit_test(test_burst_beyond_the_receives_waits),
      cmocka_unit_test(test_share_drops_and_refills_the_empty_ring),
      cmocka_unit_test(test_bad_lengths_dropped),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
