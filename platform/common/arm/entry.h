/* entry.h: C functions the exception entry stubs (each platform's
 * vectors.S) call. */
#ifndef REALMOS_ARM_ENTRY_H
#define REALMOS_ARM_ENTRY_H

/* An IRQ: interrupts masked, the interrupted code's caller-saved general
 * and FP/SIMD registers saved by the stub (arch.c). */
void arm_irq_handler(void);

#endif
