/* test_timer_heap.c: the timer heap (kernel/timer_heap.c), directly and
 * through the kernel API.
 *
 * The big test submits 1,000,000 timers with random delays through ksubmit
 * and checks that they fire in order of expiry (equal expiries in submission
 * order) as the fake clock moves; it prints its wall time and the peak RSS.
 * The others drive a ktimer_heap_t directly with long random sequences of
 * arm, cancel and pop, checking ktimer_heap_check and a few independent
 * facts as they go. Randomness comes from a fixed-seed xorshift, so every
 * run is the same. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "kernel.h"
#include "support/fake_device.h"
#include "support/fake_platform.h"

#define NTIMERS 1000000u

/* All large, so static. g_timers has room to fill the heap and one more. */
static kernel_t g_k;
static ktimer_heap_t g_heap;
static ktimer_req_t g_timers[KCONFIG_MAX_TIMERS + 1];
static fake_device_t g_rng;

/* ---------------------------------------------------------------- PRNG */

static uint64_t g_seed;

static void seed(uint64_t s) { g_seed = s; }

static uint64_t xorshift64(void) {
  uint64_t x = g_seed;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  g_seed = x;
  return x;
}

static uint64_t random_below(uint64_t n) { return xorshift64() % n; }

/* ------------------------------------------------------------- helpers */

static int setup_kernel(void **state) {
  (void)state;
  fake_platform_reset();
  fake_device_init(&g_rng, KDEV_RNG, "fake-rng", false);
  fake_platform_add_device(&g_rng.dev);
  kmain_init(&g_k, NULL);
  return 0;
}

static int setup_heap(void **state) {
  (void)state;
  ktimer_heap_init(&g_heap);
  return 0;
}

static void no_callback(kwork_t *w) { (void)w; }

/* A work item for direct heap use: kwork_init leaves it off any heap. */
static kwork_t *item(size_t i) {
  kwork_t *w = &g_timers[i].work;
  kwork_init(w, KWORK_OP_TIMER, NULL, no_callback, 0);
  return w;
}

static size_t index_of(const kwork_t *w) {
  return (size_t)(KCONTAINER_OF(w, ktimer_req_t, work) - g_timers);
}

