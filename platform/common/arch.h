/* arch.h: what each bare-metal platform (platform/<arch>/) gives the code in
 * platform/common/, which implements kernel/platform.h on top of it.
 *
 * The boot code of an arch sets up a stack, clears BSS, enables the FPU, and
 * calls kmain(boot_ctx). kmain calls platform_init (baremetal.c), which calls
 * arch_init. Interrupt handlers acknowledge the controller, push the line's
 * number with irq_ring_push (irq_ring.h), and return: nothing else runs in
 * interrupt context. */
#ifndef REALMOS_ARCH_H
#define REALMOS_ARCH_H

#include "kapi.h"
#include "platform.h"

/* Console, traps, interrupt controller and timer; after it returns,
 * interrupts may be enabled by baremetal.c. boot_ctx is what the boot code
 * passed to kmain (a device tree, a PVH start_info, ...). */
void arch_init(platform_t *p, void *boot_ctx);

/* Find the machine's devices (device tree, ACPI, PCI) and hand each to its
 * driver (drivers/virtio/api/virtio.h). Called after arch_init, with interrupts
 * still off. */
void arch_discover(platform_t *p, void *boot_ctx);

/* Write bytes to the UART, polling; works before arch_init and in a panic. */
void arch_uart_write(const char *s, size_t n);

/* Monotonic nanoseconds by the machine's own clock (the generic timer's
 * counter, mtime, the TSC), which QEMU starts at zero with the machine. */
ktime_t arch_time_ns(void);

/* arch_time_ns at the kernel's first instruction: what the machine (QEMU's
 * firmware, if any) did before the kernel ran. For the boot report. */
ktime_t arch_first_ns(void);

/* One-shot timer interrupt at absolute time `deadline` (arch_time_ns), or
 * none for KTIME_NEVER. Replaces any earlier setting. */
void arch_timer_arm(ktime_t deadline);

/* Called with interrupts disabled: sleep until an interrupt is pending (wfi,
 * hlt), then let it be taken, and return with interrupts disabled again. An
 * interrupt that became pending before the call must still end the sleep. */
void arch_wait(void);

/* Global interrupt mask: save disables and returns the previous state. */
uint32_t arch_irq_save(void);
void arch_irq_restore(uint32_t state);

/* Unmask one line at the interrupt controller (route it to this CPU). */
void arch_irq_unmask(uint32_t irq);

/* A message-signalled interrupt (PCI MSI/MSI-X) for one device: a new line,
 * for platform_irq_route, and the message that raises it: a device that
 * writes the 32-bit `data` to the bus address `addr` makes the line fire.
 * MSIs are edge-triggered: the handler pushes the line and masks nothing.
 * False where the platform has no MSI or no line is
 * left; the device then keeps its INTx line. Called during discovery. */
bool arch_msi_alloc(uint32_t *line, uint64_t *addr, uint32_t *data);

/* Called at the start of every platform_wfi, after the loop has polled the
 * devices that were raised. A handler for a level-triggered line may mask it
 * (the device holds the line until its driver acknowledges it in poll); this
 * unmasks such lines again. baremetal.c has a default that does nothing, for
 * platforms whose handlers mask no line. */
void arch_irq_rearm(void);

/* Stop the machine: QEMU exits. `failed` selects a non-zero exit status
 * where the machine has a way to give one. */
__attribute__((noreturn)) void arch_poweroff(bool failed);

#endif
