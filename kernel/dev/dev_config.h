/* dev_config.h: the bounds of the device interface, which a device and the
 * layer that submits to it (the stack, a program, validate.c's checks) both
 * size by. A build may override any of them with -D, as in config.h, which
 * includes this file. Drivers and the stack see this file and not config.h,
 * the core's own (Makefile, "The layers"). */
#ifndef REALMOS_DEV_CONFIG_H
#define REALMOS_DEV_CONFIG_H

/* Receive buffers of a network device. */
#ifndef KCONFIG_NET_RX_BUFFERS
#define KCONFIG_NET_RX_BUFFERS 64
#endif

/* Standing NET_RECV items the stack keeps posted on the network device:
 * one poll of the device completes at most this many frames, and the stack
 * handles all of them in that tick's callbacks. 32 takes a burst of 32 in
 * one tick. Posting does not hold buffers: only frames handed out do. */
#ifndef KCONFIG_NET_RX_POSTED
#define KCONFIG_NET_RX_POSTED 32
#endif

/* Largest Ethernet frame handled, without FCS: 1500 MTU + 14 header. */
#define KCONFIG_NET_FRAME_MAX 1514

/* UDP sockets bound at once, by whichever device serves KDEV_IP (the
 * stack's udp.c, or the hosted socket backend). */
#ifndef KCONFIG_UDP_SOCKETS
#define KCONFIG_UDP_SOCKETS 16
#endif

/* Scatter-gather segments in one block request. */
#ifndef KCONFIG_BLK_MAX_SEGS
#define KCONFIG_BLK_MAX_SEGS 16
#endif

#endif
