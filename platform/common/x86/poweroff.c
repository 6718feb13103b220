/* poweroff.c: stop QEMU through isa-debug-exit (platform.mk adds
 * -device isa-debug-exit,iobase=0xf4,iosize=0x04; an ISA device, so it
 * exists on microvm and q35 alike). Writing v to port 0xf4 makes QEMU exit
 * with status (v << 1) | 1:
 *    success (kmain returned)       v = 0  ->  exit status 1
 *    failure (panic, failed assert) v = 1  ->  exit status 3
 * Status 0 stays free for an outside stop (SIGTERM) or a triple fault under
 * -no-reboot. Without the device, the CPU halts for good. */
#include "io.h"
#include "x86.h"

#define DEBUG_EXIT_PORT 0xf4

void arch_poweroff(bool failed) {
  x86_uart_flush();
  x86_outb(DEBUG_EXIT_PORT, failed ? 1 : 0);
  for (;;)
    __asm__ volatile("cli\n\thlt");
}
