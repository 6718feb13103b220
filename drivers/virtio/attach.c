/* attach.c: hand a virtio device to the driver for its type. */
#include "transport.h"

void virtio_attach(platform_t *p, virtio_transport_t *t) {
  kerr_t err;
  switch (t->device_id) {
  case VIRTIO_ID_NET:
    err = virtio_net_attach(p, t);
    break;
  case VIRTIO_ID_BLOCK:
    err = virtio_blk_attach(p, t);
    break;
  case VIRTIO_ID_RNG:
    err = virtio_rng_attach(p, t);
    break;
  default:
    klog(KLOG_INFO, "%s: device type %u: no driver, skipped\n", t->name,
         t->device_id);
    return;
  }
  if (err != KERR_OK) {
    klog(KLOG_WARN, "%s: device type %u not set up: %s\n", t->name,
         t->device_id, kerr_str(err));
    t->ops->set_status(t, VIRTIO_STATUS_FAILED);
  } else {
    klog(KLOG_INFO, "%s: device type %u, irq %u%s, %s\n", t->name, t->device_id,
         t->irq, t->msix_cap ? " (MSI-X)" : "",
         t->modern ? "modern" : "legacy");
  }
}
