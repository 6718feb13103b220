/* plic.h: external interrupts through the PLIC (plic.c). arch_irq_unmask
 * (arch.h) routes a line to this hart; arch_irq_rearm unmasks the lines
 * plic_irq masked. */
#ifndef REALMOS_RISCV_PLIC_H
#define REALMOS_RISCV_PLIC_H

/* Every line off, threshold 0. */
void plic_init(void);
/* Interrupt context: claim, record, complete and mask each pending line. */
void plic_irq(void);

#endif
