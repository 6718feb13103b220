/* driver_platform.h: what a device driver (drivers/) needs from the
 * platform under it, and nothing more. Platforms that have drivers
 * implement it (bare metal: platform/common/driver_platform.c and pci.c);
 * the unit tests fake it.
 *
 * Why a header of its own, and here rather than in kernel/: the kernel's
 * contracts (kapi.h, device.h, platform.h) are about work items and
 * devices, which every platform has; interrupt lines, MSI messages, PCI
 * configuration space and bus addresses exist only where real hardware
 * sits under a driver. Drivers see this and the device interface
 * (device.h), never a platform's headers (arch.h, pci.h) or the inside of
 * its struct platform, so a driver builds for any platform that gives
 * these few calls. */
#ifndef REALMOS_DRIVER_PLATFORM_H
#define REALMOS_DRIVER_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

#include "device.h"

/* The platform that found the device; opaque to drivers. */
typedef struct platform platform_t;

/* The kernel to register the device with (kdev_register). */
kernel_t *drv_kernel(platform_t *p);

/* Route interrupt line `line` to `dev`: when it fires, dev is raised. */
kerr_t drv_irq_route(platform_t *p, uint32_t line, kdevice_t *dev);

/* A message-signalled interrupt (PCI MSI/MSI-X): a new line for
 * drv_irq_route, and the message that raises it (a write of the 32-bit
 * `data` to bus address `addr`). False where the platform has no MSI or
 * no line is left: the device keeps its INTx line. */
bool drv_msi_alloc(uint32_t *line, uint64_t *addr, uint32_t *data);

/* The bus address a device uses for memory at `p`. Every platform with
 * drivers maps memory one to one (virtual = physical), so it is the
 * pointer; a platform that maps otherwise changes it here. */
static inline uint64_t drv_dma_addr(const volatile void *p) {
  return (uint64_t)(uintptr_t)p;
}

/* ---------------------------------------------------- PCI functions */

#define PCI_NO_IRQ UINT32_MAX

/* A PCI function as the platform's enumeration found and set it up
 * (memory decoding and bus mastering on, BARs assigned). */
typedef struct {
  uintptr_t cfg; /* ECAM address of this function's 4 KiB config space */
  uint8_t bus, dev, fn;
  uint16_t vendor, device;
  uint64_t bar[6];      /* CPU address of each memory BAR, 0: none */
  uint64_t bar_size[6]; /* its size in bytes */
  uint32_t irq;         /* platform interrupt line of its INTx pin */
} pci_function_t;

/* Config space access, little-endian, at byte offset `off`. */
uint8_t pci_read8(const pci_function_t *f, uint32_t off);
uint16_t pci_read16(const pci_function_t *f, uint32_t off);
uint32_t pci_read32(const pci_function_t *f, uint32_t off);
void pci_write16(const pci_function_t *f, uint32_t off, uint16_t v);
void pci_write32(const pci_function_t *f, uint32_t off, uint32_t v);

/* Offset of the first capability with `id` after offset `after` (0: from
 * the start of the list), or 0 when there is none. */
uint8_t pci_find_cap(const pci_function_t *f, uint8_t id, uint8_t after);

#endif
