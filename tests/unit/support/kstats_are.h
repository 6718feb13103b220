/* kstats_are.h: check several of the kernel's counters (kstats_t) in one
 * line, and name the ones that differ:
 *
 *   assert_true(KSTATS_ARE(k, STAT(completed, 2), STAT(live, 0)));
 *
 * Each STAT names a field of kstats_t (a misspelt one does not compile) and
 * the value it must hold; fields not named are not checked. A mismatch
 * prints "kstats.completed is 3, expected 2" to stderr, one line per field,
 * and KSTATS_ARE is false. */
#ifndef REALMOS_TEST_KSTATS_ARE_H
#define REALMOS_TEST_KSTATS_ARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel.h"

typedef struct {
  const char *name;
  size_t offset; /* of a uint64_t in kstats_t */
  uint64_t want;
} stat_want_t;

#define STAT(field, value)                                                     \
  { #field, offsetof(kstats_t, field), (uint64_t)(value) }

#define KSTATS_ARE(k, ...)                                                     \
  kstats_are((k), (const stat_want_t[]){__VA_ARGS__},                          \
             sizeof((const stat_want_t[]){__VA_ARGS__}) / sizeof(stat_want_t))

bool kstats_are(kernel_t *k, const stat_want_t *want, size_t n);

#endif
