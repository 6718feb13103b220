/* test_device.c: kernel/device.c, the device registry: kdev_register, which
 * device serves a class, raising and polling, kblk_info and knet_info, and
 * the count of lent receive buffers (kdev_buf_lent, kbuf_release). */
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

static kernel_t g_k; /* huge: the timer heap holds 2^20 entries */
static fake_device_t g_dev[KCONFIG_MAX_DEVICES + 1];

static void no_callback(kwork_t *w) { (void)w; }

static void test_register_numbers_devices_in_order(void **state) {
  (void)state;
  fake_platform_reset();
  fake_device_init(&g_dev[0], KDEV_IP, "udp", false);
  fake_device_init(&g_dev[1], KDEV_RNG, "rng", false);
  fake_platform_add_device(&g_dev[0].dev);
  fake_platform_add_device(&g_dev[1].dev);
  kmain_init(&g_k, NULL);

  assert_int_equal(fake_platform_register_result(0), KERR_OK);
  assert_int_equal(fake_platform_register_result(1), KERR_OK);
  assert_int_equal(g_k.ndevices, 2);
  assert_int_equal(g_dev[0].dev.id, 0);
  assert_int_equal(g_dev[1].dev.id, 1);
  assert_ptr_equal(g_dev[0].dev.k, &g_k);
  assert_ptr_equal(g_k.serves[KDEV_IP], &g_dev[0].dev);
  assert_ptr_equal(g_k.serves[KDEV_RNG], &g_dev[1].dev);
  assert_null(g_k.serves[KDEV_BLOCK]);
  assert_null(g_k.serves[KDEV_NET]);
  assert_int_equal(kdev_buf(&g_dev[1].dev, 5), 0x01000005);
}

static void test_register_refuses_bad_devices(void **state) {
  (void)state;
  fake_platform_reset();
  kmain_init(&g_k, NULL);

  assert_int_equal(kdev_register(&g_k, NULL), KERR_INVALID);
  fake_device_init(&g_dev[0], KDEV_RNG, "no ops", false);
  g_dev[0].dev.ops = NULL;
  assert_int_equal(kdev_register(&g_k, &g_dev[0].dev), KERR_INVALID);
  fake_device_init(&g_dev[0], KDEV_CLASS_COUNT, "bad class", false);
  assert_int_equal(kdev_register(&g_k, &g_dev[0].dev), KERR_INVALID);
  assert_int_equal(g_k.ndevices, 0);
}

static void test_register_when_full(void **state) {
  (void)state;
  fake_platform_reset();
  for (size_t i = 0; i < KARRAY_SIZE(g_dev); i++) {
    fake_device_init(&g_dev[i], KDEV_NET, "net", false);
    fake_platform_add_device(&g_dev[i].dev);
  }
  kmain_init(&g_k, NULL);
  for (size_t i = 0; i < KCONFIG_MAX_DEVICES; i++)
    assert_int_equal(fake_platform_register_result(i), KERR_OK);
  assert_int_equal(fake_platform_register_result(KCONFIG_MAX_DEVICES),
                   KERR_NO_SPACE);
  assert_int_equal(g_k.ndevices, KCONFIG_MAX_DEVICES);
}

static void test_first_of_a_class_serves_it(void **state) {
  (void)state;
  fake_platform_reset();
  fake_device_init(&g_dev[0], KDEV_RNG, "rng0", false);
  fake_device_init(&g_dev[1], KDEV_RNG, "rng1", false);
  fake_platform_add_device(&g_dev[0].dev);
  fake_platform_add_device(&g_dev[1].dev);
  kmain_init(&g_k, NULL);

  static uint8_t buf[4];
  krng_req_t r;
  kwork_init(&r.work, KWORK_OP_RNG_READ, NULL, no_callback, 0);
  r.buffer = buf;
  r.length = sizeof(buf);
  assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
  kmain_tick(&g_k, 0);
  assert_int_equal(g_dev[0].nsubmits, 1);
  assert_int_equal(g_dev[1].nsubmits, 0);
  assert_int_equal(g_dev[0].kicks, 1);
  assert_int_equal(g_dev[1].kicks, 0);
}

static void test_only_raised_devices_are_polled(void **state) {
  (void)state;
  fake_platform_reset();
  for (size_t i = 0; i < 3; i++) {
    fake_device_init(&g_dev[i], KDEV_IP, "udp", false);
    fake_platform_add_device(&g_dev[i].dev);
  }
  kmain_init(&g_k, NULL);

  assert_false(kdev_any_raised(&g_k));
  kdev_raise(&g_dev[1].dev);
  kdev_raise(&g_dev[1].dev); /* raising twice: one poll */
  kdev_raise(&g_dev[2].dev);
  assert_true(kdev_any_raised(&g_k));
  kmain_tick(&g_k, 0);
  assert_int_equal(g_dev[0].polls, 0);
  assert_int_equal(g_dev[1].polls, 1);
  assert_int_equal(g_dev[2].polls, 1);
  assert_false(kdev_any_raised(&g_k));
  kmain_tick(&g_k, 0);
  assert_int_equal(g_dev[1].polls, 1);
}

static void test_info_queries(void **state) {
  (void)state;
  fake_platform_reset();
  fake_device_init(&g_dev[0], KDEV_BLOCK, "blk", false);
  fake_device_init(&g_dev[1], KDEV_NET, "net", false);
  g_dev[0].dev.info.blk =
      (kblk_info_t){.sectors = 2048, .block_size = 4096, .read_only = true};
  fake_platform_add_device(&g_dev[0].dev);
  fake_platform_add_device(&g_dev[1].dev);
  kmain_init(&g_k, NULL);

  kblk_info_t bi;
  memset(&bi, 0, sizeof(bi));
  assert_int_equal(kblk_info(&g_k, &bi), KERR_OK);
  assert_int_equal(bi.sectors, 2048);
  assert_int_equal(bi.block_size, 4096);
  assert_true(bi.read_only);

  knet_info_t ni;
  memset(&ni, 0, sizeof(ni));
  assert_int_equal(knet_info(&g_k, &ni), KERR_OK);
  assert_int_equal(ni.mtu, 1500);
  assert_memory_equal(ni.mac, g_dev[1].dev.info.net.mac, 6);
}

