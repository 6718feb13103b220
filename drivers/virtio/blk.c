/* blk.c: virtio-blk (device type 2, virtio 1.x spec 5.2). Each request is
 * one chain: a 16-byte header (type, sector) the device reads, the data
 * segments (read by the device for a write, written for a read), and a
 * status byte the device writes. Requests go to the device while it has
 * descriptors; the rest wait in order in a list. */
#include "transport.h"
#include "work_list.h"

/* Requests at the device at once: each takes at least 2 descriptors. */
#define VIRTIO_BLK_SLOTS (VIRTQ_MAX_SIZE / 2u)

/* Feature bits (spec 5.2.3). */
#define VIRTIO_BLK_F_RO (1ull << 5)       /* the disk is read-only */
#define VIRTIO_BLK_F_BLK_SIZE (1ull << 6) /* config blk_size is valid */
#define VIRTIO_BLK_F_FLUSH (1ull << 9)    /* FLUSH exists (write-back cache) */
/* Configuration fields (spec 5.2.4), byte offsets. */
#define VIRTIO_BLK_CFG_CAPACITY 0  /* le64: size in 512-byte sectors */
#define VIRTIO_BLK_CFG_BLK_SIZE 20 /* le32: the optimal block size */
/* Request types and status values (spec 5.2.6). */
#define VIRTIO_BLK_T_IN 0u
#define VIRTIO_BLK_T_OUT 1u
#define VIRTIO_BLK_T_FLUSH 4u
#define VIRTIO_BLK_S_OK 0u
#define VIRTIO_BLK_S_IOERR 1u
#define VIRTIO_BLK_S_UNSUPP 2u
#define VIRTIO_BLK_MAX_BLOCK 65536u /* larger blk_size values are refused */

typedef struct {
  uint32_t type;
  uint32_t reserved;
  uint64_t sector; /* 512-byte units, whatever blk_size says */
} blk_hdr_t;

typedef struct {
  blk_hdr_t hdr;
  kwork_t *w;     /* NULL: free */
  size_t bytes;   /* data bytes the request moves */
  uint8_t status; /* written by the device */
} blk_slot_t;

static struct {
  kdevice_t dev;
  virtio_transport_t *t;
  virtqueue_t vq;
  blk_slot_t slots[VIRTIO_BLK_SLOTS];
  uint16_t free[VIRTIO_BLK_SLOTS];
  uint32_t nfree;
  kwork_list_t waiting; /* LIVE, not at the device yet */
} g_blk;
static virtq_mem_t g_blk_mem;

/* The request's data as a list of buffers, after bufs[0] (the header). */
static unsigned data_bufs(const kblk_req_t *r, virtq_buf_t *bufs,
                          size_t *bytes) {
  *bytes = 0;
  if (r->work.op == KWORK_OP_BLOCK_FLUSH)
    return 0;
  if (r->segs == NULL) {
    bufs[0] = (virtq_buf_t){r->buffer, (uint32_t)r->length};
    *bytes = r->length;
    return 1;
  }
  for (uint32_t i = 0; i < r->nsegs; i++) {
    bufs[i] = (virtq_buf_t){r->segs[i].base, (uint32_t)r->segs[i].len};
    *bytes += r->segs[i].len;
  }
  return r->nsegs;
}

/* Try to give the request to the device: KERR_NO_SPACE if it must wait. */
static kerr_t start(kwork_t *w) {
  kblk_req_t *r = KCONTAINER_OF(w, kblk_req_t, work);
  if (g_blk.nfree == 0)
    return KERR_NO_SPACE;
  uint16_t i = g_blk.free[g_blk.nfree - 1];
  blk_slot_t *s = &g_blk.slots[i];
  virtq_buf_t bufs[KCONFIG_BLK_MAX_SEGS + 2];
  bufs[0] = (virtq_buf_t){&s->hdr, sizeof(s->hdr)};
  unsigned n = data_bufs(r, bufs + 1, &s->bytes);
  bufs[n + 1] = (virtq_buf_t){&s->status, 1};
  bool out = w->op != KWORK_OP_BLOCK_READ; /* data (if any) is read */
  s->hdr =
      (blk_hdr_t){.type = w->op == KWORK_OP_BLOCK_READ    ? VIRTIO_BLK_T_IN
                          : w->op == KWORK_OP_BLOCK_WRITE ? VIRTIO_BLK_T_OUT
                                                          : VIRTIO_BLK_T_FLUSH,
                  .sector = r->sector};
  s->status = 0xff; /* stays so if the device never writes it */
  kerr_t err = virtq_add(&g_blk.vq, bufs, out ? 1 + n : 1, out ? 1 : n + 1, s);
  if (err != KERR_OK)
    return err;
  s->w = w;
  g_blk.nfree--;
  return KERR_OK;
}

static void start_waiting(void) {
  while (!kwork_list_empty(&g_blk.waiting) &&
         start(g_blk.waiting.head) == KERR_OK)
    kwork_list_pop(&g_blk.waiting);
}

