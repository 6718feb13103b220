/* platform_impl.h (x64): bare metal on qemu-system-x86_64, microvm (mmio)
 * or q35 (pci). Booted through PVH, in long mode; the arch layer is shared
 * with x32 in platform/common/x86/. */
#ifndef REALMOS_X64_PLATFORM_IMPL_H
#define REALMOS_X64_PLATFORM_IMPL_H

#define PLATFORM_NAME "x64"
#include "bm_platform.h"

#endif
