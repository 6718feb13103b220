/* mtime.c (rv64): mtime and mtimecmp are single 64-bit accesses. */
#include "clint.h"

uint64_t clint_mtime(void) { return *(volatile uint64_t *)CLINT_MTIME; }

void clint_set_mtimecmp(uint64_t t) {
  *(volatile uint64_t *)CLINT_MTIMECMP0 = t;
}
