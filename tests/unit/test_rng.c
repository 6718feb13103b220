/* test_rng.c: kernel/rng.c, the CSPRNG device in front of a random source,
 * driven through the user API with the fake platform and a fake rng device
 * as the source ("hardware"). The test completes the hardware's reads by
 * hand, so it decides when the seed arrives and what it is. */
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
static fake_device_t g_hw;

#define MAX_LOG 64
static struct {
  kwork_t *work;
  kerr_t result;
} g_log[MAX_LOG];
static size_t g_nlog;

static void record(kwork_t *w) {
  assert_true(g_nlog < MAX_LOG);
  g_log[g_nlog].work = w;
  g_log[g_nlog].result = w->result;
  g_nlog++;
}

static size_t times_called(const kwork_t *w) {
  size_t n = 0;
  for (size_t i = 0; i < g_nlog; i++)
    n += g_log[i].work == w;
  return n;
}

static kerr_t result_of(const kwork_t *w) {
  for (size_t i = 0; i < g_nlog; i++)
    if (g_log[i].work == w)
      return g_log[i].result;
  fail_msg("no callback for this item");
  return KERR_OK;
}

static void tick(void) { kmain_tick(&g_k, fake_clock(&g_k)); }

static void ticks(int n) {
  for (int i = 0; i < n; i++)
    tick();
}

static int setup(void **state) {
  (void)state;
  fake_platform_reset();
  fake_device_init(&g_hw, KDEV_RNG, "fake-hw-rng", false);
  kmain_init(&g_k, NULL);
  assert_int_equal(kdev_register_rng_source(&g_k, &g_hw.dev), KERR_OK);
  g_nlog = 0;
  return 0;
}

static kwork_t *seed_work(void) { return &g_k.rng.seed.work; }

/* The hardware answers the seed read: all bytes `fill`, or a failure. */
static void complete_seed(kerr_t result, uint8_t fill) {
  krng_req_t *s = &g_k.rng.seed;
  assert_true(fake_device_holds(&g_hw, &s->work));
  memset(s->buffer, fill, s->length);
  s->completed = result == KERR_OK ? s->length : 0;
  fake_device_complete(&g_hw, &s->work, result);
}

static void init_req(krng_req_t *r, uint8_t *buf, size_t n, uint32_t flags) {
  memset(r, 0, sizeof(*r));
  kwork_init(&r->work, KWORK_OP_RNG_READ, r, record, flags);
  r->buffer = buf;
  r->length = n;
}

/* Seed the kernel with 32 bytes of `fill` and run the seed's callback. */
static void seed_now(uint8_t fill) {
  tick(); /* dispatch: the seed read reaches the hardware */
  complete_seed(KERR_OK, fill);
  tick(); /* the seed's callback */
  assert_true(g_k.rng.seeded);
}

/* ----------------------------------------------------------------- tests */

static void test_registration(void **state) {
  (void)state;
  assert_ptr_equal(g_k.serves[KDEV_RNG], &g_k.rng.dev);
  assert_int_equal(g_k.ndevices, 2);
  assert_ptr_equal(g_hw.dev.k, &g_k);
  assert_false(g_k.rng.seeded);
  /* The seed read is queued at once and reaches the hardware on the first
   * tick, as a RAW read of KRNG_SEED_BYTES bytes. */
  assert_int_equal(kwork_state(seed_work()), KWORK_STATE_QUEUED);
  assert_int_equal(g_hw.nsubmits, 0);
  tick();
  assert_int_equal(g_hw.nsubmits, 1);
  assert_ptr_equal(g_hw.submits[0], seed_work());
  assert_true(g_k.rng.seed.work.flags & KRNG_FLAG_RAW);
  assert_int_equal(g_k.rng.seed.length, KRNG_SEED_BYTES);
  assert_int_equal(g_hw.kicks, 1);
}

