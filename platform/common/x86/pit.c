/* pit.c: the i8254 PIT, channel 0, as a reference clock for calibration.
 * It counts at 1193182 Hz on every PC and on both QEMU machines (microvm has
 * it with pit=on; channel 2 would need port 0x61, which microvm lacks).
 *
 * Ports: 0x40 channel 0 data, 0x43 mode/command. Command 0x30: channel 0,
 * low then high byte, mode 0 (interrupt on terminal count), binary. Command
 * 0x00 latches channel 0's count for a low-high read. Mode 0 makes at most
 * one output edge, so once calibration is done the PIT causes no more
 * events (firmware may have left it in periodic mode 2 or 3). */
#include "io.h"
#include "x86.h"

#define PIT_CH0 0x40
#define PIT_CMD 0x43

/* Count down from 0xffff: 55 ms before it wraps. */
void x86_pit_start(void) {
  x86_outb(PIT_CMD, 0x30);
  x86_outb(PIT_CH0, 0xff);
  x86_outb(PIT_CH0, 0xff);
}

uint16_t x86_pit_read(void) {
  x86_outb(PIT_CMD, 0x00);
  uint8_t lo = x86_inb(PIT_CH0);
  uint8_t hi = x86_inb(PIT_CH0);
  return (uint16_t)(lo | hi << 8);
}

/* Mode 0 with a count of 1: one last edge (IRQ0 is masked), then quiet. */
void x86_pit_stop(void) {
  x86_outb(PIT_CMD, 0x30);
  x86_outb(PIT_CH0, 1);
  x86_outb(PIT_CH0, 0);
}
