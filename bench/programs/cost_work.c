/* cost_work.c: the core's cost per work item, for bench/sec_cost.py, which
 * runs it under callgrind with --dump-before=cost_mark.
 *
 * The item is a BLOCK_FLUSH served by a null device that this program
 * registers for the block class (run it without --disk), so what is counted
 * is the core's own path, ksubmit, dispatch, completion, callback, and the
 * loop around them.
 *
 * Three phases; each prints "cost: <name> n <N>", runs WARMUP items, calls
 * cost_mark, runs N, calls cost_mark, runs 2N more, calls cost_mark. The
 * Python side takes (count of the 2N part - count of the N part) / N.
 *
 *   batch32  32 items in flight; the device completes each inside its
 *            submit and each callback resubmits its item, so a loop tick
 *            runs KCONFIG_TICK_PASSES passes of 32 items
 *   single   one item, completed inside submit: up to KCONFIG_TICK_PASSES
 *            items per loop tick
 *   polled   one item, which the device holds and completes from its poll
 *            (it raises itself in submit): one loop tick per item, the
 *            platform's wait (a zero-timeout epoll_pwait2) included */
#include "device.h"
#include "kapi.h"

#define WARMUP 320u
#define N 3200u
#define BATCH 32u

/* callgrind dumps its counters on entry here. */
__attribute__((noinline)) void cost_mark(void) {
  __asm__ volatile("" ::: "memory");
}

static struct {
  kernel_t *k;
  kdevice_t dev;
  kblk_req_t req[BATCH];
  uint32_t phase, inflight;
  kwork_t *held;      /* what it holds then */
  uint32_t at;        /* the callback (1, 2, ...) on_step sees next */
  uint32_t countdown; /* callbacks until then */
  kerr_t errors;      /* results and ksubmit returns, or-ed: must stay 0 */
} g;

static kerr_t null_submit(kdevice_t *dev, kwork_t *w) {
  kdev_complete(dev, w, KERR_OK);
  return KERR_OK;
}

/* The polled phase's submit: hold the item until the next poll. */
static kerr_t held_submit(kdevice_t *dev, kwork_t *w) {
  g.held = w;
  kdev_raise(dev);
  return KERR_OK;
}

static kerr_t null_cancel(kdevice_t *dev, kwork_t *w) {
  (void)dev, (void)w;
  return KERR_OK;
}

static void null_poll(kdevice_t *dev) {
  kwork_t *w = g.held;
  g.held = NULL;
  if (w != NULL)
    kdev_complete(dev, w, KERR_OK);
}

static const kdevice_ops_t null_ops = {
    .submit = null_submit, .cancel = null_cancel, .poll = null_poll};
static const kdevice_ops_t polled_ops = {
    .submit = held_submit, .cancel = null_cancel, .poll = null_poll};

static void start_phase(void);

/* The callbacks on_done hands over: the three marks, and the last round,
 * which does not resubmit. Every callback up to the last mark resubmits,
 * and one round past it, so that the marked stretches are all alike. */
static __attribute__((noinline)) void on_step(kwork_t *w) {
  uint32_t at = g.at, next = at + 1;
  if (at <= WARMUP + 3 * N) {
    cost_mark();
    g.errors |= ksubmit(g.k, w);
    if (at == WARMUP)
      next = WARMUP + N;
    else if (at == WARMUP + N)
      next = WARMUP + 3 * N;
  } else if (at == WARMUP + 3 * N + g.inflight) {
    g.phase++;
    start_phase();
    return;
  }
  g.countdown = next - at;
  g.at = next;
}

/* The program's own share of the count: what any callback that resubmits
 * does, and a countdown. The results are checked at the end of the phase. */
static void on_done(kwork_t *w) {
  g.errors |= w->result;
  if (--g.countdown != 0) {
    g.errors |= ksubmit(g.k, w);
    return;
  }
  on_step(w);
}

static void start_phase(void) {
  static const char *const names[] = {"batch32", "single", "polled"};
  static const uint32_t inflight[] = {BATCH, 1, 1};
  KASSERT(g.errors == KERR_OK);
  if (g.phase == KARRAY_SIZE(names)) {
    printk("cost: done\n");
    kmain_stop(g.k);
    return;
  }
  g.inflight = inflight[g.phase];
  g.dev.ops = g.phase == 2 ? &polled_ops : &null_ops; /* nothing is live */
  g.at = WARMUP;
  g.countdown = WARMUP;
  printk("cost: %s n %u\n", names[g.phase], N);
  for (uint32_t i = 0; i < g.inflight; i++) {
    kwork_init(&g.req[i].work, KWORK_OP_BLOCK_FLUSH, NULL, on_done, 0);
    KASSERT(ksubmit(g.k, &g.req[i].work) == KERR_OK);
  }
}

void kmain_usermain(kernel_t *k) {
  g.k = k;
  g.dev = (kdevice_t){.ops = &null_ops, .name = "null", .cls = KDEV_BLOCK};
  KASSERT(kdev_register(k, &g.dev) == KERR_OK);
  start_phase();
}
