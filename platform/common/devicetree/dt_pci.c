/* dt_pci.c: pci-host-ecam-generic (devicetree binding for PCI host
 * bridges, "host-generic-pci"):
 *  - reg: the ECAM window of the buses in bus-range (1 MiB per bus), whose
 *    first bus sits at its start;
 *  - bus-range = <first last>, buses 0..255 when absent;
 *  - ranges: child addresses are 3 cells, phys.hi then the 64-bit PCI
 *    address; bits 25:24 of phys.hi are the space (1 I/O, 2 32-bit memory,
 *    3 64-bit memory), bit 30 prefetchable;
 *  - interrupt-map: child unit address = phys.hi with bus << 16 | dev << 11
 *    | fn << 8 (the mask keeps the device bits on QEMU), child specifier =
 *    the pin, 1..4 = INTA..INTD. */
#include "dt_pci.h"

#include "dt_irq.h"
#include "kapi.h"

#define SPACE(hi) (((hi) >> 24) & 3u)
#define SPACE_MEM32 2u
#define SPACE_MEM64 3u
#define MIB 0x100000ull

typedef struct {
  fdt_t t;
  int node;
} nexus_t;

/* What intx reads: the last host filled (enumerate it before the next). */
static nexus_t g_nexus;

static uint32_t dt_intx(const void *ctx, uint8_t bus, uint8_t dev,
                        uint8_t pin) {
  const nexus_t *n = ctx;
  const fdt_t *t = &n->t;
  uint32_t unit[FDT_MAX_CELLS] = {(uint32_t)bus << 16 | (uint32_t)dev << 11};
  uint32_t spec[FDT_MAX_CELLS] = {pin};
  fdt_irq_t irq;
  uint32_t line;
  if (!fdt_interrupt_map(t, n->node, unit, spec, &irq) ||
      !dt_irq_line(t, &irq, &line))
    return PCI_NO_IRQ;
  return line;
}

/* The first range of each memory space that the CPU can address. */
static void windows(const fdt_t *t, int node, pci_host_t *h) {
  fdt_range_t r;
  for (uint32_t i = 0; fdt_range(t, node, i, &r); i++) {
    uint64_t pci = (uint64_t)r.child[1] << 32 | r.child[2];
    uint32_t space = SPACE(r.child[0]);
    if (r.child_cells != 3 || r.size == 0 || r.parent > UINTPTR_MAX ||
        r.size - 1 > UINTPTR_MAX - r.parent) {
      klog(KLOG_DEBUG, "dt: PCI range %u out of reach\n", i);
      continue; /* e.g. the 64-bit window of a 32-bit CPU */
    }
    if (space == SPACE_MEM32 && h->mem32_size == 0) {
      h->mem32_cpu = r.parent, h->mem32_pci = pci, h->mem32_size = r.size;
    } else if (space == SPACE_MEM64 && h->mem64_size == 0) {
      h->mem64_cpu = r.parent, h->mem64_pci = pci, h->mem64_size = r.size;
    }
  }
}

bool dt_pci_host(const fdt_t *t, int node, pci_host_t *host) {
  uint64_t base, size;
  uint32_t ac, sc, ic;
  fdt_prop_t br;
  *host = (pci_host_t){0};
  if (!fdt_reg(t, node, 0, &base, &size) || !fdt_bus_cells(t, node, &ac, &sc) ||
      ac != 3 || !fdt_prop_u32(t, node, "#interrupt-cells", &ic) || ic != 1)
    return false;
  uint32_t first = 0, last = 255;
  if (fdt_prop(t, node, "bus-range", &br)) {
    if (br.len != 8)
      return false;
    first = fdt_cell(&br, 0), last = fdt_cell(&br, 1);
  }
  if (first > last || last > 255)
    return false;
  /* Use only the buses the window holds. */
  if (size < MIB || base > UINTPTR_MAX || size - 1 > UINTPTR_MAX - base)
    return false;
  if (last - first >= size / MIB)
    last = first + (uint32_t)(size / MIB) - 1;
  host->ecam = (uintptr_t)base;
  host->bus_start = (uint8_t)first, host->bus_end = (uint8_t)last;
  windows(t, node, host);
  g_nexus.t = *t, g_nexus.node = node;
  host->intx = dt_intx;
  host->intx_ctx = &g_nexus;
  return true;
}
