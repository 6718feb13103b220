/* hosted.h: the devices of the hosted platform. Each init registers its
 * device with the kernel and returns NULL, or says why it could not. */
#ifndef REALMOS_HOSTED_H
#define REALMOS_HOSTED_H

#include "kernel.h"

/* rng.c: getrandom(2). */
const char *hosted_rng_init(platform_t *p);

/* blk.c: a file as the disk, through io_uring. */
const char *hosted_blk_init(platform_t *p, const char *path);
void hosted_blk_close(void);

/* udp.c: the `socket` backend, UDP work items on Linux UDP sockets; guest
 * port 8080 is bound on the host at `host_port` (as QEMU's
 * hostfwd=udp::PORT-:8080), other ports as they are. */
const char *hosted_udp_init(platform_t *p, uint16_t host_port);
void hosted_udp_close(void);

/* net.c: the `frames` backend, raw Ethernet frames on a TAP interface or
 * one frame per UDP datagram (QEMU's -netdev dgram). */
const char *hosted_net_init(platform_t *p, const hosted_options_t *opt);
void hosted_net_close(void);

#endif
