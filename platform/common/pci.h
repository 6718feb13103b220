/* pci.h: PCI Express functions, found by walking an ECAM window.
 *
 * Discovery finds a host bridge (the device tree's pci-host-ecam-generic
 * node, or ACPI's MCFG) and fills a pci_host_t; pci_enumerate walks its
 * buses, sizes every memory BAR and assigns the ones firmware left at zero
 * from the host's windows, turns on memory decoding and bus mastering, works
 * out each function's INTx line, and calls `found` for each function. */
#ifndef REALMOS_PCI_H
#define REALMOS_PCI_H

#include "driver_platform.h"
#include "platform.h"

typedef struct {
  uintptr_t ecam; /* config space of bus_start */
  uint8_t bus_start, bus_end;
  /* Windows for BARs firmware did not assign (size 0: none). pci_addr is
   * what the device is programmed with; cpu_addr is where the CPU sees it. */
  uint64_t mem32_cpu, mem32_pci, mem32_size;
  uint64_t mem64_cpu, mem64_pci, mem64_size;
  /* The platform line of INTx pin (1..4) of device `dev`; PCI_NO_IRQ if
   * none. Device tree: the interrupt-map; x86: the _PRT or the fixed q35
   * routing. */
  uint32_t (*intx)(const void *ctx, uint8_t bus, uint8_t dev, uint8_t pin);
  const void *intx_ctx;
} pci_host_t;

void pci_enumerate(platform_t *p, const pci_host_t *host,
                   void (*found)(platform_t *p, const pci_function_t *f));

/* Config space access and capabilities: driver_platform.h, which pci.c
 * implements. */

#endif
