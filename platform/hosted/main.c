/* main.c (hosted): the process entry. Parse the command line, then boot the
 * kernel; kmain returns when SIGTERM or SIGINT arrives (or, with
 * --exit-when-idle, when no work is left). */
#include <stdio.h>
#include <string.h>

#include "kernel.h"

int main(int argc, char **argv) {
  hosted_options_t opt;
  char err[160];
  int r = hosted_parse_options(argc, argv, &opt, err, sizeof(err));
  if (r == 1) {
    fputs(hosted_usage(), stdout);
    return 0;
  }
  if (r < 0) {
    fprintf(stderr, "%s\n%s", err, hosted_usage());
    return 2;
  }
  kmain(&opt);
  return 0;
}
