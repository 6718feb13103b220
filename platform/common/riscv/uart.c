/* uart.c: arch_uart_write on the NS16550A at VIRT_UART0. Registers are one
 * byte apart (reg-shift 0 on virt). QEMU's model needs no baud rate setting
 * and sends at once; the polling keeps real 16550s happy too. '\n' goes out
 * as "\r\n": QEMU puts a terminal on -serial stdio in raw mode. */
#include "uart.h"
#include "arch.h"
#include "mmio.h"
#include "virt.h"

#define UART_THR 0 /* write: transmit holding register */
#define UART_IER 1 /* interrupt enable: 0 = none */
#define UART_FCR 2 /* write: FIFO control; 0x07 = enable, clear rx and tx */
#define UART_LCR 3 /* line control; 0x03 = 8 data bits, no parity, 1 stop */
#define UART_LSR 5 /* line status; bit 5 (THRE) = room to send */
#define LSR_THRE 0x20

static void put(char c) {
  while (!(mmio_read8(VIRT_UART0 + UART_LSR) & LSR_THRE))
    ;
  mmio_write8(VIRT_UART0 + UART_THR, (uint8_t)c);
}

void uart_init(void) {
  mmio_write8(VIRT_UART0 + UART_IER, 0x00);
  mmio_write8(VIRT_UART0 + UART_LCR, 0x03);
  mmio_write8(VIRT_UART0 + UART_FCR, 0x07);
}

void arch_uart_write(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\n')
      put('\r');
    put(s[i]);
  }
}
