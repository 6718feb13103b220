# platform.mk (x64): x86-64 bare metal under qemu-system-x86_64.
#   TRANSPORT=mmio  -machine microvm (qboot firmware, virtio-mmio slots)
#   TRANSPORT=pci   -machine q35 (SeaBIOS)
# Both boot the ELF through its PVH note (platform/common/x86/pvh.h).
#
# Small code model at 1 MiB (no kernel model: that needs the top 2 GiB), no
# red zone (interrupts arrive on the same stack), no unwind tables.

ARCH_SRCS := $(wildcard platform/x64/*.c platform/x64/*.S platform/common/x86/*.c)
TARGET_FLAGS := --target=x86_64-unknown-none-elf -mcmodel=small -mno-red-zone \
                -fno-asynchronous-unwind-tables
LINKER_SCRIPT := platform/x64/kernel.ld

QEMU := qemu-system-x86_64
include platform/common/x86/qemu.mk
include platform/common/common.mk
# Only platform code sees the shared x86 headers.
PLATFORM_CFLAGS += -Iplatform/common/x86
