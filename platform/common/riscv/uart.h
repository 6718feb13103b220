/* uart.h: the console, an NS16550A at VIRT_UART0 (uart.c). Writes poll;
 * arch_uart_write (arch.h) is the output path. */
#ifndef REALMOS_RISCV_UART_H
#define REALMOS_RISCV_UART_H

/* 8 data bits, no parity, 1 stop bit, FIFOs on, no UART interrupts. */
void uart_init(void);

#endif
