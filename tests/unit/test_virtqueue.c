/* test_virtqueue.c: drivers/virtio/virtqueue.c on the host. The test plays
 * the device: it reads the available ring and writes the used ring. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* The drivers are not part of the unit-test link: take the file itself. */
#include "../../drivers/virtio/virtqueue.c"

#define N 8u

static virtq_mem_t mem;
static virtqueue_t vq;
static uint16_t dev_avail; /* the device's next available entry */
static uint8_t bufs[4][64];

static int setup(void **state) {
  (void)state;
  dev_avail = 0;
  assert_int_equal(virtq_init(&vq, &mem, N), KERR_OK);
  return 0;
}

/* Device side: take the next available head, or -1. */
static int dev_take(void) {
  if (vq.avail->idx == dev_avail)
    return -1;
  return vq.avail->ring[dev_avail++ % N];
}

/* Device side: put (id, len) on the used ring and publish it. */
static void dev_used(uint32_t id, uint32_t len) {
  uint16_t i = vq.used->idx;
  vq.used->ring[i % N].id = id;
  vq.used->ring[i % N].len = len;
  vq.used->idx = (uint16_t)(i + 1);
}

static kerr_t add1(void *token, uint32_t wlen) {
  virtq_buf_t b[2] = {{bufs[0], 16}, {bufs[1], wlen}};
  return virtq_add(&vq, b, 1, 1, token);
}

static void test_layout_is_legacy(void **state) {
  (void)state;
  assert_int_equal(VIRTQ_BYTES(128), 8192);
  assert_int_equal(VIRTQ_USED_OFFSET(128), 4096);
  assert_int_equal(virtq_used_addr(&vq) % 4096, 0);
  assert_int_equal(virtq_avail_addr(&vq) - virtq_desc_addr(&vq), 16 * N);
  assert_int_equal(virtq_init(&vq, &mem, 6), KERR_INVALID);
  assert_int_equal(virtq_init(&vq, &mem, 0), KERR_INVALID);
  assert_int_equal(virtq_init(&vq, &mem, 2 * VIRTQ_MAX_SIZE), KERR_INVALID);
}

static void test_chain_readable_then_writable(void **state) {
  (void)state;
  virtq_buf_t b[3] = {{bufs[0], 16}, {bufs[1], 32}, {bufs[2], 1}};
  int tok;
  assert_int_equal(virtq_add(&vq, b, 1, 2, &tok), KERR_OK);
  assert_int_equal(virtq_free(&vq), N - 3);
  int head = dev_take();
  assert_true(head >= 0);
  struct virtq_desc *d = &vq.desc[head];
  assert_ptr_equal((void *)(uintptr_t)d->addr, bufs[0]);
  assert_int_equal(d->len, 16);
  assert_int_equal(d->flags, VIRTQ_DESC_F_NEXT);
  d = &vq.desc[d->next];
  assert_ptr_equal((void *)(uintptr_t)d->addr, bufs[1]);
  assert_int_equal(d->flags, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE);
  d = &vq.desc[d->next];
  assert_ptr_equal((void *)(uintptr_t)d->addr, bufs[2]);
  assert_int_equal(d->flags, VIRTQ_DESC_F_WRITE);
  assert_true(virtq_should_notify(&vq));
  assert_false(virtq_should_notify(&vq)); /* nothing new since */
  uint32_t len = 0;
  assert_null(virtq_pop(&vq, &len));
  dev_used((uint32_t)head, 33);
  assert_ptr_equal(virtq_pop(&vq, &len), &tok);
  assert_int_equal(len, 33);
  assert_null(virtq_pop(&vq, &len));
  assert_int_equal(virtq_free(&vq), N);
}

static void test_no_notify_flag_is_respected(void **state) {
  (void)state;
  int tok;
  vq.used->flags = VIRTQ_USED_F_NO_NOTIFY;
  assert_int_equal(add1(&tok, 8), KERR_OK);
  assert_false(virtq_should_notify(&vq));
}

