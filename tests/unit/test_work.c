/* test_work.c: the life of a work item (kernel/work.c), driven through the
 * user API and kmain_tick, with fake devices and a fake clock
 * (support/work_harness.h): submission, completion, cancellation,
 * deadlines, standing items, device completions out of turn, callbacks that
 * submit, the counters, and timer items.
 *
 * Each test starts from a fresh kernel with one fake device per class. The
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
#include "support/kstats_are.h"
#include "support/work_harness.h"

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
  assert_true(
      KSTATS_ARE(&g_k, STAT(submitted, 1), STAT(completed, 1), STAT(live, 0)));
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
  assert_true(KSTATS_ARE(&g_k, STAT(live, 0)));
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
  assert_true(KSTATS_ARE(&g_k, STAT(live, 0)));
}

static void test_completion_from_poll_runs_in_that_tick(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  assert_true(submit_to_device(&r.work, &g_rng));
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
  assert_true(KSTATS_ARE(&g_k, STAT(rejected, 1)));
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
  assert_true(KSTATS_ARE(&g_k, STAT(cancelled, 1), STAT(live, 0)));
}

static void test_cancel_live_device_forgets(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  assert_true(submit_to_device(&r.work, &g_rng));
  g_rng.cancel_mode = FAKE_CANCEL_FORGET;

  assert_int_equal(kcancel(&g_k, &r.work), KERR_OK);
  assert_int_equal(g_rng.ncancels, 1);
  assert_ptr_equal(g_rng.cancels[0], &r.work);
  assert_false(fake_device_holds(&g_rng, &r.work));

  ticks(3);
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_CANCELLED);
  assert_int_equal(g_rng.nsubmits, 1);
  assert_true(KSTATS_ARE(&g_k, STAT(cancelled, 1), STAT(live, 0)));
}

static void test_cancel_live_in_flight_then_cancelled(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  assert_true(submit_to_device(&r.work, &g_rng));
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
  assert_true(KSTATS_ARE(&g_k, STAT(cancelled, 1), STAT(live, 0)));
}

static void test_cancel_live_in_flight_device_finishes_first(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  assert_true(submit_to_device(&r.work, &g_rng));
  g_rng.cancel_mode = FAKE_CANCEL_IN_FLIGHT;

  assert_int_equal(kcancel(&g_k, &r.work), KERR_OK);
  tick();
  /* The race: the read finished before the device saw the cancel. */
  fake_device_complete(&g_rng, &r.work, KERR_OK);
  ticks(3);
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_OK);
  assert_true(
      KSTATS_ARE(&g_k, STAT(cancelled, 0), STAT(completed, 1), STAT(live, 0)));
}

static void test_cancel_live_device_completes_inside_cancel(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  assert_true(submit_to_device(&r.work, &g_rng));
  g_rng.cancel_mode = FAKE_CANCEL_COMPLETE_NOW;

  assert_int_equal(kcancel(&g_k, &r.work), KERR_OK);
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_DONE);
  ticks(3);
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_CANCELLED);
  assert_true(KSTATS_ARE(&g_k, STAT(live, 0)));
}

static void test_cancel_after_completion(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  assert_true(submit_to_device(&r.work, &g_rng));
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
  assert_true(KSTATS_ARE(&g_k, STAT(rejected, 2), STAT(cancelled, 0)));
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
  assert_true(KSTATS_ARE(&g_k, STAT(cancelled, 1)));
}

static void test_cancel_twice_while_in_flight(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  assert_true(submit_to_device(&r.work, &g_rng));
  g_rng.cancel_mode = FAKE_CANCEL_IN_FLIGHT;

  assert_int_equal(kcancel(&g_k, &r.work), KERR_OK);
  assert_int_equal(kcancel(&g_k, &r.work), KERR_OK); /* still live */
  assert_int_equal(g_rng.ncancels, 1); /* the device is asked once */

  fake_device_complete(&g_rng, &r.work, KERR_CANCELLED);
  ticks(3);
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_CANCELLED);
  assert_true(KSTATS_ARE(&g_k, STAT(cancelled, 1)));
}

