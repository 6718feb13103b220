/* platform_impl.h (unit tests): the fake platform's state inside kernel_t.
 *
 * tests/unit comes first on the include path of the unit tests, so kernel.h
 * picks up this file instead of platform/hosted/platform_impl.h. The fake
 * platform (support/fake_platform.c) has no real devices and no real time:
 * the clock is `now`, which only the tests move. */
#ifndef REALMOS_TEST_PLATFORM_IMPL_H
#define REALMOS_TEST_PLATFORM_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "kapi.h"

#define PLATFORM_NAME "test"

struct platform {
  ktime_t now;    /* the fake clock: what platform_time_ns returns */
  kernel_t *k;    /* set by platform_init */
  void *boot_ctx; /* what kmain_init passed to platform_init */
  uint32_t wfi_calls;
  ktime_t last_wfi_timeout; /* the timeout of the last platform_wfi */
  uint32_t shutdowns;       /* platform_shutdown calls */
};

#endif