static double ms_since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
         (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static long peak_rss_kib(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss; /* KiB on Linux */
}

/* ------------------------------------- 1,000,000 timers through ksubmit */

static struct {
  size_t fired;
  ktime_t last_expires;
  size_t last_index;
  size_t ties;       /* timers that fired with the previous one's expiry */
  ktime_t prev_tick; /* the tick before the current one */
} g_fire;

static void on_fire(kwork_t *w) {
  ktimer_req_t *t = KCONTAINER_OF(w, ktimer_req_t, work);
  size_t i = index_of(w);
  ktime_t now = ktime(&g_k);
  assert_int_equal(w->result, KERR_OK);
  /* In order of expiry; equal expiries in submission (= index) order. */
  assert_true(t->expires >= g_fire.last_expires);
  if (g_fire.fired > 0 && t->expires == g_fire.last_expires) {
    assert_true(i > g_fire.last_index);
    g_fire.ties++;
  }
  /* Not early, and in the first tick at or after its expiry. */
  assert_true(t->expires <= now);
  assert_true(g_fire.fired == 0 || t->expires > g_fire.prev_tick);
  g_fire.last_expires = t->expires;
  g_fire.last_index = i;
  g_fire.fired++;
}

static void test_million_timers_fire_in_deadline_order(void **state) {
  (void)state;
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  memset(&g_fire, 0, sizeof(g_fire));
  seed(0x9e3779b97f4a7c15u);

  /* Delays are whole microseconds below one second, so about a third of the
   * timers share their expiry with another one. */
  for (size_t i = 0; i < NTIMERS; i++) {
    ktimer_req_t *t = &g_timers[i];
    kwork_init(&t->work, KWORK_OP_TIMER, NULL, on_fire, 0);
    t->delay = KTIME_US(random_below(1000000));
    assert_int_equal(ksubmit(&g_k, &t->work), KERR_OK);
  }
  assert_int_equal(kstats(&g_k)->timers_pending, NTIMERS);
  assert_int_equal(kstats(&g_k)->live, NTIMERS);
  assert_true(ktimer_heap_check(&g_k.timers));

  /* Move the clock on in uneven steps, ticking after each. */
  ktime_t now = 0;
  size_t ticks = 0;
  while (g_fire.fired < NTIMERS) {
    g_fire.prev_tick = now;
    now += 1 + random_below(KTIME_MS(2));
    fake_clock_set(&g_k, now);
    kmain_tick(&g_k, now);
    ticks++;
    assert_true(now < KTIME_S(2)); /* all were due within 1 s */
  }
  double ms = ms_since(&t0);

  assert_int_equal(g_fire.fired, NTIMERS);
  const kstats_t *s = kstats(&g_k);
  assert_int_equal(s->completed, NTIMERS);
  assert_int_equal(s->timers_pending, 0);
  assert_int_equal(s->live, 0);
  assert_int_equal(kmain_next_delay(&g_k), KTIME_NEVER);
  assert_true(ticks > 100); /* they did not all fire in one tick */
  assert_true(g_fire.ties > NTIMERS / 10); /* the tie order was exercised */

  printf("timer_heap: %u timers: %.0f ms, peak RSS %ld KiB\n", NTIMERS, ms,
         peak_rss_kib());
}

/* The kernel's heap is full: timers and deadlines are refused. */
static void test_ksubmit_when_heap_full(void **state) {
  (void)state;
  for (size_t i = 0; i < KCONFIG_MAX_TIMERS; i++) {
    ktimer_req_t *t = &g_timers[i];
    kwork_init(&t->work, KWORK_OP_TIMER, NULL, no_callback, 0);
    t->delay = KTIME_S(10) + i;
    assert_int_equal(ksubmit(&g_k, &t->work), KERR_OK);
  }
  assert_int_equal(kstats(&g_k)->timers_pending, KCONFIG_MAX_TIMERS);

  ktimer_req_t *extra = &g_timers[KCONFIG_MAX_TIMERS];
  kwork_init(&extra->work, KWORK_OP_TIMER, NULL, no_callback, 0);
  extra->delay = 1;
  assert_int_equal(ksubmit(&g_k, &extra->work), KERR_NO_SPACE);
  assert_int_equal(kwork_state(&extra->work), KWORK_STATE_IDLE);
  assert_int_equal(extra->work.heap_index, KWORK_NO_HEAP);

  /* A device request with a deadline needs a heap slot too. */
  static uint8_t buf[8];
  krng_req_t r;
  kwork_init(&r.work, KWORK_OP_RNG_READ, NULL, no_callback, 0);
  r.buffer = buf;
  r.length = sizeof(buf);
  kwork_set_deadline(&r.work, KTIME_S(1));
  assert_int_equal(ksubmit(&g_k, &r.work), KERR_NO_SPACE);
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_IDLE);
  /* Without a deadline it does not. */
  kwork_set_deadline(&r.work, KTIME_NEVER);
  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);

  const kstats_t *s = kstats(&g_k);
  assert_int_equal(s->rejected, 2);
  assert_int_equal(s->submitted, KCONFIG_MAX_TIMERS + 1);

  /* Free one slot: the refused timer now fits. */
  assert_int_equal(kcancel(&g_k, &g_timers[12345].work), KERR_OK);
  assert_int_equal(ksubmit(&g_k, &extra->work), KERR_OK);
  assert_true(ktimer_heap_check(&g_k.timers));
}

/* ------------------------------------------------- the heap, directly */

static void test_empty_heap(void **state) {
  (void)state;
  assert_int_equal(ktimer_heap_next(&g_heap), KTIME_NEVER);
  assert_null(ktimer_heap_pop_due(&g_heap, KTIME_NEVER));
  assert_true(ktimer_heap_check(&g_heap));
}

