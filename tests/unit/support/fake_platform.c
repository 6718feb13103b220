/* fake_platform.c: the platform of the unit tests; see fake_platform.h. */
#include "fake_platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ADDED (KCONFIG_MAX_DEVICES + 2)
#define UART_CAPTURE 65536
#define MAX_IRQ 64

static struct {
  kdevice_t *added[MAX_ADDED];
  kerr_t register_result[MAX_ADDED];
  size_t nadded;
  ktime_t start_time;
  bool exit_when_idle;
  void (*usermain)(kernel_t *k);

  char uart[UART_CAPTURE];
  size_t uart_len;   /* bytes kept in uart[] */
  size_t uart_total; /* bytes written */
  bool echo;

  jmp_buf *halt_env;
  unsigned halts;

  bool irq_enabled;
  kdevice_t *routes[MAX_IRQ];
} g_fake;

void fake_platform_reset(void) {
  memset(&g_fake, 0, sizeof(g_fake));
  g_fake.irq_enabled = true;
}

void fake_platform_add_device(kdevice_t *dev) {
  if (g_fake.nadded >= MAX_ADDED) {
    fprintf(stderr, "fake_platform_add_device: too many devices\n");
    abort();
  }
  g_fake.added[g_fake.nadded++] = dev;
}

kerr_t fake_platform_register_result(size_t index) {
  return index < g_fake.nadded ? g_fake.register_result[index] : KERR_INVALID;
}

void fake_platform_set_start_time(ktime_t t) { g_fake.start_time = t; }

void fake_platform_set_exit_when_idle(bool on) { g_fake.exit_when_idle = on; }

void fake_platform_set_usermain(void (*fn)(kernel_t *k)) {
  g_fake.usermain = fn;
}

void fake_clock_set(kernel_t *k, ktime_t t) { k->platform.now = t; }

void fake_clock_advance(kernel_t *k, ktime_t ns) { k->platform.now += ns; }

ktime_t fake_clock(kernel_t *k) { return k->platform.now; }

const char *fake_uart_output(void) { return g_fake.uart; }

size_t fake_uart_length(void) { return g_fake.uart_len; }

size_t fake_uart_total(void) { return g_fake.uart_total; }

void fake_uart_clear(void) {
  g_fake.uart_len = 0;
  g_fake.uart_total = 0;
  g_fake.uart[0] = '\0';
}

void fake_uart_set_echo(bool on) { g_fake.echo = on; }

void fake_halt_catch(jmp_buf *env) { g_fake.halt_env = env; }

unsigned fake_halt_count(void) { return g_fake.halts; }

bool fake_irq_enabled(void) { return g_fake.irq_enabled; }

unsigned fake_irq_routes(void) {
  unsigned n = 0;
  for (size_t i = 0; i < MAX_IRQ; i++)
    n += g_fake.routes[i] != NULL;
  return n;
}

kdevice_t *fake_irq_route_device(uint32_t irq) {
  return irq < MAX_IRQ ? g_fake.routes[irq] : NULL;
}

/* ------------------------------------------------------ kernel/platform.h */

void platform_init(platform_t *p, kernel_t *k, void *boot_ctx) {
  p->now = g_fake.start_time;
  p->k = k;
  p->boot_ctx = boot_ctx;
  p->wfi_calls = 0;
  p->last_wfi_timeout = 0;
  p->shutdowns = 0;
  for (size_t i = 0; i < g_fake.nadded; i++)
    g_fake.register_result[i] = kdev_register(k, g_fake.added[i]);
  k->exit_when_idle = g_fake.exit_when_idle;
}

void platform_uart_write(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (g_fake.uart_len + 1 < UART_CAPTURE)
      g_fake.uart[g_fake.uart_len++] = s[i];
  g_fake.uart[g_fake.uart_len] = '\0';
  g_fake.uart_total += n;
  if (g_fake.echo) {
    fwrite(s, 1, n, stdout);
    fflush(stdout);
  }
}

ktime_t platform_time_ns(platform_t *p) { return p->now; }

ktime_t platform_wfi(platform_t *p, ktime_t timeout) {
  p->wfi_calls++;
  p->last_wfi_timeout = timeout;
  if (timeout != KTIME_NEVER)
    p->now += timeout;
  return p->now;
}

uint32_t platform_irq_save(void) {
  uint32_t was = g_fake.irq_enabled;
  g_fake.irq_enabled = false;
  return was;
}

void platform_irq_restore(uint32_t state) { g_fake.irq_enabled = state != 0; }

kerr_t platform_irq_route(platform_t *p, uint32_t irq, kdevice_t *dev) {
  (void)p;
  if (irq >= MAX_IRQ || dev == NULL)
    return KERR_INVALID;
  if (g_fake.routes[irq] != NULL)
    return KERR_BUSY;
  g_fake.routes[irq] = dev;
  return KERR_OK;
}

void platform_shutdown(platform_t *p) { p->shutdowns++; }

void platform_halt(void) {
  g_fake.halts++;
  if (g_fake.halt_env != NULL) {
    jmp_buf *env = g_fake.halt_env;
    g_fake.halt_env = NULL; /* one catch per arming: a second halt aborts */
    longjmp(*env, 1);
  }
  abort();
}

void kmain_usermain(kernel_t *k) {
  if (g_fake.usermain != NULL)
    g_fake.usermain(k);
}
