/* mmio.h: 8- and 32-bit device register access. Volatile accesses to Device
 * memory are not merged, split or reordered against each other. */
#ifndef REALMOS_ARM_MMIO_H
#define REALMOS_ARM_MMIO_H

#include <stdint.h>

static inline uint32_t mmio_read32(uintptr_t addr) {
  return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(uintptr_t addr, uint32_t v) {
  *(volatile uint32_t *)addr = v;
}

static inline void mmio_write8(uintptr_t addr, uint8_t v) {
  *(volatile uint8_t *)addr = v;
}

#endif