static void test_pop_due_only_when_due(void **state) {
  (void)state;
  kwork_t *a = item(0), *b = item(1);
  assert_int_equal(ktimer_heap_arm(&g_heap, a, 200), KERR_OK);
  assert_int_equal(ktimer_heap_arm(&g_heap, b, 100), KERR_OK);
  assert_int_equal(ktimer_heap_next(&g_heap), 100);

  assert_null(ktimer_heap_pop_due(&g_heap, 99));
  assert_ptr_equal(ktimer_heap_pop_due(&g_heap, 100), b);
  assert_int_equal(b->heap_index, KWORK_NO_HEAP);
  assert_null(ktimer_heap_pop_due(&g_heap, 199));
  assert_ptr_equal(ktimer_heap_pop_due(&g_heap, 1000), a);
  assert_null(ktimer_heap_pop_due(&g_heap, KTIME_NEVER));
  assert_int_equal(g_heap.count, 0);
}

static void test_cancel_not_on_heap(void **state) {
  (void)state;
  kwork_t *a = item(0), *b = item(1), *c = item(2);

  assert_int_equal(ktimer_heap_cancel(&g_heap, a), KERR_STATE); /* never */
  assert_int_equal(ktimer_heap_arm(&g_heap, a, 10), KERR_OK);
  assert_int_equal(ktimer_heap_arm(&g_heap, b, 20), KERR_OK);
  assert_int_equal(ktimer_heap_arm(&g_heap, a, 30), KERR_STATE); /* twice */
  assert_int_equal(g_heap.count, 2);

  assert_int_equal(ktimer_heap_cancel(&g_heap, a), KERR_OK);
  assert_int_equal(ktimer_heap_cancel(&g_heap, a), KERR_STATE); /* again */

  /* A stale index naming another item's slot, and one past the end. */
  c->heap_index = b->heap_index;
  assert_int_equal(ktimer_heap_cancel(&g_heap, c), KERR_STATE);
  c->heap_index = 5;
  assert_int_equal(ktimer_heap_cancel(&g_heap, c), KERR_STATE);
  assert_int_equal(g_heap.count, 1);
  assert_ptr_equal(g_heap.entries[0].work, b);
  assert_true(ktimer_heap_check(&g_heap));
}

/* A program that re-initialises an item while it is on the heap (kwork_init
 * on a live timer: a misuse) leaves an entry whose item no longer points
 * back. pop_due must still take it off: once, it spun the loop for ever
 * (found with tests/programs/lan_check.c, which reused a cancelled timer
 * before its callback). */
static void test_pop_due_takes_an_entry_whose_item_forgot_it(void **state) {
  (void)state;
  kwork_t *a = item(0), *b = item(1);
  assert_int_equal(ktimer_heap_arm(&g_heap, a, 10), KERR_OK);
  assert_int_equal(ktimer_heap_arm(&g_heap, b, 20), KERR_OK);
  a->heap_index = KWORK_NO_HEAP; /* what kwork_init would leave */
  assert_ptr_equal(ktimer_heap_pop_due(&g_heap, 100), a);
  assert_int_equal(g_heap.count, 1);
  assert_ptr_equal(ktimer_heap_pop_due(&g_heap, 100), b);
  assert_int_equal(b->heap_index, KWORK_NO_HEAP);
  assert_null(ktimer_heap_pop_due(&g_heap, 100));
  assert_int_equal(g_heap.count, 0);
}

static void test_arm_when_full(void **state) {
  (void)state;
  /* Descending dues: every arm sifts all the way up. */
  for (size_t i = 0; i < KCONFIG_MAX_TIMERS; i++)
    assert_int_equal(ktimer_heap_arm(&g_heap, item(i), KCONFIG_MAX_TIMERS - i),
                     KERR_OK);
  assert_int_equal(g_heap.count, KCONFIG_MAX_TIMERS);
  assert_true(ktimer_heap_check(&g_heap));

  kwork_t *extra = item(KCONFIG_MAX_TIMERS);
  assert_int_equal(ktimer_heap_arm(&g_heap, extra, 0), KERR_NO_SPACE);
  assert_int_equal(extra->heap_index, KWORK_NO_HEAP);
  assert_int_equal(g_heap.count, KCONFIG_MAX_TIMERS);
  assert_int_equal(ktimer_heap_next(&g_heap), 1);

  assert_int_equal(ktimer_heap_cancel(&g_heap, &g_timers[777].work), KERR_OK);
  assert_int_equal(ktimer_heap_arm(&g_heap, extra, 0), KERR_OK);
  assert_ptr_equal(ktimer_heap_pop_due(&g_heap, 0), extra);
  assert_true(ktimer_heap_check(&g_heap));
}

