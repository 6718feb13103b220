/* kmain.c: the event loop.
 *
 *   kmain_init, kmain_usermain, then forever:
 *     kmain_tick(k, now)            poll raised devices, fire due timers and
 *                                   deadlines, then up to KCONFIG_TICK_PASSES
 *                                   passes of {run callbacks, dispatch work},
 *                                   then kick the devices that got work
 *     timeout = kmain_next_delay(k) 0 if anything is ready, else the next
 *                                   timer, else KTIME_NEVER
 *     now = platform_wfi(p, timeout)
 */
#include "kernel.h"
#include "kstring.h"

static kernel_t g_kernel;

void kmain_init(kernel_t *k, void *boot_ctx) {
  kmemset(k, 0, sizeof(*k));
  kwork_queue_init(&k->submitted);
  kwork_queue_init(&k->done);
  ktimer_heap_init(&k->timers);
  klog_set_level(KCONFIG_LOG_LEVEL);
  platform_init(&k->platform, k, boot_ctx);
  k->now = platform_time_ns(&k->platform);
}

void kmain_tick(kernel_t *k, ktime_t now) {
  k->now = now;
  if (k->raised != 0)
    kdev_poll_raised(k);
  kwork_t *w;
  while ((w = ktimer_heap_pop_due(&k->timers, now)) != NULL)
    kwork_expire(k, w);
  /* Completions that stay inside the kernel (a device that completes in its
   * submit, the IPv4 stack's callbacks completing a program's items, and the
   * items those callbacks submit) finish in this tick. Each pass runs the
   * callbacks of what is done and dispatches what is queued; after
   * KCONFIG_TICK_PASSES, what is left waits for the next tick (next_delay
   * is then 0), after the devices are polled and timers expire. */
  kwork_run_passes(k, KCONFIG_TICK_PASSES);
  if (k->kicks != 0)
    kdev_kick_all(k);
}

ktime_t kmain_next_delay(kernel_t *k) {
  if (!kwork_queue_empty(&k->done) || !kwork_queue_empty(&k->submitted) ||
      k->raised != 0 || k->stop)
    return 0;
  ktime_t next = ktimer_heap_next(&k->timers);
  if (next == KTIME_NEVER)
    return KTIME_NEVER;
  ktime_t now = platform_time_ns(&k->platform);
  return next > now ? next - now : 0;
}

void kmain_stop(kernel_t *k) { k->stop = true; }

ktime_t ktime(kernel_t *k) { return k->now; }

ktime_t ktime_now(kernel_t *k) { return platform_time_ns(&k->platform); }

const kstats_t *kstats(kernel_t *k) {
  k->stats.timers_pending = k->timers.count;
  k->stats.live = k->stats.submitted - k->finals;
  k->stats.completed = k->finals + k->events;
  return &k->stats;
}

void kmain(void *boot_ctx) {
  kernel_t *k = &g_kernel;
  kmain_init(k, boot_ctx);
  printk("realmos %s on %s\n", REALMOS_VERSION, PLATFORM_NAME);
  kmain_usermain(k);
  ktime_t now = platform_time_ns(&k->platform);
  for (;;) {
    kmain_tick(k, now);
    if (k->stop || (k->exit_when_idle && k->stats.submitted == k->finals))
      break;
    now = platform_wfi(&k->platform, kmain_next_delay(k));
  }
  platform_shutdown(&k->platform);
}
