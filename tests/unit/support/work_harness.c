/* work_harness.c: see work_harness.h. */
#include "work_harness.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_platform.h"

kernel_t g_k;
fake_device_t g_rng, g_blk, g_net, g_udp;
uint8_t g_buf[8192];

/* ------------------------------------------------------- callback log */

cb_record_t g_cb[WH_LOG];
size_t g_ncb;

void record(kwork_t *w) {
  assert(g_ncb < KARRAY_SIZE(g_cb));
  g_cb[g_ncb++] = (cb_record_t){.work = w,
                                .result = w->result,
                                .state = kwork_state(w),
                                .now = ktime(&g_k)};
}

/* For items that must never complete (rejected by ksubmit). */
void must_not_run(kwork_t *w) {
  (void)w;
  fprintf(stderr, "a callback ran for an item ksubmit refused\n");
  abort();
}

size_t callbacks_for(const kwork_t *w) {
  size_t n = 0;
  for (size_t i = 0; i < g_ncb; i++)
    n += g_cb[i].work == w;
  return n;
}

/* ------------------------------------------------------------ harness */

void tick(void) { kmain_tick(&g_k, fake_clock(&g_k)); }

void tick_at(ktime_t t) {
  fake_clock_set(&g_k, t);
  tick();
}

void ticks(int n) {
  for (int i = 0; i < n; i++)
    tick();
}

int wh_setup(void **state) {
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
int wh_setup_rng_only(void **state) {
  (void)state;
  fake_platform_reset();
  fake_device_init(&g_rng, KDEV_RNG, "fake-rng", false);
  fake_platform_add_device(&g_rng.dev);
  kmain_init(&g_k, NULL);
  g_ncb = 0;
  return 0;
}

void init_rng(krng_req_t *r, kwork_cb_t cb) {
  memset(r, 0, sizeof(*r));
  kwork_init(&r->work, KWORK_OP_RNG_READ, r, cb, 0);
  r->buffer = g_buf;
  r->length = 16;
}

void init_timer(ktimer_req_t *t, ktime_t delay, kwork_cb_t cb) {
  memset(t, 0, sizeof(*t));
  kwork_init(&t->work, KWORK_OP_TIMER, t, cb, 0);
  t->delay = delay;
}

void init_blk(kblk_req_t *r, uint32_t op, uint64_t sector, size_t length,
              kwork_cb_t cb) {
  memset(r, 0, sizeof(*r));
  kwork_init(&r->work, op, r, cb, 0);
  r->sector = sector;
  r->buffer = g_buf;
  r->length = length;
}

void init_udp_recv(kudp_recv_req_t *r, kwork_cb_t cb) {
  memset(r, 0, sizeof(*r));
  kwork_init(&r->work, KWORK_OP_UDP_RECV, r, cb, 0);
  r->sock = 1;
}

void init_net_recv(knet_recv_req_t *r, kwork_cb_t cb) {
  memset(r, 0, sizeof(*r));
  kwork_init(&r->work, KWORK_OP_NET_RECV, r, cb, 0);
}

void init_udp_send(kudp_send_req_t *r, size_t length, kwork_cb_t cb) {
  memset(r, 0, sizeof(*r));
  kwork_init(&r->work, KWORK_OP_UDP_SEND, r, cb, 0);
  r->sock = 1;
  r->dst_addr = KIP4(10, 0, 2, 2);
  r->dst_port = 9;
  r->data = g_buf;
  r->length = length;
}

void init_net_send(knet_send_req_t *r, size_t length, kwork_cb_t cb) {
  memset(r, 0, sizeof(*r));
  kwork_init(&r->work, KWORK_OP_NET_SEND, r, cb, 0);
  r->frame = g_buf;
  r->length = length;
}

bool submit_to_device(kwork_t *w, fake_device_t *dev) {
  if (ksubmit(&g_k, w) != KERR_OK)
    return false;
  tick();
  return kwork_state(w) == KWORK_STATE_LIVE && fake_device_holds(dev, w);
}
