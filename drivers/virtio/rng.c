/* rng.c: virtio-rng (device type 4, virtio 1.x spec 5.4). One queue; each
 * descriptor is a writable buffer the device fills with up to its length of
 * random bytes (the used length says how many). A request of any length is
 * served in chunks of at most VIRTIO_RNG_CHUNK bytes, straight into the
 * caller's buffer, one chunk at the device at a time. The kernel's CSPRNG
 * (kernel/rng.c) sits in front and uses this device as its source. */
#include "transport.h"
#include "work_list.h"

#define VIRTIO_RNG_CHUNK 4096u   /* bytes asked for per descriptor */
#define VIRTIO_RNG_SLOTS 8u      /* requests at the device at once */
#define VIRTIO_RNG_MAX_EMPTY 16u /* empty answers in a row: KERR_IO */

typedef struct {
  krng_req_t *r; /* NULL: free */
  bool cancel;   /* kcancel asked while the chunk was at the device */
  uint8_t empty; /* empty answers in a row */
} rng_slot_t;

static struct {
  kdevice_t dev;
  virtio_transport_t *t;
  virtqueue_t vq;
  rng_slot_t slots[VIRTIO_RNG_SLOTS];
  uint32_t nslots;      /* slots in use: at most the queue size */
  kwork_list_t waiting; /* LIVE, not at the device yet */
} g_rng;
static virtq_mem_t g_rng_mem;

/* Give the slot's next chunk to the device; there is always a descriptor,
 * since each slot holds at most one and there are no more slots in use than
 * the queue has entries. */
static void give_chunk(rng_slot_t *s) {
  krng_req_t *r = s->r;
  size_t left = r->length - r->completed;
  virtq_buf_t b = {r->buffer + r->completed,
                   (uint32_t)KMIN(left, (size_t)VIRTIO_RNG_CHUNK)};
  kerr_t err = virtq_add(&g_rng.vq, &b, 0, 1, s);
  KASSERT(err == KERR_OK);
}

static void start_waiting(void) {
  for (uint32_t i = 0; i < g_rng.nslots; i++) {
    if (g_rng.slots[i].r != NULL || kwork_list_empty(&g_rng.waiting))
      continue;
    kwork_t *w = kwork_list_pop(&g_rng.waiting);
    g_rng.slots[i] = (rng_slot_t){.r = KCONTAINER_OF(w, krng_req_t, work)};
    give_chunk(&g_rng.slots[i]);
  }
}

static kerr_t rng_submit(kdevice_t *dev, kwork_t *w) {
  krng_req_t *r = KCONTAINER_OF(w, krng_req_t, work);
  r->completed = 0;
  if (r->length == 0) {
    kdev_complete(dev, w, KERR_OK);
    return KERR_OK;
  }
  kwork_list_push(&g_rng.waiting, w);
  start_waiting();
  return KERR_OK;
}

static kerr_t rng_cancel(kdevice_t *dev, kwork_t *w) {
  (void)dev;
  for (uint32_t i = 0; i < VIRTIO_RNG_SLOTS; i++) {
    if (g_rng.slots[i].r && &g_rng.slots[i].r->work == w) {
      g_rng.slots[i].cancel = true; /* ends when its chunk comes back */
      return KERR_BUSY;
    }
  }
  kwork_list_remove(&g_rng.waiting, w);
  return KERR_OK;
}

static void finish(rng_slot_t *s, kerr_t result) {
  kwork_t *w = &s->r->work;
  s->r = NULL;
  kdev_complete(&g_rng.dev, w, result);
}

static void rng_poll(kdevice_t *dev) {
  (void)dev;
  g_rng.t->ops->isr_ack(g_rng.t); /* first: the line drops */
  rng_slot_t *s;
  uint32_t len;
  while ((s = virtq_pop(&g_rng.vq, &len)) != NULL) {
    krng_req_t *r = s->r;
    if (r == NULL)
      continue;          /* cannot happen: a slot is freed only here */
    r->completed += len; /* len is at most the chunk (virtq_pop) */
    s->empty = len == 0 ? (uint8_t)(s->empty + 1) : 0;
    if (r->completed == r->length)
      finish(s, KERR_OK);
    else if (s->cancel)
      finish(s, KERR_CANCELLED);
    else if (s->empty >= VIRTIO_RNG_MAX_EMPTY)
      finish(s, KERR_IO);
    else
      give_chunk(s);
  }
  start_waiting();
  virtio_kick(g_rng.t, 0, &g_rng.vq);
}

static void rng_kick(kdevice_t *dev) {
  (void)dev;
  virtio_kick(g_rng.t, 0, &g_rng.vq);
}

static const kdevice_ops_t rng_ops = {.submit = rng_submit,
                                      .cancel = rng_cancel,
                                      .poll = rng_poll,
                                      .kick = rng_kick};

kerr_t virtio_rng_attach(platform_t *p, virtio_transport_t *t) {
  if (g_rng.t != NULL)
    return KERR_NO_SPACE;          /* one virtio-rng is driven */
  kerr_t err = virtio_begin(t, 0); /* virtio-rng has no feature bits */
  if (err == KERR_OK)
    err = virtio_queue(t, 0, &g_rng.vq, &g_rng_mem);
  if (err != KERR_OK)
    return err;
  g_rng.nslots = KMIN(VIRTIO_RNG_SLOTS, (uint32_t)g_rng.vq.size);
  g_rng.t = t;
  g_rng.dev =
      (kdevice_t){.ops = &rng_ops, .name = "virtio-rng", .cls = KDEV_RNG};
  err = kdev_register_rng_source(drv_kernel(p), &g_rng.dev);
  if (err == KERR_OK)
    err = drv_irq_route(p, t->irq, &g_rng.dev);
  if (err != KERR_OK)
    return err;
  virtio_ready(t);
  return KERR_OK;
}
