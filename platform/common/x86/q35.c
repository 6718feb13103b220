/* q35.c: the PCI INTx routing of QEMU 7.2's q35 machine, in IOAPIC mode.
 *
 * Facts, read from the _PRT of the DSDT QEMU 7.2 builds for q35 (its
 * package PRTA, used when the OS runs the IOAPIC; captured in
 * tests/data/x86-q35-tables.bin) and the link devices it names:
 *  - the ICH9 routes each INTx to one of the links PIRQ A-H (ACPI devices
 *    GSIA-GSIH), whose _CRS are the fixed GSIs 16-23, level, active high;
 *  - bus 0, slots 0-24 and 30: INTA-INTD of slot s go to PIRQ E + (s + pin
 *    - 1) mod 4 for slots 0-24, PIRQ E + pin - 1 for slot 30;
 *  - bus 0, slots 25-29 and 31 (the chipset's own functions): INTA-INTD go
 *    to PIRQ A-D.
 * The interrupt-line register of config space holds what SeaBIOS wrote for
 * the 8259 (10 or 11), which is wrong in IOAPIC mode, so it is not used.
 * Functions behind a bridge (bus > 0) would take the bridge's swizzle;
 * -nodefaults with plain -device virtio-*-pci puts none there, so they get
 * Q35_NO_IRQ for now. */
#include "q35.h"

#define GSI_PIRQ_A 16u
#define PIRQ_E 4u

uint32_t q35_intx(const void *ctx, uint8_t bus, uint8_t dev, uint8_t pin) {
  (void)ctx;
  if (bus != 0 || dev > 31 || pin < 1 || pin > 4)
    return Q35_NO_IRQ;
  uint32_t i = pin - 1u, pirq;
  if (dev <= 24)
    pirq = PIRQ_E + (dev + i) % 4;
  else if (dev == 30)
    pirq = PIRQ_E + i;
  else
    pirq = i;
  return GSI_PIRQ_A + pirq;
}
