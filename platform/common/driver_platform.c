/* driver_platform.c: drivers/driver_platform.h for every bare-metal
 * platform, on the bare-metal struct platform and the arch layer. PCI
 * configuration space is pci.c's. */
#include "driver_platform.h"

#include "arch.h"
#include "kernel.h"

kernel_t *drv_kernel(platform_t *p) { return p->k; }

kerr_t drv_irq_route(platform_t *p, uint32_t line, kdevice_t *dev) {
  return platform_irq_route(p, line, dev);
}

bool drv_msi_alloc(uint32_t *line, uint64_t *addr, uint32_t *data) {
  return arch_msi_alloc(line, addr, data);
}
