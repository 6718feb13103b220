/* fake_driver_platform.c: drivers/driver_platform.h for the unit tests that
 * take a driver's files (test_net_virtio.c): the kernel is the one inside
 * the fake platform, interrupt routing is the fake platform's, and there is
 * no MSI. */
#include "driver_platform.h"

#include "kernel.h"

kernel_t *drv_kernel(platform_t *p) { return p->k; }

kerr_t drv_irq_route(platform_t *p, uint32_t line, kdevice_t *dev) {
  return platform_irq_route(p, line, dev);
}

bool drv_msi_alloc(uint32_t *line, uint64_t *addr, uint32_t *data) {
  (void)line, (void)addr, (void)data;
  return false;
}
