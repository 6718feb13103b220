/* platform_impl.h (arm32): ARMv7-A on QEMU's virt board (cortex-a15): the
 * bare-metal struct platform (bm_platform.h), with platform/common/arm/ for
 * the console, interrupt controller and timer. */
#ifndef REALMOS_ARM32_PLATFORM_IMPL_H
#define REALMOS_ARM32_PLATFORM_IMPL_H

#define PLATFORM_NAME "arm32"
#include "bm_platform.h"

#endif
