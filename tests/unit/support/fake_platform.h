/* fake_platform.h: control the fake platform of the unit tests.
 *
 * The fake implements every function of kernel/platform.h:
 *  - platform_init registers the devices queued with fake_platform_add_device
 *    (none by default) and sets kernel->exit_when_idle if asked;
 *  - platform_uart_write appends to a capture buffer (fake_uart_*), and also
 *    writes to stdout when echo is on;
 *  - platform_time_ns returns p->now, a fake clock only tests move;
 *  - platform_wfi advances the clock by its timeout (not for KTIME_NEVER)
 *    and returns it;
 *  - platform_halt longjmps to the buffer given to fake_halt_catch, or aborts
 *    when none is set, so a test can check that a KASSERT fires.
 * kmain_usermain (called by kmain) runs the hook set with
 * fake_platform_set_usermain, or does nothing. */
#ifndef REALMOS_TEST_FAKE_PLATFORM_H
#define REALMOS_TEST_FAKE_PLATFORM_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>

#include "kernel.h"

/* Forget every setting: no devices, clock starting at 0, empty capture, echo
 * off, no halt catcher, no usermain hook, exit_when_idle off. */
void fake_platform_reset(void);

/* Devices for the next platform_init to register, in this order (at most
 * KCONFIG_MAX_DEVICES + 2, so a test can overfill the kernel's table). */
void fake_platform_add_device(kdevice_t *dev);
/* kdev_register's result for each device added, from the last platform_init. */
kerr_t fake_platform_register_result(size_t index);
/* The value the clock starts at in platform_init. */
void fake_platform_set_start_time(ktime_t t);
/* Have platform_init set kernel->exit_when_idle (as hosted's option does). */
void fake_platform_set_exit_when_idle(bool on);
/* Run `fn` as kmain_usermain. */
void fake_platform_set_usermain(void (*fn)(kernel_t *k));

/* The fake clock of a kernel. */
void fake_clock_set(kernel_t *k, ktime_t t);
void fake_clock_advance(kernel_t *k, ktime_t ns);
ktime_t fake_clock(kernel_t *k);

/* Console capture: everything written since the last clear, NUL-terminated
 * (cut at the buffer's size; fake_uart_total counts every byte written). */
const char *fake_uart_output(void);
size_t fake_uart_length(void);
size_t fake_uart_total(void);
void fake_uart_clear(void);
void fake_uart_set_echo(bool on);

/* platform_halt: longjmp(*env, 1) while a catcher is set (NULL: abort). */
void fake_halt_catch(jmp_buf *env);
unsigned fake_halt_count(void);

/* Interrupt mask and routes. */
bool fake_irq_enabled(void);
unsigned fake_irq_routes(void);
kdevice_t *fake_irq_route_device(uint32_t irq);

#endif
