# platform.mk (x32): i386 bare metal under qemu-system-i386.
#   TRANSPORT=mmio  -machine microvm (qboot firmware, virtio-mmio slots)
#   TRANSPORT=pci   -machine q35 (SeaBIOS)
# Both boot the ELF through its PVH note (platform/common/x86/pvh.h).
#
# -march=pentium4: SSE2, which QEMU's default CPU (qemu32) and every host CPU
# under KVM have; float math in SSE rather than x87. No unwind tables.

ARCH_SRCS := $(wildcard platform/x32/*.c platform/x32/*.S platform/common/x86/*.c)
TARGET_FLAGS := --target=i386-unknown-none-elf -march=pentium4 -mfpmath=sse \
                -fno-asynchronous-unwind-tables
LINKER_SCRIPT := platform/x32/kernel.ld

QEMU := qemu-system-i386
include platform/common/x86/qemu.mk
include platform/common/common.mk
# Only platform code sees the shared x86 headers.
PLATFORM_CFLAGS += -Iplatform/common/x86
