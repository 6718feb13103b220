/* config.h: every bound in realmos, in one place. A build may override any of
 * them with -D (the unit tests raise KCONFIG_MAX_TIMERS to 2^20). */
#ifndef REALMOS_CONFIG_H
#define REALMOS_CONFIG_H

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

/* UDP sockets bound at once. */
#ifndef KCONFIG_UDP_SOCKETS
#define KCONFIG_UDP_SOCKETS 16
#endif

/* Receive buffers of the UDP service (datagrams handed to programs and not
 * yet released); when all are out, datagrams wait or are dropped and
 * counted. */
#ifndef KCONFIG_UDP_RX_BUFFERS
#define KCONFIG_UDP_RX_BUFFERS 64
#endif

/* Receive buffers of a network device. */
#ifndef KCONFIG_NET_RX_BUFFERS
#define KCONFIG_NET_RX_BUFFERS 64
#endif

/* Largest Ethernet frame handled, without FCS: 1500 MTU + 14 header. */
#define KCONFIG_NET_FRAME_MAX 1514

/* Block requests a hosted disk keeps in the kernel (io_uring depth); more
 * wait in a list inside the device. */
#ifndef KCONFIG_HOSTED_BLK_DEPTH
#define KCONFIG_HOSTED_BLK_DEPTH 64
#endif

/* Scatter-gather segments in one block request. */
#ifndef KCONFIG_BLK_MAX_SEGS
#define KCONFIG_BLK_MAX_SEGS 16
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

/* ---- the IPv4 stack (net/) ---- */

/* Frames the stack can have in flight or waiting for ARP at once; a
 * program's send waits for a slot, the stack's own replies are dropped and
 * counted without one. */
#ifndef KCONFIG_NET_TX_SLOTS
#define KCONFIG_NET_TX_SLOTS 32
#endif
/* Standing NET_RECV items the stack keeps posted on the network device:
 * one poll of the device completes at most this many frames, and the stack
 * handles all of them in that tick's callbacks. 32 takes a burst of 32 in
 * one tick. Posting does not hold buffers: only frames handed out do. */
#ifndef KCONFIG_NET_RX_POSTED
#define KCONFIG_NET_RX_POSTED 32
#endif
/* ARP cache entries, their lifetime, and resolution: addresses resolved at
 * once, frames waiting per address, requests sent and the time between. */
#ifndef KCONFIG_ARP_ENTRIES
#define KCONFIG_ARP_ENTRIES 32
#endif
#ifndef KCONFIG_ARP_TTL_NS
#define KCONFIG_ARP_TTL_NS 60000000000ull
#endif
#ifndef KCONFIG_ARP_PENDING
#define KCONFIG_ARP_PENDING 8
#endif
#ifndef KCONFIG_ARP_QUEUE
#define KCONFIG_ARP_QUEUE 32
#endif
#ifndef KCONFIG_ARP_TRIES
#define KCONFIG_ARP_TRIES 4
#endif
#ifndef KCONFIG_ARP_RETRY_NS
#define KCONFIG_ARP_RETRY_NS 250000000ull
#endif
/* TTL of the datagrams we send. */
#ifndef KCONFIG_IP_TTL
#define KCONFIG_IP_TTL 64
#endif
/* ICMP destination unreachable messages per second (and burst). */
#ifndef KCONFIG_ICMP_UNREACH_PER_S
#define KCONFIG_ICMP_UNREACH_PER_S 10
#endif
/* Datagrams a UDP socket holds while its program has no receive posted. */
#ifndef KCONFIG_UDP_QUEUE
#define KCONFIG_UDP_QUEUE 32
#endif
/* DHCP: without a lease this long after the start, the static fallback. */
#ifndef KCONFIG_DHCP_TIMEOUT_NS
#define KCONFIG_DHCP_TIMEOUT_NS 3000000000ull
#endif

#endif
