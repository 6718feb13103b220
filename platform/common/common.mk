# common.mk: included by every bare-metal platform.mk. The shared sources, the
# QEMU device set of the seed for both transports, and the link and run
# commands. A platform.mk sets before including it:
#   ARCH_SRCS       its own sources (.c and .S)
#   TARGET_FLAGS    clang flags that choose the target (--target=..., -mcpu=...)
#   LINKER_SCRIPT   its linker script
#   QEMU            the qemu-system-* binary and machine, per transport:
#   QEMU_MACHINE_mmio, QEMU_MACHINE_pci
#   QEMU_EXTRA      optional: more arguments (an exit device, ...)
# Code shared by one family only (GIC, PLIC, LAPIC, ...) lives in
# platform/common/<family>/ and is added to ARCH_SRCS by the platform.mk: the
# wildcard below takes only what every bare-metal platform shares. ARM and
# RISC-V also add platform/common/devicetree/ (discovery from the FDT).

COMMON_BM_SRCS := $(wildcard platform/common/*.c)
# The virtio drivers serve every bare-metal platform.
DRIVER_SRCS := $(wildcard drivers/virtio/*.c)
PLATFORM_SRCS := $(ARCH_SRCS) $(COMMON_BM_SRCS) $(DRIVER_SRCS)
# Bare-metal platform code also sees platform/common/ and of the drivers
# only their probe entry points (drivers/virtio/api/virtio.h) and
# drivers/driver_platform.h, which it implements; the kernel sees only the
# bare-metal struct platform (impl/bm_platform.h).
PLATFORM_CFLAGS := -ffreestanding -Iplatform/common -Idrivers -Idrivers/virtio/api
PLATFORM_IMPL_INC += -Iplatform/common/impl
# -ffunction-sections -fdata-sections: a section per function and object,
# so that the link (--gc-sections) drops whatever nothing reaches from the
# entry point (on x86 the FDT reader, everywhere what a program never calls).
# -fno-unroll-loops: unrolled copies of the loops were 1.5 to 5.8 KiB of
# each kernel (x64 the most: ARP's table walks, kstring's byte loops); the
# core's instruction counts with and without are in docs/baremetal.md.
TARGET_FLAGS += -ffreestanding -fno-pic -fno-stack-protector -nostdlib \
                -fno-builtin -fno-common -ffunction-sections -fdata-sections -fno-unroll-loops
OPT ?= -O2
LDLIBS :=

# Cold code, compiled for size (COLD_CFLAGS, after OPT so it wins): what runs
# once at boot, once per device or once per DHCP lease (device tree and
# ACPI parsing, PCI enumeration, virtio transport probe and set-up, the MMU
# and IDT set-up, the DHCP client, the demo's boot-time steps in apps/demo/
# (its echo is apps/echo/, not cold), or only to print (printk's
# formatting, error names, panic reports). The transports' per-request
# notify and isr_ack are the same instructions at -Os, but for two
# branches swapped (x64, docs/baremetal.md). Not on it:
# anything a datagram, a block request, a timer or an interrupt goes
# through (the rest of kernel/, net/ and drivers/virtio/, the arch's
# interrupt, clock and timer code). docs/baremetal.md has the sizes.
COLD_CFLAGS ?= -Os
COLD_SRCS := lib/fdt.c lib/kfmt.c kernel/printk.c kernel/kerr.c apps/demo/demo.c apps/demo/net.c \
  net/dhcp.c drivers/virtio/setup.c drivers/virtio/attach.c drivers/virtio/pci_msix.c \
  drivers/virtio/pci.c drivers/virtio/mmio.c \
  platform/common/pci.c platform/common/driver_platform.c \
  $(wildcard platform/common/devicetree/*.c) \
  platform/common/riscv/fdt.c platform/common/riscv/panic_report.c \
  $(wildcard platform/common/x86/acpi*.c) platform/common/x86/aml.c \
  platform/common/x86/discover.c platform/common/x86/q35.c \
  platform/common/x86/pvh.c platform/common/x86/pit.c platform/common/x86/pic.c \
  platform/arm32/trap.c platform/arm32/mmu.c platform/arm64/trap.c platform/arm64/mmu.c \
  platform/x32/regs.c platform/x32/idt.c platform/x64/regs.c platform/x64/idt.c
COLD_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(COLD_SRCS))
$(COLD_OBJS): KERNEL_CFLAGS += $(COLD_CFLAGS)
$(COLD_OBJS): PLATFORM_CFLAGS += $(COLD_CFLAGS)

# --gc-sections: see -ffunction-sections above. --nmagic: segments are not
# page-aligned in the file (QEMU copies each to its address; nothing maps
# the file), so the file has no padding up to a page boundary.
link = ld.lld -nostdlib -static --gc-sections --nmagic -T $(LINKER_SCRIPT) -o $(1) $(2)

ACCEL ?= tcg
# DISK_OPTS: more -drive options (",readonly=on"). BLKDEBUG=rules.conf puts
# QEMU's blkdebug driver (error injection, rules in that file) under DISK.
DISK_FILE = $(if $(BLKDEBUG),blkdebug:$(BLKDEBUG):)$(DISK)
DISK_ARGS = -drive file=$(DISK_FILE),if=none,id=hd0,format=raw$(DISK_OPTS)
# NETDEV: another -netdev for net0 than the user network (a test's
# "-netdev dgram,id=net0,..." wire to a hosted kernel).
# GW_PORT and ECHO_PORT (set by `make run`: 7000 and 8889) forward host
# ports to the realm gateway and the echo realm (apps/realms, realms/echo);
# tests give free ports, or none.
REALM_FWD = $(if $(GW_PORT),$(comma)hostfwd=udp::$(GW_PORT)-:7000)$(if \
  $(ECHO_PORT),$(comma)hostfwd=udp::$(ECHO_PORT)-:8889)
NETDEV ?= -netdev user,id=net0,hostfwd=udp::$(PORT)-:8080$(REALM_FWD)
# PCAP=FILE: QEMU's filter-dump writes every frame of net0 to FILE in pcap
# format, both directions (queue=all is its default), whole frames (its
# maxlen is 65536). FILE may not contain a comma (QEMU's option syntax).
PCAP_DUMP = -object filter-dump,id=pcap0,netdev=net0,file=$(PCAP)
PCAP_ARGS = $(if $(PCAP),$(PCAP_DUMP))
NET_ARGS = $(NETDEV) $(PCAP_ARGS)
# VIRTIO_MMIO=modern: the version 2 interface. QEMU 7.2 gives virtio-mmio
# devices the legacy one (version 1) unless force-legacy is turned off.
VIRTIO_MMIO ?= legacy
MMIO_MODERN_legacy :=
MMIO_MODERN_modern := -global virtio-mmio.force-legacy=false
QEMU_DEVICES_mmio = -device virtio-rng-device \
  -device virtio-blk-device,drive=hd0 $(DISK_ARGS) \
  -device virtio-net-device,netdev=net0 $(NET_ARGS) \
  $(MMIO_MODERN_$(VIRTIO_MMIO))
QEMU_DEVICES_pci = -device virtio-rng-pci \
  -device virtio-blk-pci,drive=hd0 $(DISK_ARGS) \
  -device virtio-net-pci,netdev=net0 $(NET_ARGS)
QEMU_COMMON = -m 128M -smp 1 -nographic -nodefaults -no-user-config \
  -no-reboot -serial stdio -accel $(ACCEL)

# qemu_cmd: $(call qemu_cmd,elf)
qemu_cmd = $(QEMU) $(QEMU_MACHINE_$(TRANSPORT)) $(QEMU_COMMON) \
  $(QEMU_DEVICES_$(TRANSPORT)) $(QEMU_EXTRA) -kernel $(1)
run_cmd = $(call qemu_cmd,$(1))
# `make run` only: QEMU forwards PORT on IPv4 alone, so a relay answers
# [::1]:PORT for as long as the recipe's shell (QEMU's parent) lives.
RUN_PREFIX = $(PYTHON) scripts/udp6_relay.py $(PORT) $$$$ &
debug_cmd = $(call qemu_cmd,$(1)) -s -S
