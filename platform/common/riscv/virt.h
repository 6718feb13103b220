/* virt.h: the memory map of QEMU's riscv virt board (QEMU 7.2), as its device
 * tree reports it (-machine virt,dumpdtb=f). */
#ifndef REALMOS_RISCV_VIRT_H
#define REALMOS_RISCV_VIRT_H

#define VIRT_TEST 0x00100000u  /* sifive,test0: the exit device (poweroff.c) */
#define VIRT_CLINT 0x02000000u /* riscv,clint0: mtimecmp, mtime (clint.h) */
#define VIRT_PLIC 0x0c000000u  /* riscv,plic0: external interrupts (plic.c) */
#define VIRT_UART0 0x10000000u /* ns16550a, PLIC line 10 (uart.c) */
#define VIRT_DRAM 0x80000000u  /* RAM; -bios none starts here (link.ld) */

/* /cpus/timebase-frequency: mtime counts at 10 MHz. Used when the device
 * tree cannot be read. */
#define VIRT_TIMEBASE_HZ 10000000u

#endif
