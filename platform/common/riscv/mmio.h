/* mmio.h: device register access. volatile keeps every access, in program
 * order; QEMU's devices need nothing more. (Real hardware will want a fence
 * between DMA buffer writes and the register write that starts the DMA: that
 * belongs to the virtio drivers.) */
#ifndef REALMOS_RISCV_MMIO_H
#define REALMOS_RISCV_MMIO_H

#include <stdint.h>

static inline uint8_t mmio_read8(uintptr_t addr) {
  return *(volatile uint8_t *)addr;
}
static inline void mmio_write8(uintptr_t addr, uint8_t v) {
  *(volatile uint8_t *)addr = v;
}
static inline uint32_t mmio_read32(uintptr_t addr) {
  return *(volatile uint32_t *)addr;
}
static inline void mmio_write32(uintptr_t addr, uint32_t v) {
  *(volatile uint32_t *)addr = v;
}

#endif