static kerr_t blk_submit(kdevice_t *dev, kwork_t *w) {
  kblk_req_t *r = KCONTAINER_OF(w, kblk_req_t, work);
  r->completed = 0;
  if (w->op == KWORK_OP_BLOCK_FLUSH &&
      (g_blk.t->features & VIRTIO_BLK_F_FLUSH) == 0) {
    /* Without FLUSH the device writes through (spec 5.2.5): nothing to do. */
    kdev_complete(dev, w, KERR_OK);
    return KERR_OK;
  }
  uint32_t nsegs = r->segs ? r->nsegs : 1;
  if (nsegs + 2 > g_blk.vq.size || nsegs > KCONFIG_BLK_MAX_SEGS)
    return KERR_UNSUPPORTED; /* could never fit the queue */
  for (uint32_t i = 0; r->segs && i < r->nsegs; i++)
    if ((r->segs[i].len >> 16) >> 16)
      return KERR_RANGE;
  if (!r->segs && (r->length >> 16) >> 16)
    return KERR_RANGE;
  if (!kwork_list_empty(&g_blk.waiting) || start(w) != KERR_OK)
    kwork_list_push(&g_blk.waiting, w); /* keeps the order */
  return KERR_OK;
}

static kerr_t blk_cancel(kdevice_t *dev, kwork_t *w) {
  (void)dev;
  if (kwork_list_take(&g_blk.waiting, w))
    return KERR_OK;
  return KERR_BUSY; /* at the device: it completes with its real result */
}

static kerr_t result_of(const blk_slot_t *s, uint32_t used_len) {
  if (used_len == 0)
    return KERR_IO; /* the device did not even write the status */
  switch (s->status) {
  case VIRTIO_BLK_S_OK:
    return KERR_OK;
  case VIRTIO_BLK_S_UNSUPP:
    return KERR_UNSUPPORTED;
  default:
    return KERR_IO; /* IOERR, or a value the spec does not have */
  }
}

static void blk_poll(kdevice_t *dev) {
  g_blk.t->ops->isr_ack(g_blk.t); /* first: the line drops */
  blk_slot_t *s;
  uint32_t len;
  while ((s = virtq_pop(&g_blk.vq, &len)) != NULL) {
    kwork_t *w = s->w;
    kerr_t result = result_of(s, len);
    KCONTAINER_OF(w, kblk_req_t, work)->completed =
        result == KERR_OK ? s->bytes : 0;
    s->w = NULL;
    g_blk.free[g_blk.nfree++] = (uint16_t)(s - g_blk.slots);
    kdev_complete(dev, w, result);
  }
  start_waiting();
  virtio_kick(g_blk.t, 0, &g_blk.vq);
}

static void blk_kick(kdevice_t *dev) {
  (void)dev;
  virtio_kick(g_blk.t, 0, &g_blk.vq);
}

static const kdevice_ops_t blk_ops = {.submit = blk_submit,
                                      .cancel = blk_cancel,
                                      .poll = blk_poll,
                                      .kick = blk_kick};

static kerr_t read_info(virtio_transport_t *t, kblk_info_t *info) {
  uint64_t sectors;
  kerr_t err = virtio_config64(t, VIRTIO_BLK_CFG_CAPACITY, &sectors);
  if (err != KERR_OK)
    return err;
  uint32_t bs = KBLK_SECTOR;
  if (t->features & VIRTIO_BLK_F_BLK_SIZE)
    bs = t->ops->config_read(t, VIRTIO_BLK_CFG_BLK_SIZE, 4);
  if (bs < KBLK_SECTOR || bs > VIRTIO_BLK_MAX_BLOCK || (bs & (bs - 1))) {
    klog(KLOG_WARN, "virtio-blk: block size %u refused\n", bs);
    return KERR_INVALID;
  }
  *info = (kblk_info_t){.sectors = sectors,
                        .block_size = bs,
                        .read_only = (t->features & VIRTIO_BLK_F_RO) != 0};
  return KERR_OK;
}

kerr_t virtio_blk_attach(platform_t *p, virtio_transport_t *t) {
  if (g_blk.t != NULL)
    return KERR_NO_SPACE; /* one virtio-blk is driven */
  kerr_t err = virtio_begin(t, VIRTIO_BLK_F_RO | VIRTIO_BLK_F_BLK_SIZE |
                                   VIRTIO_BLK_F_FLUSH);
  if (err == KERR_OK)
    err = virtio_queue(t, 0, &g_blk.vq, &g_blk_mem);
  if (err == KERR_OK && g_blk.vq.size < 3)
    err = KERR_UNSUPPORTED; /* not even header, one segment and status */
  g_blk.dev =
      (kdevice_t){.ops = &blk_ops, .name = "virtio-blk", .cls = KDEV_BLOCK};
  if (err == KERR_OK)
    err = read_info(t, &g_blk.dev.info.blk);
  if (err != KERR_OK)
    return err;
  g_blk.t = t;
  for (uint32_t i = 0; i < VIRTIO_BLK_SLOTS; i++)
    g_blk.free[i] = (uint16_t)(VIRTIO_BLK_SLOTS - 1 - i);
  g_blk.nfree = VIRTIO_BLK_SLOTS;
  err = kdev_register(drv_kernel(p), &g_blk.dev);
  if (err == KERR_OK)
    err = drv_irq_route(p, t->irq, &g_blk.dev);
  if (err != KERR_OK)
    return err;
  virtio_ready(t);
  klog(KLOG_INFO, "virtio-blk: %llu sectors, block %u%s%s\n",
       (unsigned long long)g_blk.dev.info.blk.sectors,
       g_blk.dev.info.blk.block_size,
       g_blk.dev.info.blk.read_only ? ", read-only" : "",
       t->features & VIRTIO_BLK_F_FLUSH ? ", flush" : "");
  return KERR_OK;
}