static void test_registration_refusals(void **state) {
  (void)state;
  assert_int_equal(kdev_register_rng_source(&g_k, NULL), KERR_INVALID);
  static fake_device_t blk;
  fake_device_init(&blk, KDEV_BLOCK, "blk", false);
  assert_int_equal(kdev_register_rng_source(&g_k, &blk.dev), KERR_INVALID);
  /* A second source is registered as an extra device: it gets no work. */
  static fake_device_t second;
  fake_device_init(&second, KDEV_RNG, "second", false);
  assert_int_equal(kdev_register_rng_source(&g_k, &second.dev), KERR_OK);
  assert_int_equal(g_k.ndevices, 3);
  assert_ptr_equal(g_k.serves[KDEV_RNG], &g_k.rng.dev);
  seed_now(1);
  assert_int_equal(second.nsubmits, 0);
}

static void test_requests_wait_for_the_seed(void **state) {
  (void)state;
  static uint8_t a[40], b[100], c[16];
  krng_req_t ra, rb, rc;
  init_req(&ra, a, sizeof(a), 0);
  init_req(&rb, b, sizeof(b), 0);
  assert_int_equal(ksubmit(&g_k, &ra.work), KERR_OK);
  assert_int_equal(ksubmit(&g_k, &rb.work), KERR_OK);
  ticks(3);
  /* Waiting: LIVE at the CSPRNG device, never at the hardware. */
  assert_int_equal(kwork_state(&ra.work), KWORK_STATE_LIVE);
  assert_int_equal(kwork_state(&rb.work), KWORK_STATE_LIVE);
  assert_int_equal(g_nlog, 0);
  assert_int_equal(g_hw.nsubmits, 1); /* the seed only */

  complete_seed(KERR_OK, 0x42);
  ticks(2); /* the seed's callback serves them; then their callbacks */
  assert_int_equal(result_of(&ra.work), KERR_OK);
  assert_int_equal(result_of(&rb.work), KERR_OK);
  assert_int_equal(ra.completed, sizeof(a));
  assert_int_equal(rb.completed, sizeof(b));

  /* The bytes are the CSPRNG's, seeded with the hardware's 32 bytes, in
   * the order the requests were submitted. */
  uint8_t seed[KRNG_SEED_BYTES], want[100];
  memset(seed, 0x42, sizeof(seed));
  csprng_t ref;
  csprng_init(&ref, seed, sizeof(seed));
  csprng_read(&ref, want, sizeof(a));
  assert_memory_equal(a, want, sizeof(a));
  csprng_read(&ref, want, sizeof(b));
  assert_memory_equal(b, want, sizeof(b));
  /* The seed is not left in memory. */
  static const uint8_t zero[KRNG_SEED_BYTES];
  assert_memory_equal(g_k.rng.seed_buf, zero, sizeof(zero));

  /* Once seeded, a request completes inside submit, at dispatch, and its
   * callback runs in the same tick. */
  init_req(&rc, c, sizeof(c), 0);
  assert_int_equal(ksubmit(&g_k, &rc.work), KERR_OK);
  tick();
  assert_int_equal(kwork_state(&rc.work), KWORK_STATE_IDLE);
  assert_int_equal(result_of(&rc.work), KERR_OK);
  csprng_read(&ref, want, sizeof(c));
  assert_memory_equal(c, want, sizeof(c));
  assert_int_equal(g_hw.nsubmits, 1);
  assert_int_equal(kstats(&g_k)->live, 0);
  assert_int_equal(kstats(&g_k)->bad_completions, 0);
}

static void test_raw_reaches_the_hardware(void **state) {
  (void)state;
  static uint8_t a[8], b[8];
  krng_req_t ra, rb;
  /* Before the seed: RAW does not wait. */
  init_req(&ra, a, sizeof(a), KRNG_FLAG_RAW);
  assert_int_equal(ksubmit(&g_k, &ra.work), KERR_OK);
  tick();
  assert_true(fake_device_holds(&g_hw, &ra.work));
  assert_int_equal(g_hw.nsubmits, 2); /* the seed, then ra */
  ra.completed = sizeof(a);
  fake_device_complete(&g_hw, &ra.work, KERR_OK);
  tick();
  assert_int_equal(result_of(&ra.work), KERR_OK);

  /* After the seed, too; and the hardware's error comes back. */
  complete_seed(KERR_OK, 7);
  tick();
  init_req(&rb, b, sizeof(b), KRNG_FLAG_RAW);
  assert_int_equal(ksubmit(&g_k, &rb.work), KERR_OK);
  tick();
  assert_true(fake_device_holds(&g_hw, &rb.work));
  fake_device_complete(&g_hw, &rb.work, KERR_IO);
  tick();
  assert_int_equal(result_of(&rb.work), KERR_IO);
  /* A submit the hardware refuses ends with its error. */
  g_hw.submit_error = KERR_UNSUPPORTED;
  assert_int_equal(ksubmit(&g_k, &rb.work), KERR_OK);
  ticks(2);
  assert_int_equal(times_called(&rb.work), 2);
  assert_int_equal(g_log[g_nlog - 1].result, KERR_UNSUPPORTED);
  assert_int_equal(kstats(&g_k)->live, 0);
}

