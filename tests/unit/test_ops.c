/* test_ops.c: kernel/ops.c, the table of what the kernel knows of each op,
 * checked row by row against what kapi.h promises of each op, and through
 * ksubmit (the class that serves an op, the check that refuses it); and
 * lib/ksockid.h, the socket ids with generations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "kernel.h"
#include "ksockid.h"
#include "support/fake_device.h"
#include "support/fake_platform.h"

static kernel_t g_k; /* huge: the timer heap holds 2^20 entries */
static fake_device_t g_dev[KDEV_CLASS_COUNT];

/* What kapi.h and device.h say of each op, written out here rather than
 * read from the table: the request struct, the class that serves it,
 * whether it is standing, whether it waits for an address, and whether its
 * request names a socket. */
typedef struct {
  uint32_t op;
  size_t size;
  kdev_class_t cls;
  bool standing, address;
  size_t sock_at; /* 0: names none */
} expect_t;

static const expect_t g_expect[] = {
    {KWORK_OP_TIMER, sizeof(ktimer_req_t), KDEV_CLASS_COUNT, false, false, 0},
    {KWORK_OP_RNG_READ, sizeof(krng_req_t), KDEV_RNG, false, false, 0},
    {KWORK_OP_BLOCK_READ, sizeof(kblk_req_t), KDEV_BLOCK, false, false, 0},
    {KWORK_OP_BLOCK_WRITE, sizeof(kblk_req_t), KDEV_BLOCK, false, false, 0},
    {KWORK_OP_BLOCK_FLUSH, sizeof(kblk_req_t), KDEV_BLOCK, false, false, 0},
    {KWORK_OP_NET_RECV, sizeof(knet_recv_req_t), KDEV_NET, true, false, 0},
    {KWORK_OP_NET_SEND, sizeof(knet_send_req_t), KDEV_NET, false, false, 0},
    {KWORK_OP_UDP_BIND, sizeof(kudp_bind_req_t), KDEV_IP, false, false, 0},
    {KWORK_OP_UDP_UNBIND, sizeof(kudp_bind_req_t), KDEV_IP, false, false,
     offsetof(kudp_bind_req_t, sock)},
    {KWORK_OP_UDP_RECV, sizeof(kudp_recv_req_t), KDEV_IP, true, false,
     offsetof(kudp_recv_req_t, sock)},
    {KWORK_OP_UDP_SEND, sizeof(kudp_send_req_t), KDEV_IP, false, true,
     offsetof(kudp_send_req_t, sock)},
    {KWORK_OP_IP_CONFIG, sizeof(kip_config_req_t), KDEV_IP, false, true, 0},
    {KWORK_OP_PING, sizeof(kping_req_t), KDEV_IP, false, true, 0},
    {KWORK_OP_ARP_RESOLVE, sizeof(karp_req_t), KDEV_IP, false, true, 0},
};

static void no_callback(kwork_t *w) { (void)w; }

/* Room for any request, its kwork_t first (ops.c checks that it is). */
typedef union {
  kwork_t work;
  ktimer_req_t timer;
  krng_req_t rng;
  kblk_req_t blk;
  knet_recv_req_t net_recv;
  knet_send_req_t net_send;
  kudp_bind_req_t bind;
  kudp_recv_req_t udp_recv;
  kudp_send_req_t udp_send;
  kip_config_req_t config;
  kping_req_t ping;
  karp_req_t arp;
} any_req_t;

static void boot_with_every_class(void) {
  fake_platform_reset();
  for (uint32_t c = 0; c < KDEV_CLASS_COUNT; c++) {
    fake_device_init(&g_dev[c], (kdev_class_t)c, "dev", false);
    fake_platform_add_device(&g_dev[c].dev);
  }
  kmain_init(&g_k, NULL);
}

static void test_each_row_says_what_the_api_says(void **state) {
  (void)state;
  assert_int_equal(KARRAY_SIZE(g_expect), KWORK_OP_COUNT - 1);
  for (size_t i = 0; i < KARRAY_SIZE(g_expect); i++) {
    const expect_t *e = &g_expect[i];
    any_req_t r;
    kwork_init(&r.work, e->op, NULL, no_callback, 0);
    assert_int_equal(kwork_ops[e->op].size, e->size);
    assert_int_equal(kwork_class(e->op), e->cls);
    assert_int_equal(kwork_is_standing(&r.work), e->standing);
    assert_int_equal(kwork_needs_address(&r.work), e->address);
    assert_int_equal(kwork_ops[e->op].handle_at, e->sock_at);
    assert_int_equal((kwork_ops[e->op].flags & KOP_TIMER) != 0,
                     e->op == KWORK_OP_TIMER);
    /* The fast path of ksubmit trusts KOP_ARGS to say there is a check. */
    assert_int_equal((kwork_ops[e->op].flags & KOP_ARGS) != 0,
                     kwork_op_check[e->op] != NULL);
  }
  assert_int_equal(kwork_class(KWORK_OP_NONE), KDEV_CLASS_COUNT);
  assert_int_equal(kwork_ops[KWORK_OP_NONE].flags & ~KOP_CLASS, 0);
}