static void test_cancel_timer(void **state) {
  (void)state;
  ktimer_req_t t;
  init_timer(&t, KTIME_MS(10), record);
  assert_int_equal(ksubmit(&g_k, &t.work), KERR_OK);
  assert_int_equal(kwork_state(&t.work), KWORK_STATE_LIVE); /* on the heap */
  assert_true(KSTATS_ARE(&g_k, STAT(timers_pending, 1)));

  assert_int_equal(kcancel(&g_k, &t.work), KERR_OK);
  assert_true(KSTATS_ARE(&g_k, STAT(timers_pending, 0)));
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
  assert_true(
      KSTATS_ARE(&g_k, STAT(submitted, 2), STAT(rejected, 4), STAT(live, 0)));
}

static void test_submit_timer_while_live_is_refused(void **state) {
  (void)state;
  ktimer_req_t t;
  init_timer(&t, KTIME_MS(5), record);
  assert_int_equal(ksubmit(&g_k, &t.work), KERR_OK);
  assert_int_equal(ksubmit(&g_k, &t.work), KERR_STATE);
  assert_true(KSTATS_ARE(&g_k, STAT(timers_pending, 1)));
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
  assert_true(submit_to_device(&r.work, &g_rng));
  assert_true(KSTATS_ARE(&g_k, STAT(timers_pending, 1)));

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
  assert_true(KSTATS_ARE(&g_k, STAT(timed_out, 1), STAT(cancelled, 0),
                         STAT(timers_pending, 0), STAT(live, 0)));
}

static void test_deadline_at_device_in_flight(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  kwork_set_deadline(&r.work, KTIME_MS(10));
  assert_true(submit_to_device(&r.work, &g_rng));
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
  assert_true(KSTATS_ARE(&g_k, STAT(timed_out, 1), STAT(cancelled, 0)));
}

static void test_deadline_met_is_disarmed(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  kwork_set_deadline(&r.work, KTIME_MS(10));
  assert_true(submit_to_device(&r.work, &g_rng));

  fake_clock_set(&g_k, KTIME_MS(3));
  fake_device_complete(&g_rng, &r.work, KERR_OK);
  assert_true(KSTATS_ARE(&g_k, STAT(timers_pending, 0)));
  tick();
  tick_at(KTIME_MS(20));
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_OK);
  assert_int_equal(g_rng.ncancels, 0);
  assert_true(KSTATS_ARE(&g_k, STAT(timed_out, 0)));
}

static void test_deadline_cannot_change_while_live(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);
  kwork_set_deadline(&r.work, KTIME_MS(10));
  assert_true(submit_to_device(&r.work, &g_rng));

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
  assert_true(KSTATS_ARE(&g_k, STAT(timers_pending, 0)));

  tick_at(KTIME_MS(100));
  assert_int_equal(g_ncb, 1);
  assert_true(KSTATS_ARE(&g_k, STAT(timed_out, 1)));
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
  assert_true(KSTATS_ARE(&g_k, STAT(timers_pending, 0), STAT(live, 0)));
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
  assert_true(KSTATS_ARE(&g_k, STAT(timers_pending, 0)));
  /* Ended at dispatch; its callback runs in the same tick's next pass. */
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_IDLE);
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_TIMEOUT);
  assert_true(KSTATS_ARE(&g_k, STAT(timed_out, 1), STAT(live, 0)));
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
  assert_true(submit_to_device(&r.work, &g_rng));
  assert_true(KSTATS_ARE(&g_k, STAT(timers_pending, 0)));
}

/* ------------------------------------------------------ standing items */

static void test_standing_udp_recv_one_callback_per_event(void **state) {
  (void)state;
  kudp_recv_req_t r;
  init_udp_recv(&r, record);
  assert_true(submit_to_device(&r.work, &g_udp));

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
    assert_true(KSTATS_ARE(&g_k, STAT(live, 1)));
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
  assert_true(KSTATS_ARE(&g_k, STAT(submitted, 1), STAT(completed, 5),
                         STAT(cancelled, 1), STAT(live, 0)));
}