static void test_reseed_after_the_interval(void **state) {
  (void)state;
  static uint8_t a[16];
  krng_req_t r;
  seed_now(1);
  assert_int_equal(g_k.rng.seeds, 1);
  ktime_t seeded = fake_clock(&g_k);

  /* Just before the interval: no seed read. */
  fake_clock_set(&g_k, seeded + KCONFIG_RNG_RESEED_NS - 1);
  init_req(&r, a, sizeof(a), 0);
  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  ticks(2);
  assert_int_equal(result_of(&r.work), KERR_OK);
  assert_int_equal(g_hw.nsubmits, 1);

  /* After it: the request is served at once, and a seed read starts. */
  fake_clock_set(&g_k, seeded + KCONFIG_RNG_RESEED_NS);
  g_nlog = 0;
  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  tick();
  assert_int_equal(result_of(&r.work), KERR_OK);
  assert_int_equal(g_hw.nsubmits, 2);
  assert_ptr_equal(g_hw.submits[1], seed_work());

  /* While the reseed is on its way, requests keep completing. */
  g_nlog = 0;
  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  ticks(2);
  assert_int_equal(result_of(&r.work), KERR_OK);
  assert_int_equal(g_hw.nsubmits, 2);

  /* The reseed mixes in: the stream now differs from one without it. */
  csprng_t without = g_k.rng.rng;
  complete_seed(KERR_OK, 2);
  tick();
  assert_int_equal(g_k.rng.seeds, 2);
  uint8_t want[16];
  csprng_read(&without, want, sizeof(want));
  g_nlog = 0;
  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  ticks(2);
  assert_int_equal(result_of(&r.work), KERR_OK);
  assert_memory_not_equal(a, want, sizeof(a));
}

static void test_reseed_after_enough_bytes(void **state) {
  (void)state;
  static uint8_t big[KCONFIG_RNG_RESEED_BYTES];
  krng_req_t r;
  seed_now(1);
  init_req(&r, big, sizeof(big) - 1, 0);
  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  ticks(2);
  assert_int_equal(g_hw.nsubmits, 1);
  init_req(&r, big, 1, 0);
  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  ticks(1);
  assert_int_equal(g_hw.nsubmits, 2); /* the limit reached: a seed read */
}

static void test_failed_reseed_keeps_the_key(void **state) {
  (void)state;
  static uint8_t a[16];
  krng_req_t r;
  seed_now(1);
  fake_clock_advance(&g_k, KCONFIG_RNG_RESEED_NS);
  init_req(&r, a, sizeof(a), 0);
  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  tick();
  csprng_t before = g_k.rng.rng;
  complete_seed(KERR_IO, 0);
  ticks(2);
  assert_int_equal(result_of(&r.work), KERR_OK);
  assert_true(g_k.rng.seeded);
  assert_memory_equal(&g_k.rng.rng, &before, sizeof(before));
  /* The next try waits for another interval. */
  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  ticks(2);
  assert_int_equal(g_hw.nsubmits, 2);
}

static void test_cancel_a_waiting_request(void **state) {
  (void)state;
  static uint8_t a[8], b[8];
  krng_req_t ra, rb;
  init_req(&ra, a, sizeof(a), 0);
  init_req(&rb, b, sizeof(b), 0);
  assert_int_equal(ksubmit(&g_k, &ra.work), KERR_OK);
  assert_int_equal(ksubmit(&g_k, &rb.work), KERR_OK);
  tick();
  assert_int_equal(kwork_state(&ra.work), KWORK_STATE_LIVE);
  assert_int_equal(kcancel(&g_k, &ra.work), KERR_OK);
  tick();
  assert_int_equal(result_of(&ra.work), KERR_CANCELLED);
  assert_int_equal(g_hw.ncancels, 0); /* the hardware never had it */

  complete_seed(KERR_OK, 3);
  ticks(2);
  assert_int_equal(result_of(&rb.work), KERR_OK);
  assert_int_equal(times_called(&ra.work), 1);
  assert_int_equal(kstats(&g_k)->bad_completions, 0);
  assert_int_equal(kstats(&g_k)->live, 0);
}

