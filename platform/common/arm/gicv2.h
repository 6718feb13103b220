/* gicv2.h: the ARM Generic Interrupt Controller v2, one CPU.
 *
 * INTIDs 0-15 are SGIs, 16-31 PPIs (per CPU: the timers), 32-1019 SPIs
 * (devices), 1023 means spurious. All lines are group 0, signalled as IRQ.
 *
 * Level-triggered lines stay asserted until the device is served, which
 * realmos does in the loop, not in the handler. So the handler masks (holds)
 * each device line it takes, and gic_release() unmasks the held lines when
 * the loop is about to sleep, after it has polled the devices: a line still
 * asserted then fires again at once and ends the sleep. */
#ifndef REALMOS_ARM_GICV2_H
#define REALMOS_ARM_GICV2_H

#include <stdbool.h>
#include <stdint.h>

#define GIC_SPURIOUS 1023u

/* Every line off and cleared, priorities set, distributor and CPU interface
 * on. */
void gic_init(void);
/* Enable a line. SPIs are routed to CPU 0 and set level- or
 * edge-triggered (edge: MSIs, gicv2m.c). Lines the controller does not have
 * are ignored. */
void gic_enable(uint32_t intid, bool edge);
/* Interrupt context: acknowledge the highest pending interrupt; returns the
 * whole IAR value (INTID in bits 9:0), GIC_SPURIOUS if none. */
uint32_t gic_ack(void);
/* Interrupt context: end it (the value gic_ack returned). */
void gic_eoi(uint32_t iar);
/* Interrupt context: mask a line until the next gic_release(). */
void gic_hold(uint32_t intid);
/* Interrupts disabled: unmask every held line. */
void gic_release(void);

#endif
