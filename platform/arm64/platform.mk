# platform.mk (arm64): AArch64 on QEMU's virt board, cortex-a57, GICv2.
# Shares the console, interrupt controller, timer and arch.h glue with arm32
# (platform/common/arm/); here: boot, vectors, MMU, trap report, arm_cpu.h.

ARCH_SRCS := $(wildcard platform/arm64/*.c platform/arm64/*.S \
                        platform/common/arm/*.c platform/common/devicetree/*.c)
# The MMU is on (mmu.c), so no -mstrict-align: RAM is Normal memory.
TARGET_FLAGS := --target=aarch64-none-elf -mcpu=cortex-a57
LINKER_SCRIPT := platform/arm64/linker.ld
QEMU := qemu-system-aarch64
# gic-version=2 is virt's default, spelled out; no EL2/EL3, so QEMU itself
# answers PSCI calls made with HVC.
QEMU_MACHINE_mmio := -machine virt,gic-version=2 -cpu cortex-a57
QEMU_MACHINE_pci := -machine virt,gic-version=2 -cpu cortex-a57

include platform/common/common.mk
# Only platform code sees the shared ARM drivers' headers.
PLATFORM_CFLAGS += -Iplatform/common/arm