static void test_full_queue_then_free_list_reuse(void **state) {
  (void)state;
  int toks[N];
  for (unsigned i = 0; i < N / 2; i++)
    assert_int_equal(add1(&toks[i], 8), KERR_OK);
  assert_int_equal(add1(&toks[0], 8), KERR_NO_SPACE);
  virtq_buf_t big[N + 1] = {{0}};
  assert_int_equal(virtq_add(&vq, big, N + 1, 0, &toks[0]), KERR_INVALID);
  assert_int_equal(virtq_add(&vq, big, 0, 0, &toks[0]), KERR_INVALID);
  assert_int_equal(virtq_add(&vq, big, 1, 0, NULL), KERR_INVALID);
  /* Complete them out of order; every chain comes back, all descriptors free
   * again, and a full-length chain fits. */
  int heads[N / 2];
  for (unsigned i = 0; i < N / 2; i++)
    heads[i] = dev_take();
  dev_used((uint32_t)heads[2], 0);
  dev_used((uint32_t)heads[0], 0);
  dev_used((uint32_t)heads[3], 0);
  dev_used((uint32_t)heads[1], 0);
  assert_ptr_equal(virtq_pop(&vq, NULL), &toks[2]);
  assert_ptr_equal(virtq_pop(&vq, NULL), &toks[0]);
  assert_ptr_equal(virtq_pop(&vq, NULL), &toks[3]);
  assert_ptr_equal(virtq_pop(&vq, NULL), &toks[1]);
  assert_null(virtq_pop(&vq, NULL));
  assert_int_equal(virtq_free(&vq), N);
  virtq_buf_t all[N];
  for (unsigned i = 0; i < N; i++)
    all[i] = (virtq_buf_t){bufs[i % 4], 4};
  assert_int_equal(virtq_add(&vq, all, 3, N - 3, &toks[0]), KERR_OK);
  assert_int_equal(virtq_free(&vq), 0);
  int h = dev_take();
  unsigned seen = 1;
  for (uint16_t i = (uint16_t)h; vq.desc[i].flags & VIRTQ_DESC_F_NEXT;
       i = vq.desc[i].next)
    seen++;
  assert_int_equal(seen, N);
}

static void test_indices_wrap_at_2_16(void **state) {
  (void)state;
  int tok[3];
  /* 70000 rounds of 3 chains take avail->idx and used->idx past 65535. */
  for (unsigned round = 0; round < 70000; round++) {
    for (int t = 0; t < 3; t++)
      assert_int_equal(add1(&tok[t], 8), KERR_OK);
    for (int t = 0; t < 3; t++)
      dev_used((uint32_t)dev_take(), (uint32_t)t);
    for (int t = 0; t < 3; t++) {
      uint32_t len;
      assert_ptr_equal(virtq_pop(&vq, &len), &tok[t]);
      assert_int_equal(len, (uint32_t)t);
    }
    assert_null(virtq_pop(&vq, NULL));
  }
  assert_int_equal(vq.avail->idx, (uint16_t)(70000u * 3));
  assert_int_equal(virtq_free(&vq), N);
  assert_int_equal(vq.bad_id + vq.bad_len + vq.bad_idx, 0);
}

static void test_a_burst_is_taken_whole_and_once(void **state) {
  (void)state;
  int tok[N / 2];
  for (unsigned i = 0; i < N / 2; i++)
    assert_int_equal(add1(&tok[i], 8), KERR_OK);
  for (unsigned i = 0; i < N / 2; i++)
    dev_used((uint32_t)dev_take(), 1);
  unsigned got = 0;
  while (virtq_pop(&vq, NULL))
    got++;
  assert_int_equal(got, N / 2);
  assert_null(virtq_pop(&vq, NULL)); /* nothing twice */
  /* Entries published while popping are taken in the same drain. */
  assert_int_equal(add1(&tok[0], 8), KERR_OK);
  assert_int_equal(add1(&tok[1], 8), KERR_OK);
  dev_used((uint32_t)dev_take(), 1);
  assert_ptr_equal(virtq_pop(&vq, NULL), &tok[0]);
  dev_used((uint32_t)dev_take(), 1);
  assert_ptr_equal(virtq_pop(&vq, NULL), &tok[1]);
  assert_null(virtq_pop(&vq, NULL));
}

