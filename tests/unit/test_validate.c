/* test_validate.c: kernel/validate.c, what ksubmit refuses before an item
 * is queued (the arguments of each op, and a missing device), with the
 * harness of support/work_harness.h. A refused item stays IDLE, is counted
 * once in kstats.rejected, and never reaches a device or a callback. */
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

/* ----------------------------------------------------------- validation */

static void test_submit_validation_generic(void **state) {
  (void)state;
  krng_req_t r;

  assert_int_equal(ksubmit(&g_k, NULL), KERR_INVALID);
  assert_true(KSTATS_ARE(&g_k, STAT(rejected, 1)));

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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_submit_validation_generic, wh_setup),
      cmocka_unit_test_setup(test_submit_validation_no_device,
                             wh_setup_rng_only),
      cmocka_unit_test_setup(test_submit_validation_block, wh_setup),
      cmocka_unit_test_setup(test_submit_validation_block_segment_sum_overflow,
                             wh_setup),
      cmocka_unit_test_setup(test_submit_validation_block_accepts_edges,
                             wh_setup),
      cmocka_unit_test_setup(test_submit_validation_net_and_udp, wh_setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
