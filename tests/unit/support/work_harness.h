/* work_harness.h: a fresh kernel with one fake device per class, a fake
 * clock and a log of callbacks, for the tests of the work item's life
 * (test_work.c, test_validate.c, test_kmain.c).
 *
 *   wh_setup           fresh kernel, devices rng 0, blk 1, net 2, udp 3
 *                      (numbered in registration order), log empty
 *   wh_setup_rng_only  fresh kernel with only the rng device
 *   tick, tick_at, ticks
 *                      one loop iteration at the current fake time; at
 *                      time t; n of them. The clock moves only when a test
 *                      moves it.
 *   record             a callback that appends to g_cb: which item, its
 *                      result, its state and ktime() while it ran
 *   must_not_run       a callback for items ksubmit must refuse
 *   callbacks_for(w)   how many entries of the log are w's
 *   init_*             a request of each op over g_buf, ready to submit
 *   submit_to_device   ksubmit, one tick; true if the item is then LIVE and
 *                      held by that device
 *
 * Nothing here asserts through cmocka (the fuzzers link tests/unit/support/
 * too): helpers return what they found and the test asserts it. */
#ifndef REALMOS_TEST_WORK_HARNESS_H
#define REALMOS_TEST_WORK_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

#include "fake_device.h"
#include "kernel.h"

extern kernel_t g_k; /* huge: the unit tests' timer heap holds 2^20 entries */
extern fake_device_t g_rng, g_blk, g_net, g_udp;
extern uint8_t g_buf[8192];

typedef struct {
  kwork_t *work;
  kerr_t result;
  uint32_t state; /* kwork_state() while the callback ran */
  ktime_t now;    /* ktime() while the callback ran */
} cb_record_t;

#define WH_LOG 4096
extern cb_record_t g_cb[WH_LOG];
extern size_t g_ncb;

int wh_setup(void **state);
int wh_setup_rng_only(void **state);

void tick(void);
void tick_at(ktime_t t);
void ticks(int n);

void record(kwork_t *w);
void must_not_run(kwork_t *w);
size_t callbacks_for(const kwork_t *w);

void init_rng(krng_req_t *r, kwork_cb_t cb);
void init_timer(ktimer_req_t *t, ktime_t delay, kwork_cb_t cb);
void init_blk(kblk_req_t *r, uint32_t op, uint64_t sector, size_t length,
              kwork_cb_t cb);
void init_udp_recv(kudp_recv_req_t *r, kwork_cb_t cb);
void init_net_recv(knet_recv_req_t *r, kwork_cb_t cb);
void init_udp_send(kudp_send_req_t *r, size_t length, kwork_cb_t cb);
void init_net_send(knet_send_req_t *r, size_t length, kwork_cb_t cb);

bool submit_to_device(kwork_t *w, fake_device_t *dev);

#endif
