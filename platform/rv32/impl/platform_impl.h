/* platform_impl.h (rv32): RV32GC in M-mode on QEMU's virt board. The
 * struct platform is the one every bare-metal target shares; the code lives
 * in platform/common/riscv/ and, for what depends on XLEN, in this folder. */
#ifndef REALMOS_RV32_PLATFORM_IMPL_H
#define REALMOS_RV32_PLATFORM_IMPL_H

#define PLATFORM_NAME "rv32"

#include "bm_platform.h"

#endif
