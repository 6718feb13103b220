/* vectors.h: how the 256 interrupt vectors are used. Included by C and by
 * the assembly of each arch, so: macros only.
 *
 *   0x00-0x1f  CPU exceptions: a panic report
 *   0x20-0x2f  the legacy 8259 PICs, remapped here and masked (never taken)
 *   0x30-0x5f  IOAPIC inputs: vector 0x30 + GSI, so the vector gives the line
 *   0x60-0x6f  MSI lines 48-63 (msi.c): vector 0x30 + line, like the GSIs
 *   0xef       LAPIC timer (one-shot)
 *   0xff       LAPIC spurious interrupt (no EOI)
 * A vector without a gate raises #NP, whose error code names it. */
#ifndef REALMOS_X86_VECTORS_H
#define REALMOS_X86_VECTORS_H

#define X86_VEC_PIC_BASE 0x20
#define X86_VEC_IRQ_BASE 0x30
#define X86_IRQ_LINES 48 /* GSIs 0-47: two 24-pin IOAPICs (microvm has two) */
/* Lines after the GSIs are MSI messages, edge-triggered (msi.c). */
#define X86_MSI_LINES 16
#define X86_MSI_LINE_BASE X86_IRQ_LINES
#define X86_VEC_TIMER 0xef
#define X86_VEC_SPURIOUS 0xff

/* Each arch's isr.S has one 16-byte entry stub per vector below
 * X86_STUB_COUNT, at x86_isr_stubs + 16 * vector, plus one for the timer. */
#define X86_STUB_COUNT (X86_VEC_IRQ_BASE + X86_IRQ_LINES + X86_MSI_LINES)
#define X86_STUB_SIZE 16

#endif
