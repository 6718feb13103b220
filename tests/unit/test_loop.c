/* test_loop.c: one loop tick (kernel/kmain.c, kwork_run_passes in work.c).
 *
 * Completions that stay inside the kernel (a device completing in its
 * submit, a callback completing another item, and what those callbacks
 * submit) finish in the tick they start in, up to KCONFIG_TICK_PASSES passes
 * of {callbacks, dispatch}; then the rest waits for the next tick, after the
 * devices are polled and timers expire. Devices are kicked once per tick.
 *
 * The devices here are small and scripted per test: `blk` completes every
 * item inside submit; `net` and `ip` hold what they get until the test (or
 * a callback) completes it, and run a hook when submitted or polled. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "kernel.h"
#include "support/fake_platform.h"
#include "support/kstats_are.h"

typedef struct dev dev_t;
struct dev {
  kdevice_t dev;
  bool complete_in_submit;
  kerr_t (*on_submit)(dev_t *d, kwork_t *w); /* NULL: hold the item */
  void (*on_poll)(dev_t *d);
  unsigned submits, kicks, polls;
};

static kernel_t g_k; /* huge: the timer heap holds 2^20 entries */
static dev_t g_blk, g_net, g_ip, g_extra;

static dev_t *of(kdevice_t *d) { return KCONTAINER_OF(d, dev_t, dev); }

static kerr_t dev_submit(kdevice_t *d, kwork_t *w) {
  dev_t *x = of(d);
  x->submits++;
  if (x->on_submit != NULL)
    return x->on_submit(x, w);
  if (x->complete_in_submit)
    kdev_complete(d, w, KERR_OK);
  return KERR_OK;
}

static kerr_t dev_cancel(kdevice_t *d, kwork_t *w) {
  (void)d, (void)w;
  return KERR_OK;
}

static void dev_poll(kdevice_t *d) {
  dev_t *x = of(d);
  x->polls++;
  if (x->on_poll != NULL)
    x->on_poll(x);
}

static void dev_kick(kdevice_t *d) { of(d)->kicks++; }

static const kdevice_ops_t dev_ops = {.submit = dev_submit,
                                      .cancel = dev_cancel,
                                      .poll = dev_poll,
                                      .kick = dev_kick};

static void dev_init(dev_t *x, kdev_class_t cls, const char *name) {
  memset(x, 0, sizeof(*x));
  x->dev = (kdevice_t){.ops = &dev_ops, .name = name, .cls = cls};
  if (cls == KDEV_BLOCK) {
    x->dev.info.blk.sectors = 1024;
    x->dev.info.blk.block_size = 512;
  }
}

static int setup(void **state) {
  (void)state;
  fake_platform_reset();
  dev_init(&g_blk, KDEV_BLOCK, "blk");
  g_blk.complete_in_submit = true;
  dev_init(&g_net, KDEV_NET, "net");
  dev_init(&g_ip, KDEV_IP, "ip");
  dev_init(&g_extra, KDEV_IP, "extra"); /* polled, never given work */
  fake_platform_add_device(&g_blk.dev);
  fake_platform_add_device(&g_net.dev);
  fake_platform_add_device(&g_ip.dev);
  fake_platform_add_device(&g_extra.dev);
  kmain_init(&g_k, NULL);
  return 0;
}

static void tick(void) { kmain_tick(&g_k, fake_clock(&g_k)); }

/* ------------------------------------------------------- callback log */

static const kwork_t *g_log[256];
static size_t g_nlog;

static void logged(kwork_t *w) {
  assert_true(g_nlog < KARRAY_SIZE(g_log));
  g_log[g_nlog++] = w;
}

static void init_flush(kblk_req_t *r, kwork_cb_t cb) {
  memset(r, 0, sizeof(*r));
  kwork_init(&r->work, KWORK_OP_BLOCK_FLUSH, r, cb, 0);
}

/* ------------------------------ a frame in, a datagram out: one tick */

