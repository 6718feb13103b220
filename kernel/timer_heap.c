/* timer_heap.c: see timer_heap.h. */
#include "timer_heap.h"

/* a before b: earlier due time, or armed earlier at the same due time. The
 * sequence compare is wrap-safe while fewer than 2^31 arms separate two
 * entries with equal due times. */
static bool before(const ktimer_entry_t *a, const ktimer_entry_t *b) {
  if (a->due != b->due)
    return a->due < b->due;
  return (int32_t)(a->seq - b->seq) < 0;
}

static void place(ktimer_heap_t *h, uint32_t i, ktimer_entry_t e) {
  h->entries[i] = e;
  e.work->heap_index = i;
}

static void sift_up(ktimer_heap_t *h, uint32_t i) {
  ktimer_entry_t e = h->entries[i];
  while (i > 0) {
    uint32_t parent = (i - 1) / 2;
    if (!before(&e, &h->entries[parent]))
      break;
    place(h, i, h->entries[parent]);
    i = parent;
  }
  place(h, i, e);
}

static void sift_down(ktimer_heap_t *h, uint32_t i) {
  ktimer_entry_t e = h->entries[i];
  for (;;) {
    uint32_t child = 2 * i + 1;
    if (child >= h->count)
      break;
    if (child + 1 < h->count &&
        before(&h->entries[child + 1], &h->entries[child]))
      child++;
    if (!before(&h->entries[child], &e))
      break;
    place(h, i, h->entries[child]);
    i = child;
  }
  place(h, i, e);
}

void ktimer_heap_init(ktimer_heap_t *h) {
  h->count = 0;
  h->seq = 0;
}

kerr_t ktimer_heap_arm(ktimer_heap_t *h, kwork_t *work, ktime_t due) {
  if (work->heap_index != KWORK_NO_HEAP)
    return KERR_STATE;
  if (h->count >= KCONFIG_MAX_TIMERS)
    return KERR_NO_SPACE;
  uint32_t i = h->count++;
  h->entries[i] = (ktimer_entry_t){.due = due, .seq = h->seq++, .work = work};
  sift_up(h, i);
  return KERR_OK;
}

/* Take slot i out: the last entry fills it and moves to its place. */
static void remove_at(ktimer_heap_t *h, uint32_t i) {
  uint32_t last = --h->count;
  if (i == last)
    return;
  h->entries[i] = h->entries[last];
  /* The moved entry may belong above or below slot i. */
  if (i > 0 && before(&h->entries[i], &h->entries[(i - 1) / 2]))
    sift_up(h, i);
  else
    sift_down(h, i);
}

kerr_t ktimer_heap_cancel(ktimer_heap_t *h, kwork_t *work) {
  uint32_t i = work->heap_index;
  if (i >= h->count || h->entries[i].work != work)
    return KERR_STATE;
  work->heap_index = KWORK_NO_HEAP;
  remove_at(h, i);
  return KERR_OK;
}

ktime_t ktimer_heap_next(const ktimer_heap_t *h) {
  return h->count ? h->entries[0].due : KTIME_NEVER;
}

kwork_t *ktimer_heap_pop_due(ktimer_heap_t *h, ktime_t now) {
  if (h->count == 0 || h->entries[0].due > now)
    return NULL;
  /* The top entry goes whatever its item says: an item a program
   * re-initialised while it was on the heap (a misuse) no longer points
   * back here, and must not stay on top for ever, spinning the loop. */
  kwork_t *w = h->entries[0].work;
  if (w->heap_index == 0)
    w->heap_index = KWORK_NO_HEAP;
  remove_at(h, 0);
  return w;
}

bool ktimer_heap_check(const ktimer_heap_t *h) {
  for (uint32_t i = 0; i < h->count; i++) {
    if (h->entries[i].work->heap_index != i)
      return false;
    if (i > 0 && before(&h->entries[i], &h->entries[(i - 1) / 2]))
      return false;
  }
  return true;
}
