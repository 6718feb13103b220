/* virtio_spec.h: numbers from the virtio 1.x specification (and its legacy
 * interface) shared by the transports and the device drivers. Every target
 * realmos runs on is little-endian, so the legacy interface (guest-native
 * byte order) and the modern one (little-endian) lay out the same bytes. */
#ifndef REALMOS_VIRTIO_SPEC_H
#define REALMOS_VIRTIO_SPEC_H

/* Device types (spec 5): the same numbers in virtio-mmio's DeviceID and in
 * a modern PCI device id (0x1040 + type). */
#define VIRTIO_ID_NET 1u
#define VIRTIO_ID_BLOCK 2u
#define VIRTIO_ID_RNG 4u

/* Device status bits (spec 2.1), written in this order during setup. */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01u /* the guest noticed the device */
#define VIRTIO_STATUS_DRIVER 0x02u      /* the guest has a driver for it */
#define VIRTIO_STATUS_DRIVER_OK 0x04u   /* the driver is ready */
#define VIRTIO_STATUS_FEATURES_OK 0x08u /* modern: feature set accepted */
#define VIRTIO_STATUS_NEEDS_RESET 0x40u /* the device hit an error */
#define VIRTIO_STATUS_FAILED 0x80u      /* the driver gave up */

/* Feature bits every device type shares (spec 6). */
#define VIRTIO_F_VERSION_1 (1ull << 32) /* the modern (1.x) interface */

/* Interrupt status bits (virtio-mmio InterruptStatus, PCI ISR byte). */
#define VIRTIO_ISR_QUEUE 0x1u  /* a used ring was written */
#define VIRTIO_ISR_CONFIG 0x2u /* device configuration changed */

#endif
