/* clint.h: the machine timer of the CLINT at VIRT_CLINT (clint.c), and the
 * two XLEN-dependent accesses each arch provides (platform/<arch>/mtime.c).
 *
 *   VIRT_CLINT + 0x0000   msip, hart 0 (software interrupt; unused)
 *   VIRT_CLINT + 0x4000   mtimecmp, hart 0 (64 bits): the machine timer
 *                         interrupt (mip.MTIP) is pending while
 *                         mtime >= mtimecmp
 *   VIRT_CLINT + 0xbff8   mtime (64 bits): counts at the timebase frequency
 *                         from 0 at power-on
 */
#ifndef REALMOS_RISCV_CLINT_H
#define REALMOS_RISCV_CLINT_H

#include <stdint.h>

#include "virt.h"

#define CLINT_MTIMECMP0 (VIRT_CLINT + 0x4000u)
#define CLINT_MTIME (VIRT_CLINT + 0xbff8u)

/* mtime counts `hz` ticks a second; disarm the timer. */
void clint_init(uint32_t hz);
/* Interrupt context: the timer fired; disarm it (the loop re-arms). */
void clint_timer_irq(void);

/* platform/<arch>/mtime.c: read mtime; write mtimecmp without ever passing
 * through a value below both the old and the new one. */
uint64_t clint_mtime(void);
void clint_set_mtimecmp(uint64_t t);

#endif
