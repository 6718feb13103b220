/* q35.h: how QEMU's q35 machine routes PCI interrupts (q35.c; pure). */
#ifndef REALMOS_X86_Q35_H
#define REALMOS_X86_Q35_H

#include <stdint.h>

#define Q35_NO_IRQ UINT32_MAX /* equals PCI_NO_IRQ (pci.h) */

/* The GSI of INTx pin `pin` (1-4: INTA-INTD) of device `dev` on `bus`, in
 * IOAPIC mode; Q35_NO_IRQ when it is not known. The shape of
 * pci_host_t.intx; ctx is unused. */
uint32_t q35_intx(const void *ctx, uint8_t bus, uint8_t dev, uint8_t pin);

#endif
