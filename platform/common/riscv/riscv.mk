# riscv.mk: what rv32 and rv64 share. Their platform.mk sets TARGET_FLAGS
# (triple, -march, -mabi, code model) and QEMU, then includes this file.
#
# Both run in M-mode on QEMU's virt board with -bios none: QEMU's reset code
# jumps to 0x80000000 (start of RAM) with a0 = hart id, a1 = device tree.
# Debian ships no 32-bit OpenSBI, so there is no S-mode firmware on either.

# ld.lld 14 cannot relax RISC-V code: keep the compiler from asking it to.
TARGET_FLAGS += -mno-relax

ARCH_SRCS := $(wildcard platform/common/riscv/*.c platform/common/riscv/*.S) \
             $(wildcard platform/$(PLATFORM)/*.c platform/common/devicetree/*.c)
LINKER_SCRIPT := platform/common/riscv/link.ld

# Both transports use the same board: virtio-*-device sits on virt's
# virtio-mmio slots, virtio-*-pci on its PCIe host (ECAM at 0x30000000).
QEMU_MACHINE_mmio := -machine virt -bios none
QEMU_MACHINE_pci := -machine virt -bios none

include platform/common/common.mk

# After common.mk, which sets PLATFORM_CFLAGS: the shared RISC-V headers.
PLATFORM_CFLAGS += -Iplatform/common/riscv
