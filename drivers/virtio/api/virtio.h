/* virtio.h: how the platform hands virtio devices to the drivers. Discovery
 * (the device tree on ARM and RISC-V, ACPI on x86, PCI enumeration) calls one
 * of these per device it finds; the driver negotiates features, sets up its
 * queues, registers the device with the kernel (kdev_register) and routes its
 * interrupt (drv_irq_route). Devices of unknown type, or beyond the
 * drivers' static pools, are reported and skipped. What the drivers need of
 * the platform is driver_platform.h. */
#ifndef REALMOS_VIRTIO_H
#define REALMOS_VIRTIO_H

#include "driver_platform.h"

/* A virtio-mmio register window at `base` (any version), interrupt `irq`. */
void virtio_mmio_probe(platform_t *p, uintptr_t base, uint32_t irq);

/* A PCI function with vendor 0x1af4, found and set up by pci.c. */
void virtio_pci_probe(platform_t *p, const pci_function_t *f);

#endif
