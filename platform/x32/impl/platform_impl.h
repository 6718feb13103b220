/* platform_impl.h (x32): bare metal on qemu-system-i386, microvm (mmio) or
 * q35 (pci). Booted through PVH, in 32-bit protected mode without paging;
 * the arch layer is shared with x64 in platform/common/x86/. */
#ifndef REALMOS_X32_PLATFORM_IMPL_H
#define REALMOS_X32_PLATFORM_IMPL_H

#define PLATFORM_NAME "x32"
#include "bm_platform.h"

#endif
