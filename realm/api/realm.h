/* realm.h: the realm manager, as the kernel's program sees it.
 *
 * realm_start loads every image (manifest, identity, module), runs each
 * realm's init as its first transaction, and opens the gateway. From then
 * on the manager is event driven: timers, datagrams, random bytes and
 * gateway requests become transactions, run one at a time in slices of
 * fuel between the loop's ticks. docs/realms.md tells the model. */
#ifndef REALMOS_REALM_H
#define REALMOS_REALM_H

#include <stdint.h>

#include "images.h"
#include "kapi.h"

typedef struct {
  uint16_t gateway_port; /* 0: no gateway */
} realm_config_t;

/* Counters; docs/realms.md says what each counts. */
typedef struct {
  uint32_t loaded, load_failed;
  uint64_t tx_ok, tx_failed, tx_fuel, tx_trap, tx_abort, tx_undo_full;
  uint64_t calls, calls_failed;
  uint64_t slices, slices_suspended;
  uint64_t events_dropped; /* a realm's queue share or the queue was full */
  uint64_t backoff_refused;
  uint64_t effects_dropped; /* a send slot, a timer slot, ... was missing */
  uint64_t logs_dropped;
  uint64_t gw_requests, gw_bad, gw_replies, gw_reply_dropped;
} realm_stats_t;

kerr_t realm_start(kernel_t *k, const struct realm_image *images, unsigned n,
                   const realm_config_t *cfg);
/* The counters of k's manager (NULL: none started). */
const realm_stats_t *realm_stats(kernel_t *k);

#endif
