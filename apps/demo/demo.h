/* demo.h: the demo's steps, one file each. */
#ifndef REALMOS_DEMO_H
#define REALMOS_DEMO_H

#include "kapi.h"

/* demo.c: start the demo's steps (main.c calls it from kmain_usermain;
 * apps/realms/ calls it before it starts the realms). */
void demo_main(kernel_t *k);

/* net.c: the network steps: the interface's address (DHCP, or the static
 * fallback), ARP for the gateway, a ping to it; one line each.
 * demo_net_begin starts them (ARP and ping follow the address by
 * themselves); demo_net_start prints their lines, in order, as they end,
 * and calls `then` after the last, whatever their outcome.
 * demo_net_address_at: ktime_now when the address came (0 before). */
void demo_net_begin(kernel_t *k);
void demo_net_start(void (*then)(void));
ktime_t demo_net_address_at(void);

#endif
