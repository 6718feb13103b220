/* kernel.h: the kernel's own state, for kernel/ and platforms. Programs see
 * kernel_t only as an opaque pointer (kapi.h). */
#ifndef REALMOS_KERNEL_H
#define REALMOS_KERNEL_H

#include "config.h"
#include "device.h"
#include "kapi.h"
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
  bool exit_when_idle; /* return from kmain once no item is live */
  kwork_list_t submitted; /* QUEUED: waiting for dispatch */
  kwork_list_t done;      /* DONE: waiting for their callbacks */
  ktimer_heap_t timers;
  kdevice_t *devices[KCONFIG_MAX_DEVICES];
  uint32_t ndevices;
  kdevice_t *serves[KDEV_CLASS_COUNT]; /* which device serves each class */
  kstats_t stats;
  krng_dev_t rng; /* rng.c: the CSPRNG device, once a source registers */
};

void kmain_init(kernel_t *k, void *boot_ctx);
void kmain_tick(kernel_t *k, ktime_t now);
ktime_t kmain_next_delay(kernel_t *k);

/* work.c, for kmain.c */
void kwork_dispatch_all(kernel_t *k);
void kwork_run_callbacks(kernel_t *k);
void kwork_expire(kernel_t *k, kwork_t *work);
kerr_t kwork_validate(kernel_t *k, const kwork_t *work);
kdev_class_t kwork_class(uint32_t op);

/* device.c, for kmain.c */
void kdev_poll_raised(kernel_t *k);
bool kdev_any_raised(const kernel_t *k);

#endif
