/* main.c: the demo with realms (build/<p>/realms.elf, what `make run`
 * boots): the C demo's steps, then the realms built into the image
 * (REALMS, realm/realm.mk), with the gateway on REALM_GATEWAY_PORT. */
#include "../demo/demo.h"
#include "images.h"
#include "realm.h"

#ifndef REALM_GATEWAY_PORT
#define REALM_GATEWAY_PORT 7000
#endif

void kmain_usermain(kernel_t *k) {
  demo_main(k);
  realm_config_t cfg = {.gateway_port = REALM_GATEWAY_PORT};
  realm_start(k, realm_images, realm_nimages, &cfg);
}
