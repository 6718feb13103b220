/* hosted.h: the devices of the hosted platform. Each init registers its
 * device with the kernel and returns NULL, or says why it could not. */
#ifndef REALMOS_HOSTED_H
#define REALMOS_HOSTED_H

#include "kernel.h"

/* platform.c: the events of fd that raise dev, as platform_irq_route but
 * chosen by the device (EPOLLIN, EPOLLOUT, EPOLLET); op is EPOLL_CTL_ADD or
 * EPOLL_CTL_MOD. A MOD to events already pending raises dev at the next wait,
 * so nothing is missed between a host call and the change. */
kerr_t hosted_irq_watch(platform_t *p, int op, int fd, kdevice_t *dev,
                        uint32_t events);

/* rng.c: getrandom(2). */
const char *hosted_rng_init(platform_t *p);

/* blk.c: a file as the disk, through io_uring. */
const char *hosted_blk_init(platform_t *p, const char *path);
void hosted_blk_close(void);

/* udp.c, udp_io.c: the `socket` backend, UDP work items on Linux UDP
 * sockets, read by recvmmsg and written by sendmmsg in batches; guest
 * port `guest_port` is bound on the host at `host_port` (as QEMU's
 * hostfwd=udp::PORT-:GUEST, the --port option; more with --forward), other
 * ports as they are. */
const char *hosted_udp_init(platform_t *p, uint16_t host_port,
                            uint16_t guest_port);
void hosted_udp_close(void);

/* net.c: the `frames` backend, raw Ethernet frames on a TAP interface or
 * one frame per UDP datagram (QEMU's -netdev dgram). */
/* realm_files.c: read the --realm files (exits on one it cannot read). */
void hosted_realm_files_load(const hosted_options_t *opt);
const char *hosted_net_init(platform_t *p, const hosted_options_t *opt);
void hosted_net_close(void);

#endif
