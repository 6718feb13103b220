/* platform_impl.h (arm64): AArch64 on QEMU's virt board (cortex-a57): the
 * bare-metal struct platform (bm_platform.h), with platform/common/arm/ for
 * the console, interrupt controller and timer. */
#ifndef REALMOS_ARM64_PLATFORM_IMPL_H
#define REALMOS_ARM64_PLATFORM_IMPL_H

#define PLATFORM_NAME "arm64"
#include "bm_platform.h"

#endif
