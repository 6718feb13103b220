/* test_work.c: the life of a work item (kernel/work.c, validate.c, kmain.c),
 * driven through the user API, kmain_tick and kmain_next_delay, with fake
 * devices and a fake clock.
 *
 * Most tests start from a fresh kernel with one fake device per class. The
 * clock only moves when a test moves it; tick() runs one loop iteration at
 * the current fake time. Callbacks append to a log, so each test can check
 * exactly which callbacks ran, with which result, and in which order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "kernel.h"
#include "support/fake_device.h"
#include "support/fake_platform.h"

static kernel_t g_k; /* huge: the timer heap holds 2^20 entries */
static fake_device_t g_rng, g_blk, g_net, g_udp;
static uint8_t g_buf[8192];

/* ------------------------------------------------------- callback log */

typedef struct {
  kwork_t *work;
  kerr_t result;
  uint32_t state; /* kwork_state() while the callback ran */
  ktime_t now;    /* ktime() while the callback ran */
} cb_record_t;

static cb_record_t g_cb[4096];
static size_t g_ncb;

static void record(kwork_t *w) {
  assert_true(g_ncb < KARRAY_SIZE(g_cb));
  g_cb[g_ncb++] = (cb_record_t){.work = w,
                                .result = w->result,
                                .state = kwork_state(w),
                                .now = ktime(&g_k)};
}

/* For items that must never complete (rejected by ksubmit). */
static void must_not_run(kwork_t *w) {
  (void)w;
  fail_msg("a callback ran for an item ksubmit refused");
}

static size_t callbacks_for(const kwork_t *w) {
  size_t n = 0;
  for (size_t i = 0; i < g_ncb; i++)
    n += g_cb[i].work == w;
  return n;
}

/* ------------------------------------------------------------ harness */

static void tick(void) { kmain_tick(&g_k, fake_clock(&g_k)); }

static void tick_at(ktime_t t) {
  fake_clock_set(&g_k, t);
  tick();
}

static void ticks(int n) {
  for (int i = 0; i < n; i++)
    tick();
}

static int setup(void **state) {
  (void)state;
  fake_platform_reset();
  fake_device_init(&g_rng, KDEV_RNG, "fake-rng", false);
  fake_device_init(&g_blk, KDEV_BLOCK, "fake-blk", false);
  fake_device_init(&g_net, KDEV_NET, "fake-net", true);
  fake_device_init(&g_udp, KDEV_IP, "fake-udp", true);
  fake_platform_add_device(&g_rng.dev);
  fake_platform_add_device(&g_blk.dev);
  fake_platform_add_device(&g_net.dev);
  fake_platform_add_device(&g_udp.dev);
  kmain_init(&g_k, NULL);
  g_ncb = 0;
  return 0;
}

/* A kernel with only an RNG device. */
static int setup_rng_only(void **state) {
  (void)state;
  fake_platform_reset();
  fake_device_init(&g_rng, KDEV_RNG, "fake-rng", false);
  fake_platform_add_device(&g_rng.dev);
  kmain_init(&g_k, NULL);
  g_ncb = 0;
  return 0;
}

static void init_rng(krng_req_t *r, kwork_cb_t cb) {
  memset(r, 0, sizeof(*r));
  kwork_init(&r->work, KWORK_OP_RNG_READ, r, cb, 0);
  r->buffer = g_buf;
  r->length = 16;
}

static void init_timer(ktimer_req_t *t, ktime_t delay, kwork_cb_t cb) {
  memset(t, 0, sizeof(*t));
  kwork_init(&t->work, KWORK_OP_TIMER, t, cb, 0);
  t->delay = delay;
}

static void init_blk(kblk_req_t *r, uint32_t op, uint64_t sector, size_t length,
                     kwork_cb_t cb) {
  memset(r, 0, sizeof(*r));
  kwork_init(&r->work, op, r, cb, 0);
  r->sector = sector;
  r->buffer = g_buf;
  r->length = length;
}

static void init_udp_recv(kudp_recv_req_t *r, kwork_cb_t cb) {
  memset(r, 0, sizeof(*r));
  kwork_init(&r->work, KWORK_OP_UDP_RECV, r, cb, 0);
  r->sock = 1;
}

static void init_net_recv(knet_recv_req_t *r, kwork_cb_t cb) {
  memset(r, 0, sizeof(*r));
  kwork_init(&r->work, KWORK_OP_NET_RECV, r, cb, 0);
}

static void init_udp_send(kudp_send_req_t *r, size_t length, kwork_cb_t cb) {
  memset(r, 0, sizeof(*r));
  kwork_init(&r->work, KWORK_OP_UDP_SEND, r, cb, 0);
  r->sock = 1;
  r->dst_addr = KIP4(10, 0, 2, 2);
  r->dst_port = 9;
  r->data = g_buf;
  r->length = length;
}

static void init_net_send(knet_send_req_t *r, size_t length, kwork_cb_t cb) {
  memset(r, 0, sizeof(*r));
  kwork_init(&r->work, KWORK_OP_NET_SEND, r, cb, 0);
  r->frame = g_buf;
  r->length = length;
}

/* Submit, tick once so the device gets it, and check it is LIVE there. */
static void submit_to_device(kwork_t *w, fake_device_t *dev) {
  assert_int_equal(ksubmit(&g_k, w), KERR_OK);
  tick();
  assert_int_equal(kwork_state(w), KWORK_STATE_LIVE);
  assert_true(fake_device_holds(dev, w));
}

/* ksubmit must refuse `w` with some error, leave it IDLE, count one
 * rejection and accept nothing. Returns the error for the caller to check. */
static kerr_t submit_refused(kwork_t *w) {
  kstats_t before = *kstats(&g_k);
  kerr_t err = ksubmit(&g_k, w);
  const kstats_t *after = kstats(&g_k);
  assert_int_not_equal(err, KERR_OK);
  assert_int_equal(kwork_state(w), KWORK_STATE_IDLE);
  assert_int_equal(after->rejected, before.rejected + 1);
  assert_int_equal(after->submitted, before.submitted);
  assert_int_equal(after->live, before.live);
  assert_int_equal(after->timers_pending, before.timers_pending);
  return err;
}

/* ------------------------------------------------- the ordinary path */

static void test_completes_once_with_device_result(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);

  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_QUEUED);
  assert_int_equal(g_rng.nsubmits,
                   0); /* nothing reaches a device before a tick */

  tick();
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_LIVE);
  assert_int_equal(g_rng.nsubmits, 1);
  assert_ptr_equal(g_rng.submits[0], &r.work);
  assert_int_equal(g_rng.kicks, 1);
  assert_int_equal(g_blk.kicks, 0);
  assert_int_equal(g_ncb, 0);

  r.completed = 16;
  fake_device_complete(&g_rng, &r.work, KERR_OK);
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_DONE);
  assert_int_equal(g_ncb, 0); /* callbacks only run from the loop */

  tick();
  assert_int_equal(g_ncb, 1);
  assert_ptr_equal(g_cb[0].work, &r.work);
  assert_int_equal(g_cb[0].result, KERR_OK);
  assert_int_equal(g_cb[0].state, KWORK_STATE_IDLE); /* may be resubmitted */
  assert_ptr_equal(r.work.ctx, &r);
  assert_int_equal(r.completed, 16);

  ticks(5);
  assert_int_equal(g_ncb, 1);
  assert_int_equal(g_rng.nsubmits, 1);
  const kstats_t *s = kstats(&g_k);
  assert_int_equal(s->submitted, 1);
  assert_int_equal(s->completed, 1);
  assert_int_equal(s->live, 0);
}

static void test_submit_error_from_device_completes_with_it(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  g_rng.submit_error = KERR_IO;

  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  ticks(3);
  assert_int_equal(g_rng.nsubmits, 1);
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_IO);
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_IDLE);
  assert_int_equal(kstats(&g_k)->live, 0);
}

static void test_device_completing_inside_submit(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  g_rng.complete_in_submit = true;
  g_rng.complete_in_submit_result = KERR_OK;

  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  tick(); /* dispatched, completed, and its callback run: one tick */
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_OK);
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_IDLE);
  assert_int_equal(kmain_next_delay(&g_k), KTIME_NEVER);
  ticks(3);
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(kstats(&g_k)->live, 0);
}

