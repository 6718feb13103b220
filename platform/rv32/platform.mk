# platform.mk (rv32): RV32GC in M-mode on qemu-system-riscv32 -machine virt.
# F and D are on (ilp32d) for the kernel's later floating point; boot.S turns
# the FPU on. medany as on rv64, so both share one design (on rv32 medlow
# would reach all of memory too).

TARGET_FLAGS := --target=riscv32-unknown-elf -march=rv32imafdc -mabi=ilp32d \
                -mcmodel=medany
QEMU := qemu-system-riscv32

include platform/common/riscv/riscv.mk
