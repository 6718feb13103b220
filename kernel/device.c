/* device.c: the registry of devices, and the queries that read them. */
#include "kernel.h"

kerr_t kdev_register(kernel_t *k, kdevice_t *dev) {
  if (dev == NULL || dev->ops == NULL || dev->cls >= KDEV_CLASS_COUNT)
    return KERR_INVALID;
  if (k->ndevices >= KCONFIG_MAX_DEVICES)
    return KERR_NO_SPACE;
  dev->k = k;
  dev->id = (uint8_t)k->ndevices;
  dev->pending = false;
  k->devices[k->ndevices++] = dev;
  if (k->serves[dev->cls] == NULL)
    k->serves[dev->cls] = dev;
  klog(KLOG_DEBUG, "device %u: %s\n", (unsigned)dev->id, dev->name);
  return KERR_OK;
}

void kdev_raise(kdevice_t *dev) { dev->pending = true; }

void kdev_count_drop(kdevice_t *dev) { dev->k->stats.drops++; }

void kdev_buf_lent(kdevice_t *dev) { dev->k->stats.bufs_out++; }

void kdev_poll_raised(kernel_t *k) {
  for (uint32_t i = 0; i < k->ndevices; i++) {
    kdevice_t *dev = k->devices[i];
    if (dev->pending) {
      dev->pending = false;
      dev->ops->poll(dev);
    }
  }
}

bool kdev_any_raised(const kernel_t *k) {
  for (uint32_t i = 0; i < k->ndevices; i++)
    if (k->devices[i]->pending)
      return true;
  return false;
}

kerr_t kbuf_release(kernel_t *k, kbuf_t buf) {
  uint32_t id = buf >> 24;
  if (id >= k->ndevices || k->devices[id]->ops->release == NULL)
    return KERR_INVALID;
  kdevice_t *dev = k->devices[id];
  kerr_t err = dev->ops->release(dev, buf & 0xffffffu);
  if (err == KERR_OK)
    k->stats.bufs_out--;
  return err;
}

kerr_t kblk_info(kernel_t *k, kblk_info_t *info) {
  if (k->serves[KDEV_BLOCK] == NULL)
    return KERR_NO_DEVICE;
  *info = k->serves[KDEV_BLOCK]->info.blk;
  return KERR_OK;
}

kerr_t knet_info(kernel_t *k, knet_info_t *info) {
  if (k->serves[KDEV_NET] == NULL)
    return KERR_NO_DEVICE;
  *info = k->serves[KDEV_NET]->info.net;
  return KERR_OK;
}