static void test_completion_from_poll_runs_in_that_tick(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  submit_to_device(&r.work, &g_rng);
  assert_int_equal(kmain_next_delay(&g_k), KTIME_NEVER);

  fake_device_complete_later(&g_rng, &r.work, KERR_OK);
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_LIVE);
  assert_int_equal(kmain_next_delay(&g_k), 0); /* a raised device */

  tick();
  assert_int_equal(g_rng.polls, 1);
  assert_int_equal(g_blk.polls, 0); /* only raised devices are polled */
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_OK);

  tick();
  assert_int_equal(g_rng.polls, 1);
}

/* --------------------------------------------------------------- cancel */

static void test_cancel_before_submission(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);

  assert_int_equal(kcancel(&g_k, &r.work), KERR_STATE);
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_IDLE);
  assert_int_equal(kstats(&g_k)->rejected, 1);
  assert_int_equal(kcancel(&g_k, NULL), KERR_INVALID);
  ticks(3);
  assert_int_equal(g_ncb, 0);
  assert_int_equal(g_rng.nsubmits, 0);
  assert_int_equal(g_rng.ncancels, 0);
}

static void test_cancel_while_queued(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);

  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  assert_int_equal(kcancel(&g_k, &r.work), KERR_OK);
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_DONE);
  assert_int_equal(g_ncb, 0);

  ticks(3);
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_CANCELLED);
  assert_int_equal(g_rng.nsubmits, 0); /* the device never saw it */
  assert_int_equal(g_rng.ncancels, 0);
  assert_true(kwork_queue_empty(&g_k.submitted));
  const kstats_t *s = kstats(&g_k);
  assert_int_equal(s->cancelled, 1);
  assert_int_equal(s->live, 0);
}

static void test_cancel_live_device_forgets(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  submit_to_device(&r.work, &g_rng);
  g_rng.cancel_mode = FAKE_CANCEL_FORGET;

  assert_int_equal(kcancel(&g_k, &r.work), KERR_OK);
  assert_int_equal(g_rng.ncancels, 1);
  assert_ptr_equal(g_rng.cancels[0], &r.work);
  assert_false(fake_device_holds(&g_rng, &r.work));

  ticks(3);
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_CANCELLED);
  assert_int_equal(g_rng.nsubmits, 1);
  assert_int_equal(kstats(&g_k)->cancelled, 1);
  assert_int_equal(kstats(&g_k)->live, 0);
}

static void test_cancel_live_in_flight_then_cancelled(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  submit_to_device(&r.work, &g_rng);
  g_rng.cancel_mode = FAKE_CANCEL_IN_FLIGHT;

  assert_int_equal(kcancel(&g_k, &r.work), KERR_OK);
  assert_int_equal(g_rng.ncancels, 1);
  ticks(3);
  /* The device still has it: no completion until it lets go. */
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_LIVE);
  assert_int_equal(g_ncb, 0);

  fake_device_complete(&g_rng, &r.work, KERR_CANCELLED);
  ticks(3);
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_CANCELLED);
  assert_int_equal(kstats(&g_k)->cancelled, 1);
  assert_int_equal(kstats(&g_k)->live, 0);
}

static void test_cancel_live_in_flight_device_finishes_first(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  submit_to_device(&r.work, &g_rng);
  g_rng.cancel_mode = FAKE_CANCEL_IN_FLIGHT;

  assert_int_equal(kcancel(&g_k, &r.work), KERR_OK);
  tick();
  /* The race: the read finished before the device saw the cancel. */
  fake_device_complete(&g_rng, &r.work, KERR_OK);
  ticks(3);
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_OK);
  const kstats_t *s = kstats(&g_k);
  assert_int_equal(s->cancelled, 0);
  assert_int_equal(s->completed, 1);
  assert_int_equal(s->live, 0);
}

static void test_cancel_live_device_completes_inside_cancel(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  submit_to_device(&r.work, &g_rng);
  g_rng.cancel_mode = FAKE_CANCEL_COMPLETE_NOW;

  assert_int_equal(kcancel(&g_k, &r.work), KERR_OK);
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_DONE);
  ticks(3);
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_CANCELLED);
  assert_int_equal(kstats(&g_k)->live, 0);
}

static void test_cancel_after_completion(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  submit_to_device(&r.work, &g_rng);
  fake_device_complete(&g_rng, &r.work, KERR_OK);

  /* DONE: the result is decided, the cancel changes nothing. */
  assert_int_equal(kcancel(&g_k, &r.work), KERR_STATE);
  assert_int_equal(g_rng.ncancels, 0);
  tick();
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_OK);

  /* IDLE again after its callback. */
  assert_int_equal(kcancel(&g_k, &r.work), KERR_STATE);
  ticks(3);
  assert_int_equal(g_ncb, 1);
  assert_int_equal(kstats(&g_k)->rejected, 2);
  assert_int_equal(kstats(&g_k)->cancelled, 0);
}

static void test_cancel_twice_while_queued(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);

  assert_int_equal(kcancel(&g_k, &r.work), KERR_OK);
  assert_int_equal(kcancel(&g_k, &r.work), KERR_STATE);
  ticks(3);
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_CANCELLED);
  assert_int_equal(kstats(&g_k)->cancelled, 1);
}

static void test_cancel_twice_while_in_flight(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  submit_to_device(&r.work, &g_rng);
  g_rng.cancel_mode = FAKE_CANCEL_IN_FLIGHT;

  assert_int_equal(kcancel(&g_k, &r.work), KERR_OK);
  assert_int_equal(kcancel(&g_k, &r.work), KERR_OK); /* still live */
  assert_int_equal(g_rng.ncancels, 1); /* the device is asked once */

  fake_device_complete(&g_rng, &r.work, KERR_CANCELLED);
  ticks(3);
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_CANCELLED);
  assert_int_equal(kstats(&g_k)->cancelled, 1);
}

static void test_cancel_timer(void **state) {
  (void)state;
  ktimer_req_t t;
  init_timer(&t, KTIME_MS(10), record);
  assert_int_equal(ksubmit(&g_k, &t.work), KERR_OK);
  assert_int_equal(kwork_state(&t.work), KWORK_STATE_LIVE); /* on the heap */
  assert_int_equal(kstats(&g_k)->timers_pending, 1);

  assert_int_equal(kcancel(&g_k, &t.work), KERR_OK);
  assert_int_equal(kstats(&g_k)->timers_pending, 0);
  tick_at(KTIME_MS(1));
  assert_int_equal(callbacks_for(&t.work), 1);
  assert_int_equal(g_cb[0].result, KERR_CANCELLED);

  tick_at(KTIME_MS(20));
  assert_int_equal(g_ncb, 1);
}

/* ------------------------------------------------ submit while not idle */

static void test_submit_while_live_is_refused(void **state) {
  (void)state;
  krng_req_t a, b;
  init_rng(&a, record);
  init_rng(&b, record);

  assert_int_equal(ksubmit(&g_k, &a.work), KERR_OK);
  assert_int_equal(ksubmit(&g_k, &b.work), KERR_OK);
  assert_int_equal(ksubmit(&g_k, &a.work), KERR_STATE); /* QUEUED */
  assert_int_equal(ksubmit(&g_k, &b.work), KERR_STATE);

  tick();
  /* Each was handed over exactly once, in submission order. */
  assert_int_equal(g_rng.nsubmits, 2);
  assert_ptr_equal(g_rng.submits[0], &a.work);
  assert_ptr_equal(g_rng.submits[1], &b.work);
  assert_true(kwork_queue_empty(&g_k.submitted));

  assert_int_equal(ksubmit(&g_k, &a.work), KERR_STATE); /* LIVE */
  fake_device_complete(&g_rng, &a.work, KERR_OK);
  assert_int_equal(ksubmit(&g_k, &a.work), KERR_STATE); /* DONE */
  assert_true(kwork_queue_empty(&g_k.submitted));

  ticks(2);
  assert_int_equal(callbacks_for(&a.work), 1);
  assert_int_equal(callbacks_for(&b.work), 0);
  fake_device_complete(&g_rng, &b.work, KERR_OK);
  ticks(2);
  assert_int_equal(callbacks_for(&b.work), 1);
  assert_int_equal(g_rng.nsubmits, 2);

  const kstats_t *s = kstats(&g_k);
  assert_int_equal(s->submitted, 2);
  assert_int_equal(s->rejected, 4);
  assert_int_equal(s->live, 0);
}

