/* kstats_are.c: see kstats_are.h. */
#include "kstats_are.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

bool kstats_are(kernel_t *k, const stat_want_t *want, size_t n) {
  const kstats_t *s = kstats(k);
  bool same = true;
  for (size_t i = 0; i < n; i++) {
    uint64_t have;
    memcpy(&have, (const char *)s + want[i].offset, sizeof(have));
    if (have != want[i].want) {
      fprintf(stderr, "kstats.%s is %" PRIu64 ", expected %" PRIu64 "\n",
              want[i].name, have, want[i].want);
      same = false;
    }
  }
  return same;
}
