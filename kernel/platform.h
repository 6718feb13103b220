/* platform.h: what a platform gives the portable kernel.
 *
 * A platform is one folder, platform/<name>/, chosen by the build. It provides
 * platform_impl.h (the struct platform that lives inside kernel_t) and the
 * functions below. The kernel calls nothing else that is platform-specific.
 *
 *  1. Boot: set up the CPU, a stack and memory, then call kmain(boot_ctx).
 *  2. Console: platform_uart_write.
 *  3. Interrupts: enable/disable, and route a device's interrupt line (on
 *     hosted, a file descriptor) so that its firing raises the device.
 *  4. Time and waiting: platform_time_ns, platform_wfi.
 *  5. Discovery: platform_init finds the devices and kdev_register()s them.
 *  6. Work: the registered devices serve work items (see device.h).
 */
#ifndef REALMOS_PLATFORM_H
#define REALMOS_PLATFORM_H

#include "device.h"
#include "kapi.h"

typedef struct platform platform_t;

/* Called by kmain_init: bring up the platform and register its devices. */
void platform_init(platform_t *p, kernel_t *k, void *boot_ctx);

/* Write to the console; usable before platform_init and from a panic. */
void platform_uart_write(const char *s, size_t n);

/* Monotonic nanoseconds since boot. */
ktime_t platform_time_ns(platform_t *p);

/* Sleep until an interrupt or until `timeout` ns have passed (KTIME_NEVER:
 * no timeout; 0: just look). Raise (kdev_raise) every device that has work to
 * poll, then return the current time. */
ktime_t platform_wfi(platform_t *p, ktime_t timeout);

/* Global interrupt mask; save returns the previous state for restore. */
uint32_t platform_irq_save(void);
void platform_irq_restore(uint32_t state);

/* Route interrupt line `irq` (hosted: a file descriptor to watch for input)
 * to `dev`: when it fires, the device is raised. */
kerr_t platform_irq_route(platform_t *p, uint32_t irq, kdevice_t *dev);

/* Called once when kmain returns. Work still live then gets no callback.
 * Hosted: sync the disk file and close everything; bare metal: power off. */
void platform_shutdown(platform_t *p);

/* Stop for good after a panic. */
__attribute__((noreturn)) void platform_halt(void);

void kmain(void *boot_ctx);

#endif