static void test_equal_dues_leave_in_arm_order(void **state) {
  (void)state;
  enum { N = 200 };
  for (size_t i = 0; i < N; i++)
    assert_int_equal(ktimer_heap_arm(&g_heap, item(i), 42), KERR_OK);
  for (size_t i = 0; i < N; i += 3)
    assert_int_equal(ktimer_heap_cancel(&g_heap, &g_timers[i].work), KERR_OK);
  /* Re-armed items go to the back of their due time. */
  assert_int_equal(ktimer_heap_arm(&g_heap, &g_timers[0].work, 42), KERR_OK);

  size_t prev = 0;
  bool first = true;
  kwork_t *w;
  while ((w = ktimer_heap_pop_due(&g_heap, 42)) != NULL) {
    size_t i = index_of(w);
    if (g_heap.count == 0) {
      assert_int_equal(i, 0); /* the re-armed one, last */
      break;
    }
    assert_true(i % 3 != 0);
    if (!first)
      assert_true(i > prev);
    prev = i;
    first = false;
  }
  assert_int_equal(g_heap.count, 0);
}

static void test_equal_dues_across_sequence_wrap(void **state) {
  (void)state;
  g_heap.seq = UINT32_MAX - 10; /* the sequence number wraps midway */
  for (size_t i = 0; i < 30; i++)
    assert_int_equal(ktimer_heap_arm(&g_heap, item(i), 7), KERR_OK);
  for (size_t i = 0; i < 30; i++)
    assert_int_equal(index_of(ktimer_heap_pop_due(&g_heap, 7)), i);
}

static void test_check_detects_corruption(void **state) {
  (void)state;
  for (size_t i = 0; i < 10; i++)
    assert_int_equal(ktimer_heap_arm(&g_heap, item(i), 100 + i), KERR_OK);
  assert_true(ktimer_heap_check(&g_heap));

  /* A child earlier than its parent. */
  ktime_t saved = g_heap.entries[4].due;
  g_heap.entries[4].due = 0;
  assert_false(ktimer_heap_check(&g_heap));
  g_heap.entries[4].due = saved;
  assert_true(ktimer_heap_check(&g_heap));

  /* An item that does not know its slot. */
  g_heap.entries[6].work->heap_index = 2;
  assert_false(ktimer_heap_check(&g_heap));
  g_heap.entries[6].work->heap_index = 6;
  assert_true(ktimer_heap_check(&g_heap));
}

/* Random arm / cancel / pop on up to `nitems` items, `nops` operations,
 * checking the invariants every `check_every` operations and facts that do
 * not depend on the heap's own check on every operation. */
