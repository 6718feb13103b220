/* arm_cpu.h (arm64): the AArch64 instructions behind platform/common/arm/.
 * realmos runs at EL1 (QEMU virt without EL2 and EL3 starts it there) on
 * SP_EL1. */
#ifndef REALMOS_ARM64_CPU_H
#define REALMOS_ARM64_CPU_H

#include <stdint.h>

#define DAIF_I (1u << 7) /* PSTATE.I in the DAIF register: IRQs masked */

/* Mask IRQs; returns 1 if they were unmasked before. */
static inline uint32_t cpu_irq_save(void) {
  uint64_t daif;
  __asm__ volatile("mrs %0, daif\n\tmsr daifset, #2" : "=r"(daif)::"memory");
  return (daif & DAIF_I) ? 0 : 1;
}

static inline void cpu_irq_enable(void) {
  __asm__ volatile("msr daifclr, #2" ::: "memory");
}

static inline void cpu_irq_disable(void) {
  __asm__ volatile("msr daifset, #2" ::: "memory");
}

static inline void cpu_wfi(void) { __asm__ volatile("wfi" ::: "memory"); }

/* IRQs masked: sleep until one is pending (wfi wakes on a pending interrupt
 * even while PSTATE.I masks it), open the mask so it is taken, close it. */
static inline void cpu_wait_then_take(void) {
  __asm__ volatile("dsb sy\n\twfi\n\tmsr daifclr, #2\n\tisb\n\t"
                   "msr daifset, #2" ::
                       : "memory");
}

/* CNTVCT_EL0: the virtual count; the isb keeps the read from being taken
 * early, before the code that precedes it. */
static inline uint64_t cpu_counter(void) {
  uint64_t v;
  __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v)::"memory");
  return v;
}

/* CNTFRQ_EL0: counter ticks per second. */
static inline uint64_t cpu_counter_freq(void) {
  uint64_t v;
  __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
  return v;
}

/* CNTV_CVAL_EL0: the interrupt condition is count >= compare value.
 * CNTV_CTL_EL0: bit 0 ENABLE, bit 1 IMASK, bit 2 ISTATUS (read only). */
static inline void cpu_timer_set(uint64_t cval) {
  __asm__ volatile(
      "msr cntv_cval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb" ::"r"(cval),
      "r"((uint64_t)1)
      : "memory");
}

static inline void cpu_timer_off(void) {
  __asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
}

/* PSCI through HVC (the conduit QEMU's virt advertises without EL2/EL3):
 * function id in w0, result in x0. */
static inline int64_t cpu_psci_call(uint32_t fid) {
  register uint64_t x0 __asm__("x0") = fid;
  __asm__ volatile("hvc #0" : "+r"(x0)::"x1", "x2", "x3", "memory");
  return (int64_t)x0;
}

#endif
