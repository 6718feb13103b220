/* dt_irq.c: interrupt specifiers by controller (devicetree bindings):
 *  - GICv2 (arm,cortex-a15-gic and kin), #interrupt-cells = 3:
 *    <type number flags>, type 0 = SPI (INTID 32 + n, n < 988),
 *    type 1 = PPI (INTID 16 + n, n < 16). QEMU's ARM virt.
 *  - PLIC (riscv,plic0 / sifive,plic-1.0.0), #interrupt-cells = 1 (some
 *    trees give 2, the second being flags): <source>, 1..1023. QEMU's
 *    RISC-V virt. */
#include "dt_irq.h"

static const char *const gic_compat[] = {
    "arm,cortex-a15-gic",
    "arm,cortex-a9-gic",
    "arm,cortex-a7-gic",
    "arm,gic-400",
};

static const char *const plic_compat[] = {"riscv,plic0", "sifive,plic-1.0.0"};

static bool any_compatible(const fdt_t *t, int node, const char *const *c,
                           unsigned n) {
  for (unsigned i = 0; i < n; i++)
    if (fdt_is_compatible(t, node, c[i]))
      return true;
  return false;
}

bool dt_irq_line(const fdt_t *t, const fdt_irq_t *irq, uint32_t *line) {
  if (any_compatible(t, irq->ctrl, gic_compat,
                     sizeof gic_compat / sizeof gic_compat[0])) {
    if (irq->cells != 3)
      return false;
    uint32_t type = irq->cell[0], n = irq->cell[1];
    if (type == 0 && n < 988)
      *line = 32 + n;
    else if (type == 1 && n < 16)
      *line = 16 + n;
    else
      return false;
    return true;
  }
  if (any_compatible(t, irq->ctrl, plic_compat,
                     sizeof plic_compat / sizeof plic_compat[0])) {
    if (irq->cells < 1 || irq->cells > 2 || irq->cell[0] == 0 ||
        irq->cell[0] > 1023)
      return false;
    *line = irq->cell[0];
    return true;
  }
  return false;
}