static void test_handle_reads_the_socket_id(void **state) {
  (void)state;
  kudp_bind_req_t unbind, bind;
  kudp_recv_req_t recv;
  kudp_send_req_t send;
  kwork_init(&unbind.work, KWORK_OP_UDP_UNBIND, NULL, no_callback, 0);
  kwork_init(&recv.work, KWORK_OP_UDP_RECV, NULL, no_callback, 0);
  kwork_init(&send.work, KWORK_OP_UDP_SEND, NULL, no_callback, 0);
  kwork_init(&bind.work, KWORK_OP_UDP_BIND, NULL, no_callback, 0);
  unbind.sock = 0x00070003;
  recv.sock = 0x00010001;
  send.sock = 0xfffe0002;
  bind.sock = 0x00050005; /* out for a bind: not what it names */
  assert_int_equal(kwork_handle(&unbind.work), 0x00070003);
  assert_int_equal(kwork_handle(&recv.work), 0x00010001);
  assert_int_equal(kwork_handle(&send.work), 0xfffe0002);
  assert_int_equal(kwork_handle(&bind.work), 0);
  ktimer_req_t t;
  kwork_init(&t.work, KWORK_OP_TIMER, NULL, no_callback, 0);
  t.delay = 0x12345678;
  assert_int_equal(kwork_handle(&t.work), 0);
}

/* Each op goes to the device of its row's class, and nowhere else. */
static void test_ops_reach_the_device_of_their_class(void **state) {
  (void)state;
  for (size_t i = 0; i < KARRAY_SIZE(g_expect); i++) {
    const expect_t *e = &g_expect[i];
    if (e->cls == KDEV_CLASS_COUNT)
      continue;
    boot_with_every_class();
    assert_ptr_equal(g_k.serves_op[e->op], &g_dev[e->cls].dev);
    any_req_t r;
    memset(&r, 0, sizeof(r));
    kwork_init(&r.work, e->op, NULL, no_callback, 0);
    /* Arguments every check accepts, where the op has any. */
    static uint8_t bytes[512];
    switch (e->op) {
    case KWORK_OP_RNG_READ:
      r.rng.buffer = bytes;
      r.rng.length = 16;
      break;
    case KWORK_OP_BLOCK_READ:
    case KWORK_OP_BLOCK_WRITE:
      r.blk.buffer = bytes;
      r.blk.length = sizeof(bytes);
      break;
    case KWORK_OP_NET_SEND:
      r.net_send.frame = bytes;
      r.net_send.length = 60;
      break;
    case KWORK_OP_UDP_SEND:
      r.udp_send.dst_port = 7;
      break;
    case KWORK_OP_PING:
      r.ping.target = KIP4(10, 0, 2, 2);
      break;
    case KWORK_OP_ARP_RESOLVE:
      r.arp.addr = KIP4(10, 0, 2, 2);
      break;
    default:
      break;
    }
    assert_int_equal(ksubmit(&g_k, &r.work), KERR_OK);
    kwork_run_passes(&g_k, 1);
    for (uint32_t c = 0; c < KDEV_CLASS_COUNT; c++)
      assert_int_equal(fake_device_times_submitted(&g_dev[c], &r.work),
                       c == e->cls ? 1 : 0);
    kcancel(&g_k, &r.work);
  }
}

/* An op with arguments is refused at ksubmit by its row's check: zeroed
 * arguments are wrong for every one of them. */
static void test_each_check_refuses_zeroed_arguments(void **state) {
  (void)state;
  uint64_t refused = 0;
  for (uint32_t op = 1; op < KWORK_OP_COUNT; op++) {
    if (!(kwork_ops[op].flags & KOP_ARGS))
      continue;
    boot_with_every_class();
    any_req_t r;
    memset(&r, 0, sizeof(r));
    kwork_init(&r.work, op, NULL, no_callback, 0);
    assert_int_equal(ksubmit(&g_k, &r.work), KERR_INVALID);
    assert_int_equal(kstats(&g_k)->rejected, 1);
    assert_int_equal(kwork_state(&r.work), KWORK_STATE_IDLE);
    refused++;
  }
  /* RNG_READ, BLOCK_READ, BLOCK_WRITE, NET_SEND, UDP_SEND, PING, ARP */
  assert_int_equal(refused, 7);
}

static void test_sockid_round_trip(void **state) {
  (void)state;
  uint32_t id = ksockid_make(0, 0);
  assert_int_equal(id, 1);
  assert_int_equal(ksockid_slot(id), 0);
  assert_true(ksockid_is(id, 0, 0));
  id = ksockid_make(5, 0xfffe);
  assert_int_equal(id, 0xfffe0006);
  assert_int_equal(ksockid_slot(id), 5);
  assert_true(ksockid_is(id, 5, 0xfffe));
  /* The slot's next generation, or another slot: not this id. */
  assert_false(ksockid_is(id, 5, 0xffff));
  assert_false(ksockid_is(id, 4, 0xfffe));
  assert_int_not_equal(ksockid_make(5, 0xffff), id);
  for (uint32_t slot = 0; slot < 300; slot++)
    assert_int_not_equal(ksockid_make(slot, 0), 0);
}

static void test_sockid_zero_names_no_slot(void **state) {
  (void)state;
  assert_true(ksockid_slot(0) >= 0xffff);
  assert_true(ksockid_slot(0x00050000) >= 0xffff);
  assert_int_equal(ksockid_slot(0xffff), 0xfffe);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_each_row_says_what_the_api_says),
      cmocka_unit_test(test_handle_reads_the_socket_id),
      cmocka_unit_test(test_ops_reach_the_device_of_their_class),
      cmocka_unit_test(test_each_check_refuses_zeroed_arguments),
      cmocka_unit_test(test_sockid_round_trip),
      cmocka_unit_test(test_sockid_zero_names_no_slot),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
