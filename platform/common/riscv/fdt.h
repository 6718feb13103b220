/* fdt.h: the one fact read from QEMU's device tree at boot (fdt.c). When
 * lib/ gains a device-tree parser, this becomes a call to it. */
#ifndef REALMOS_RISCV_FDT_H
#define REALMOS_RISCV_FDT_H

#include <stdint.h>

/* /cpus/timebase-frequency of the flattened device tree at `fdt`: the rate
 * of mtime in Hz, or 0 if the tree or the property is missing or bad. */
uint32_t fdt_timebase_hz(const void *fdt);

#endif
