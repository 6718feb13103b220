/* gicv2.c: see gicv2.h. Register map from the GICv2 architecture
 * specification (IHI 0048B). QEMU's virt board has no security extensions
 * here (secure=off): one security state, GICD_CTLR bit 0 enables group 0. */
#include "gicv2.h"

#include "mmio.h"
#include "virt.h"

/* Distributor */
#define GICD_CTLR 0x000       /* bit 0: forward group 0 interrupts */
#define GICD_TYPER 0x004      /* bits 4:0: lines = 32 * (N + 1) */
#define GICD_ISENABLER 0x100  /* 1 bit per INTID, write 1 to enable */
#define GICD_ICENABLER 0x180  /* write 1 to disable */
#define GICD_ICPENDR 0x280    /* write 1 to clear pending */
#define GICD_IPRIORITYR 0x400 /* 1 byte per INTID, lower is more urgent */
#define GICD_ITARGETSR 0x800  /* 1 byte per INTID, bit n = CPU n (SPIs) */
#define GICD_ICFGR 0xc00      /* 2 bits per INTID, upper bit 1 = edge */

/* CPU interface */
#define GICC_CTLR 0x00 /* bit 0: signal group 0 interrupts (as IRQ) */
#define GICC_PMR 0x04  /* priority mask: only priorities below it signal */
#define GICC_BPR 0x08  /* binary point: 0 = no preemption groups used */
#define GICC_IAR 0x0c  /* read: acknowledge, bits 9:0 INTID */
#define GICC_EOIR 0x10 /* write the IAR value: end of interrupt */

#define D(off) (VIRT_GICD_BASE + (off))
#define C(off) (VIRT_GICC_BASE + (off))

#define PRIORITY 0xa0u /* every line the same; no nesting anyway */
#define PRIORITY4 (PRIORITY * 0x01010101u)
#define MAX_LINES 1020u

static uint32_t g_lines; /* lines the distributor has */
static uint32_t g_held[MAX_LINES / 32 + 1];

void gic_init(void) {
  mmio_write32(D(GICD_CTLR), 0);
  mmio_write32(C(GICC_CTLR), 0);
  g_lines = 32 * ((mmio_read32(D(GICD_TYPER)) & 0x1f) + 1);
  if (g_lines > MAX_LINES)
    g_lines = MAX_LINES;
  for (uint32_t i = 0; i < g_lines; i += 32) {
    mmio_write32(D(GICD_ICENABLER + i / 8), 0xffffffffu);
    mmio_write32(D(GICD_ICPENDR + i / 8), 0xffffffffu);
  }
  for (uint32_t i = 0; i < g_lines; i += 4)
    mmio_write32(D(GICD_IPRIORITYR + i), PRIORITY4);
  mmio_write32(D(GICD_CTLR), 1);
  mmio_write32(C(GICC_PMR), 0xf0);
  mmio_write32(C(GICC_BPR), 0);
  mmio_write32(C(GICC_CTLR), 1);
}

void gic_enable(uint32_t intid, bool edge) {
  if (intid >= g_lines)
    return;
  if (intid >= 32) {
    /* Target CPU 0: byte intid of ITARGETSR, written as its word. */
    uintptr_t t = D(GICD_ITARGETSR + (intid & ~3u));
    uint32_t shift = (intid % 4) * 8;
    mmio_write32(t, (mmio_read32(t) & ~(0xffu << shift)) | (1u << shift));
    /* The upper bit of the line's 2-bit field: 1 edge, 0 level. */
    uintptr_t c = D(GICD_ICFGR + (intid / 16) * 4);
    uint32_t bit = 2u << ((intid % 16) * 2);
    mmio_write32(c, edge ? mmio_read32(c) | bit : mmio_read32(c) & ~bit);
  }
  mmio_write32(D(GICD_ISENABLER + (intid / 32) * 4), 1u << (intid % 32));
}

uint32_t gic_ack(void) { return mmio_read32(C(GICC_IAR)); }

void gic_eoi(uint32_t iar) { mmio_write32(C(GICC_EOIR), iar); }

void gic_hold(uint32_t intid) {
  if (intid >= g_lines)
    return;
  mmio_write32(D(GICD_ICENABLER + (intid / 32) * 4), 1u << (intid % 32));
  g_held[intid / 32] |= 1u << (intid % 32);
}

void gic_release(void) {
  for (uint32_t w = 0; w < (g_lines + 31) / 32; w++) {
    if (g_held[w]) {
      mmio_write32(D(GICD_ISENABLER + w * 4), g_held[w]);
      g_held[w] = 0;
    }
  }
}