static void test_submit_timer_while_live_is_refused(void **state) {
  (void)state;
  ktimer_req_t t;
  init_timer(&t, KTIME_MS(5), record);
  assert_int_equal(ksubmit(&g_k, &t.work), KERR_OK);
  assert_int_equal(ksubmit(&g_k, &t.work), KERR_STATE);
  assert_int_equal(kstats(&g_k)->timers_pending, 1);
  assert_true(ktimer_heap_check(&g_k.timers));

  tick_at(KTIME_MS(5));
  assert_int_equal(callbacks_for(&t.work), 1);
  assert_int_equal(g_cb[0].result, KERR_OK);
  tick_at(KTIME_MS(50));
  assert_int_equal(g_ncb, 1);
}

/* ------------------------------------------------------------ deadlines */

static void test_deadline_at_device_that_forgets(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  kwork_set_timeout(&g_k, &r.work, KTIME_MS(10));
  assert_int_equal(r.work.deadline, KTIME_MS(10));
  submit_to_device(&r.work, &g_rng);
  assert_int_equal(kstats(&g_k)->timers_pending, 1);

  tick_at(KTIME_MS(10) - 1);
  assert_int_equal(g_ncb, 0);
  assert_int_equal(g_rng.ncancels, 0);

  tick_at(KTIME_MS(10));
  assert_int_equal(g_rng.ncancels, 1);
  assert_false(fake_device_holds(&g_rng, &r.work));
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_TIMEOUT);
  assert_int_equal(g_cb[0].now, KTIME_MS(10));

  ticks(3);
  assert_int_equal(g_ncb, 1);
  const kstats_t *s = kstats(&g_k);
  assert_int_equal(s->timed_out, 1);
  assert_int_equal(s->cancelled, 0);
  assert_int_equal(s->timers_pending, 0);
  assert_int_equal(s->live, 0);
}

static void test_deadline_at_device_in_flight(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  kwork_set_deadline(&r.work, KTIME_MS(10));
  submit_to_device(&r.work, &g_rng);
  g_rng.cancel_mode = FAKE_CANCEL_IN_FLIGHT;

  tick_at(KTIME_MS(11));
  assert_int_equal(g_rng.ncancels, 1);
  assert_int_equal(g_ncb, 0);
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_LIVE);

  /* A kcancel now changes nothing: the stop was already asked for. */
  assert_int_equal(kcancel(&g_k, &r.work), KERR_OK);
  assert_int_equal(g_rng.ncancels, 1);

  /* The device reports "cancelled"; the reason was the deadline. */
  fake_device_complete(&g_rng, &r.work, KERR_CANCELLED);
  tick();
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_TIMEOUT);
  assert_int_equal(kstats(&g_k)->timed_out, 1);
  assert_int_equal(kstats(&g_k)->cancelled, 0);
}

static void test_deadline_met_is_disarmed(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  kwork_set_deadline(&r.work, KTIME_MS(10));
  submit_to_device(&r.work, &g_rng);

  fake_clock_set(&g_k, KTIME_MS(3));
  fake_device_complete(&g_rng, &r.work, KERR_OK);
  assert_int_equal(kstats(&g_k)->timers_pending, 0);
  tick();
  tick_at(KTIME_MS(20));
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_OK);
  assert_int_equal(g_rng.ncancels, 0);
  assert_int_equal(kstats(&g_k)->timed_out, 0);
}

static void test_deadline_cannot_change_while_live(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  kwork_set_deadline(&r.work, KTIME_MS(10));
  submit_to_device(&r.work, &g_rng);

  kwork_set_deadline(&r.work, KTIME_MS(1));
  assert_int_equal(r.work.deadline, KTIME_MS(10));
  tick_at(KTIME_MS(5));
  assert_int_equal(g_ncb, 0);
  tick_at(KTIME_MS(10));
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_TIMEOUT);
}

static void test_timer_deadline_before_its_delay(void **state) {
  (void)state;
  ktimer_req_t t;
  init_timer(&t, KTIME_MS(100), record);
  kwork_set_deadline(&t.work, KTIME_MS(30));
  assert_int_equal(ksubmit(&g_k, &t.work), KERR_OK);

  tick_at(KTIME_MS(30) - 1);
  assert_int_equal(g_ncb, 0);
  tick_at(KTIME_MS(30));
  assert_int_equal(callbacks_for(&t.work), 1);
  assert_int_equal(g_cb[0].result, KERR_TIMEOUT);
  assert_int_equal(kstats(&g_k)->timers_pending, 0);

  tick_at(KTIME_MS(100));
  assert_int_equal(g_ncb, 1);
  assert_int_equal(kstats(&g_k)->timed_out, 1);
}

static void test_timer_deadline_after_its_delay(void **state) {
  (void)state;
  ktimer_req_t t;
  init_timer(&t, KTIME_MS(10), record);
  kwork_set_deadline(&t.work, KTIME_MS(50));
  assert_int_equal(ksubmit(&g_k, &t.work), KERR_OK);

  tick_at(KTIME_MS(10));
  assert_int_equal(callbacks_for(&t.work), 1);
  assert_int_equal(g_cb[0].result, KERR_OK);
  assert_int_equal(t.expires, KTIME_MS(10));
  tick_at(KTIME_MS(60));
  assert_int_equal(g_ncb, 1);
}

static void test_deadline_already_passed_when_queued(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  fake_clock_set(&g_k, KTIME_MS(100));
  kwork_set_deadline(&r.work, KTIME_MS(50));

  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  assert_int_equal(kmain_next_delay(&g_k), 0);
  tick();
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_TIMEOUT);
  ticks(2);
  assert_int_equal(g_rng.nsubmits, 0); /* the device never saw it */
  assert_int_equal(g_ncb, 1);
  assert_int_equal(kstats(&g_k)->timers_pending, 0);
  assert_int_equal(kstats(&g_k)->live, 0);
}

static void test_deadline_passes_before_first_tick(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  kwork_set_timeout(&g_k, &r.work, KTIME_MS(5));
  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);

  /* The loop only comes round after the deadline: the item must not be
   * handed to the device first. */
  tick_at(KTIME_MS(6));
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_TIMEOUT);
  assert_int_equal(g_rng.nsubmits, 0);
}

/* The tick started before the deadline, but by the time the loop hands out
 * work the clock has passed it: the item is not started. */
static void test_late_work_is_never_dispatched(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  kwork_set_deadline(&r.work, KTIME_MS(5));
  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);

  fake_clock_set(&g_k, KTIME_MS(6));
  kmain_tick(&g_k, KTIME_MS(4)); /* the tick's time is before the deadline */
  assert_int_equal(g_rng.nsubmits, 0);
  assert_int_equal(kstats(&g_k)->timers_pending, 0);
  /* Ended at dispatch; its callback runs in the same tick's next pass. */
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_IDLE);
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_TIMEOUT);
  assert_int_equal(kstats(&g_k)->timed_out, 1);
  assert_int_equal(kstats(&g_k)->live, 0);
  ticks(2);
  assert_int_equal(g_ncb, 1);
  assert_int_equal(g_rng.nsubmits, 0);
}

static void test_timeout_saturates(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  fake_clock_set(&g_k, KTIME_S(5));
  kwork_set_timeout(&g_k, &r.work, KTIME_NEVER - 1);
  assert_int_equal(r.work.deadline, KTIME_NEVER);

  /* No deadline: nothing goes on the heap. */
  submit_to_device(&r.work, &g_rng);
  assert_int_equal(kstats(&g_k)->timers_pending, 0);
}

/* ------------------------------------------------------ standing items */

static void test_standing_udp_recv_one_callback_per_event(void **state) {
  (void)state;
  kudp_recv_req_t r;
  init_udp_recv(&r, record);
  submit_to_device(&r.work, &g_udp);

  for (size_t i = 1; i <= 4; i++) {
    r.length = i * 10;
    r.buf = kdev_buf(&g_udp.dev, (uint32_t)i);
    fake_device_complete(&g_udp, &r.work, KERR_OK);
    assert_int_equal(kwork_state(&r.work), KWORK_STATE_DONE);
    tick();
    assert_int_equal(callbacks_for(&r.work), i);
    assert_int_equal(g_cb[i - 1].result, KERR_OK);
    /* Re-armed before its callback ran, handed back to the device after. */
    assert_int_equal(g_cb[i - 1].state, KWORK_STATE_QUEUED);
    assert_int_equal(kwork_state(&r.work), KWORK_STATE_LIVE);
    assert_true(fake_device_holds(&g_udp, &r.work));
    assert_int_equal(fake_device_times_submitted(&g_udp, &r.work), i + 1);
    assert_int_equal(kstats(&g_k)->live, 1);
  }
  ticks(3);
  assert_int_equal(g_ncb, 4); /* no event, no callback */

  assert_int_equal(kcancel(&g_k, &r.work), KERR_OK);
  tick();
  assert_int_equal(callbacks_for(&r.work), 5);
  assert_int_equal(g_cb[4].result, KERR_CANCELLED);
  assert_int_equal(g_cb[4].state, KWORK_STATE_IDLE);
  ticks(3);
  assert_int_equal(g_ncb, 5);
  assert_int_equal(fake_device_times_submitted(&g_udp, &r.work), 5);

  const kstats_t *s = kstats(&g_k);
  assert_int_equal(s->submitted, 1);
  assert_int_equal(s->completed, 5);
  assert_int_equal(s->cancelled, 1);
  assert_int_equal(s->live, 0);
}

