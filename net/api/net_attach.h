/* net_attach.h: how a platform puts the IPv4 stack (net/) in front of its
 * network device. Every platform with Ethernet frames calls net_attach once,
 * after registering its devices (bare metal: platform/common/baremetal.c;
 * hosted: platform/hosted/platform.c; the simulator: platform/sim). The
 * addresses are the platform's to choose: the stack knows no network. */
#ifndef REALMOS_NET_ATTACH_H
#define REALMOS_NET_ATTACH_H

#include "kapi.h"

typedef struct net_stack net_stack_t;

typedef struct {
  /* Storage for the stack's state (net/stack.h), for several kernels in
   * one program (the simulator): it must live as long as the kernel.
   * NULL: the stack's own, for a program with one kernel. */
  net_stack_t *storage;
  /* An address to start with instead of DHCP (hosted --ip); NULL: DHCP. */
  const kip_config_t *fixed;
  /* What DHCP falls back to when no lease comes within
   * KCONFIG_DHCP_TIMEOUT_NS of the start (then it stops asking); NULL:
   * it keeps asking. */
  const kip_config_t *fallback;
} net_attach_t;

/* Register the stack to serve KDEV_IP in front of k's network device
 * (KDEV_NET). KERR_NO_DEVICE without a network device, KERR_BUSY when
 * KDEV_IP is served already (the hosted socket backend). */
kerr_t net_attach(kernel_t *k, const net_attach_t *how);

#endif