static void test_deadline_of_a_waiting_request(void **state) {
  (void)state;
  static uint8_t a[8];
  krng_req_t r;
  init_req(&r, a, sizeof(a), 0);
  kwork_set_timeout(&g_k, &r.work, KTIME_MS(5));
  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  tick();
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_LIVE);
  fake_clock_advance(&g_k, KTIME_MS(5));
  ticks(2);
  assert_int_equal(result_of(&r.work), KERR_TIMEOUT);
  complete_seed(KERR_OK, 3);
  ticks(2);
  assert_int_equal(times_called(&r.work), 1);
  assert_int_equal(kstats(&g_k)->bad_completions, 0);
}

static void test_cancel_a_raw_request_at_the_hardware(void **state) {
  (void)state;
  static uint8_t a[8];
  krng_req_t r;
  seed_now(1);

  /* The hardware forgets it: cancelled at once. */
  init_req(&r, a, sizeof(a), KRNG_FLAG_RAW);
  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  tick();
  assert_true(fake_device_holds(&g_hw, &r.work));
  assert_int_equal(kcancel(&g_k, &r.work), KERR_OK);
  assert_int_equal(fake_device_times_cancelled(&g_hw, &r.work), 1);
  assert_false(fake_device_holds(&g_hw, &r.work));
  tick();
  assert_int_equal(result_of(&r.work), KERR_CANCELLED);

  /* In flight: the hardware completes it later, once. */
  g_nlog = 0;
  g_hw.cancel_mode = FAKE_CANCEL_IN_FLIGHT;
  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  tick();
  assert_int_equal(kcancel(&g_k, &r.work), KERR_OK);
  tick();
  assert_int_equal(g_nlog, 0);
  fake_device_complete(&g_hw, &r.work, KERR_CANCELLED);
  fake_device_complete(&g_hw, &r.work, KERR_OK); /* late: ignored */
  tick();
  assert_int_equal(times_called(&r.work), 1);
  assert_int_equal(result_of(&r.work), KERR_CANCELLED);
  assert_int_equal(kstats(&g_k)->bad_completions, 1);
  assert_int_equal(kstats(&g_k)->live, 0);
}

static void test_failed_seed_fails_the_waiting_requests(void **state) {
  (void)state;
  static uint8_t a[8], b[8];
  krng_req_t ra, rb;
  init_req(&ra, a, sizeof(a), 0);
  init_req(&rb, b, sizeof(b), 0);
  assert_int_equal(ksubmit(&g_k, &ra.work), KERR_OK);
  assert_int_equal(ksubmit(&g_k, &rb.work), KERR_OK);
  tick();
  complete_seed(KERR_IO, 0);
  ticks(2);
  assert_int_equal(result_of(&ra.work), KERR_IO);
  assert_int_equal(result_of(&rb.work), KERR_IO);
  assert_false(g_k.rng.seeded);

  /* The next request starts a new seed read, and waits for it. */
  g_nlog = 0;
  assert_int_equal(ksubmit(&g_k, &ra.work), KERR_OK);
  tick();
  assert_int_equal(g_hw.nsubmits, 2);
  assert_int_equal(g_nlog, 0);
  complete_seed(KERR_OK, 9);
  ticks(2);
  assert_int_equal(result_of(&ra.work), KERR_OK);
  assert_true(g_k.rng.seeded);
  assert_int_equal(kstats(&g_k)->live, 0);
}

/* The source answers with fewer bytes than asked (virtio-rng may): the
 * seed read asks for the rest, and the waiting request is served once all
 * 32 bytes came, an empty answer in between included. Before the fix, the
 * first short answer failed the request with KERR_IO (found by
 * `realmos-sim --faults rng`). */