static void test_standing_net_recv_ends_on_error(void **state) {
  (void)state;
  knet_recv_req_t r;
  init_net_recv(&r, record);
  submit_to_device(&r.work, &g_net);

  fake_device_complete_later(&g_net, &r.work, KERR_OK);
  tick();
  fake_device_complete_later(&g_net, &r.work, KERR_OK);
  tick();
  fake_device_complete_later(&g_net, &r.work, KERR_IO);
  tick();
  ticks(3);
  assert_int_equal(g_ncb, 3);
  assert_int_equal(g_cb[0].result, KERR_OK);
  assert_int_equal(g_cb[1].result, KERR_OK);
  assert_int_equal(g_cb[2].result, KERR_IO);
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_IDLE);
  assert_int_equal(fake_device_times_submitted(&g_net, &r.work), 3);
  assert_int_equal(kstats(&g_k)->live, 0);
}

static kerr_t g_cancel_in_callback_result;

static void record_and_cancel_self(kwork_t *w) {
  record(w);
  if (w->result == KERR_OK)
    g_cancel_in_callback_result = kcancel(&g_k, w);
}

static void test_standing_cancel_from_its_own_callback(void **state) {
  (void)state;
  kudp_recv_req_t r;
  init_udp_recv(&r, record_and_cancel_self);
  submit_to_device(&r.work, &g_udp);
  g_cancel_in_callback_result = KERR_IO;

  fake_device_complete(&g_udp, &r.work, KERR_OK);
  tick();
  assert_int_equal(g_cancel_in_callback_result, KERR_OK);
  /* Cancelled while re-queued: not handed back to the device, and its final
   * callback runs in the same tick. */
  assert_int_equal(callbacks_for(&r.work), 2);
  assert_int_equal(fake_device_times_submitted(&g_udp, &r.work), 1);
  assert_int_equal(g_udp.ncancels, 0);

  ticks(3);
  assert_int_equal(callbacks_for(&r.work), 2);
  assert_int_equal(g_cb[0].result, KERR_OK);
  assert_int_equal(g_cb[1].result, KERR_CANCELLED);
  assert_int_equal(fake_device_times_submitted(&g_udp, &r.work), 1);
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_IDLE);
  assert_int_equal(kstats(&g_k)->live, 0);
  assert_int_equal(kstats(&g_k)->cancelled, 1);
}

static void test_standing_cancel_while_event_waits(void **state) {
  (void)state;
  kudp_recv_req_t r;
  init_udp_recv(&r, record);
  submit_to_device(&r.work, &g_udp);

  fake_device_complete(&g_udp, &r.work, KERR_OK);
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_DONE);
  assert_int_equal(kcancel(&g_k, &r.work), KERR_OK);
  assert_int_equal(kcancel(&g_k, &r.work), KERR_OK); /* still on its way */

  ticks(4);
  /* The event is delivered, then exactly one final completion. */
  assert_int_equal(g_ncb, 2);
  assert_int_equal(g_cb[0].result, KERR_OK);
  assert_int_equal(g_cb[1].result, KERR_CANCELLED);
  assert_int_equal(fake_device_times_submitted(&g_udp, &r.work), 1);
  assert_int_equal(g_udp.ncancels, 0);
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_IDLE);
  const kstats_t *s = kstats(&g_k);
  assert_int_equal(s->completed, 2);
  assert_int_equal(s->cancelled, 1);
  assert_int_equal(s->live, 0);
}

static void test_standing_in_flight_cancel_races_an_event(void **state) {
  (void)state;
  knet_recv_req_t r;
  init_net_recv(&r, record);
  submit_to_device(&r.work, &g_net);
  g_net.cancel_mode = FAKE_CANCEL_IN_FLIGHT;

  assert_int_equal(kcancel(&g_k, &r.work), KERR_OK);
  fake_device_complete(&g_net, &r.work, KERR_OK); /* a frame got there first */
  ticks(4);
  assert_int_equal(g_ncb, 2);
  assert_int_equal(g_cb[0].result, KERR_OK);
  assert_int_equal(g_cb[1].result, KERR_CANCELLED);
  assert_int_equal(fake_device_times_submitted(&g_net, &r.work), 1);
  assert_int_equal(kstats(&g_k)->live, 0);
}

static void test_standing_deadline_ends_it(void **state) {
  (void)state;
  knet_recv_req_t r;
  init_net_recv(&r, record);
  kwork_set_deadline(&r.work, KTIME_MS(50));
  submit_to_device(&r.work, &g_net);

  fake_clock_set(&g_k, KTIME_MS(10));
  fake_device_complete(&g_net, &r.work, KERR_OK);
  tick();
  fake_clock_set(&g_k, KTIME_MS(20));
  fake_device_complete(&g_net, &r.work, KERR_OK);
  tick();
  /* Events keep the deadline armed. */
  assert_int_equal(kstats(&g_k)->timers_pending, 1);
  tick_at(KTIME_MS(49));
  assert_int_equal(g_ncb, 2);

  tick_at(KTIME_MS(50));
  assert_int_equal(g_ncb, 3);
  assert_int_equal(g_cb[2].result, KERR_TIMEOUT);
  assert_int_equal(fake_device_times_submitted(&g_net, &r.work), 3);
  assert_int_equal(g_net.ncancels, 1);
  ticks(3);
  assert_int_equal(g_ncb, 3);
  assert_int_equal(kstats(&g_k)->timers_pending, 0);
  assert_int_equal(kstats(&g_k)->timed_out, 1);
  assert_int_equal(kstats(&g_k)->live, 0);
}

static void test_standing_deadline_while_event_waits(void **state) {
  (void)state;
  kudp_recv_req_t r;
  init_udp_recv(&r, record);
  kwork_set_deadline(&r.work, KTIME_MS(50));
  submit_to_device(&r.work, &g_udp);

  fake_clock_set(&g_k, KTIME_MS(49));
  fake_device_complete(&g_udp, &r.work, KERR_OK);
  tick_at(KTIME_MS(50)); /* the event and the deadline in the same tick */
  ticks(3);
  assert_int_equal(g_ncb, 2);
  assert_int_equal(g_cb[0].result, KERR_OK);
  assert_int_equal(g_cb[1].result, KERR_TIMEOUT);
  assert_int_equal(fake_device_times_submitted(&g_udp, &r.work), 1);
  assert_int_equal(kstats(&g_k)->timers_pending, 0);
  assert_int_equal(kstats(&g_k)->live, 0);
}

static void test_standing_deadline_while_requeued(void **state) {
  (void)state;
  kudp_recv_req_t r;
  init_udp_recv(&r, record);
  kwork_set_deadline(&r.work, KTIME_MS(50));
  submit_to_device(&r.work, &g_udp);

  fake_device_complete(&g_udp, &r.work, KERR_OK);
  /* Run only the callbacks: the item is QUEUED again when the deadline
   * comes due in the next tick, before it reaches the device. */
  kwork_run_callbacks(&g_k);
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_QUEUED);
  tick_at(KTIME_MS(50));
  ticks(2);
  assert_int_equal(g_ncb, 2);
  assert_int_equal(g_cb[1].result, KERR_TIMEOUT);
  assert_int_equal(fake_device_times_submitted(&g_udp, &r.work), 1);
  assert_true(kwork_queue_empty(&g_k.submitted));
  assert_int_equal(kstats(&g_k)->live, 0);
}

/* ----------------------------------------------------- bad completions */