/* kstats bufs_out: up on each lend, down only when the owner's release
 * returns KERR_OK. */
static void test_bufs_out_follows_lends_and_releases(void **state) {
  (void)state;
  fake_platform_reset();
  fake_device_init(&g_dev[0], KDEV_NET, "net", true);
  fake_device_init(&g_dev[1], KDEV_RNG, "rng", false); /* no release op */
  fake_platform_add_device(&g_dev[0].dev);
  fake_platform_add_device(&g_dev[1].dev);
  kmain_init(&g_k, NULL);
  assert_true(KSTATS_ARE(&g_k, STAT(bufs_out, 0)));

  kdev_buf_lent(&g_dev[0].dev);
  kdev_buf_lent(&g_dev[0].dev);
  assert_true(KSTATS_ARE(&g_k, STAT(bufs_out, 2)));

  assert_int_equal(kbuf_release(&g_k, kdev_buf(&g_dev[0].dev, 4)), KERR_OK);
  assert_true(KSTATS_ARE(&g_k, STAT(bufs_out, 1)));

  /* Refused releases leave the count alone: the device says the buffer is
   * not out, no device has that id, or the device takes no buffers back. */
  g_dev[0].release_result = KERR_STATE;
  assert_int_equal(kbuf_release(&g_k, kdev_buf(&g_dev[0].dev, 4)), KERR_STATE);
  assert_int_equal(kbuf_release(&g_k, 7u << 24), KERR_INVALID);
  assert_int_equal(kbuf_release(&g_k, kdev_buf(&g_dev[1].dev, 0)),
                   KERR_INVALID);
  assert_true(KSTATS_ARE(&g_k, STAT(bufs_out, 1)));
  assert_int_equal(g_dev[0].nreleases, 2);

  g_dev[0].release_result = KERR_OK;
  assert_int_equal(kbuf_release(&g_k, kdev_buf(&g_dev[0].dev, 5)), KERR_OK);
  assert_true(KSTATS_ARE(&g_k, STAT(bufs_out, 0)));
  /* Other counters do not move. */
  assert_true(KSTATS_ARE(&g_k, STAT(drops, 0), STAT(rejected, 0)));
}
/* kbuf_release sends a buffer back to the device named in its top byte,
 * with the 24-bit index below it, and passes the device's answer back. */
static void test_kbuf_release_reaches_the_owner(void **state) {
  (void)state;
  fake_device_t *rng = &g_dev[0], *blk = &g_dev[1], *net = &g_dev[2],
                *udp = &g_dev[3];
  fake_platform_reset();
  fake_device_init(rng, KDEV_RNG, "rng", false);
  fake_device_init(blk, KDEV_BLOCK, "blk", false);
  fake_device_init(net, KDEV_NET, "net", true);
  fake_device_init(udp, KDEV_IP, "udp", true);
  for (int i = 0; i < 4; i++)
    fake_platform_add_device(&g_dev[i].dev);
  kmain_init(&g_k, NULL);
  assert_int_equal(udp->dev.id, 3);
  assert_int_equal(kbuf_release(&g_k, kdev_buf(&udp->dev, 7)), KERR_OK);
  assert_int_equal(kbuf_release(&g_k, kdev_buf(&net->dev, 0x123456)), KERR_OK);
  assert_int_equal(udp->nreleases, 1);
  assert_int_equal(udp->releases[0], 7);
  assert_int_equal(net->nreleases, 1);
  assert_int_equal(net->releases[0], 0x123456);

  /* The index keeps 24 bits; the top byte is the device. */
  assert_int_equal(kdev_buf(&udp->dev, 0xabcdef12), 0x03cdef12);
  assert_int_equal(kbuf_release(&g_k, kdev_buf(&udp->dev, 0xabcdef12)),
                   KERR_OK);
  assert_int_equal(udp->releases[1], 0xcdef12);

  /* The device's answer is passed back. */
  udp->release_result = KERR_STATE;
  assert_int_equal(kbuf_release(&g_k, kdev_buf(&udp->dev, 1)), KERR_STATE);

  /* Bad ids: no such device, or a device without a release op. */
  assert_int_equal(kbuf_release(&g_k, (kbuf_t)4 << 24), KERR_INVALID);
  assert_int_equal(kbuf_release(&g_k, 0xff000000u), KERR_INVALID);
  assert_int_equal(kbuf_release(&g_k, kdev_buf(&rng->dev, 1)), KERR_INVALID);
  assert_int_equal(kbuf_release(&g_k, kdev_buf(&blk->dev, 1)), KERR_INVALID);
  assert_int_equal(udp->nreleases, 3);
  assert_int_equal(net->nreleases, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_register_numbers_devices_in_order),
      cmocka_unit_test(test_register_refuses_bad_devices),
      cmocka_unit_test(test_register_when_full),
      cmocka_unit_test(test_first_of_a_class_serves_it),
      cmocka_unit_test(test_only_raised_devices_are_polled),
      cmocka_unit_test(test_info_queries),
      cmocka_unit_test(test_bufs_out_follows_lends_and_releases),
      cmocka_unit_test(test_kbuf_release_reaches_the_owner),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
