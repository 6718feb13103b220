/* timer_check.c: timers on a real clock, as a program.
 *
 *  - 200 timers with delays from a fixed pseudo-random sequence (0..200 ms)
 *    fire in order of expiry, none before its expiry; equal delays fire in
 *    submission order.
 *  - A timer cancelled before it fires completes once, KERR_CANCELLED.
 *  - A timer whose deadline comes before its delay completes KERR_TIMEOUT.
 * It prints the largest lateness seen, for information only. */
#include "check.h"

#define N 200

static struct {
  kernel_t *k;
  ktimer_req_t t[N];
  ktimer_req_t cancelled, late;
  unsigned fired;
  ktime_t last_expiry;
  unsigned last_index;
  ktime_t max_late;
  unsigned finals;
} g;

static uint32_t rng_state = 12345;
static uint32_t next_rand(void) { /* xorshift32 */
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

static void finish_if_done(void) {
  if (g.fired == N && g.finals == 2) {
    printk("timer-check: %u timers, latest fired %llu us after expiry\n", N,
           (unsigned long long)(g.max_late / 1000));
    CHECK(kstats(g.k)->live == 0);
    check_done(g.k);
  }
}

static void on_fire(kwork_t *w) {
  ktimer_req_t *t = KCONTAINER_OF(w, ktimer_req_t, work);
  unsigned i = (unsigned)(t - g.t);
  ktime_t now = ktime_now(g.k);
  CHECK(w->result == KERR_OK);
  CHECK(now >= t->expires);
  CHECK(t->expires >= g.last_expiry);
  if (g.fired > 0 && t->expires == g.last_expiry)
    CHECK(i > g.last_index);
  g.last_expiry = t->expires;
  g.last_index = i;
  if (now - t->expires > g.max_late)
    g.max_late = now - t->expires;
  g.fired++;
  finish_if_done();
}

static void on_cancelled(kwork_t *w) {
  CHECK(w->result == KERR_CANCELLED);
  g.finals++;
  finish_if_done();
}

static void on_late(kwork_t *w) {
  CHECK(w->result == KERR_TIMEOUT);
  CHECK(ktime_now(g.k) >= w->deadline);
  g.finals++;
  finish_if_done();
}

void kmain_usermain(kernel_t *k) {
  g.k = k;
  check_name = "timer-check";
  for (unsigned i = 0; i < N; i++) {
    kwork_init(&g.t[i].work, KWORK_OP_TIMER, NULL, on_fire, 0);
    /* Coarse steps so that some delays are equal. */
    g.t[i].delay = KTIME_MS(next_rand() % 41) * 5;
    CHECK(ksubmit(k, &g.t[i].work) == KERR_OK);
  }
  kwork_init(&g.cancelled.work, KWORK_OP_TIMER, NULL, on_cancelled, 0);
  g.cancelled.delay = KTIME_MS(100);
  CHECK(ksubmit(k, &g.cancelled.work) == KERR_OK);
  CHECK(kcancel(k, &g.cancelled.work) == KERR_OK);

  kwork_init(&g.late.work, KWORK_OP_TIMER, NULL, on_late, 0);
  g.late.delay = KTIME_MS(500);
  kwork_set_timeout(k, &g.late.work, KTIME_MS(20));
  CHECK(ksubmit(k, &g.late.work) == KERR_OK);
}
