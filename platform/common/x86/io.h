/* io.h: x86 port I/O, MSRs, the TSC and MMIO access, as inline helpers.
 *
 * Under KVM every in/out and every access to an emulated device's MMIO is a
 * VM exit: keep them out of hot paths (the loop, interrupt handlers) except
 * where the hardware leaves no choice (LAPIC EOI, the timer). */
#ifndef REALMOS_X86_IO_H
#define REALMOS_X86_IO_H

#include <stdint.h>

static inline void x86_outb(uint16_t port, uint8_t v) {
  __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline uint8_t x86_inb(uint16_t port) {
  uint8_t v;
  __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
  return v;
}

static inline uint64_t x86_rdmsr(uint32_t msr) {
  uint32_t lo, hi;
  __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
  return ((uint64_t)hi << 32) | lo;
}

static inline void x86_wrmsr(uint32_t msr, uint64_t v) {
  __asm__ volatile("wrmsr"
                   :
                   : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
                   : "memory");
}

/* The time-stamp counter. Not serializing; one CPU reads it, so successive
 * reads never go backwards. */
static inline uint64_t x86_rdtsc(void) {
  uint32_t lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return ((uint64_t)hi << 32) | lo;
}

/* 32-bit device registers (LAPIC, IOAPIC): always one 32-bit access. */
static inline uint32_t x86_mmio_read32(uintptr_t addr) {
  return *(volatile uint32_t *)addr;
}

static inline void x86_mmio_write32(uintptr_t addr, uint32_t v) {
  *(volatile uint32_t *)addr = v;
}

#endif
