/* floor.c: QEMU's own floor for the boot benchmark (bench/sec_boot.py). It
 * replaces the kernel's kmain: the platform's boot code calls it, it writes
 * one byte to the console and powers the machine off. Nothing else runs:
 * no arch_init, no devices, no kernel. The console drivers write without
 * initialisation under QEMU (16550 on x86 and RISC-V, PL011 on ARM).
 *
 * floor.elf links the platform's own objects as a library (ld.lld
 * --start-lib), so only what the boot code, kmain and the trap reports
 * reference comes in. The kernel functions those trap reports call are
 * defined here, minimally, so that no kernel object is linked; they run
 * only if the floor itself faults. */
#include "arch.h"

void kmain(void *boot_ctx) {
  (void)boot_ctx;
  arch_uart_write("!", 1);
  arch_poweroff(false);
}

static void put_str(const char *s) {
  size_t n = 0;
  while (s[n])
    n++;
  arch_uart_write(s, n);
}

/* The format strings go out as they are, arguments unformatted. */
void printk(const char *fmt, ...) { put_str(fmt); }

void klog(int level, const char *fmt, ...) {
  (void)level;
  put_str(fmt);
}

void kpanic(const char *fmt, ...) {
  put_str(fmt);
  arch_poweroff(true);
}

void platform_halt(void) { arch_poweroff(true); }
