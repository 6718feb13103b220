/* x86.h: what the files of platform/common/x86/ give each other and the two
 * arches (x32, x64). */
#ifndef REALMOS_X86_H
#define REALMOS_X86_H

#include <stdbool.h>
#include <stdint.h>

#include "acpi_parse.h"
#include "arch.h"
#include "frame.h" /* per arch: struct x86_frame, what isr.S saves */

/* uart.c: COM1 */
void x86_uart_init(void);
void x86_uart_flush(void);

/* pic.c: the legacy 8259 pair, remapped and masked */
void x86_pic_disable(void);

/* lapic.c: the local APIC of this CPU */
void x86_lapic_init(void);
void x86_lapic_eoi(void);
uint32_t x86_lapic_id(void);
void x86_lapic_timer_irq(bool on);          /* unmask or mask its LVT */
void x86_lapic_timer_start(uint32_t count); /* one-shot; 0 stops it */
uint32_t x86_lapic_timer_count(void);       /* the current count */

/* pvh.c: the PVH start_info the boot code passes as boot_ctx */
uint64_t x86_pvh_rsdp(const void *boot_ctx);

/* acpi.c: the tables in physical memory (parsers: acpi_parse.h) */
extern const acpi_mem_t x86_acpi_mem;
/* The RSDP at `hint` (from PVH; 0: none), else from the BIOS areas. */
bool x86_acpi_root(uint64_t hint, acpi_root_t *r);
/* The IOAPICs of the MADT */
typedef acpi_ioapic_t x86_ioapic_desc_t;
unsigned x86_acpi_ioapics(uint64_t rsdp, x86_ioapic_desc_t *out, unsigned max);

/* ioapic.c */
void x86_ioapic_init(uint64_t rsdp);
void x86_ioapic_fired(uint32_t irq); /* interrupt context */

/* msi.c: whether a line is an MSI line (edge, nothing to mask) */
bool x86_msi_line(uint32_t irq);

/* pit.c: the i8254 channel 0, for calibration only */
void x86_pit_start(void);
uint16_t x86_pit_read(void);
void x86_pit_stop(void);

/* clock.c: the TSC clock and the LAPIC one-shot timer */
void x86_clock_init(void);

/* trap.c: called by isr.S for every vector */
void x86_trap(struct x86_frame *f);
/* regs.c (per arch): the registers of a panic report */
void x86_print_frame(const struct x86_frame *f);
/* arch.c */
uintptr_t x86_read_cr2(void);

/* idt.c (per arch) */
void x86_idt_init(void);

#endif
