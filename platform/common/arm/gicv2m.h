/* gicv2m.h: MSI on the GICv2 through a GICv2m frame (gicv2m.c). */
#ifndef REALMOS_ARM_GICV2M_H
#define REALMOS_ARM_GICV2M_H

#include <stdbool.h>
#include <stdint.h>

/* Find the frame in the device tree at `fdt` and read which SPIs it
 * drives; without one, arch_msi_alloc gives nothing (PCI stays on INTx). */
void gicv2m_init(const void *fdt);
/* Whether an INTID is one of the frame's SPIs (an MSI: edge-triggered). */
bool gicv2m_owns(uint32_t intid);

#endif