static void test_completion_of_item_not_live_is_ignored(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);

  fake_device_complete(&g_rng, &r.work, KERR_OK); /* IDLE */
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_IDLE);
  assert_int_equal(kstats(&g_k)->bad_completions, 1);

  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  fake_device_complete(&g_rng, &r.work, KERR_OK); /* QUEUED */
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_QUEUED);
  assert_int_equal(kstats(&g_k)->bad_completions, 2);

  tick();
  fake_device_complete(&g_rng, &r.work, KERR_IO); /* the real one */
  fake_device_complete(&g_rng, &r.work, KERR_OK); /* DONE */
  assert_int_equal(kstats(&g_k)->bad_completions, 3);
  kdev_complete(&g_rng.dev, NULL, KERR_OK);
  assert_int_equal(kstats(&g_k)->bad_completions, 4);

  ticks(3);
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_IO);
  fake_device_complete(&g_rng, &r.work, KERR_OK); /* IDLE again */
  ticks(2);
  assert_int_equal(g_ncb, 1);
  assert_int_equal(kstats(&g_k)->bad_completions, 5);
  assert_int_equal(kstats(&g_k)->completed, 1);
}

static void test_second_event_before_callback_is_ignored(void **state) {
  (void)state;
  kudp_recv_req_t r;
  init_udp_recv(&r, record);
  submit_to_device(&r.work, &g_udp);

  fake_device_complete(&g_udp, &r.work, KERR_OK);
  fake_device_complete(&g_udp, &r.work, KERR_OK); /* not re-armed yet */
  assert_int_equal(kstats(&g_k)->bad_completions, 1);
  tick();
  assert_int_equal(g_ncb, 1);
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_LIVE);
}

/* ------------------------------------------------ callbacks that submit */

typedef struct {
  ktimer_req_t timer;
  int remaining;
  kerr_t resubmit_result;
} repeat_t;

static void repeat_timer(kwork_t *w) {
  record(w);
  repeat_t *rep = w->ctx;
  if (rep->remaining-- > 0)
    rep->resubmit_result = ksubmit(&g_k, w);
}

static void test_resubmit_timer_from_its_callback(void **state) {
  (void)state;
  repeat_t rep;
  init_timer(&rep.timer, KTIME_MS(10), repeat_timer);
  rep.timer.work.ctx = &rep;
  rep.remaining = 3;
  rep.resubmit_result = KERR_IO;

  assert_int_equal(ksubmit(&g_k, &rep.timer.work), KERR_OK);
  for (int i = 1; i <= 6; i++)
    tick_at(KTIME_MS(10) * (ktime_t)i);
  assert_int_equal(rep.resubmit_result, KERR_OK);
  assert_int_equal(g_ncb, 4);
  for (size_t i = 0; i < 4; i++) {
    assert_int_equal(g_cb[i].result, KERR_OK);
    assert_int_equal(g_cb[i].now, KTIME_MS(10) * (i + 1));
  }
  assert_int_equal(rep.timer.expires, KTIME_MS(40));
  const kstats_t *s = kstats(&g_k);
  assert_int_equal(s->submitted, 4);
  assert_int_equal(s->completed, 4);
  assert_int_equal(s->live, 0);
}

static kerr_t g_resubmit_result;
static int g_resubmits_left;

static void record_and_resubmit(kwork_t *w) {
  record(w);
  if (g_resubmits_left-- > 0)
    g_resubmit_result = ksubmit(&g_k, w);
}

static void test_resubmit_device_item_from_its_callback(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record_and_resubmit);
  g_resubmits_left = 1;
  g_resubmit_result = KERR_IO;
  submit_to_device(&r.work, &g_rng);

  fake_device_complete(&g_rng, &r.work, KERR_OK);
  tick();
  assert_int_equal(g_resubmit_result, KERR_OK);
  /* Dispatched again in the same tick, after the callbacks. */
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_LIVE);
  assert_int_equal(fake_device_times_submitted(&g_rng, &r.work), 2);

  fake_device_complete(&g_rng, &r.work, KERR_IO);
  ticks(3);
  assert_int_equal(g_ncb, 2);
  assert_int_equal(g_cb[0].result, KERR_OK);
  assert_int_equal(g_cb[1].result, KERR_IO);
  assert_int_equal(kstats(&g_k)->live, 0);
}

/* ----------------------------------------------------------- validation */

static void test_submit_validation_generic(void **state) {
  (void)state;
  krng_req_t r;

  assert_int_equal(ksubmit(&g_k, NULL), KERR_INVALID);
  assert_int_equal(kstats(&g_k)->rejected, 1);

  init_rng(&r, NULL); /* no callback */
  assert_int_equal(submit_refused(&r.work), KERR_INVALID);

  kwork_init(&r.work, KWORK_OP_NONE, NULL, must_not_run, 0);
  assert_int_equal(submit_refused(&r.work), KERR_INVALID);
  kwork_init(&r.work, KWORK_OP_COUNT, NULL, must_not_run, 0);
  assert_int_equal(r.work.op, KWORK_OP_NONE);
  assert_int_equal(submit_refused(&r.work), KERR_INVALID);
  kwork_init(&r.work, 200, NULL, must_not_run, 0);
  assert_int_equal(submit_refused(&r.work), KERR_INVALID);
  r.work.op = KWORK_OP_COUNT; /* a caller that scribbled on the field */
  assert_int_equal(submit_refused(&r.work), KERR_INVALID);

  init_rng(&r, must_not_run);
  r.buffer = NULL;
  assert_int_equal(submit_refused(&r.work), KERR_INVALID);
  init_rng(&r, must_not_run);
  r.length = 0;
  assert_int_equal(submit_refused(&r.work), KERR_INVALID);

  ticks(3);
  assert_int_equal(g_rng.nsubmits, 0);
}

static void test_submit_validation_no_device(void **state) {
  (void)state;
  kblk_req_t b;
  knet_recv_req_t n;
  kudp_recv_req_t u;
  kblk_info_t bi;
  knet_info_t ni;

  init_blk(&b, KWORK_OP_BLOCK_READ, 0, 512, must_not_run);
  assert_int_equal(submit_refused(&b.work), KERR_NO_DEVICE);
  init_blk(&b, KWORK_OP_BLOCK_FLUSH, 0, 0, must_not_run);
  assert_int_equal(submit_refused(&b.work), KERR_NO_DEVICE);
  init_net_recv(&n, must_not_run);
  assert_int_equal(submit_refused(&n.work), KERR_NO_DEVICE);
  init_udp_recv(&u, must_not_run);
  assert_int_equal(submit_refused(&u.work), KERR_NO_DEVICE);
  assert_int_equal(kblk_info(&g_k, &bi), KERR_NO_DEVICE);
  assert_int_equal(knet_info(&g_k, &ni), KERR_NO_DEVICE);

  /* Timers need no device. */
  ktimer_req_t t;
  init_timer(&t, 0, record);
  assert_int_equal(ksubmit(&g_k, &t.work), KERR_OK);
  ticks(3);
  assert_int_equal(g_ncb, 1);
}

