/* lapic.c: the local APIC, in xAPIC mode (MMIO). Its base comes from the
 * IA32_APIC_BASE MSR (0x1b; QEMU: 0xfee00000). The timer is used one-shot,
 * with the input clock divided by 16: QEMU's LAPIC counts at 1 GHz before the
 * divider, so 62.5 MHz and up to 68 s per arming; clock.c measures the real
 * rate rather than trusting that. */
#include "io.h"
#include "vectors.h"
#include "x86.h"

#define MSR_APIC_BASE 0x1b
#define APIC_BASE_X2APIC (1u << 10) /* firmware might have left it on */
#define APIC_BASE_ENABLE (1u << 11)

#define REG_ID 0x020
#define REG_TPR 0x080 /* task priority */
#define REG_EOI 0x0b0
#define REG_SVR 0x0f0 /* spurious vector; bit 8 enables the APIC */
#define REG_LVT_TIMER 0x320
#define REG_LVT_LINT0 0x350
#define REG_LVT_LINT1 0x360
#define REG_LVT_ERROR 0x370
#define REG_TIMER_INIT 0x380
#define REG_TIMER_CUR 0x390
#define REG_TIMER_DIV 0x3e0

#define LVT_MASKED (1u << 16)
#define LVT_NMI (4u << 8) /* delivery mode NMI */
#define SVR_ENABLE (1u << 8)
#define DIV_16 0x3

static uintptr_t g_base;

static uint32_t rd(uint32_t reg) { return x86_mmio_read32(g_base + reg); }
static void wr(uint32_t reg, uint32_t v) { x86_mmio_write32(g_base + reg, v); }

void x86_lapic_init(void) {
  uint64_t msr = x86_rdmsr(MSR_APIC_BASE);
  if (msr & APIC_BASE_X2APIC) /* back to xAPIC only through disabled */
    x86_wrmsr(MSR_APIC_BASE, msr & ~(APIC_BASE_ENABLE | APIC_BASE_X2APIC));
  msr &= ~(uint64_t)APIC_BASE_X2APIC;
  x86_wrmsr(MSR_APIC_BASE, msr | APIC_BASE_ENABLE);
  g_base = (uintptr_t)(msr & 0xfffff000u);
  wr(REG_SVR, SVR_ENABLE | X86_VEC_SPURIOUS);
  wr(REG_TPR, 0);                /* accept every priority */
  wr(REG_LVT_LINT0, LVT_MASKED); /* the 8259's ExtINT */
  wr(REG_LVT_LINT1, LVT_NMI);    /* NMI stays NMI */
  wr(REG_LVT_ERROR, LVT_MASKED);
  wr(REG_TIMER_DIV, DIV_16);
  wr(REG_TIMER_INIT, 0); /* stopped */
  wr(REG_LVT_TIMER, LVT_MASKED | X86_VEC_TIMER);
}

/* Any value ends the interrupt in service. */
void x86_lapic_eoi(void) { wr(REG_EOI, 0); }

uint32_t x86_lapic_id(void) { return rd(REG_ID) >> 24; }

/* One-shot mode (LVT timer mode 00): interrupts once when the count
 * reaches zero. Masked, it still counts: what calibration needs. */
void x86_lapic_timer_irq(bool on) {
  wr(REG_LVT_TIMER, (on ? 0 : LVT_MASKED) | X86_VEC_TIMER);
}

/* Writing the initial count restarts the countdown; 0 stops it. */
void x86_lapic_timer_start(uint32_t count) { wr(REG_TIMER_INIT, count); }

uint32_t x86_lapic_timer_count(void) { return rd(REG_TIMER_CUR); }
