/* timer_heap.h: a binary min-heap of work items keyed by due time.
 *
 * Holds timers and the deadlines of other work. Arm, cancel and pop are
 * O(log n); the earliest entry is O(1). Equal due times leave in the order
 * they were armed (a sequence number breaks ties). Each item remembers its
 * slot (work->heap_index), so cancel needs no search. The storage is a fixed
 * array of KCONFIG_MAX_TIMERS entries. */
#ifndef REALMOS_TIMER_HEAP_H
#define REALMOS_TIMER_HEAP_H

#include "config.h"
#include "kapi.h"

typedef struct {
  ktime_t due;
  uint32_t seq;
  kwork_t *work;
} ktimer_entry_t;

typedef struct {
  uint32_t count;
  uint32_t seq;
  ktimer_entry_t entries[KCONFIG_MAX_TIMERS];
} ktimer_heap_t;

void ktimer_heap_init(ktimer_heap_t *h);
/* KERR_NO_SPACE when full, KERR_STATE when the item is already on it. */
kerr_t ktimer_heap_arm(ktimer_heap_t *h, kwork_t *work, ktime_t due);
/* KERR_STATE when the item is not on it. */
kerr_t ktimer_heap_cancel(ktimer_heap_t *h, kwork_t *work);
/* The earliest due time, or KTIME_NEVER when empty. */
ktime_t ktimer_heap_next(const ktimer_heap_t *h);
/* Remove and return the earliest item if it is due at or before `now`. */
kwork_t *ktimer_heap_pop_due(ktimer_heap_t *h, ktime_t now);
/* For tests: true if every parent is due no later than its children and
 * every item's heap_index matches its slot. */
bool ktimer_heap_check(const ktimer_heap_t *h);

#endif