static void test_submit_validation_block(void **state) {
  (void)state;
  kblk_req_t r;
  kiovec_t segs[KCONFIG_BLK_MAX_SEGS + 1];
  for (size_t i = 0; i < KARRAY_SIZE(segs); i++)
    segs[i] = (kiovec_t){.base = g_buf, .len = 512};

  /* The fake disk: 1024 sectors of 512 bytes. */
  init_blk(&r, KWORK_OP_BLOCK_READ, 1024, 512, must_not_run);
  assert_int_equal(submit_refused(&r.work), KERR_RANGE);
  init_blk(&r, KWORK_OP_BLOCK_READ, 1023, 1024, must_not_run);
  assert_int_equal(submit_refused(&r.work), KERR_RANGE);
  init_blk(&r, KWORK_OP_BLOCK_READ, 0, 1025 * 512, must_not_run);
  assert_int_equal(submit_refused(&r.work), KERR_RANGE);
  init_blk(&r, KWORK_OP_BLOCK_WRITE, UINT64_MAX, 512, must_not_run);
  assert_int_equal(submit_refused(&r.work), KERR_RANGE);
  init_blk(&r, KWORK_OP_BLOCK_READ, UINT64_MAX / KBLK_SECTOR, 512,
           must_not_run);
  assert_int_equal(submit_refused(&r.work), KERR_RANGE);

  init_blk(&r, KWORK_OP_BLOCK_READ, 0, 0, must_not_run);
  assert_int_equal(submit_refused(&r.work), KERR_INVALID);
  init_blk(&r, KWORK_OP_BLOCK_READ, 0, 512, must_not_run);
  r.buffer = NULL;
  assert_int_equal(submit_refused(&r.work), KERR_INVALID);
  init_blk(&r, KWORK_OP_BLOCK_READ, 0, 513, must_not_run);
  assert_int_equal(submit_refused(&r.work), KERR_INVALID);
  init_blk(&r, KWORK_OP_BLOCK_READ, 0, 100, must_not_run);
  assert_int_equal(submit_refused(&r.work), KERR_INVALID);

  /* Scatter-gather lists. */
  init_blk(&r, KWORK_OP_BLOCK_READ, 0, 0, must_not_run);
  r.segs = segs;
  r.nsegs = 0;
  assert_int_equal(submit_refused(&r.work), KERR_INVALID);
  r.nsegs = KCONFIG_BLK_MAX_SEGS + 1;
  assert_int_equal(submit_refused(&r.work), KERR_INVALID);
  segs[1].base = NULL;
  r.nsegs = 2;
  assert_int_equal(submit_refused(&r.work), KERR_INVALID);
  segs[1].base = g_buf;
  segs[1].len = 0;
  assert_int_equal(submit_refused(&r.work), KERR_INVALID);
  segs[1].len = 511;
  assert_int_equal(submit_refused(&r.work), KERR_INVALID);
  segs[1].len = 512;
  r.sector = 1023; /* two sectors from the last one */
  assert_int_equal(submit_refused(&r.work), KERR_RANGE);

  /* Read-only disk: writes refused, reads and flushes fine. */
  g_blk.dev.info.blk.read_only = true;
  init_blk(&r, KWORK_OP_BLOCK_WRITE, 0, 512, must_not_run);
  assert_int_equal(submit_refused(&r.work), KERR_READ_ONLY);

  /* 4096-byte blocks: lengths and offsets must be whole blocks. */
  g_blk.dev.info.blk.read_only = false;
  g_blk.dev.info.blk.block_size = 4096;
  init_blk(&r, KWORK_OP_BLOCK_READ, 0, 512, must_not_run);
  assert_int_equal(submit_refused(&r.work), KERR_INVALID);
  init_blk(&r, KWORK_OP_BLOCK_READ, 1, 4096, must_not_run);
  assert_int_equal(submit_refused(&r.work), KERR_INVALID);
  init_blk(&r, KWORK_OP_BLOCK_READ, 1016, 8192, must_not_run);
  assert_int_equal(submit_refused(&r.work), KERR_RANGE);

  ticks(3);
  assert_int_equal(g_blk.nsubmits, 0);
}

/* Segment lengths whose sum wraps around 2^64 must not pass for a small
 * request: 2^63 + 2^63 + 512 bytes is far beyond the 512 KiB disk. */
static void test_submit_validation_block_segment_sum_overflow(void **state) {
  (void)state;
  kblk_req_t r;
  kiovec_t segs[3] = {
      {.base = g_buf, .len = SIZE_MAX / 2 + 1},
      {.base = g_buf, .len = SIZE_MAX / 2 + 1},
      {.base = g_buf, .len = 512},
  };
  init_blk(&r, KWORK_OP_BLOCK_READ, 0, 0, must_not_run);
  r.segs = segs;
  r.nsegs = 3;
  kerr_t err = ksubmit(&g_k, &r.work);
  if (err == KERR_OK)
    fail_msg("a read of 2^64 + 512 bytes was accepted as 512 bytes");
  assert_true(err == KERR_RANGE || err == KERR_INVALID);
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_IDLE);
}

static void test_submit_validation_block_accepts_edges(void **state) {
  (void)state;
  kblk_req_t last, whole, sg, flush, wr;
  kiovec_t segs[KCONFIG_BLK_MAX_SEGS];
  for (size_t i = 0; i < KARRAY_SIZE(segs); i++)
    segs[i] = (kiovec_t){.base = g_buf, .len = 512};

  init_blk(&last, KWORK_OP_BLOCK_READ, 1023, 512, record);
  init_blk(&whole, KWORK_OP_BLOCK_READ, 0, 1024 * 512, record);
  whole.buffer = g_buf; /* never touched by the fake */
  init_blk(&sg, KWORK_OP_BLOCK_WRITE, 1024 - KCONFIG_BLK_MAX_SEGS, 0, record);
  sg.segs = segs;
  sg.nsegs = KCONFIG_BLK_MAX_SEGS;
  init_blk(&flush, KWORK_OP_BLOCK_FLUSH, 0, 0, record);
  flush.buffer = NULL;
  g_blk.dev.info.blk.read_only = true;
  assert_int_equal(ksubmit(&g_k, &flush.work), KERR_OK); /* flush is fine */
  g_blk.dev.info.blk.read_only = false;
  init_blk(&wr, KWORK_OP_BLOCK_WRITE, 8, 4096, record);

  assert_int_equal(ksubmit(&g_k, &last.work), KERR_OK);
  assert_int_equal(ksubmit(&g_k, &whole.work), KERR_OK);
  assert_int_equal(ksubmit(&g_k, &sg.work), KERR_OK);
  assert_int_equal(ksubmit(&g_k, &wr.work), KERR_OK);
  tick();
  assert_int_equal(g_blk.nsubmits, 5);
  assert_int_equal(g_blk.kicks, 1); /* one kick for the batch */
  assert_ptr_equal(g_blk.submits[0], &flush.work);
  assert_ptr_equal(g_blk.submits[4], &wr.work);
}

static void test_submit_validation_net_and_udp(void **state) {
  (void)state;
  kudp_send_req_t u;
  knet_send_req_t n;

  init_udp_send(&u, KUDP_MAX_PAYLOAD + 1, must_not_run);
  assert_int_equal(submit_refused(&u.work), KERR_RANGE);
  init_udp_send(&u, 10, must_not_run);
  u.dst_port = 0;
  assert_int_equal(submit_refused(&u.work), KERR_INVALID);
  init_udp_send(&u, 10, must_not_run);
  u.data = NULL;
  assert_int_equal(submit_refused(&u.work), KERR_INVALID);

  init_net_send(&n, 13, must_not_run);
  assert_int_equal(submit_refused(&n.work), KERR_INVALID);
  init_net_send(&n, KCONFIG_NET_FRAME_MAX + 1, must_not_run);
  assert_int_equal(submit_refused(&n.work), KERR_RANGE);
  init_net_send(&n, 100, must_not_run);
  n.frame = NULL;
  assert_int_equal(submit_refused(&n.work), KERR_INVALID);
  ticks(3);
  assert_int_equal(g_udp.nsubmits, 0);
  assert_int_equal(g_net.nsubmits, 0);

  /* The largest allowed, and an empty datagram, are accepted. */
  kudp_send_req_t big, empty;
  knet_send_req_t frame;
  init_udp_send(&big, KUDP_MAX_PAYLOAD, record);
  init_udp_send(&empty, 0, record);
  empty.data = NULL;
  init_net_send(&frame, KCONFIG_NET_FRAME_MAX, record);
  assert_int_equal(ksubmit(&g_k, &big.work), KERR_OK);
  assert_int_equal(ksubmit(&g_k, &empty.work), KERR_OK);
  assert_int_equal(ksubmit(&g_k, &frame.work), KERR_OK);
  tick();
  assert_int_equal(g_udp.nsubmits, 2);
  assert_int_equal(g_net.nsubmits, 1);
}

/* ------------------------------------------------------------- counters */

static void test_stats_counters(void **state) {
  (void)state;
  krng_req_t ok, cancelled, refused;
  ktimer_req_t timed_out;
  kudp_recv_req_t standing;
  init_rng(&ok, record);
  init_rng(&cancelled, record);
  init_rng(&refused, must_not_run);
  refused.length = 0;
  init_timer(&timed_out, KTIME_MS(20), record);
  kwork_set_deadline(&timed_out.work, KTIME_MS(5));
  init_udp_recv(&standing, record);

  assert_int_equal(ksubmit(&g_k, &ok.work), KERR_OK);
  assert_int_equal(ksubmit(&g_k, &cancelled.work), KERR_OK);
  assert_int_equal(ksubmit(&g_k, &refused.work), KERR_INVALID);
  assert_int_equal(ksubmit(&g_k, &timed_out.work), KERR_OK);
  assert_int_equal(ksubmit(&g_k, &standing.work), KERR_OK);
  const kstats_t *s = kstats(&g_k);
  assert_int_equal(s->submitted, 4);
  assert_int_equal(s->rejected, 1);
  assert_int_equal(s->live, 4);
  assert_int_equal(s->timers_pending, 1);

  tick();
  fake_device_complete(&g_rng, &ok.work, KERR_OK);
  assert_int_equal(kcancel(&g_k, &cancelled.work), KERR_OK);
  fake_device_complete(&g_udp, &standing.work, KERR_OK);
  tick();
  s = kstats(&g_k);
  assert_int_equal(s->completed, 3);
  assert_int_equal(s->cancelled, 1);
  assert_int_equal(s->live, 2);

  fake_device_complete(&g_udp, &standing.work, KERR_OK);
  tick_at(KTIME_MS(5));
  s = kstats(&g_k);
  assert_int_equal(s->completed, 5);
  assert_int_equal(s->timed_out, 1);
  assert_int_equal(s->timers_pending, 0);
  assert_int_equal(s->live, 1);

  assert_int_equal(kcancel(&g_k, &standing.work), KERR_OK);
  ticks(2);
  s = kstats(&g_k);
  assert_int_equal(s->submitted, 4);
  assert_int_equal(s->completed, 6);
  assert_int_equal(s->cancelled, 2);
  assert_int_equal(s->timed_out, 1);
  assert_int_equal(s->rejected, 1);
  assert_int_equal(s->bad_completions, 0);
  assert_int_equal(s->live, 0);
  assert_int_equal(s->timers_pending, 0);
  assert_int_equal(g_ncb, 6);

  kdev_count_drop(&g_udp.dev);
  kdev_count_drop(&g_net.dev);
  assert_int_equal(kstats(&g_k)->drops, 2);
}