/* The "stack": a standing NET_RECV whose callback completes the program's
 * UDP_RECV; a UDP_SEND submitted to it queues a frame (NET_SEND), and the
 * frame's callback completes the UDP_SEND. The net device completes sends
 * inside submit and receives when polled. */
static struct {
  knet_recv_req_t rx;
  knet_send_req_t tx;
  uint8_t frame[64];
  kwork_t *recv; /* the program's UDP_RECV, held by ip */
  kwork_t *send; /* the program's UDP_SEND, held by ip */
  kudp_recv_req_t prog_recv;
  kudp_send_req_t prog_send;
} g_st;

static void stack_rx_done(kwork_t *w) {
  logged(w);
  kdev_complete(&g_ip.dev, g_st.recv, KERR_OK);
}

static void stack_tx_done(kwork_t *w) {
  logged(w);
  kdev_complete(&g_ip.dev, g_st.send, w->result);
}

static kerr_t ip_submit(dev_t *d, kwork_t *w) {
  (void)d;
  if (w->op == KWORK_OP_UDP_RECV) {
    g_st.recv = w;
    return KERR_OK;
  }
  g_st.send = w;
  kwork_init(&g_st.tx.work, KWORK_OP_NET_SEND, NULL, stack_tx_done, 0);
  g_st.tx.frame = g_st.frame;
  g_st.tx.length = sizeof(g_st.frame);
  return ksubmit(&g_k, &g_st.tx.work);
}

static kerr_t net_submit(dev_t *d, kwork_t *w) {
  if (w->op == KWORK_OP_NET_SEND)
    kdev_complete(&d->dev, w, KERR_OK);
  return KERR_OK; /* a NET_RECV waits for a frame */
}

static void net_poll_frame(dev_t *d) {
  kdev_complete(&d->dev, &g_st.rx.work, KERR_OK);
}

static void prog_recv_done(kwork_t *w) {
  logged(w);
  kudp_send_req_t *s = &g_st.prog_send;
  kwork_init(&s->work, KWORK_OP_UDP_SEND, NULL, logged, 0);
  s->sock = 1;
  s->dst_addr = KIP4(10, 0, 2, 2);
  s->dst_port = 9;
  s->data = g_st.frame;
  s->length = 8;
  assert_int_equal(ksubmit(&g_k, &s->work), KERR_OK);
}

static void test_frame_in_datagram_out_in_one_tick(void **state) {
  (void)state;
  g_ip.on_submit = ip_submit;
  g_net.on_submit = net_submit;
  g_net.on_poll = net_poll_frame;
  kwork_init(&g_st.rx.work, KWORK_OP_NET_RECV, NULL, stack_rx_done, 0);
  kwork_init(&g_st.prog_recv.work, KWORK_OP_UDP_RECV, NULL, prog_recv_done, 0);
  g_st.prog_recv.sock = 1;
  assert_int_equal(ksubmit(&g_k, &g_st.rx.work), KERR_OK);
  assert_int_equal(ksubmit(&g_k, &g_st.prog_recv.work), KERR_OK);
  tick(); /* both receives reach their devices */
  assert_int_equal(g_net.submits, 1);
  assert_int_equal(g_ip.submits, 1);
  assert_int_equal(kmain_next_delay(&g_k), KTIME_NEVER);
  g_net.kicks = g_ip.kicks = 0;

  kdev_raise(&g_net.dev); /* a frame came */
  tick();
  /* The frame's callback, the program's receive, the stack's send and the
   * program's send: four passes, one tick. */
  assert_int_equal(g_nlog, 4);
  assert_ptr_equal(g_log[0], &g_st.rx.work);
  assert_ptr_equal(g_log[1], &g_st.prog_recv.work);
  assert_ptr_equal(g_log[2], &g_st.tx.work);
  assert_ptr_equal(g_log[3], &g_st.prog_send.work);
  assert_int_equal(kwork_state(&g_st.prog_send.work), KWORK_STATE_IDLE);
  assert_int_equal(kwork_state(&g_st.tx.work), KWORK_STATE_IDLE);
  /* Both receives went back to their devices, without a resubmit. */
  assert_int_equal(kwork_state(&g_st.rx.work), KWORK_STATE_LIVE);
  assert_int_equal(kwork_state(&g_st.prog_recv.work), KWORK_STATE_LIVE);
  assert_int_equal(g_net.submits, 3); /* rx, tx, rx again */
  assert_int_equal(g_ip.submits, 3);  /* recv, send, recv again */
  /* One kick per device for the whole tick. */
  assert_int_equal(g_net.kicks, 1);
  assert_int_equal(g_ip.kicks, 1);
  assert_int_equal(g_blk.kicks, 0);
  /* Nothing left to do: the re-armed receives do not spin the loop. */
  assert_int_equal(kmain_next_delay(&g_k), KTIME_NEVER);
  assert_true(KSTATS_ARE(&g_k, STAT(live, 2), STAT(completed, 4)));
}

