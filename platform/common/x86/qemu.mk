# qemu.mk: the QEMU machine lines that x32 and x64 share; each platform.mk
# sets QEMU and includes this.
#
# mmio: microvm with its default firmware (qboot). pit=on because the PIT is
# the calibration reference (clock.c); the rest is microvm's default: COM1 at
# 0x3f8, i8259 (masked), two IOAPICs, ACPI.
QEMU_MACHINE_mmio := -machine microvm,pit=on
# pci: q35 with SeaBIOS. The virtio-net-pci option ROM (iPXE) is never
# used, so it is not loaded.
QEMU_MACHINE_pci := -machine q35 -global virtio-net-pci.romfile=
# graphics=on (after common.mk's -nographic, which sets it off) keeps
# SeaBIOS off the serial port: otherwise QEMU hands it COM1 (fw_cfg
# etc/sercon-port) and it writes a terminal reset, which also turns off line
# wrap, its banner, and "Booting from ROM.." with no newline before ours.
# There is still no display: -nodefaults adds none. qboot prints nothing.
# isa-debug-exit: poweroff with a status (poweroff.c); ISA, so on both
# machines. QEMU's default CPU model under KVM too: -cpu host is refused on
# hosts whose KVM will not take the host's MSRs ("failed to set MSR 0x10a",
# IA32_ARCH_CAPABILITIES), and the kernel needs nothing beyond SSE2.
QEMU_EXTRA = -machine graphics=on \
             -device isa-debug-exit,iobase=0xf4,iosize=0x04
