/* dt_irq.h: an interrupt specifier from the device tree, as the number the
 * platform's interrupt controller (and platform_irq_route) uses. The one
 * place where ARM and RISC-V differ in discovery. */
#ifndef REALMOS_DT_IRQ_H
#define REALMOS_DT_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#include "fdt.h"

/* The line of `irq`: a GIC INTID, or a PLIC source number. False if the
 * controller is not one realmos drives or the specifier is out of range. */
bool dt_irq_line(const fdt_t *t, const fdt_irq_t *irq, uint32_t *line);

#endif
