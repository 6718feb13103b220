/* config.h: the bounds of the core and of the platforms. A build may override
 * any of them with -D (the unit tests raise KCONFIG_MAX_TIMERS to 2^20). The
 * device interface's bounds are in dev_config.h (included here), the IPv4
 * stack's in net/net_config.h: drivers and the stack see those, not this
 * file (Makefile, "The layers"). */
#ifndef REALMOS_CONFIG_H
#define REALMOS_CONFIG_H

#include "dev_config.h"

#define REALMOS_VERSION "0.1"

/* Entries on the timer heap: timers plus work items that carry a deadline.
 * When it is full, ksubmit of such an item returns KERR_NO_SPACE. */
#ifndef KCONFIG_MAX_TIMERS
#define KCONFIG_MAX_TIMERS 4096
#endif

/* Devices a platform may register with the kernel. */
#ifndef KCONFIG_MAX_DEVICES
#define KCONFIG_MAX_DEVICES 8
#endif

/* Passes of {run callbacks, dispatch} in one loop tick (kmain.c): how long a
 * chain of completions inside the kernel (a callback completing or submitting
 * an item that completes at once) may run before devices are polled and
 * timers expire again. */
#ifndef KCONFIG_TICK_PASSES
#define KCONFIG_TICK_PASSES 8
#endif

/* Log level at boot (KLOG_INFO = 2). */
#ifndef KCONFIG_LOG_LEVEL
#define KCONFIG_LOG_LEVEL 2
#endif

/* Bytes one printk call may format; longer output is cut. */
#ifndef KCONFIG_PRINTK_BUF
#define KCONFIG_PRINTK_BUF 256
#endif

/* Receive buffers of the UDP service (datagrams handed to programs and not
 * yet released); when all are out, datagrams wait or are dropped and
 * counted. */
#ifndef KCONFIG_UDP_RX_BUFFERS
#define KCONFIG_UDP_RX_BUFFERS 64
#endif

/* Block requests a hosted disk keeps in the kernel (io_uring depth); more
 * wait in a list inside the device. */
#ifndef KCONFIG_HOSTED_BLK_DEPTH
#define KCONFIG_HOSTED_BLK_DEPTH 64
#endif

/* The kernel's CSPRNG (kernel/rng.c) reads a new seed from the random
 * source on the first request after this many nanoseconds, or after it has
 * handed out this many bytes, since the last seed read. */
#ifndef KCONFIG_RNG_RESEED_NS
#define KCONFIG_RNG_RESEED_NS 60000000000ull
#endif
#ifndef KCONFIG_RNG_RESEED_BYTES
#define KCONFIG_RNG_RESEED_BYTES 1048576u
#endif

#endif
