/* device.h: how a device plugs into the kernel.
 *
 * A device is anything that serves work items: a virtio device on bare metal,
 * a Linux file or socket when hosted, a simulated device in sim. It has three
 * operations, all called from the loop, never from an interrupt:
 *
 *  submit  take a work item the kernel has just made LIVE. Return KERR_OK and
 *          complete it later (or right away) with kdev_complete(), or return
 *          an error and never complete it (the kernel completes it with that
 *          error).
 *  cancel  the kernel asks to stop a LIVE item. Return KERR_OK if the device
 *          has forgotten it (it must never complete it then), or KERR_BUSY if
 *          it is in flight: the device completes it later, with
 *          KERR_CANCELLED or with its real result.
 *  poll    reap finished work and call kdev_complete() for each. Called when
 *          the device was raised (kdev_raise: its interrupt or fd fired).
 *  kick    optional: called once per loop tick, after the tick's last
 *          dispatch, when the device got submits in it, so a device can
 *          tell the hardware (or the host kernel) about all of them at once.
 *
 * While an item is LIVE at a device, the device may use work->next/prev to
 * keep it on its own lists.
 */
#ifndef REALMOS_DEVICE_H
#define REALMOS_DEVICE_H

#include "kapi.h"

typedef enum {
  KDEV_RNG = 0,
  KDEV_BLOCK,
  KDEV_NET,
  KDEV_IP, /* the IPv4 service (UDP, ping, ARP, address): net/, or the hosted socket backend */
  KDEV_CLASS_COUNT
} kdev_class_t;

typedef struct kdevice kdevice_t;

typedef struct {
  kerr_t (*submit)(kdevice_t *dev, kwork_t *work);
  kerr_t (*cancel)(kdevice_t *dev, kwork_t *work);
  void (*poll)(kdevice_t *dev);
  void (*kick)(kdevice_t *dev); /* optional */
  /* Optional: take back a buffer handed out by a standing receive. */
  kerr_t (*release)(kdevice_t *dev, uint32_t index);
} kdevice_ops_t;

struct kdevice {
  const kdevice_ops_t *ops;
  const char *name;
  kdev_class_t cls;
  /* Set by kdev_register. */
  kernel_t *k;
  uint8_t id;
  uint32_t bit; /* 1 << id: its bit in the kernel's raised and kicks masks */
  union {
    kblk_info_t blk;
    knet_info_t net;
  } info;
};

/* Platform side: register a device (at most KCONFIG_MAX_DEVICES; the first of
 * a class serves that class), and raise it when it has something to poll. */
kerr_t kdev_register(kernel_t *k, kdevice_t *dev);
void kdev_raise(kdevice_t *dev);

/* Platform side, instead of kdev_register for a random source: registers
 * the CSPRNG device (which then serves KDEV_RNG) and `hw` behind it, and
 * queues the first seed read. Takes two device slots (KERR_NO_SPACE). When
 * the class is already served, `hw` is only registered, as kdev_register
 * would. */
kerr_t kdev_register_rng_source(kernel_t *k, kdevice_t *hw);

/* For a layer above the core (the IPv4 stack in front of the network
 * device): the device that serves class `cls`, NULL if none. */
kdevice_t *kdev_serving(kernel_t *k, kdev_class_t cls);

/* Device side: a LIVE item finished (once per event for standing items). */
void kdev_complete(kdevice_t *dev, kwork_t *work, kerr_t result);
/* A buffer handle for standing receives: device id and buffer index. */
static inline kbuf_t kdev_buf(const kdevice_t *dev, uint32_t index) {
  return ((kbuf_t)dev->id << 24) | (index & 0xffffffu);
}
/* Count a dropped frame or datagram. */
void kdev_count_drop(kdevice_t *dev);
/* Count a buffer handed out with a standing-receive completion (kstats
 * bufs_out). Call it once per kdev_buf handle given out; kbuf_release takes
 * the count back down when the device's release returns KERR_OK. */
void kdev_buf_lent(kdevice_t *dev);

#endif
