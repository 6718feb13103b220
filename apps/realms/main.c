/* main.c: the demo with realms (build/<p>/realms.elf, what `make run`
 * boots): the C demo's steps, then the realms built into the image
 * (REALMS, realm/realm.mk) and any the platform gives (hosted: --realm),
 * with the gateway on REALM_GATEWAY_PORT. */
#include "../demo/demo.h"
#include "images.h"
#include "realm.h"

#ifndef REALM_GATEWAY_PORT
#define REALM_GATEWAY_PORT 7000
#endif

static struct realm_image all[16];

/* No realms but those built in, unless the platform says otherwise. */
__attribute__((weak)) const struct realm_image *
realm_extra_images(unsigned *n, bool *builtin) {
  *n = 0;
  *builtin = true;
  return NULL;
}

void kmain_usermain(kernel_t *k) {
  demo_main(k);
  unsigned n = 0, extra = 0;
  bool builtin = true;
  const struct realm_image *more = realm_extra_images(&extra, &builtin);
  for (unsigned i = 0; builtin && i < realm_nimages && n < KARRAY_SIZE(all);
       i++)
    all[n++] = realm_images[i];
  for (unsigned i = 0; i < extra && n < KARRAY_SIZE(all); i++)
    all[n++] = more[i];
  realm_config_t cfg = {.gateway_port = REALM_GATEWAY_PORT};
  realm_start(k, all, n, &cfg);
}