static void test_short_seed_answers_are_completed(void **state) {
  (void)state;
  static uint8_t a[8];
  krng_req_t ra;
  init_req(&ra, a, sizeof(a), 0);
  assert_int_equal(ksubmit(&g_k, &ra.work), KERR_OK);
  const size_t answers[] = {10, 0, 21, 1};
  size_t asked = 0;
  for (size_t i = 0; i < KARRAY_SIZE(answers); i++) {
    tick();
    krng_req_t *s = &g_k.rng.seed;
    assert_true(fake_device_holds(&g_hw, &s->work));
    assert_int_equal(s->length, KRNG_SEED_BYTES - asked);
    assert_ptr_equal(s->buffer, g_k.rng.seed_buf + asked);
    memset(s->buffer, 7, answers[i]);
    s->completed = answers[i];
    fake_device_complete(&g_hw, &s->work, KERR_OK);
    asked += answers[i];
    tick();
    /* Still waiting, until the last answer: then the seed's callback
     * serves the request, whose callback runs in the same tick. */
    assert_int_equal(g_nlog, asked < KRNG_SEED_BYTES ? 0 : 1);
    assert_false(g_k.rng.seeded && asked < KRNG_SEED_BYTES);
  }
  assert_int_equal(asked, KRNG_SEED_BYTES);
  assert_int_equal(result_of(&ra.work), KERR_OK);
  assert_true(g_k.rng.seeded);
  assert_int_equal(g_hw.nsubmits, 4);
  assert_int_equal(kstats(&g_k)->live, 0);
}

/* A source that keeps answering with nothing fails the seed read after
 * KRNG_SEED_EMPTY_MAX empty answers in a row, instead of asking forever. */
static void test_empty_seed_answers_fail_in_the_end(void **state) {
  (void)state;
  static uint8_t a[8];
  krng_req_t ra;
  init_req(&ra, a, sizeof(a), 0);
  assert_int_equal(ksubmit(&g_k, &ra.work), KERR_OK);
  for (int i = 0; i < KRNG_SEED_EMPTY_MAX; i++) {
    tick();
    krng_req_t *s = &g_k.rng.seed;
    assert_true(fake_device_holds(&g_hw, &s->work));
    s->completed = 0;
    fake_device_complete(&g_hw, &s->work, KERR_OK);
    tick();
  }
  ticks(2);
  assert_int_equal(result_of(&ra.work), KERR_IO);
  assert_false(g_k.rng.seeded);
  assert_int_equal(g_hw.nsubmits, KRNG_SEED_EMPTY_MAX);
  assert_int_equal(kstats(&g_k)->live, 0);
}

/* A program that reads random bytes and nothing else ends with an idle
 * kernel: no internal item stays live (kmain's exit_when_idle). */
static void test_idle_after_the_seed(void **state) {
  (void)state;
  static uint8_t a[32];
  krng_req_t r;
  init_req(&r, a, sizeof(a), 0);
  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  tick();
  complete_seed(KERR_OK, 5);
  ticks(2);
  assert_int_equal(result_of(&r.work), KERR_OK);
  assert_int_equal(kstats(&g_k)->live, 0);
  assert_int_equal(kmain_next_delay(&g_k), KTIME_NEVER);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_registration, setup),
      cmocka_unit_test_setup(test_registration_refusals, setup),
      cmocka_unit_test_setup(test_requests_wait_for_the_seed, setup),
      cmocka_unit_test_setup(test_raw_reaches_the_hardware, setup),
      cmocka_unit_test_setup(test_reseed_after_the_interval, setup),
      cmocka_unit_test_setup(test_reseed_after_enough_bytes, setup),
      cmocka_unit_test_setup(test_failed_reseed_keeps_the_key, setup),
      cmocka_unit_test_setup(test_cancel_a_waiting_request, setup),
      cmocka_unit_test_setup(test_deadline_of_a_waiting_request, setup),
      cmocka_unit_test_setup(test_cancel_a_raw_request_at_the_hardware, setup),
      cmocka_unit_test_setup(test_failed_seed_fails_the_waiting_requests,
                             setup),
      cmocka_unit_test_setup(test_short_seed_answers_are_completed, setup),
      cmocka_unit_test_setup(test_empty_seed_answers_fail_in_the_end, setup),
      cmocka_unit_test_setup(test_idle_after_the_seed, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
