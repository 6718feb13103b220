/* pci_msix.h: MSI-X for a PCI function, one message for all of its
 * interrupts (pci_msix.c). */
#ifndef REALMOS_VIRTIO_PCI_MSIX_H
#define REALMOS_VIRTIO_PCI_MSIX_H

#include "driver_platform.h"

/* If the function has an MSI-X capability whose table fits its BAR, and the
 * platform gives an MSI (drv_msi_alloc): program table entry 0 with the
 * message, unmask it, enable MSI-X. Returns the capability's offset and the
 * platform line in *line; 0 (and the function still on INTx) otherwise. */
uint8_t pci_msix_enable(const pci_function_t *f, uint32_t *line);

/* Back to INTx: clear MSI-X enable in the capability at `cap` of the
 * function whose config space is at `cfg`. */
void pci_msix_disable(uintptr_t cfg, uint8_t cap);

#endif
