/* gicv2m.c: arch_msi_alloc (arch.h) on ARM: the GICv2m MSI frame, which
 * turns a device's write into an SPI (ARM Server Base System Architecture,
 * GICv2m appendix).
 *
 * Frame registers: MSI_TYPER at +0x008, bits 25:16 the INTID of the first
 * SPI it drives, bits 9:0 how many; MSI_SETSPI_NS at +0x040: writing an
 * INTID of that range makes the SPI pending, once, as an edge. So the
 * message of a line is address frame + 0x40, data the line's INTID, and
 * the line is set edge-triggered at the distributor (gicv2.c): a pending
 * edge stays latched, nothing needs masking.
 *
 * QEMU 7.2's virt with gic-version=2 has one frame at 0x08020000 driving
 * SPIs 48-111 (INTIDs 80-143); its device tree says so in a node with
 * compatible "arm,gic-v2m-frame" under the GIC, whose reg is the frame. A
 * device's writes reach it directly: the virt PCIe host has no IOMMU. */
#include "gicv2m.h"

#include "arch.h"
#include "fdt.h"
#include "mmio.h"

#define MSI_TYPER 0x008
#define MSI_SETSPI_NS 0x040
#define FRAME_SIZE 0x1000u
#define FIRST_SPI_INTID 32u
#define MAX_INTID 1019u
#define FDT_MAX_SIZE 0x100000u /* as in devicetree/discover.c */

static uintptr_t g_frame; /* 0: none */
static uint32_t g_first, g_count, g_used;

void gicv2m_init(const void *fdt) {
  fdt_t t;
  uint64_t base, size;
  if (fdt_open(&t, fdt, FDT_MAX_SIZE) != FDT_OK)
    return;
  int n = fdt_find_compatible(&t, -1, "arm,gic-v2m-frame");
  if (n < 0 || !fdt_reg(&t, n, 0, &base, &size) || size < FRAME_SIZE ||
      base > UINTPTR_MAX - FRAME_SIZE)
    return;
  uint32_t typer = mmio_read32((uintptr_t)base + MSI_TYPER);
  uint32_t first = (typer >> 16) & 0x3ffu, count = typer & 0x3ffu;
  /* Outside input: only SPIs the distributor can name. */
  if (first < FIRST_SPI_INTID || first > MAX_INTID ||
      count > MAX_INTID + 1 - first)
    return;
  g_frame = (uintptr_t)base;
  g_first = first;
  g_count = count;
  klog(KLOG_DEBUG, "gicv2m: frame %p, INTIDs %u-%u\n", (void *)g_frame, first,
       first + count - 1);
}

bool gicv2m_owns(uint32_t intid) {
  return g_frame && intid >= g_first && intid - g_first < g_count;
}

bool arch_msi_alloc(uint32_t *line, uint64_t *addr, uint32_t *data) {
  if (!g_frame || g_used == g_count)
    return false;
  *line = g_first + g_used++;
  *addr = (uint64_t)g_frame + MSI_SETSPI_NS;
  *data = *line;
  return true;
}