/* ------------------------------------------------------ the pass bound */

static unsigned g_calls;

static void resubmit_self(kwork_t *w) {
  g_calls++;
  assert_int_equal(ksubmit(&g_k, w), KERR_OK);
}

static void timer_fired(kwork_t *w) { logged(w); }

/* An item whose callback resubmits it to a device that completes it at once
 * would run for ever inside one tick: the tick stops after
 * KCONFIG_TICK_PASSES callbacks, says there is more to do, and the timers
 * and devices get their turn before the chain goes on. */
static void test_a_resubmitting_chain_is_bounded(void **state) {
  (void)state;
  kblk_req_t r;
  init_flush(&r, resubmit_self);
  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);

  tick();
  /* Pass 1 only dispatches; passes 2 to KCONFIG_TICK_PASSES call back. */
  assert_int_equal(g_calls, KCONFIG_TICK_PASSES - 1);
  assert_int_equal(g_blk.submits, KCONFIG_TICK_PASSES);
  assert_int_equal(g_blk.kicks, 1);
  assert_int_equal(kwork_state(&r.work), KWORK_STATE_DONE);
  assert_int_equal(kmain_next_delay(&g_k), 0);

  tick();
  assert_int_equal(g_calls, 2 * KCONFIG_TICK_PASSES - 1);
  assert_int_equal(g_blk.kicks, 2);

  /* A timer due and a device raised: both are served at the start of the
   * next tick, whatever the chain does. */
  ktimer_req_t t;
  kwork_init(&t.work, KWORK_OP_TIMER, NULL, timer_fired, 0);
  t.delay = KTIME_MS(1);
  assert_int_equal(ksubmit(&g_k, &t.work), KERR_OK);
  kdev_raise(&g_extra.dev);
  fake_clock_advance(&g_k, KTIME_MS(1));
  unsigned before = g_calls;
  tick();
  assert_int_equal(g_extra.polls, 1);
  assert_int_equal(g_nlog, 1);
  assert_ptr_equal(g_log[0], &t.work);
  assert_int_equal(g_calls, before + KCONFIG_TICK_PASSES);
}

/* Two items held by a device, each one's callback completing the other and
 * resubmitting itself: a ping-pong of completions that never empties the
 * completion queue. One pass per callback, KCONFIG_TICK_PASSES per tick. */
static kblk_req_t g_ping, g_pong;

static void ping_pong(kwork_t *w) {
  logged(w);
  kwork_t *other = w == &g_ping.work ? &g_pong.work : &g_ping.work;
  assert_int_equal(ksubmit(&g_k, w), KERR_OK);
  kdev_complete(&g_blk.dev, other, KERR_OK);
}

