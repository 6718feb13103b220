/* images.h: the realms built into a kernel image. realm/realm.mk compiles
 * each folder of REALMS (realms/<name>/) to a module and generates
 * $(BUILD)/realm_images.c, which defines these with the modules' bytes and
 * their manifests' text. */
#ifndef REALMOS_REALM_IMAGES_H
#define REALMOS_REALM_IMAGES_H

#include <stdbool.h>
#include <stdint.h>

struct realm_image {
  const char *name;      /* its folder under realms/: "bank" */
  const uint8_t *module; /* the WebAssembly module */
  uint32_t module_len;
  const char *manifest; /* the manifest's text (not NUL-terminated) */
  uint32_t manifest_len;
};

extern const struct realm_image realm_images[];
extern const unsigned realm_nimages;

/* Realms from elsewhere than the image (hosted: `--realm MODULE,MANIFEST`),
 * loaded after those built in; *builtin false: leave those out.
 * apps/realms/main.c has a weak default (none); a platform that has more
 * defines it. (A weak definition, not a weak undefined symbol: RISC-V's
 * PC-relative code cannot reach address 0.) */
const struct realm_image *realm_extra_images(unsigned *n, bool *builtin);

#endif
