/* plic.c: the RISC-V PLIC at VIRT_PLIC, context 0 (hart 0, M-mode; virt's
 * device tree: interrupts-extended = <&hart0 11 &hart0 9>, so context 1 is
 * hart 0's S-mode). Register map (PLIC spec 1.0):
 *
 *   0x000000 + 4*n                    priority of source n (0 = never)
 *   0x002000 + 0x80*ctx + 4*(n/32)    enable bits of a context
 *   0x200000 + 0x1000*ctx             priority threshold of a context
 *   0x200004 + 0x1000*ctx             read: claim (0 = none); write: complete
 *
 * Sources are 1..1023 (virt: riscv,ndev = 96; virtio-mmio 1-8, UART 10,
 * PCIe INTx 32-35). Devices are level-triggered: after completion the gateway
 * raises the line again while the device still asserts it, and the device is
 * only acknowledged later, by its driver, in the loop. So the handler masks
 * each line it completes (after completing: the PLIC ignores a completion
 * for a disabled source), and the loop unmasks them (arch_irq_rearm, at the
 * start of platform_wfi) once the devices it raised have been polled.
 * Without that, the same interrupt would be taken again and again and the
 * loop would never run.
 *
 * QEMU 7.2's PLIC differs from the spec in two ways that matter here:
 *  - it recomputes the hart's interrupt line on priority, threshold, claim
 *    and complete accesses, not on enable writes: after changing enable bits
 *    we write the threshold again (same value), or a line already pending
 *    would not interrupt until something else came;
 *  - a source is pending when the device last signalled its line high; a
 *    claim clears that and a completion does not set it again. A device left
 *    asserted is not seen again until it signals anew, so a driver's poll
 *    must acknowledge the device and then reap everything it has. */
#include "plic.h"
#include "arch.h"
#include "irq_ring.h"
#include "mmio.h"
#include "virt.h"

#define PLIC_CTX 0
#define PLIC_SOURCES 1024 /* ids 0..1023; 0 means "no interrupt" */
#define PLIC_WORDS (PLIC_SOURCES / 32)
#define PLIC_PRIORITY(n) (VIRT_PLIC + 4u * (n))
#define PLIC_ENABLE(w) (VIRT_PLIC + 0x2000u + 0x80u * PLIC_CTX + 4u * (w))
#define PLIC_THRESHOLD (VIRT_PLIC + 0x200000u + 0x1000u * PLIC_CTX)
#define PLIC_CLAIM (VIRT_PLIC + 0x200004u + 0x1000u * PLIC_CTX)

/* Lines routed by the loop. The enable registers hold these minus the ones
 * plic_irq masked since the last arch_irq_rearm. */
static uint32_t g_routed[PLIC_WORDS];
static uint32_t g_words; /* enable words in use: 1 + highest routed / 32 */
static volatile bool g_masked; /* plic_irq masked a line */

/* Make the PLIC look at its enable bits again (see above). */
static void plic_update(void) { mmio_write32(PLIC_THRESHOLD, 0); }

void plic_init(void) {
  for (uint32_t w = 0; w < PLIC_WORDS; w++)
    mmio_write32(PLIC_ENABLE(w), 0);
  mmio_write32(PLIC_THRESHOLD, 0); /* any priority >= 1 interrupts */
}

void arch_irq_unmask(uint32_t irq) {
  if (irq == 0 || irq >= PLIC_SOURCES)
    return;
  uint32_t s = arch_irq_save(); /* plic_irq changes the same registers */
  uint32_t w = irq / 32;
  mmio_write32(PLIC_PRIORITY(irq), 1);
  g_routed[w] |= 1u << (irq % 32);
  if (w + 1 > g_words)
    g_words = w + 1;
  mmio_write32(PLIC_ENABLE(w), mmio_read32(PLIC_ENABLE(w)) | 1u << (irq % 32));
  plic_update();
  arch_irq_restore(s);
}

void plic_irq(void) {
  uint32_t irq;
  while ((irq = mmio_read32(PLIC_CLAIM)) != 0) {
    irq_ring_push(irq);
    mmio_write32(PLIC_CLAIM, irq); /* complete */
    if (irq < PLIC_SOURCES) {
      uint32_t w = irq / 32;
      mmio_write32(PLIC_ENABLE(w),
                   mmio_read32(PLIC_ENABLE(w)) & ~(1u << (irq % 32)));
      g_masked = true;
    }
  }
}

void arch_irq_rearm(void) {
  if (!g_masked)
    return;
  uint32_t s = arch_irq_save();
  g_masked = false;
  for (uint32_t w = 0; w < g_words; w++)
    mmio_write32(PLIC_ENABLE(w), g_routed[w]);
  plic_update();
  arch_irq_restore(s);
}

/* No MSI: QEMU 7.2's RISC-V virt without AIA has no MSI controller, so PCI
 * functions keep their INTx lines (PCIe INTx 32-35 above). */
bool arch_msi_alloc(uint32_t *line, uint64_t *addr, uint32_t *data) {
  (void)line, (void)addr, (void)data;
  return false;
}