static void test_standing_net_recv_ends_on_error(void **state) {
  (void)state;
  knet_recv_req_t r;
  init_net_recv(&r, record);
  assert_true(submit_to_device(&r.work, &g_net));

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
  assert_true(KSTATS_ARE(&g_k, STAT(live, 0)));
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
  assert_true(submit_to_device(&r.work, &g_udp));
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
  assert_true(KSTATS_ARE(&g_k, STAT(live, 0), STAT(cancelled, 1)));
}

static void test_standing_cancel_while_event_waits(void **state) {
  (void)state;
  kudp_recv_req_t r;
  init_udp_recv(&r, record);
  assert_true(submit_to_device(&r.work, &g_udp));

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
  assert_true(
      KSTATS_ARE(&g_k, STAT(completed, 2), STAT(cancelled, 1), STAT(live, 0)));
}

static void test_standing_in_flight_cancel_races_an_event(void **state) {
  (void)state;
  knet_recv_req_t r;
  init_net_recv(&r, record);
  assert_true(submit_to_device(&r.work, &g_net));
  g_net.cancel_mode = FAKE_CANCEL_IN_FLIGHT;

  assert_int_equal(kcancel(&g_k, &r.work), KERR_OK);
  fake_device_complete(&g_net, &r.work, KERR_OK); /* a frame got there first */
  ticks(4);
  assert_int_equal(g_ncb, 2);
  assert_int_equal(g_cb[0].result, KERR_OK);
  assert_int_equal(g_cb[1].result, KERR_CANCELLED);
  assert_int_equal(fake_device_times_submitted(&g_net, &r.work), 1);
  assert_true(KSTATS_ARE(&g_k, STAT(live, 0)));
}

static void test_standing_deadline_ends_it(void **state) {
  (void)state;
  knet_recv_req_t r;
  init_net_recv(&r, record);
  kwork_set_deadline(&r.work, KTIME_MS(50));
  assert_true(submit_to_device(&r.work, &g_net));

  fake_clock_set(&g_k, KTIME_MS(10));
  fake_device_complete(&g_net, &r.work, KERR_OK);
  tick();
  fake_clock_set(&g_k, KTIME_MS(20));
  fake_device_complete(&g_net, &r.work, KERR_OK);
  tick();
  /* Events keep the deadline armed. */
  assert_true(KSTATS_ARE(&g_k, STAT(timers_pending, 1)));
  tick_at(KTIME_MS(49));
  assert_int_equal(g_ncb, 2);

  tick_at(KTIME_MS(50));
  assert_int_equal(g_ncb, 3);
  assert_int_equal(g_cb[2].result, KERR_TIMEOUT);
  assert_int_equal(fake_device_times_submitted(&g_net, &r.work), 3);
  assert_int_equal(g_net.ncancels, 1);
  ticks(3);
  assert_int_equal(g_ncb, 3);
  assert_true(KSTATS_ARE(&g_k, STAT(timers_pending, 0), STAT(timed_out, 1),
                         STAT(live, 0)));
}

static void test_standing_deadline_while_event_waits(void **state) {
  (void)state;
  kudp_recv_req_t r;
  init_udp_recv(&r, record);
  kwork_set_deadline(&r.work, KTIME_MS(50));
  assert_true(submit_to_device(&r.work, &g_udp));

  fake_clock_set(&g_k, KTIME_MS(49));
  fake_device_complete(&g_udp, &r.work, KERR_OK);
  tick_at(KTIME_MS(50)); /* the event and the deadline in the same tick */
  ticks(3);
  assert_int_equal(g_ncb, 2);
  assert_int_equal(g_cb[0].result, KERR_OK);
  assert_int_equal(g_cb[1].result, KERR_TIMEOUT);
  assert_int_equal(fake_device_times_submitted(&g_udp, &r.work), 1);
  assert_true(KSTATS_ARE(&g_k, STAT(timers_pending, 0), STAT(live, 0)));
}

