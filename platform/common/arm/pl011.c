/* pl011.c: see pl011.h. Register offsets and bits from the PL011 TRM. */
#include "pl011.h"

#include "mmio.h"
#include "virt.h"

#define UART_DR 0x00         /* data: write one byte to transmit */
#define UART_FR 0x18         /* flags */
#define FR_TXFF (1u << 5)    /* transmit FIFO full */
#define FR_BUSY (1u << 3)    /* still sending */
#define UART_IBRD 0x24       /* integer baud divisor */
#define UART_FBRD 0x28       /* fractional baud divisor, 1/64 */
#define UART_LCRH 0x2c       /* line control */
#define LCRH_FEN (1u << 4)   /* FIFOs on */
#define LCRH_WLEN8 (3u << 5) /* 8 data bits */
#define UART_CR 0x30         /* control */
#define CR_UARTEN (1u << 0)
#define CR_TXE (1u << 8)
#define CR_RXE (1u << 9)
#define UART_IMSC 0x38 /* interrupt mask set/clear: 1 = enabled */

#define REG(off) (VIRT_UART_BASE + (off))

void pl011_init(void) {
  mmio_write32(REG(UART_CR), 0); /* the TRM asks: off while reprogramming */
  while (mmio_read32(REG(UART_FR)) & FR_BUSY)
    ;
  /* 115200 baud from the 24 MHz UARTCLK of the virt board: 24e6 / (16 *
   * 115200) = 13.02, fraction 0.02 * 64 = 1. QEMU ignores the rate. */
  mmio_write32(REG(UART_IBRD), 13);
  mmio_write32(REG(UART_FBRD), 1);
  mmio_write32(REG(UART_LCRH), LCRH_FEN | LCRH_WLEN8);
  mmio_write32(REG(UART_IMSC), 0);
  mmio_write32(REG(UART_CR), CR_UARTEN | CR_TXE | CR_RXE);
}

void pl011_write(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    while (mmio_read32(REG(UART_FR)) & FR_TXFF)
      ;
    mmio_write32(REG(UART_DR), (uint8_t)s[i]);
  }
}
