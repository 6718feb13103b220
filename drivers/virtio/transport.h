/* transport.h: what a virtio device driver needs from its transport
 * (virtio-mmio in mmio.c, virtio-pci modern in pci.c), and the setup steps
 * every driver shares (setup.c). */
#ifndef REALMOS_VIRTIO_TRANSPORT_H
#define REALMOS_VIRTIO_TRANSPORT_H

/* The bounds a driver sizes by are those it shares with the user of its
 * device (the largest frame, the receives the stack keeps posted, a block
 * request's segments): the device interface's, dev_config.h. The core's own
 * (config.h: timers, devices, log level) are none of a driver's business, and
 * the build does not show them to drivers/. */
#include "dev_config.h"
#include "device.h"
#include "driver_platform.h"
#include "work_list.h"
#include "virtio_spec.h"
#include "virtqueue.h"

/* Transports set up at once (mmio.c and pci.c each keep a pool this big). */
#ifndef VIRTIO_MAX_TRANSPORTS
#define VIRTIO_MAX_TRANSPORTS 8
#endif
/* Times a configuration read is retried while the device's configuration
 * generation keeps changing under it. */
#define VIRTIO_CONFIG_RETRIES 16

typedef struct virtio_transport virtio_transport_t;

typedef struct {
  uint8_t (*get_status)(virtio_transport_t *t);
  void (*set_status)(virtio_transport_t *t, uint8_t status); /* 0: reset */
  uint64_t (*get_features)(virtio_transport_t *t);
  void (*set_features)(virtio_transport_t *t, uint64_t features);
  /* A device configuration field of 1, 2 or 4 bytes at byte offset `off`. */
  uint32_t (*config_read)(virtio_transport_t *t, uint32_t off, unsigned width);
  uint32_t (*config_generation)(virtio_transport_t *t);
  /* Largest size of queue `q`, 0 if the queue does not exist. */
  uint16_t (*queue_max)(virtio_transport_t *t, uint16_t q);
  /* Tell the device where queue `q` lives and enable it. */
  kerr_t (*queue_setup)(virtio_transport_t *t, uint16_t q,
                        const virtqueue_t *vq);
  void (*notify)(virtio_transport_t *t, uint16_t q);
  /* Read the interrupt status (VIRTIO_ISR_*) and acknowledge it, so that a
   * level-triggered line drops. */
  uint32_t (*isr_ack)(virtio_transport_t *t);
  /* Optional (NULL: nothing to do), called by virtio_begin after the reset
   * and the features: point the device's configuration-change interrupt at
   * the transport's MSI-X vector (virtio-pci). On a refusal the transport
   * goes back to INTx and changes t->irq; drivers route t->irq after their
   * queues are set up, so they always route the line in use. */
  void (*irq_setup)(virtio_transport_t *t);
} virtio_transport_ops_t;

/* Queues a transport tracks per device (net uses 2). */
#define VIRTIO_MAX_QUEUES 4

struct virtio_transport {
  const virtio_transport_ops_t *ops;
  const char *name;   /* "virtio-mmio", "virtio-pci" */
  uint32_t device_id; /* VIRTIO_ID_* */
  uint32_t irq;       /* platform line */
  bool modern;        /* virtio 1.x: VERSION_1, FEATURES_OK, 12-byte net hdr */
  uint64_t features;  /* negotiated */
  /* virtio-mmio */
  uintptr_t base;
  /* virtio-pci: the structures the capabilities point at */
  uintptr_t common, isr, devcfg, notify;
  uint32_t notify_mult, notify_len;
  uint16_t notify_off[VIRTIO_MAX_QUEUES];
  /* virtio-pci interrupts: MSI-X (irq is then an MSI line) while msix_cap,
   * the capability's offset in the config space at pci_cfg, is not 0;
   * otherwise INTx (irq == intx). */
  uintptr_t pci_cfg;
  uint8_t msix_cap;
  uint32_t intx;
};

/* setup.c. virtio_begin: reset, ACKNOWLEDGE, DRIVER, negotiate the features
 * in `wanted` (plus VERSION_1 on a modern device) and, if modern, check
 * FEATURES_OK. The result is in t->features. */
kerr_t virtio_begin(virtio_transport_t *t, uint64_t wanted);
/* Set up queue `q` in `vq` over `mem`, as large as both sides allow. */
kerr_t virtio_queue(virtio_transport_t *t, uint16_t q, virtqueue_t *vq,
                    virtq_mem_t *mem);
/* DRIVER_OK: the device may now use its queues. */
void virtio_ready(virtio_transport_t *t);
/* Give up on the device: FAILED, logged with `why`. */
void virtio_fail(virtio_transport_t *t, const char *why);
/* A 64-bit configuration field, read consistently. */
kerr_t virtio_config64(virtio_transport_t *t, uint32_t off, uint64_t *v);
/* Notify queue `q` if it has new chains and the device wants to hear. */
void virtio_kick(virtio_transport_t *t, uint16_t q, virtqueue_t *vq);

/* Hand a transport whose device is found to its driver (attach.c). */
void virtio_attach(platform_t *p, virtio_transport_t *t);

/* The drivers (rng.c, blk.c, net.c): take the device or say why not. */
kerr_t virtio_rng_attach(platform_t *p, virtio_transport_t *t);
kerr_t virtio_blk_attach(platform_t *p, virtio_transport_t *t);
kerr_t virtio_net_attach(platform_t *p, virtio_transport_t *t);

#endif