static void test_bogus_used_entries_are_counted_and_skipped(void **state) {
  (void)state;
  int tok;
  assert_int_equal(add1(&tok, 8), KERR_OK);
  int head = dev_take();
  dev_used(N + 5, 1);              /* out of range */
  dev_used((uint32_t)head ^ 1, 1); /* in range, not in flight */
  dev_used((uint32_t)head, 1000);  /* real, length too large */
  dev_used((uint32_t)head, 1);     /* the same chain again */
  uint32_t len;
  assert_ptr_equal(virtq_pop(&vq, &len), &tok);
  assert_int_equal(len, 8); /* cut to the writable bytes */
  assert_null(virtq_pop(&vq, &len));
  assert_int_equal(vq.bad_id, 3);
  assert_int_equal(vq.bad_len, 1);
  assert_int_equal(virtq_free(&vq), N);
}

static void test_used_idx_far_ahead_does_not_hang(void **state) {
  (void)state;
  int tok;
  assert_int_equal(add1(&tok, 8), KERR_OK);
  vq.used->idx = 40000; /* nonsense: 40000 entries "returned" */
  unsigned got = 0;
  while (virtq_pop(&vq, NULL))
    got++;
  assert_true(got <= 1);
  assert_true(vq.bad_idx > 0);
  assert_int_equal(vq.last_used, 40000);
}

static void test_inner_ids_and_used_idx_going_back(void **state) {
  (void)state;
  int a, b;
  virtq_buf_t bs[3] = {{bufs[0], 16}, {bufs[1], 8}, {bufs[2], 8}};
  assert_int_equal(virtq_add(&vq, bs, 1, 2, &a), KERR_OK);
  int head = dev_take();
  uint16_t inner = vq.desc[head].next;
  dev_used(inner, 1);               /* inside the chain, not its head */
  dev_used(vq.desc[inner].next, 1); /* its last descriptor */
  assert_null(virtq_pop(&vq, NULL));
  assert_int_equal(vq.bad_id, 2);
  assert_int_equal(virtq_free(&vq), N - 3);
  /* used->idx one back: to the driver, 2^16 - 1 entries ahead, which no
   * correct device can be. None of those slots is trusted (the
   * never-written slot 2 names id 0, the chain in flight, which used to
   * come back with length 0 as if the device had finished it); the driver
   * goes on from where the device is, and the chain stays in flight. */
  vq.used->idx = (uint16_t)(vq.used->idx - 1);
  uint32_t len;
  assert_int_equal(head, 0);
  assert_null(virtq_pop(&vq, &len));
  assert_int_equal(vq.last_used, vq.used->idx);
  assert_int_equal(vq.bad_idx, 1);
  assert_int_equal(virtq_free(&vq), N - 3);
  assert_ptr_equal(vq.token[head], &a);
  /* A good entry from there on works, and the device may still finish
   * the chain it holds. */
  assert_int_equal(add1(&b, 8), KERR_OK);
  dev_used((uint32_t)dev_take(), 4);
  assert_ptr_equal(virtq_pop(&vq, &len), &b);
  assert_int_equal(len, 4);
  dev_used((uint32_t)head, 16);
  assert_ptr_equal(virtq_pop(&vq, &len), &a);
  assert_int_equal(len, 16);
  assert_null(virtq_pop(&vq, NULL));
  assert_int_equal(virtq_free(&vq), N);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_layout_is_legacy, setup),
      cmocka_unit_test_setup(test_chain_readable_then_writable, setup),
      cmocka_unit_test_setup(test_no_notify_flag_is_respected, setup),
      cmocka_unit_test_setup(test_full_queue_then_free_list_reuse, setup),
      cmocka_unit_test_setup(test_indices_wrap_at_2_16, setup),
      cmocka_unit_test_setup(test_a_burst_is_taken_whole_and_once, setup),
      cmocka_unit_test_setup(test_bogus_used_entries_are_counted_and_skipped,
                             setup),
      cmocka_unit_test_setup(test_used_idx_far_ahead_does_not_hang, setup),
      cmocka_unit_test_setup(test_inner_ids_and_used_idx_going_back, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
