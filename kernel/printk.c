/* printk.c: console output, log levels, panics and assertions. Output goes
 * straight to platform_uart_write; nothing is buffered across calls. */
#include <stdarg.h>

#include "kernel.h"
#include "kfmt.h"

static int g_log_level = KCONFIG_LOG_LEVEL;

static void vprintk(const char *fmt, va_list ap) {
  char buf[KCONFIG_PRINTK_BUF];
  size_t n = kvsnprintf(buf, sizeof(buf), fmt, ap);
  platform_uart_write(buf, KMIN(n, sizeof(buf) - 1));
}

void printk(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintk(fmt, ap);
  va_end(ap);
}

void printk_hex8(uint8_t v) {
  static const char digits[] = "0123456789abcdef";
  char s[2] = {digits[v >> 4], digits[v & 15]};
  platform_uart_write(s, 2);
}

void printk_ip4(kip4_t addr) {
  char text[KFMT_IP4_LEN];
  printk("%s", kfmt_ip4(text, addr));
}

void klog_set_level(int level) { g_log_level = level; }

int klog_level(void) { return g_log_level; }

void klog(int level, const char *fmt, ...) {
  if (level > g_log_level)
    return;
  if (level == KLOG_ERROR)
    platform_uart_write("error: ", 7);
  else if (level == KLOG_WARN)
    platform_uart_write("warning: ", 9);
  va_list ap;
  va_start(ap, fmt);
  vprintk(fmt, ap);
  va_end(ap);
}

void kpanic(const char *fmt, ...) {
  platform_uart_write("\npanic: ", 8);
  va_list ap;
  va_start(ap, fmt);
  vprintk(fmt, ap);
  va_end(ap);
  platform_uart_write("\n", 1);
  platform_halt();
}

void kassert_fail(const char *expr, const char *file, int line) {
  kpanic("assertion failed: %s at %s:%d", expr, file, line);
}
