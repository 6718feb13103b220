/* platform_impl.h (rv64): RV64GC in M-mode on QEMU's virt board. The
 * struct platform is the one every bare-metal target shares; the code lives
 * in platform/common/riscv/ and, for what depends on XLEN, in this folder. */
#ifndef REALMOS_RV64_PLATFORM_IMPL_H
#define REALMOS_RV64_PLATFORM_IMPL_H

#define PLATFORM_NAME "rv64"

#include "bm_platform.h"

#endif
