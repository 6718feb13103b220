/* mtime.c (rv32): mtime and mtimecmp are each two 32-bit registers, low word
 * first (little-endian), so a 64-bit value takes two accesses. */
#include "clint.h"
#include "mmio.h"

/* Read high, low, high again: if the high word changed, the low word wrapped
 * between the reads; try again. */
uint64_t clint_mtime(void) {
  uint32_t hi, lo;
  do {
    hi = mmio_read32(CLINT_MTIME + 4);
    lo = mmio_read32(CLINT_MTIME);
  } while (mmio_read32(CLINT_MTIME + 4) != hi);
  return (uint64_t)hi << 32 | lo;
}

/* Low word to all ones first: the intermediate values (old high, ~0) and
 * (new high, ~0) are never below both the old and the new compare value, so
 * no early interrupt is raised on the way (privileged spec, mtimecmp). */
void clint_set_mtimecmp(uint64_t t) {
  mmio_write32(CLINT_MTIMECMP0, UINT32_MAX);
  mmio_write32(CLINT_MTIMECMP0 + 4, (uint32_t)(t >> 32));
  mmio_write32(CLINT_MTIMECMP0, (uint32_t)t);
}