static void test_standing_deadline_while_requeued(void **state) {
  (void)state;
  kudp_recv_req_t r;
  init_udp_recv(&r, record);
  kwork_set_deadline(&r.work, KTIME_MS(50));
  assert_true(submit_to_device(&r.work, &g_udp));

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
  assert_true(KSTATS_ARE(&g_k, STAT(live, 0)));
}

/* ----------------------------------------------------- bad completions */

static void test_completion_of_item_not_live_is_ignored(void **state) {
  (void)state;
  krng_req_t r;
  init_rng(&r, record);

  fake_device_complete(&g_rng, &r.work, KERR_OK); /* IDLE */
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_IDLE);
  assert_true(KSTATS_ARE(&g_k, STAT(bad_completions, 1)));

  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  fake_device_complete(&g_rng, &r.work, KERR_OK); /* QUEUED */
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_QUEUED);
  assert_true(KSTATS_ARE(&g_k, STAT(bad_completions, 2)));

  tick();
  fake_device_complete(&g_rng, &r.work, KERR_IO); /* the real one */
  fake_device_complete(&g_rng, &r.work, KERR_OK); /* DONE */
  assert_true(KSTATS_ARE(&g_k, STAT(bad_completions, 3)));
  kdev_complete(&g_rng.dev, NULL, KERR_OK);
  assert_true(KSTATS_ARE(&g_k, STAT(bad_completions, 4)));

  ticks(3);
  assert_int_equal(callbacks_for(&r.work), 1);
  assert_int_equal(g_cb[0].result, KERR_IO);
  fake_device_complete(&g_rng, &r.work, KERR_OK); /* IDLE again */
  ticks(2);
  assert_int_equal(g_ncb, 1);
  assert_true(KSTATS_ARE(&g_k, STAT(bad_completions, 5), STAT(completed, 1)));
}

