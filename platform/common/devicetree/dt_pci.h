/* dt_pci.h: a PCI host bridge from its device-tree node. */
#ifndef REALMOS_DT_PCI_H
#define REALMOS_DT_PCI_H

#include "fdt.h"
#include "pci.h"

/* Fill `host` from the pci-host-ecam-generic node `node`: the ECAM window
 * (reg), bus-range, the memory windows (ranges) and INTx routing through
 * interrupt-map. The tree must stay in place while `host` is used; its
 * intx reads a static copy of the node: enumerate a host before filling
 * the next. False if the node cannot be used. */
bool dt_pci_host(const fdt_t *t, int node, pci_host_t *host);

#endif
