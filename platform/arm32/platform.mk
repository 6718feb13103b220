# platform.mk (arm32): ARMv7-A on QEMU's virt board, cortex-a15, GICv2.
# Shares the console, interrupt controller, timer and arch.h glue with arm64
# (platform/common/arm/); here: boot, vectors, MMU, trap report, arm_cpu.h,
# the EABI division entry points.

ARCH_SRCS := $(wildcard platform/arm32/*.c platform/arm32/*.S \
                        platform/common/arm/*.c platform/common/devicetree/*.c)
# Hard-float EABI with VFPv4 and NEON (d0-d31). The cortex-a15 divides in
# hardware (no __aeabi_idiv calls); 64-bit division goes through aeabi.S. The
# MMU is on (mmu.c), so no -mno-unaligned-access: RAM is Normal memory.
TARGET_FLAGS := --target=armv7a-none-eabihf -mcpu=cortex-a15 \
                -mfpu=neon-vfpv4 -mfloat-abi=hard -marm
LINKER_SCRIPT := platform/arm32/linker.ld
# Cold code (COLD_SRCS in common.mk) in Thumb-2 as well as -Os: a quarter
# smaller than A32. Calls between the two sets switch state by themselves
# (the linker turns BL into BLX, indirect calls are BLX).
COLD_CFLAGS := -Os -mthumb
QEMU := qemu-system-arm
# highmem=off: otherwise QEMU puts the PCIe ECAM at 0x4010000000, above
# what 32-bit addresses reach; with it off the ECAM is at 0x3f000000 and RAM
# is capped at 3 GiB. gic-version=2 is virt's default, spelled out; no
# EL2/EL3, so QEMU itself answers PSCI calls made with HVC.
QEMU_MACHINE_mmio := -machine virt,highmem=off,gic-version=2 -cpu cortex-a15
QEMU_MACHINE_pci := -machine virt,highmem=off,gic-version=2 -cpu cortex-a15

include platform/common/common.mk
# Only platform code sees the shared ARM drivers' headers.
PLATFORM_CFLAGS += -Iplatform/common/arm
