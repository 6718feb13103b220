/* arm_cpu.h (arm32): the ARMv7-A instructions behind platform/common/arm/.
 * realmos runs in SVC mode (QEMU virt without EL2 and EL3 resets the CPU
 * into it). The generic timer is reached through CP15 (c14). */
#ifndef REALMOS_ARM32_CPU_H
#define REALMOS_ARM32_CPU_H

#include <stdint.h>

#define CPSR_I (1u << 7) /* IRQs masked */

/* Mask IRQs; returns 1 if they were unmasked before. */
static inline uint32_t cpu_irq_save(void) {
  uint32_t cpsr;
  __asm__ volatile("mrs %0, cpsr\n\tcpsid i" : "=r"(cpsr)::"memory");
  return (cpsr & CPSR_I) ? 0 : 1;
}

static inline void cpu_irq_enable(void) {
  __asm__ volatile("cpsie i" ::: "memory");
}

static inline void cpu_irq_disable(void) {
  __asm__ volatile("cpsid i" ::: "memory");
}

static inline void cpu_wfi(void) { __asm__ volatile("wfi" ::: "memory"); }

/* IRQs masked: sleep until one is pending (wfi wakes on a pending interrupt
 * even while CPSR.I masks it), open the mask so it is taken, close it. */
static inline void cpu_wait_then_take(void) {
  __asm__ volatile("dsb\n\twfi\n\tcpsie i\n\tisb\n\tcpsid i" ::: "memory");
}

/* CNTVCT, 64 bits: MRRC p15, 1, lo, hi, c14. The isb keeps the read from
 * being taken early. */
static inline uint64_t cpu_counter(void) {
  uint32_t lo, hi;
  __asm__ volatile("isb\n\tmrrc p15, 1, %0, %1, c14"
                   : "=r"(lo), "=r"(hi)::"memory");
  return ((uint64_t)hi << 32) | lo;
}

/* CNTFRQ: MRC p15, 0, r, c14, c0, 0. */
static inline uint64_t cpu_counter_freq(void) {
  uint32_t v;
  __asm__ volatile("mrc p15, 0, %0, c14, c0, 0" : "=r"(v));
  return v;
}

/* CNTV_CVAL (MCRR p15, 3, lo, hi, c14): the interrupt condition is count >=
 * compare value. CNTV_CTL (MCR p15, 0, r, c14, c3, 1): bit 0 ENABLE, bit 1
 * IMASK, bit 2 ISTATUS (read only). */
static inline void cpu_timer_set(uint64_t cval) {
  __asm__ volatile("mcrr p15, 3, %0, %1, c14\n\t"
                   "mcr p15, 0, %2, c14, c3, 1\n\t"
                   "isb" ::"r"((uint32_t)cval),
                   "r"((uint32_t)(cval >> 32)), "r"(1u)
                   : "memory");
}

static inline void cpu_timer_off(void) {
  __asm__ volatile("mcr p15, 0, %0, c14, c3, 1\n\tisb" ::"r"(0u) : "memory");
}

/* PSCI through HVC (the conduit QEMU's virt advertises without EL2/EL3):
 * function id in r0, result in r0. */
static inline int32_t cpu_psci_call(uint32_t fid) {
  register uint32_t r0 __asm__("r0") = fid;
  __asm__ volatile(".arch_extension virt\n\thvc #0"
                   : "+r"(r0)::"r1", "r2", "r3", "memory");
  return (int32_t)r0;
}

#endif
