/* demo.h: the demo's steps, one file each. */
#ifndef REALMOS_DEMO_H
#define REALMOS_DEMO_H

#include "kapi.h"

/* net.c: the network steps: the interface's address (DHCP, or the static
 * fallback), ARP for the gateway, a ping to it; one line each. Calls
 * `then` when they are over, whatever their outcome. */
void demo_net_start(kernel_t *k, void (*then)(void));

#endif
