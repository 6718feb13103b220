/* test_kpool.c: lib/kpool.c, the pool of buffer indices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kpool.h"

#define N 8

static kpool_t pool;
static uint16_t stack[N];
static bool out[N];

static int setup(void **state) {
  (void)state;
  kpool_init(&pool, stack, out, N);
  return 0;
}

static void test_takes_every_index_once_then_runs_dry(void **state) {
  (void)state;
  bool seen[N] = {false};
  for (int i = 0; i < N; i++) {
    int32_t peeked = kpool_peek(&pool);
    int32_t got = kpool_take(&pool);
    assert_int_equal(got, peeked);
    assert_true(got >= 0 && got < N);
    assert_false(seen[got]);
    seen[got] = true;
  }
  assert_int_equal(kpool_peek(&pool), -1);
  assert_int_equal(kpool_take(&pool), -1);
}

static void test_put_makes_an_index_free_again(void **state) {
  (void)state;
  for (int i = 0; i < N; i++)
    kpool_take(&pool);
  assert_true(kpool_put(&pool, 5));
  assert_int_equal(kpool_take(&pool), 5);
  assert_int_equal(kpool_take(&pool), -1);
}

static void test_double_put_and_bad_index_are_refused(void **state) {
  (void)state;
  int32_t i = kpool_take(&pool);
  assert_true(kpool_put(&pool, (uint32_t)i));
  assert_false(kpool_put(&pool, (uint32_t)i)); /* already free */
  assert_false(kpool_put(&pool, N));           /* out of range */
  assert_false(kpool_put(&pool, 3));           /* never taken */
  /* The free list is intact: exactly N takes succeed. */
  int n = 0;
  while (kpool_take(&pool) >= 0)
    n++;
  assert_int_equal(n, N);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_takes_every_index_once_then_runs_dry, setup),
      cmocka_unit_test_setup(test_put_makes_an_index_free_again, setup),
      cmocka_unit_test_setup(test_double_put_and_bad_index_are_refused, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
