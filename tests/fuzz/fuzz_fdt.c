/* fuzz_fdt.c: libFuzzer harness for lib/fdt.c, the device-tree parser that
 * reads what firmware (QEMU) hands an ARM or RISC-V kernel at boot. Each
 * input is a blob; the harness opens it and walks it the way
 * platform/common/devicetree/ does: every node, its name and parent, the
 * properties discovery reads, reg and ranges entries, interrupts, phandles
 * and interrupt maps. Seeds: the QEMU 7.2 device trees in tests/data/.
 *
 * The input is copied into a buffer of exactly its size, so ASan sees any
 * read past its end. A walk must end: the node count is bounded by the
 * blob's size, and the harness aborts beyond that. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fdt.h"

static void walk_node(const fdt_t *t, int n) {
  fdt_prop_t p;
  uint32_t v, a, s;
  uint64_t addr, size;
  fdt_range_t r;
  fdt_irq_t irq;
  const char *name = fdt_name(t, n);
  if (name != NULL && strlen(name) > t->size)
    abort();
  fdt_parent(t, n);
  fdt_prop(t, n, "compatible", &p);
  fdt_prop_u32(t, n, "phandle", &v);
  fdt_bus_cells(t, n, &a, &s);
  fdt_is_compatible(t, n, "virtio,mmio");
  for (uint32_t i = 0; i < 4; i++) {
    fdt_reg(t, n, i, &addr, &size);
    fdt_range(t, n, i, &r);
    fdt_interrupt(t, n, i, &irq);
  }
  int ip = fdt_interrupt_parent(t, n);
  if (ip >= 0)
    fdt_prop_u32(t, ip, "#interrupt-cells", &v);
  uint32_t unit[FDT_MAX_CELLS] = {0}, spec[FDT_MAX_CELLS] = {1, 0};
  fdt_interrupt_map(t, n, unit, spec, &irq);
  if (fdt_prop(t, n, "interrupt-parent", &p) && p.len >= 4)
    fdt_find_phandle(t, fdt_cell(&p, 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint8_t *blob = malloc(size ? size : 1);
  if (blob == NULL)
    return 0;
  memcpy(blob, data, size);
  fdt_t t;
  if (fdt_open(&t, blob, size) == FDT_OK) {
    size_t nodes = 0;
    for (int n = fdt_next_node(&t, -1); n >= 0; n = fdt_next_node(&t, n)) {
      if (++nodes > size)
        abort(); /* a walk that does not advance */
      walk_node(&t, n);
    }
    fdt_find_compatible(&t, -1, "pci-host-ecam-generic");
    fdt_find_compatible(&t, -1, "arm,gic-v2m-frame");
  }
  free(blob);
  return 0;
}
