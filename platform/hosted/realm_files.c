/* realm_files.c (hosted): realms from files, `--realm MODULE,MANIFEST`
 * (options.h), for apps/realms/main.c through realm_extra_images
 * (realm/api/images.h). A file that cannot be read stops the process with
 * its name and why; a module or manifest that is wrong is the manager's to
 * report when it loads it (and the others start anyway). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hosted.h"
#include "images.h"

static struct realm_image g_images[HOSTED_REALM_FILES];
static unsigned g_n;
static bool g_builtin = true;

static void *slurp(const char *path, uint32_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "--realm %s: %s\n", path, strerror(errno));
    exit(2);
  }
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap && n < (64u << 20))
      buf = realloc(buf, cap *= 2);
  }
  fclose(f);
  if (!buf) {
    fprintf(stderr, "--realm %s: out of memory\n", path);
    exit(2);
  }
  *len = (uint32_t)n;
  return buf;
}

void hosted_realm_files_load(const hosted_options_t *opt) {
  g_builtin = !opt->no_builtin_realms;
  for (unsigned i = 0; i < opt->nrealms; i++) {
    struct realm_image *img = &g_images[g_n++];
    img->name = opt->realm_module[i];
    img->module = slurp(opt->realm_module[i], &img->module_len);
    img->manifest = slurp(opt->realm_manifest[i], &img->manifest_len);
  }
}

const struct realm_image *realm_extra_images(unsigned *n, bool *builtin) {
  *n = g_n;
  *builtin = g_builtin;
  return g_images;
}