static void test_second_event_before_callback_is_ignored(void **state) {
  (void)state;
  kudp_recv_req_t r;
  init_udp_recv(&r, record);
  assert_true(submit_to_device(&r.work, &g_udp));

  fake_device_complete(&g_udp, &r.work, KERR_OK);
  fake_device_complete(&g_udp, &r.work, KERR_OK); /* not re-armed yet */
  assert_true(KSTATS_ARE(&g_k, STAT(bad_completions, 1)));
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
  assert_true(
      KSTATS_ARE(&g_k, STAT(submitted, 4), STAT(completed, 4), STAT(live, 0)));
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
  assert_true(submit_to_device(&r.work, &g_rng));

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
  assert_true(KSTATS_ARE(&g_k, STAT(live, 0)));
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
  assert_true(KSTATS_ARE(&g_k, STAT(submitted, 4), STAT(rejected, 1),
                         STAT(live, 4), STAT(timers_pending, 1)));

  tick();
  fake_device_complete(&g_rng, &ok.work, KERR_OK);
  assert_int_equal(kcancel(&g_k, &cancelled.work), KERR_OK);
  fake_device_complete(&g_udp, &standing.work, KERR_OK);
  tick();
  assert_true(
      KSTATS_ARE(&g_k, STAT(completed, 3), STAT(cancelled, 1), STAT(live, 2)));

  fake_device_complete(&g_udp, &standing.work, KERR_OK);
  tick_at(KTIME_MS(5));
  assert_true(KSTATS_ARE(&g_k, STAT(completed, 5), STAT(timed_out, 1),
                         STAT(timers_pending, 0), STAT(live, 1)));

  assert_int_equal(kcancel(&g_k, &standing.work), KERR_OK);
  ticks(2);
  assert_true(KSTATS_ARE(&g_k, STAT(submitted, 4), STAT(completed, 6),
                         STAT(cancelled, 2), STAT(timed_out, 1),
                         STAT(rejected, 1), STAT(bad_completions, 0),
                         STAT(live, 0), STAT(timers_pending, 0)));
  assert_int_equal(g_ncb, 6);

  kdev_count_drop(&g_udp.dev);
  kdev_count_drop(&g_net.dev);
  assert_true(KSTATS_ARE(&g_k, STAT(drops, 2)));
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
  assert_true(KSTATS_ARE(&g_k, STAT(timers_pending, 0)));
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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_completes_once_with_device_result, wh_setup),
      cmocka_unit_test_setup(test_submit_error_from_device_completes_with_it,
                             wh_setup),
      cmocka_unit_test_setup(test_device_completing_inside_submit, wh_setup),
      cmocka_unit_test_setup(test_completion_from_poll_runs_in_that_tick,
                             wh_setup),
      cmocka_unit_test_setup(test_cancel_before_submission, wh_setup),
      cmocka_unit_test_setup(test_cancel_while_queued, wh_setup),
      cmocka_unit_test_setup(test_cancel_live_device_forgets, wh_setup),
      cmocka_unit_test_setup(test_cancel_live_in_flight_then_cancelled,
                             wh_setup),
      cmocka_unit_test_setup(test_cancel_live_in_flight_device_finishes_first,
                             wh_setup),
      cmocka_unit_test_setup(test_cancel_live_device_completes_inside_cancel,
                             wh_setup),
      cmocka_unit_test_setup(test_cancel_after_completion, wh_setup),
      cmocka_unit_test_setup(test_cancel_twice_while_queued, wh_setup),
      cmocka_unit_test_setup(test_cancel_twice_while_in_flight, wh_setup),
      cmocka_unit_test_setup(test_cancel_timer, wh_setup),
      cmocka_unit_test_setup(test_submit_while_live_is_refused, wh_setup),
      cmocka_unit_test_setup(test_submit_timer_while_live_is_refused, wh_setup),
      cmocka_unit_test_setup(test_deadline_at_device_that_forgets, wh_setup),
      cmocka_unit_test_setup(test_deadline_at_device_in_flight, wh_setup),
      cmocka_unit_test_setup(test_deadline_met_is_disarmed, wh_setup),
      cmocka_unit_test_setup(test_deadline_cannot_change_while_live, wh_setup),
      cmocka_unit_test_setup(test_timer_deadline_before_its_delay, wh_setup),
      cmocka_unit_test_setup(test_timer_deadline_after_its_delay, wh_setup),
      cmocka_unit_test_setup(test_deadline_already_passed_when_queued,
                             wh_setup),
      cmocka_unit_test_setup(test_deadline_passes_before_first_tick, wh_setup),
      cmocka_unit_test_setup(test_late_work_is_never_dispatched, wh_setup),
      cmocka_unit_test_setup(test_timeout_saturates, wh_setup),
      cmocka_unit_test_setup(test_standing_udp_recv_one_callback_per_event,
                             wh_setup),
      cmocka_unit_test_setup(test_standing_net_recv_ends_on_error, wh_setup),
      cmocka_unit_test_setup(test_standing_cancel_from_its_own_callback,
                             wh_setup),
      cmocka_unit_test_setup(test_standing_cancel_while_event_waits, wh_setup),
      cmocka_unit_test_setup(test_standing_in_flight_cancel_races_an_event,
                             wh_setup),
      cmocka_unit_test_setup(test_standing_deadline_ends_it, wh_setup),
      cmocka_unit_test_setup(test_standing_deadline_while_event_waits,
                             wh_setup),
      cmocka_unit_test_setup(test_standing_deadline_while_requeued, wh_setup),
      cmocka_unit_test_setup(test_completion_of_item_not_live_is_ignored,
                             wh_setup),
      cmocka_unit_test_setup(test_second_event_before_callback_is_ignored,
                             wh_setup),
      cmocka_unit_test_setup(test_resubmit_timer_from_its_callback, wh_setup),
      cmocka_unit_test_setup(test_resubmit_device_item_from_its_callback,
                             wh_setup),
      cmocka_unit_test_setup(test_stats_counters, wh_setup),
      cmocka_unit_test_setup(test_timers_fire_in_expiry_order, wh_setup),
      cmocka_unit_test_setup(
          test_timers_with_equal_expiry_fire_in_submission_order, wh_setup),
      cmocka_unit_test_setup(test_timer_zero_delay_fires_next_tick, wh_setup),
      cmocka_unit_test_setup(test_timer_huge_delay_saturates, wh_setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
