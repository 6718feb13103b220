/* cost_timers.c: the core's cost per timer, for bench/sec_cost.py, which runs
 * it under callgrind with --dump-before=cost_mark.
 *
 * First PENDING timers are armed 1 h out and stay on the heap: 1,000, or
 * 1,000,000 when the build raises KCONFIG_MAX_TIMERS above a million. Then
 * two phases; each prints "cost: <name> n <N>", runs WARMUP operations,
 * calls cost_mark, runs N, calls cost_mark, runs 2N more, calls cost_mark.
 * The Python side takes (count of the 2N part - count of the N part) / N.
 *
 *   fire    32 timers of delay 0; each callback re-arms its timer, so one
 *           tick fires 32 and arms 32. One operation: arm, fire, callback.
 *   cancel  32 timers armed 60 s out, then all 32 cancelled; their
 *           callbacks run on the next tick and the last one starts the next
 *           32. One operation: arm, kcancel, callback. */
#include "config.h"
#include "kapi.h"

#if KCONFIG_MAX_TIMERS > 1000000
#define PENDING 1000000u
#else
#define PENDING 1000u
#endif
#define WARMUP 320u
#define N 3200u
#define BATCH 32u

/* callgrind dumps its counters on entry here. */
__attribute__((noinline)) void cost_mark(void) {
  __asm__ volatile("" ::: "memory");
}

static struct {
  kernel_t *k;
  ktimer_req_t pending[PENDING];
  ktimer_req_t req[BATCH];
  uint32_t phase, issued, done;
} g;

static void start_phase(void);

static void on_pending(kwork_t *w) {
  (void)w;
  kpanic("cost: a pending timer fired");
}

/* Counts one operation; true when the phase has more to run: one batch past
 * the last mark, so that every callback in the marked stretches re-arms. */
static bool count(void) {
  g.done++;
  if (g.done == WARMUP || g.done == WARMUP + N || g.done == WARMUP + 3 * N)
    cost_mark();
  return g.issued < WARMUP + 3 * N + BATCH;
}

static void on_fire(kwork_t *w) {
  KASSERT(w->result == KERR_OK);
  if (count()) {
    g.issued++;
    KASSERT(ksubmit(g.k, w) == KERR_OK);
  } else if (g.done == g.issued) {
    g.phase++;
    start_phase();
  }
}

static void arm_and_cancel(void);

static void on_cancelled(kwork_t *w) {
  KASSERT(w->result == KERR_CANCELLED);
  bool more = count();
  if (g.done < g.issued) /* not the batch's last */
    return;
  if (more) {
    arm_and_cancel();
  } else {
    g.phase++;
    start_phase();
  }
}

static void arm_and_cancel(void) {
  for (uint32_t i = 0; i < BATCH; i++) {
    kwork_init(&g.req[i].work, KWORK_OP_TIMER, NULL, on_cancelled, 0);
    g.req[i].delay = KTIME_S(60);
    KASSERT(ksubmit(g.k, &g.req[i].work) == KERR_OK);
  }
  for (uint32_t i = 0; i < BATCH; i++)
    KASSERT(kcancel(g.k, &g.req[i].work) == KERR_OK);
  g.issued += BATCH;
}

static void start_phase(void) {
  g.issued = g.done = 0;
  switch (g.phase) {
  case 0:
    printk("cost: fire n %u\n", N);
    for (uint32_t i = 0; i < BATCH; i++) {
      kwork_init(&g.req[i].work, KWORK_OP_TIMER, NULL, on_fire, 0);
      g.req[i].delay = 0;
      KASSERT(ksubmit(g.k, &g.req[i].work) == KERR_OK);
    }
    g.issued = BATCH;
    return;
  case 1:
    printk("cost: cancel n %u\n", N);
    arm_and_cancel();
    return;
  default:
    KASSERT(kstats(g.k)->timers_pending == PENDING);
    printk("cost: done\n");
    kmain_stop(g.k);
  }
}

void kmain_usermain(kernel_t *k) {
  g.k = k;
  for (uint32_t i = 0; i < PENDING; i++) {
    kwork_init(&g.pending[i].work, KWORK_OP_TIMER, NULL, on_pending, 0);
    g.pending[i].delay = KTIME_S(3600);
    KASSERT(ksubmit(k, &g.pending[i].work) == KERR_OK);
  }
  printk("cost: timers pending %u\n", (unsigned)kstats(k)->timers_pending);
  start_phase();
}
