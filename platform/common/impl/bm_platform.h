/* bm_platform.h: struct platform for every bare-metal target. Each
 * platform/<arch>/platform_impl.h defines PLATFORM_NAME and includes this. */
#ifndef REALMOS_BM_PLATFORM_H
#define REALMOS_BM_PLATFORM_H

#include "device.h"

/* Interrupt lines a device may be routed to (GIC SPIs reach 1019). */
#define BM_MAX_IRQS 1024

struct platform {
  kernel_t *k;
  void *boot_ctx;
  kdevice_t *irq_dev[BM_MAX_IRQS]; /* line -> device raised when it fires */
};

#endif