static void random_ops(size_t nitems, size_t nops, size_t check_every,
                       ktime_t due_range) {
  static uint32_t armed_order[65536]; /* per item: when it was last armed */
  assert_true(nitems <= KARRAY_SIZE(armed_order));
  for (size_t i = 0; i < nitems; i++)
    item(i);
  uint32_t arms = 0, on_heap = 0;
  ktime_t now = 0;

  for (size_t op = 0; op < nops; op++) {
    uint64_t r = random_below(100);
    if (r < 8) {
      /* Pop what is due at a later `now`. */
      now += random_below(due_range / 64 + 1);
      kwork_t *w;
      while ((w = ktimer_heap_pop_due(&g_heap, now)) != NULL) {
        size_t i = index_of(w);
        assert_int_equal(w->heap_index, KWORK_NO_HEAP);
        on_heap--;
        assert_true(g_timers[i].expires <= now);
        /* It was the earliest: nothing left is due before it, and an entry
         * due at the same time was armed after it. */
        if (g_heap.count > 0) {
          const ktimer_entry_t *root = &g_heap.entries[0];
          size_t j = index_of(root->work);
          assert_true(root->due >= g_timers[i].expires);
          if (root->due == g_timers[i].expires)
            assert_true((int32_t)(armed_order[j] - armed_order[i]) > 0);
        }
      }
    } else {
      kwork_t *w = &g_timers[random_below(nitems)].work;
      size_t i = index_of(w);
      if (w->heap_index == KWORK_NO_HEAP) {
        ktime_t due = now + random_below(due_range);
        g_timers[i].expires = due; /* the test's own record of its due */
        armed_order[i] = arms++;
        assert_int_equal(ktimer_heap_arm(&g_heap, w, due), KERR_OK);
        assert_int_equal(g_heap.entries[w->heap_index].due, due);
        on_heap++;
      } else {
        assert_int_equal(ktimer_heap_cancel(&g_heap, w), KERR_OK);
        assert_int_equal(w->heap_index, KWORK_NO_HEAP);
        assert_int_equal(ktimer_heap_cancel(&g_heap, w), KERR_STATE);
        on_heap--;
      }
    }
    assert_int_equal(g_heap.count, on_heap);
    if (op % check_every == 0) {
      assert_true(ktimer_heap_check(&g_heap));
      /* The root is the earliest of all the items the test armed. */
      ktime_t min = KTIME_NEVER;
      for (size_t i = 0; i < nitems; i++)
        if (g_timers[i].work.heap_index != KWORK_NO_HEAP)
          min = KMIN(min, g_timers[i].expires);
      assert_int_equal(ktimer_heap_next(&g_heap), min);
    }
  }
  assert_true(ktimer_heap_check(&g_heap));

  /* Drain: everything leaves in (due, arm order) order. */
  ktime_t last_due = 0;
  uint32_t last_order = 0;
  bool first = true;
  kwork_t *w;
  while ((w = ktimer_heap_pop_due(&g_heap, KTIME_NEVER)) != NULL) {
    size_t i = index_of(w);
    ktime_t due = g_timers[i].expires;
    assert_true(due >= last_due);
    if (!first && due == last_due)
      assert_true((int32_t)(armed_order[i] - last_order) > 0);
    last_due = due;
    last_order = armed_order[i];
    first = false;
    on_heap--;
  }
  assert_int_equal(on_heap, 0);
  assert_int_equal(g_heap.count, 0);
}

static void test_random_ops_small_heap(void **state) {
  (void)state;
  seed(12345);
  /* Few items and few distinct dues: many ties, checked on every step. */
  random_ops(64, 1000000, 1, 50);
}

static void test_random_ops_large_heap(void **state) {
  (void)state;
  seed(0xdeadbeefcafef00du);
  random_ops(20000, 2000000, 4999, KTIME_S(10));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      /* First, so that the peak RSS it prints is its own. */
      cmocka_unit_test_setup(test_million_timers_fire_in_deadline_order,
                             setup_kernel),
      cmocka_unit_test_setup(test_ksubmit_when_heap_full, setup_kernel),
      cmocka_unit_test_setup(test_empty_heap, setup_heap),
      cmocka_unit_test_setup(test_pop_due_only_when_due, setup_heap),
      cmocka_unit_test_setup(test_cancel_not_on_heap, setup_heap),
      cmocka_unit_test_setup(test_pop_due_takes_an_entry_whose_item_forgot_it,
                             setup_heap),
      cmocka_unit_test_setup(test_arm_when_full, setup_heap),
      cmocka_unit_test_setup(test_equal_dues_leave_in_arm_order, setup_heap),
      cmocka_unit_test_setup(test_equal_dues_across_sequence_wrap, setup_heap),
      cmocka_unit_test_setup(test_check_detects_corruption, setup_heap),
      cmocka_unit_test_setup(test_random_ops_small_heap, setup_heap),
      cmocka_unit_test_setup(test_random_ops_large_heap, setup_heap),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
