# platform.mk (rv64): RV64GC in M-mode on qemu-system-riscv64 -machine virt.
# F and D are on (lp64d) for the kernel's later floating point; boot.S turns
# the FPU on. medany: RAM starts at 0x80000000, outside medlow's +-2 GiB of 0.

TARGET_FLAGS := --target=riscv64-unknown-elf -march=rv64imafdc -mabi=lp64d \
                -mcmodel=medany
QEMU := qemu-system-riscv64

include platform/common/riscv/riscv.mk