static void test_callbacks_completing_items_are_bounded(void **state) {
  (void)state;
  g_blk.complete_in_submit = false; /* hold */
  init_flush(&g_ping, ping_pong);
  init_flush(&g_pong, ping_pong);
  assert_int_equal(ksubmit(&g_k, &g_ping.work), KERR_OK);
  assert_int_equal(ksubmit(&g_k, &g_pong.work), KERR_OK);
  tick();
  assert_int_equal(kwork_state(&g_ping.work), KWORK_STATE_LIVE);
  assert_int_equal(kwork_state(&g_pong.work), KWORK_STATE_LIVE);

  kdev_complete(&g_blk.dev, &g_ping.work, KERR_OK);
  kdev_raise(&g_extra.dev);
  tick();
  assert_int_equal(g_nlog, KCONFIG_TICK_PASSES);
  for (size_t i = 0; i < g_nlog; i++)
    assert_ptr_equal(g_log[i], i % 2 ? &g_pong.work : &g_ping.work);
  assert_int_equal(kmain_next_delay(&g_k), 0);
  assert_int_equal(g_extra.polls, 1); /* before the chain, not during it */

  kdev_raise(&g_extra.dev);
  tick();
  assert_int_equal(g_nlog, 2 * KCONFIG_TICK_PASSES);
  assert_int_equal(g_extra.polls, 2);
  assert_int_equal(g_blk.kicks, 2 + 1); /* one per tick that dispatched */
}

/* --------------------------------------------------- callback ordering */

static kblk_req_t g_a, g_b, g_c, g_d;

static void complete_next(kwork_t *w) {
  logged(w);
  if (w == &g_a.work)
    kdev_complete(&g_blk.dev, &g_c.work, KERR_OK);
  else if (w == &g_b.work)
    kdev_complete(&g_blk.dev, &g_d.work, KERR_OK);
}

/* Callbacks run in batches, each in completion order: what a batch
 * completes runs after every callback of that batch. */
static void test_callbacks_run_in_completion_order_by_batch(void **state) {
  (void)state;
  g_blk.complete_in_submit = false;
  kblk_req_t *all[] = {&g_a, &g_b, &g_c, &g_d};
  for (size_t i = 0; i < KARRAY_SIZE(all); i++) {
    init_flush(all[i], complete_next);
    assert_int_equal(ksubmit(&g_k, &all[i]->work), KERR_OK);
  }
  tick();
  kdev_complete(&g_blk.dev, &g_a.work, KERR_OK);
  kdev_complete(&g_blk.dev, &g_b.work, KERR_OK);
  tick();
  assert_int_equal(g_nlog, 4);
  assert_ptr_equal(g_log[0], &g_a.work);
  assert_ptr_equal(g_log[1], &g_b.work);
  assert_ptr_equal(g_log[2], &g_c.work);
  assert_ptr_equal(g_log[3], &g_d.work);
  assert_int_equal(kmain_next_delay(&g_k), KTIME_NEVER);
  assert_true(KSTATS_ARE(&g_k, STAT(live, 0)));
}

/* ----------------------------------------------------- passes directly */

static void test_passes_stop_when_nothing_is_done(void **state) {
  (void)state;
  g_blk.complete_in_submit = false;
  kblk_req_t r;
  init_flush(&r, logged);
  assert_int_equal(kwork_run_passes(&g_k, KCONFIG_TICK_PASSES), 1); /* idle */
  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  assert_int_equal(kwork_run_passes(&g_k, KCONFIG_TICK_PASSES), 1);
  kdev_complete(&g_blk.dev, &r.work, KERR_OK);
  assert_int_equal(kwork_run_passes(&g_k, KCONFIG_TICK_PASSES), 1);
  assert_int_equal(g_nlog, 1);

  /* A standing receive re-armed before its callback goes back to the
   * device, which holds it: the passes end. */
  kudp_recv_req_t u;
  kwork_init(&u.work, KWORK_OP_UDP_RECV, NULL, logged, 0);
  u.sock = 1;
  assert_int_equal(ksubmit(&g_k, &u.work), KERR_OK);
  kwork_run_passes(&g_k, KCONFIG_TICK_PASSES);
  kdev_complete(&g_ip.dev, &u.work, KERR_OK);
  assert_int_equal(kwork_run_passes(&g_k, KCONFIG_TICK_PASSES), 1);
  assert_int_equal(g_nlog, 2);
  assert_int_equal(kwork_state(&u.work), KWORK_STATE_LIVE);
  assert_int_equal(g_ip.submits, 2);

  /* Completed in submit: a second pass runs its callback. */
  g_blk.complete_in_submit = true;
  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  assert_int_equal(kwork_run_passes(&g_k, KCONFIG_TICK_PASSES), 2);
  assert_int_equal(g_nlog, 3);
  /* And the bound is the caller's. */
  kblk_req_t c;
  init_flush(&c, resubmit_self);
  assert_int_equal(ksubmit(&g_k, &c.work), KERR_OK);
  assert_int_equal(kwork_run_passes(&g_k, 3), 3);
  assert_int_equal(g_calls, 2);
}

