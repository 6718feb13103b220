/* virt.h: the parts of QEMU's `virt` board (hw/arm/virt.c memory map) that
 * the ARM platforms use. The map is the same for qemu-system-arm and
 * qemu-system-aarch64; the device tree at RAM_BASE says the same thing, these
 * are the fixed values so the console works before anything is parsed. */
#ifndef REALMOS_ARM_VIRT_H
#define REALMOS_ARM_VIRT_H

#define VIRT_GICD_BASE 0x08000000u /* GICv2 distributor, 64 KiB */
#define VIRT_GICC_BASE 0x08010000u /* GICv2 CPU interface, 64 KiB */
#define VIRT_UART_BASE 0x09000000u /* PL011, 4 KiB, SPI 1 (INTID 33) */
/* RAM. QEMU puts the device tree (1 MiB) here for a non-Linux ELF, so the
 * kernel is linked at 0x40200000. */
#define VIRT_RAM_BASE 0x40000000u

/* Generic timer interrupts are PPIs, INTID = 16 + PPI number: secure
 * physical 29, non-secure physical 30, virtual 27, hypervisor 26. realmos
 * uses the virtual timer (CNTV_*): with no EL2, CNTVOFF is 0 and the virtual
 * count equals the physical one. */
#define VIRT_TIMER_INTID 27u

/* PSCI function id SYSTEM_OFF (SMC32 convention, valid from AArch64 too).
 * QEMU's virt without EL2 and EL3 implements PSCI itself and its device tree
 * says method = "hvc": the conduit is the HVC instruction. (With
 * virtualization=on it would be SMC; with secure=on, firmware's job.) */
#define PSCI_SYSTEM_OFF 0x84000008u

#endif
