/* check.h: a tiny assertion helper for the test programs. A failed check
 * prints "<name>: FAIL <file>:<line>: <expr>" and is counted; check_done()
 * prints "<name>: ok" or "<name>: FAILED <n>" and stops the kernel. */
#ifndef REALMOS_TEST_CHECK_H
#define REALMOS_TEST_CHECK_H

#include "kapi.h"

static const char *check_name;
static unsigned check_failures;

#define CHECK(cond)                                                            \
  ((cond)                                                                      \
       ? (void)0                                                               \
       : (void)(check_failures++, printk("%s: FAIL %s:%d: %s\n", check_name,   \
                                         __FILE__, __LINE__, #cond)))

static inline void check_done(kernel_t *k) {
  if (check_failures == 0)
    printk("%s: ok\n", check_name);
  else
    printk("%s: FAILED %u\n", check_name, check_failures);
  kmain_stop(k);
}

#endif