/* ------------------------------------------------------ next_delay */

static void test_next_delay(void **state) {
  (void)state;
  assert_int_equal(kmain_next_delay(&g_k), KTIME_NEVER); /* idle */

  krng_req_t r;
  init_rng(&r, record);
  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  assert_int_equal(kmain_next_delay(&g_k), 0); /* queued */
  tick();
  assert_int_equal(kmain_next_delay(&g_k), KTIME_NEVER); /* at the device */
  fake_device_complete(&g_rng, &r.work, KERR_OK);
  assert_int_equal(kmain_next_delay(&g_k), 0); /* a callback to run */
  tick();
  assert_int_equal(kmain_next_delay(&g_k), KTIME_NEVER);

  ktimer_req_t t;
  init_timer(&t, KTIME_MS(5), record);
  assert_int_equal(ksubmit(&g_k, &t.work), KERR_OK);
  assert_int_equal(kmain_next_delay(&g_k), KTIME_MS(5));
  fake_clock_set(&g_k, KTIME_MS(2));
  assert_int_equal(kmain_next_delay(&g_k), KTIME_MS(3));
  tick();
  assert_int_equal(kmain_next_delay(&g_k), KTIME_MS(3));
  fake_clock_set(&g_k, KTIME_MS(7)); /* overdue, not yet ticked */
  assert_int_equal(kmain_next_delay(&g_k), 0);
  tick();
  assert_int_equal(callbacks_for(&t.work), 1);
  assert_int_equal(kmain_next_delay(&g_k), KTIME_NEVER);

  /* A deadline counts like a timer. */
  krng_req_t d;
  init_rng(&d, record);
  kwork_set_deadline(&d.work, KTIME_MS(20));
  submit_to_device(&d.work, &g_rng);
  assert_int_equal(kmain_next_delay(&g_k), KTIME_MS(13));

  /* A raised device, and kmain_stop, mean "don't wait". */
  fake_device_complete_later(&g_rng, &d.work, KERR_OK);
  assert_int_equal(kmain_next_delay(&g_k), 0);
  tick(); /* polled, and its callback ran, in this tick */
  assert_int_equal(callbacks_for(&d.work), 1);
  assert_int_equal(kmain_next_delay(&g_k), KTIME_NEVER); /* deadline gone */
  kmain_stop(&g_k);
  assert_int_equal(kmain_next_delay(&g_k), 0);
}

/* --------------------------------------------------------------- timers */

static void test_timers_fire_in_expiry_order(void **state) {
  (void)state;
  static const ktime_t delays_ms[] = {30, 10, 20, 10, 0, 20, 5};
  /* Expected order: by expiry, ties by submission. */
  static const size_t order[] = {4, 6, 1, 3, 2, 5, 0};
  ktimer_req_t t[KARRAY_SIZE(delays_ms)];
  for (size_t i = 0; i < KARRAY_SIZE(t); i++) {
    init_timer(&t[i], KTIME_MS(delays_ms[i]), record);
    assert_int_equal(ksubmit(&g_k, &t[i].work), KERR_OK);
    assert_int_equal(t[i].expires, KTIME_MS(delays_ms[i]));
  }

  tick(); /* t = 0: only the zero delay */
  assert_int_equal(g_ncb, 1);
  assert_ptr_equal(g_cb[0].work, &t[4].work);
  tick_at(KTIME_MS(10) - 1);
  assert_int_equal(g_ncb, 2);
  tick_at(KTIME_MS(100)); /* everything else in one tick */
  assert_int_equal(g_ncb, KARRAY_SIZE(t));
  for (size_t i = 0; i < KARRAY_SIZE(order); i++) {
    assert_ptr_equal(g_cb[i].work, &t[order[i]].work);
    assert_int_equal(g_cb[i].result, KERR_OK);
  }
  assert_int_equal(kstats(&g_k)->timers_pending, 0);
}

static void
test_timers_with_equal_expiry_fire_in_submission_order(void **state) {
  (void)state;
  static ktimer_req_t t[64];
  fake_clock_set(&g_k, KTIME_S(1));
  for (size_t i = 0; i < KARRAY_SIZE(t); i++) {
    init_timer(&t[i], KTIME_MS(10), record);
    assert_int_equal(ksubmit(&g_k, &t[i].work), KERR_OK);
  }
  /* Cancelling some reshuffles the heap; the rest keep their order. */
  for (size_t i = 0; i < KARRAY_SIZE(t); i += 7)
    assert_int_equal(kcancel(&g_k, &t[i].work), KERR_OK);
  tick(); /* the cancellations */
  size_t cancelled = g_ncb;
  assert_int_equal(cancelled, 10);
  tick_at(KTIME_S(1) + KTIME_MS(10));
  size_t prev = 0;
  for (size_t i = cancelled; i < g_ncb; i++) {
    size_t idx = (size_t)((ktimer_req_t *)g_cb[i].work->ctx - t);
    assert_true(idx % 7 != 0);
    if (i > cancelled)
      assert_true(idx > prev);
    prev = idx;
  }
  assert_int_equal(g_ncb, KARRAY_SIZE(t));
}

static void test_timer_zero_delay_fires_next_tick(void **state) {
  (void)state;
  ktimer_req_t t;
  fake_clock_set(&g_k, KTIME_MS(7));
  init_timer(&t, 0, record);
  assert_int_equal(ksubmit(&g_k, &t.work), KERR_OK);
  assert_int_equal(t.expires, KTIME_MS(7));
  assert_int_equal(kmain_next_delay(&g_k), 0);
  tick();
  assert_int_equal(callbacks_for(&t.work), 1);
  assert_int_equal(g_cb[0].result, KERR_OK);
}

static void test_timer_huge_delay_saturates(void **state) {
  (void)state;
  ktimer_req_t t;
  fake_clock_set(&g_k, KTIME_S(1));
  init_timer(&t, KTIME_NEVER - 5, record);
  assert_int_equal(ksubmit(&g_k, &t.work), KERR_OK);
  assert_int_equal(t.expires, KTIME_NEVER);
  tick_at(KTIME_S(1000000));
  assert_int_equal(g_ncb, 0);
  assert_int_equal(kcancel(&g_k, &t.work), KERR_OK);
  tick();
  assert_int_equal(callbacks_for(&t.work), 1);
  assert_int_equal(g_cb[0].result, KERR_CANCELLED);
}

/* -------------------------------------------------------- kbuf_release */

