/* fuzz_options.c: libFuzzer harness for the hosted command line
 * (platform/hosted/options.c). The input is split at NUL bytes into
 * arguments, after a program name. The parser must answer 0, 1 or -1, and
 * on -1 leave a NUL-terminated reason within the buffer it was given. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = malloc(size + 1);
  if (text == NULL)
    return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  char *argv[MAX_ARGS + 1] = {"kernel.elf"};
  int argc = 1;
  for (size_t i = 0; i < size && argc < MAX_ARGS; argc++) {
    argv[argc] = text + i;
    i += strlen(text + i) + 1;
  }
  argv[argc] = NULL;
  hosted_options_t opt;
  char err[64];
  memset(err, 'x', sizeof(err));
  int r = hosted_parse_options(argc, argv, &opt, err, sizeof(err));
  if (r < -1 || r > 1)
    abort();
  if (r == -1 && memchr(err, '\0', sizeof(err)) == NULL)
    abort(); /* the reason ran off its buffer */
  if (r == 0 && opt.has_ip && opt.ip_netmask != 0 &&
      (~opt.ip_netmask & (~opt.ip_netmask + 1)) != 0)
    abort(); /* a netmask that is not a prefix */
  if (r == 0 && opt.pcap != NULL && opt.net == NET_SOCKET)
    abort(); /* a capture with no frames to capture */
  free(text);
  return 0;
}
