/* setup.c: the device initialisation sequence of virtio 1.x spec 3.1.1 (and
 * its legacy variant, which has no FEATURES_OK step), shared by all
 * drivers. */
#include "transport.h"

kerr_t virtio_begin(virtio_transport_t *t, uint64_t wanted) {
  t->ops->set_status(t, 0); /* reset */
  uint8_t s = VIRTIO_STATUS_ACKNOWLEDGE;
  t->ops->set_status(t, s);
  s |= VIRTIO_STATUS_DRIVER;
  t->ops->set_status(t, s);
  uint64_t offered = t->ops->get_features(t);
  if (t->modern) {
    /* A modern device must offer VERSION_1; without it we would speak the
     * legacy protocol over the modern interface. */
    if ((offered & VIRTIO_F_VERSION_1) == 0) {
      virtio_fail(t, "modern device without VERSION_1");
      return KERR_UNSUPPORTED;
    }
    wanted |= VIRTIO_F_VERSION_1;
  } else {
    wanted &= 0xffffffffull; /* legacy has 32 feature bits */
  }
  t->features = offered & wanted;
  t->ops->set_features(t, t->features);
  if (t->modern) {
    s |= VIRTIO_STATUS_FEATURES_OK;
    t->ops->set_status(t, s);
    if ((t->ops->get_status(t) & VIRTIO_STATUS_FEATURES_OK) == 0) {
      virtio_fail(t, "features not accepted");
      return KERR_UNSUPPORTED;
    }
  }
  /* Before the queues, whose vectors the transport sets in queue_setup:
   * the reset cleared them all (virtio-pci: back to NO_VECTOR). */
  if (t->ops->irq_setup)
    t->ops->irq_setup(t);
  return KERR_OK;
}

kerr_t virtio_queue(virtio_transport_t *t, uint16_t q, virtqueue_t *vq,
                    virtq_mem_t *mem) {
  uint16_t max = t->ops->queue_max(t, q);
  if (max == 0)
    return KERR_NO_DEVICE;
  uint16_t size = VIRTQ_MAX_SIZE;
  while (size > max) /* the largest power of two both sides allow */
    size >>= 1;
  kerr_t err = virtq_init(vq, mem, size);
  if (err == KERR_OK)
    err = t->ops->queue_setup(t, q, vq);
  return err;
}

void virtio_ready(virtio_transport_t *t) {
  t->ops->set_status(
      t, (uint8_t)(t->ops->get_status(t) | VIRTIO_STATUS_DRIVER_OK));
}

void virtio_fail(virtio_transport_t *t, const char *why) {
  klog(KLOG_WARN, "%s: device %u: %s\n", t->name, t->device_id, why);
  t->ops->set_status(t,
                     (uint8_t)(t->ops->get_status(t) | VIRTIO_STATUS_FAILED));
}

kerr_t virtio_config64(virtio_transport_t *t, uint32_t off, uint64_t *v) {
  for (unsigned i = 0; i < VIRTIO_CONFIG_RETRIES; i++) {
    uint32_t gen = t->ops->config_generation(t);
    uint32_t lo = t->ops->config_read(t, off, 4);
    uint32_t hi = t->ops->config_read(t, off + 4, 4);
    if (t->ops->config_generation(t) == gen) {
      *v = (uint64_t)hi << 32 | lo;
      return KERR_OK;
    }
  }
  return KERR_IO;
}

void virtio_kick(virtio_transport_t *t, uint16_t q, virtqueue_t *vq) {
  if (virtq_should_notify(vq))
    t->ops->notify(t, q);
}
