/* irq_ring.h: the lock-free ring between interrupt handlers and the loop.
 *
 * One producer (interrupt context) and one consumer (the loop, on the same
 * CPU). A handler pushes the number of the line that fired; platform_wfi pops
 * them and raises the devices routed to those lines. The ring holds
 * IRQ_RING_SIZE entries; when it is full, the push is dropped and counted:
 * the line's device is still found, because the loop polls every device whose
 * line was dropped (irq_ring_overflowed). */
#ifndef REALMOS_IRQ_RING_H
#define REALMOS_IRQ_RING_H

#include <stdbool.h>
#include <stdint.h>

#define IRQ_RING_SIZE 256 /* a power of two */

/* Interrupt context. */
void irq_ring_push(uint32_t irq);
/* Loop: the next line number, or false when the ring is empty. */
bool irq_ring_pop(uint32_t *irq);
/* Loop: true if nothing is waiting. */
bool irq_ring_empty(void);
/* Loop: true (once) if any push was dropped since the last call. */
bool irq_ring_overflowed(void);
/* Pushes dropped since boot. */
uint32_t irq_ring_drops(void);

#endif
