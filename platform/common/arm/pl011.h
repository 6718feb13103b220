/* pl011.h: the ARM PrimeCell UART (PL011) as a polled console. */
#ifndef REALMOS_ARM_PL011_H
#define REALMOS_ARM_PL011_H

#include <stddef.h>

/* 8N1, FIFOs on, interrupts off. Writes work without it on QEMU. */
void pl011_init(void);
/* Busy-waits while the transmit FIFO is full. */
void pl011_write(const char *s, size_t n);

#endif
