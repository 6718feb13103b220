/* test_kmain.c: kernel/kmain.c around the tick: kmain_next_delay (how long
 * the loop may sleep) and kmain itself, the whole loop from boot to
 * shutdown on the fake platform (support/work_harness.h). One tick is
 * tested in test_loop.c. */
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
  assert_true(submit_to_device(&d.work, &g_rng));
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
  assert_true(KSTATS_ARE(g_loop_k, STAT(live, 0)));
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
  /* the hour-long timer */
  assert_true(KSTATS_ARE(g_loop_k, STAT(live, 1)));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_next_delay, wh_setup),
      cmocka_unit_test(test_kmain_runs_until_idle),
      cmocka_unit_test(test_kmain_stop_ends_the_loop),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
