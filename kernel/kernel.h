/* kernel.h: the kernel's own state, for kernel/ and platforms. Programs see
 * kernel_t only as an opaque pointer (kapi.h); devices and the layers above
 * the core (drivers/, net/) see device.h. The build gives platform_impl.h
 * only to the core, the platforms and the tests (Makefile, "The layers"). */
#ifndef REALMOS_KERNEL_H
#define REALMOS_KERNEL_H

#if !__has_include("platform_impl.h")
#error                                                                         \
    "kernel.h is the core's own: a device or a layer above the core uses device.h, a program kapi.h"
#endif

#include "config.h"
#include "device.h"
#include "kapi.h"
#include "ops.h"
#include "platform.h"
#include "platform_impl.h"
#include "rng.h"
#include "timer_heap.h"
#include "work_list.h"

/* kwork.internal bits */
#define KWORK_I_CANCEL 0x1 /* cancel (or deadline) asked for */

struct kernel {
  platform_t platform;
  ktime_t now; /* time at the start of this tick */
  bool stop;
  bool exit_when_idle;     /* return from kmain once no item is live */
  kwork_queue_t submitted; /* QUEUED: waiting for dispatch */
  kwork_queue_t done;      /* DONE: waiting for their callbacks */
  ktimer_heap_t timers;
  /* One bit per device id: raised (poll it next tick), and got submits
   * this tick (kick it at the end of the tick). */
  uint32_t raised;
  uint32_t kicks;
  kdevice_t *devices[KCONFIG_MAX_DEVICES];
  uint32_t ndevices;
  kdevice_t *serves[KDEV_CLASS_COUNT];  /* which device serves each class */
  kdevice_t *serves_op[KWORK_OP_COUNT]; /* the same, by op (NULL: none) */
  kstats_t stats;  /* live and completed are worked out by kstats() */
  uint64_t finals; /* final callbacks run: accepted items no longer live */
  uint64_t events; /* callbacks run for standing items' events */
  krng_dev_t rng;  /* rng.c: the CSPRNG device, once a source registers */
};

_Static_assert(KCONFIG_MAX_DEVICES <= 32,
               "raised and kicks hold one bit per device");

/* The device asks for a kick at the end of this tick. */
static inline void kdev_want_kick(kdevice_t *dev) { dev->k->kicks |= dev->bit; }

void kmain_init(kernel_t *k, void *boot_ctx);
void kmain_tick(kernel_t *k, ktime_t now);
ktime_t kmain_next_delay(kernel_t *k);

/* work.c, for kmain.c. One pass runs the callbacks of the items done when
 * it starts, then hands every queued item to its device; passes go on while
 * items are done, at most max_passes. Returns the passes run. */
uint32_t kwork_run_passes(kernel_t *k, uint32_t max_passes);
/* One batch of callbacks and nothing else; for tests. */
void kwork_run_callbacks(kernel_t *k);
void kwork_expire(kernel_t *k, kwork_t *work);

/* device.c, for kmain.c */
void kdev_poll_raised(kernel_t *k);
void kdev_kick_all(kernel_t *k);
static inline bool kdev_any_raised(const kernel_t *k) { return k->raised != 0; }

#endif
