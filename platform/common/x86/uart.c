/* uart.c: the console, a 16550A at COM1 (I/O ports 0x3f8-0x3ff), polled.
 * Both QEMU machines (microvm: isa-serial, on by default; q35: the ISA
 * serial behind the LPC bridge) put -serial stdio there.
 *
 * With the FIFO on, LSR.THRE set means the 16-byte transmit FIFO is empty,
 * so one LSR read allows 16 bytes: under KVM that is one exit for the check
 * per 16 bytes instead of one per byte. Lines end in "\r\n", as a terminal
 * in raw mode (QEMU's stdio) needs. */
#include "io.h"
#include "x86.h"

#define COM1 0x3f8
#define THR 0 /* transmit holding register (DLAB=0) */
#define DLL 0 /* divisor latch low (DLAB=1) */
#define IER 1 /* interrupt enable (DLAB=0) */
#define DLM 1 /* divisor latch high (DLAB=1) */
#define FCR 2 /* FIFO control */
#define LCR 3 /* line control; bit 7 is DLAB */
#define MCR 4 /* modem control */
#define LSR 5 /* line status */

#define LSR_THRE 0x20 /* transmit FIFO empty */
#define LSR_TEMT 0x40 /* FIFO and shift register empty */
#define FIFO_DEPTH 16

static unsigned g_room; /* bytes we may write before looking at LSR again */

void x86_uart_init(void) {
  x86_outb(COM1 + IER, 0x00); /* no interrupts: we poll */
  x86_outb(COM1 + LCR, 0x80); /* DLAB on */
  x86_outb(COM1 + DLL, 1);    /* 115200 baud (QEMU ignores the rate) */
  x86_outb(COM1 + DLM, 0);
  x86_outb(COM1 + LCR, 0x03); /* 8N1, DLAB off */
  x86_outb(COM1 + FCR, 0x07); /* FIFOs on, both cleared */
  x86_outb(COM1 + MCR, 0x03); /* DTR, RTS */
  g_room = 0;
}

static void put(char c) {
  if (g_room == 0) {
    while (!(x86_inb(COM1 + LSR) & LSR_THRE))
      ;
    g_room = FIFO_DEPTH;
  }
  x86_outb(COM1 + THR, (uint8_t)c);
  g_room--;
}

/* Works before x86_uart_init too: QEMU's 16550 sends whatever THR gets. */
void arch_uart_write(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\n')
      put('\r');
    put(s[i]);
  }
}

/* Wait until the last byte has left, before the machine stops. */
void x86_uart_flush(void) {
  while (!(x86_inb(COM1 + LSR) & LSR_TEMT))
    ;
}