static void test_kbuf_release(void **state) {
  (void)state;
  /* Devices are numbered in registration order: rng 0, blk 1, net 2, udp 3. */
  assert_int_equal(g_udp.dev.id, 3);
  assert_int_equal(kbuf_release(&g_k, kdev_buf(&g_udp.dev, 7)), KERR_OK);
  assert_int_equal(kbuf_release(&g_k, kdev_buf(&g_net.dev, 0x123456)), KERR_OK);
  assert_int_equal(g_udp.nreleases, 1);
  assert_int_equal(g_udp.releases[0], 7);
  assert_int_equal(g_net.nreleases, 1);
  assert_int_equal(g_net.releases[0], 0x123456);

  /* The index keeps 24 bits; the top byte is the device. */
  assert_int_equal(kdev_buf(&g_udp.dev, 0xabcdef12), 0x03cdef12);
  assert_int_equal(kbuf_release(&g_k, kdev_buf(&g_udp.dev, 0xabcdef12)),
                   KERR_OK);
  assert_int_equal(g_udp.releases[1], 0xcdef12);

  /* The device's answer is passed back. */
  g_udp.release_result = KERR_STATE;
  assert_int_equal(kbuf_release(&g_k, kdev_buf(&g_udp.dev, 1)), KERR_STATE);

  /* Bad ids: no such device, or a device without a release op. */
  assert_int_equal(kbuf_release(&g_k, (kbuf_t)4 << 24), KERR_INVALID);
  assert_int_equal(kbuf_release(&g_k, 0xff000000u), KERR_INVALID);
  assert_int_equal(kbuf_release(&g_k, kdev_buf(&g_rng.dev, 1)), KERR_INVALID);
  assert_int_equal(kbuf_release(&g_k, kdev_buf(&g_blk.dev, 1)), KERR_INVALID);
  assert_int_equal(g_udp.nreleases, 3);
  assert_int_equal(g_net.nreleases, 1);
}

/* ------------------------------------------------------- the whole loop */

static kernel_t *g_loop_k;
static ktimer_req_t g_loop_timers[2];

static void loop_usermain(kernel_t *k) {
  g_loop_k = k;
  init_timer(&g_loop_timers[0], KTIME_MS(12), record);
  init_timer(&g_loop_timers[1], KTIME_MS(5), record);
  assert_int_equal(ksubmit(k, &g_loop_timers[0].work), KERR_OK);
  assert_int_equal(ksubmit(k, &g_loop_timers[1].work), KERR_OK);
}

static void test_kmain_runs_until_idle(void **state) {
  (void)state;
  fake_platform_reset();
  fake_platform_set_exit_when_idle(true);
  fake_platform_set_start_time(KTIME_S(3));
  fake_platform_set_usermain(loop_usermain);
  g_ncb = 0;

  kmain((void *)0x1234);
  assert_non_null(g_loop_k);
  assert_ptr_equal(g_loop_k->platform.boot_ctx, (void *)0x1234);
  assert_string_equal(fake_uart_output(),
                      "realmos " REALMOS_VERSION " on test\n");
  assert_int_equal(g_ncb, 2);
  assert_ptr_equal(g_cb[0].work, &g_loop_timers[1].work);
  assert_ptr_equal(g_cb[1].work, &g_loop_timers[0].work);
  /* It slept exactly until each timer: 5 ms, then 7 ms more. */
  assert_int_equal(g_loop_k->platform.wfi_calls, 2);
  assert_int_equal(g_loop_k->platform.last_wfi_timeout, KTIME_MS(7));
  assert_int_equal(fake_clock(g_loop_k), KTIME_S(3) + KTIME_MS(12));
  assert_int_equal(g_loop_k->platform.shutdowns, 1);
  assert_int_equal(kstats(g_loop_k)->live, 0);
}

static void stop_loop(kwork_t *w) {
  record(w);
  kmain_stop(g_loop_k);
}

static void stop_usermain(kernel_t *k) {
  g_loop_k = k;
  init_timer(&g_loop_timers[0], KTIME_MS(1), stop_loop);
  init_timer(&g_loop_timers[1], KTIME_S(3600), record);
  assert_int_equal(ksubmit(k, &g_loop_timers[0].work), KERR_OK);
  assert_int_equal(ksubmit(k, &g_loop_timers[1].work), KERR_OK);
}

static void test_kmain_stop_ends_the_loop(void **state) {
  (void)state;
  fake_platform_reset();
  fake_platform_set_usermain(stop_usermain);
  g_ncb = 0;

  kmain(NULL);
  assert_int_equal(g_ncb, 1);
  assert_ptr_equal(g_cb[0].work, &g_loop_timers[0].work);
  assert_int_equal(fake_clock(g_loop_k), KTIME_MS(1));
  assert_int_equal(g_loop_k->platform.shutdowns, 1);
  assert_int_equal(kstats(g_loop_k)->live, 1); /* the hour-long timer */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_completes_once_with_device_result, setup),
      cmocka_unit_test_setup(test_submit_error_from_device_completes_with_it,
                             setup),
      cmocka_unit_test_setup(test_device_completing_inside_submit, setup),
      cmocka_unit_test_setup(test_completion_from_poll_runs_in_that_tick,
                             setup),
      cmocka_unit_test_setup(test_cancel_before_submission, setup),
      cmocka_unit_test_setup(test_cancel_while_queued, setup),
      cmocka_unit_test_setup(test_cancel_live_device_forgets, setup),
      cmocka_unit_test_setup(test_cancel_live_in_flight_then_cancelled, setup),
      cmocka_unit_test_setup(test_cancel_live_in_flight_device_finishes_first,
                             setup),
      cmocka_unit_test_setup(test_cancel_live_device_completes_inside_cancel,
                             setup),
      cmocka_unit_test_setup(test_cancel_after_completion, setup),
      cmocka_unit_test_setup(test_cancel_twice_while_queued, setup),
      cmocka_unit_test_setup(test_cancel_twice_while_in_flight, setup),
      cmocka_unit_test_setup(test_cancel_timer, setup),
      cmocka_unit_test_setup(test_submit_while_live_is_refused, setup),
      cmocka_unit_test_setup(test_submit_timer_while_live_is_refused, setup),
      cmocka_unit_test_setup(test_deadline_at_device_that_forgets, setup),
      cmocka_unit_test_setup(test_deadline_at_device_in_flight, setup),
      cmocka_unit_test_setup(test_deadline_met_is_disarmed, setup),
      cmocka_unit_test_setup(test_deadline_cannot_change_while_live, setup),
      cmocka_unit_test_setup(test_timer_deadline_before_its_delay, setup),
      cmocka_unit_test_setup(test_timer_deadline_after_its_delay, setup),
      cmocka_unit_test_setup(test_deadline_already_passed_when_queued, setup),
      cmocka_unit_test_setup(test_deadline_passes_before_first_tick, setup),
      cmocka_unit_test_setup(test_late_work_is_never_dispatched, setup),
      cmocka_unit_test_setup(test_timeout_saturates, setup),
      cmocka_unit_test_setup(test_standing_udp_recv_one_callback_per_event,
                             setup),
      cmocka_unit_test_setup(test_standing_net_recv_ends_on_error, setup),
      cmocka_unit_test_setup(test_standing_cancel_from_its_own_callback, setup),
      cmocka_unit_test_setup(test_standing_cancel_while_event_waits, setup),
      cmocka_unit_test_setup(test_standing_in_flight_cancel_races_an_event,
                             setup),
      cmocka_unit_test_setup(test_standing_deadline_ends_it, setup),
      cmocka_unit_test_setup(test_standing_deadline_while_event_waits, setup),
      cmocka_unit_test_setup(test_standing_deadline_while_requeued, setup),
      cmocka_unit_test_setup(test_completion_of_item_not_live_is_ignored,
                             setup),
      cmocka_unit_test_setup(test_second_event_before_callback_is_ignored,
                             setup),
      cmocka_unit_test_setup(test_resubmit_timer_from_its_callback, setup),
      cmocka_unit_test_setup(test_resubmit_device_item_from_its_callback,
                             setup),
      cmocka_unit_test_setup(test_submit_validation_generic, setup),
      cmocka_unit_test_setup(test_submit_validation_no_device, setup_rng_only),
      cmocka_unit_test_setup(test_submit_validation_block, setup),
      cmocka_unit_test_setup(test_submit_validation_block_segment_sum_overflow,
                             setup),
      cmocka_unit_test_setup(test_submit_validation_block_accepts_edges, setup),
      cmocka_unit_test_setup(test_submit_validation_net_and_udp, setup),
      cmocka_unit_test_setup(test_stats_counters, setup),
      cmocka_unit_test_setup(test_next_delay, setup),
      cmocka_unit_test_setup(test_timers_fire_in_expiry_order, setup),
      cmocka_unit_test_setup(
          test_timers_with_equal_expiry_fire_in_submission_order, setup),
      cmocka_unit_test_setup(test_timer_zero_delay_fires_next_tick, setup),
      cmocka_unit_test_setup(test_timer_huge_delay_saturates, setup),
      cmocka_unit_test_setup(test_kbuf_release, setup),
      cmocka_unit_test(test_kmain_runs_until_idle),
      cmocka_unit_test(test_kmain_stop_ends_the_loop),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
