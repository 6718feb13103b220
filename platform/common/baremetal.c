/* baremetal.c: kernel/platform.h for every bare-metal target, on top of the
 * arch layer (arch.h) and the interrupt ring (irq_ring.h). */
#include "arch.h"
#include "irq_ring.h"
#include "kernel.h"
#include "net_attach.h"

/* The boot report's first line: when the kernel started and when its devices
 * were up, by the machine's clock (arch.h), in ms with 3 decimals. The rest
 * (address, serving) is the program's to say, on the same clock. */
static void report_boot(void) {
  unsigned long long first = arch_first_ns() / 1000, up = arch_time_ns() / 1000;
  klog(KLOG_INFO,
       "boot: first instruction at %llu.%03llu ms, devices up at %llu.%03llu "
       "ms\n",
       first / 1000, first % 1000, up / 1000, up % 1000);
}

/* Every bare-metal target runs under QEMU, whose user network (slirp)
 * leases 10.0.2.15/24 with gateway 10.0.2.2 and DNS 10.0.2.3. Without a
 * DHCP server (a -netdev dgram wire, tests/system/test_lan.py) the stack
 * takes the same address after KCONFIG_DHCP_TIMEOUT_NS. */
static const kip_config_t qemu_user_net = {.addr = KIP4(10, 0, 2, 15),
                                           .netmask = KIP4(255, 255, 255, 0),
                                           .gateway = KIP4(10, 0, 2, 2),
                                           .dns = KIP4(10, 0, 2, 3)};

void platform_init(platform_t *p, kernel_t *k, void *boot_ctx) {
  p->k = k;
  p->boot_ctx = boot_ctx;
  for (uint32_t i = 0; i < BM_MAX_IRQS; i++)
    p->irq_dev[i] = NULL;
  arch_init(p, boot_ctx);
  arch_discover(p, boot_ctx);
  /* The IPv4 stack over virtio-net, if there is one. */
  net_attach(k, &(net_attach_t){.fallback = &qemu_user_net});
  report_boot();
  arch_irq_restore(1); /* interrupts on from here */
}

void platform_uart_write(const char *s, size_t n) { arch_uart_write(s, n); }

ktime_t platform_time_ns(platform_t *p) {
  (void)p;
  return arch_time_ns();
}

uint32_t platform_irq_save(void) { return arch_irq_save(); }

void platform_irq_restore(uint32_t state) { arch_irq_restore(state); }

kerr_t platform_irq_route(platform_t *p, uint32_t irq, kdevice_t *dev) {
  if (irq >= BM_MAX_IRQS)
    return KERR_INVALID;
  p->irq_dev[irq] = dev;
  arch_irq_unmask(irq);
  return KERR_OK;
}

/* Raise the devices whose lines fired. After an overflow of the ring, some
 * lines were lost: raise every routed device, so none waits forever. */
static void raise_fired(platform_t *p) {
  uint32_t irq;
  while (irq_ring_pop(&irq))
    if (irq < BM_MAX_IRQS && p->irq_dev[irq])
      kdev_raise(p->irq_dev[irq]);
  if (irq_ring_overflowed())
    for (uint32_t i = 0; i < BM_MAX_IRQS; i++)
      if (p->irq_dev[i])
        kdev_raise(p->irq_dev[i]);
}

/* For platforms whose handlers mask no line (arch.h). */
__attribute__((weak)) void arch_irq_rearm(void) {}

/* For platforms that do not discover devices yet. */
__attribute__((weak)) void arch_discover(platform_t *p, void *boot_ctx) {
  (void)p, (void)boot_ctx;
}

ktime_t platform_wfi(platform_t *p, ktime_t timeout) {
  arch_irq_rearm(); /* the raised devices have been polled by now */
  if (timeout != 0) {
    uint32_t s = arch_irq_save();
    ktime_t now = arch_time_ns();
    arch_timer_arm(timeout == KTIME_NEVER || timeout > KTIME_NEVER - now
                       ? KTIME_NEVER
                       : now + timeout);
    /* Sleep only if nothing fired since the last look: an interrupt taken
     * between the loop's tick and here is already in the ring. */
    if (irq_ring_empty())
      arch_wait();
    arch_irq_restore(s);
  }
  raise_fired(p);
  return arch_time_ns();
}

void platform_shutdown(platform_t *p) {
  (void)p;
  klog(KLOG_INFO, "powering off\n");
  arch_poweroff(false);
}

void platform_halt(void) {
  arch_irq_save();
  arch_poweroff(true);
}