/* An item with a deadline that completes inside the tick leaves the heap in
 * that tick: nothing is left to wake the loop. */
static void test_deadline_of_an_item_done_in_the_tick_is_gone(void **state) {
  (void)state;
  kblk_req_t r;
  init_flush(&r, logged);
  kwork_set_deadline(&r.work, KTIME_S(1));
  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  assert_true(KSTATS_ARE(&g_k, STAT(timers_pending, 1)));
  tick();
  assert_int_equal(g_nlog, 1);
  assert_true(KSTATS_ARE(&g_k, STAT(timers_pending, 0)));
  assert_int_equal(kmain_next_delay(&g_k), KTIME_NEVER);
}

/* ------------------------------------------------------- raised devices */

static void raise_extra(dev_t *d) {
  (void)d;
  kdev_raise(&g_extra.dev);
}

static void raise_self(dev_t *d) { kdev_raise(&d->dev); }

/* Polls go in id order, each raised device once: one raised by a device
 * polled before it is polled in the same tick; one that raises itself, or
 * one before it, waits for the next tick. */
static void test_raised_devices_polled_once_in_id_order(void **state) {
  (void)state;
  g_net.on_poll = raise_extra; /* net is id 1, extra id 3 */
  kdev_raise(&g_net.dev);
  tick();
  assert_int_equal(g_net.polls, 1);
  assert_int_equal(g_extra.polls, 1);
  assert_int_equal(kmain_next_delay(&g_k), KTIME_NEVER);

  g_net.on_poll = NULL;
  g_extra.on_poll = raise_self;
  kdev_raise(&g_extra.dev);
  tick();
  assert_int_equal(g_extra.polls, 2);
  assert_int_equal(kmain_next_delay(&g_k), 0);
  g_extra.on_poll = NULL;
  tick();
  assert_int_equal(g_extra.polls, 3);
  assert_int_equal(kmain_next_delay(&g_k), KTIME_NEVER);
  assert_int_equal(g_net.polls, 1);
  assert_int_equal(g_blk.polls + g_ip.polls, 0);
}

/* A device whose registration failed may still be raised by its platform
 * code: nothing happens. */
static void test_raising_an_unregistered_device_is_ignored(void **state) {
  (void)state;
  dev_t lone;
  dev_init(&lone, KDEV_IP, "lone");
  kdev_raise(&lone.dev);
  assert_int_equal(kmain_next_delay(&g_k), KTIME_NEVER);
  tick();
  assert_int_equal(lone.polls, 0);
}

static int reset_logs(void **state) {
  g_nlog = 0;
  g_calls = 0;
  memset(&g_st, 0, sizeof(g_st));
  return setup(state);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_frame_in_datagram_out_in_one_tick,
                             reset_logs),
      cmocka_unit_test_setup(test_a_resubmitting_chain_is_bounded, reset_logs),
      cmocka_unit_test_setup(test_callbacks_completing_items_are_bounded,
                             reset_logs),
      cmocka_unit_test_setup(test_callbacks_run_in_completion_order_by_batch,
                             reset_logs),
      cmocka_unit_test_setup(test_passes_stop_when_nothing_is_done, reset_logs),
      cmocka_unit_test_setup(test_deadline_of_an_item_done_in_the_tick_is_gone,
                             reset_logs),
      cmocka_unit_test_setup(test_raised_devices_polled_once_in_id_order,
                             reset_logs),
      cmocka_unit_test_setup(test_raising_an_unregistered_device_is_ignored,
                             reset_logs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
