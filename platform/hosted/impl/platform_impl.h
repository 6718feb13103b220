/* platform_impl.h (hosted): realmos as a single-threaded Linux process.
 * One epoll set is the interrupt controller: every device's file descriptor
 * is an interrupt line (platform_irq_route), and platform_wfi is one
 * epoll_pwait2. The devices are singletons inside their own files
 * (rng.c, blk.c, udp.c, net.c); hosted.h lists them. */
#ifndef REALMOS_HOSTED_PLATFORM_IMPL_H
#define REALMOS_HOSTED_PLATFORM_IMPL_H

#include <stdint.h>

#include "../options.h"

#define PLATFORM_NAME "hosted"

struct platform {
  kernel_t *k;
  hosted_options_t opt;
  int epfd;
  int sigfd;  /* SIGTERM and SIGINT, read through epoll */
  int64_t t0; /* CLOCK_MONOTONIC at boot, ns */
};

#endif
