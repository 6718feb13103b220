/* device.c: the registry of devices, and the queries that read them. */
#include "kernel.h"

kerr_t kdev_register(kernel_t *k, kdevice_t *dev) {
  if (dev == NULL || dev->ops == NULL || dev->cls >= KDEV_CLASS_COUNT)
    return KERR_INVALID;
  if (k->ndevices >= KCONFIG_MAX_DEVICES)
    return KERR_NO_SPACE;
  dev->k = k;
  dev->id = (uint8_t)k->ndevices;
  dev->bit = 1u << dev->id;
  k->devices[k->ndevices++] = dev;
  if (k->serves[dev->cls] == NULL) {
    k->serves[dev->cls] = dev;
    for (uint32_t op = 0; op < KWORK_OP_COUNT; op++)
      if (kwork_class(op) == dev->cls)
        k->serves_op[op] = dev;
  }
  klog(KLOG_DEBUG, "device %u: %s\n", (unsigned)dev->id, dev->name);
  return KERR_OK;
}

/* A device that never registered (its kdev_register failed) has no kernel
 * to raise: ignored. */
void kdev_raise(kdevice_t *dev) {
  if (dev->k != NULL)
    dev->k->raised |= dev->bit;
}

kdevice_t *kdev_serving(kernel_t *k, kdev_class_t cls) {
  return cls < KDEV_CLASS_COUNT ? k->serves[cls] : NULL;
}

void kdev_count_drop(kdevice_t *dev) { dev->k->stats.drops++; }

void kdev_buf_lent(kdevice_t *dev) { dev->k->stats.bufs_out++; }

/* Each raised device once, in id order. A device raised during these polls
 * is polled in this pass if its id is above the last one polled, else on the
 * next tick: a device that raises itself in its poll cannot hold the loop. */
void kdev_poll_raised(kernel_t *k) {
  uint32_t seen = 0; /* ids up to the last one polled */
  uint32_t m;
  while ((m = k->raised & ~seen) != 0) {
    uint32_t i = (uint32_t)__builtin_ctz(m);
    k->raised &= ~(1u << i);
    seen = (2u << i) - 1; /* i = 31: 0 - 1, every bit */
    k->devices[i]->ops->poll(k->devices[i]);
  }
}

/* One kick per device that got work this tick, in id order. */
void kdev_kick_all(kernel_t *k) {
  uint32_t m = k->kicks;
  k->kicks = 0;
  for (; m != 0; m &= m - 1) {
    kdevice_t *dev = k->devices[__builtin_ctz(m)];
    if (dev->ops->kick)
      dev->ops->kick(dev);
  }
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
