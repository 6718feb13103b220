/* test_kstring.c: lib/kstring.c, the freestanding memory and string
 * helpers. Each is checked against a plainly written expectation, including
 * overlapping moves in both directions at every offset and bytes above 0x7f
 * (which must compare as unsigned). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "kstring.h"

#define N 64

/* buf[i] = i + 1, so every byte is distinct and none is 0. */
static void fill_pattern(unsigned char *buf, size_t n) {
  for (size_t i = 0; i < n; i++)
    buf[i] = (unsigned char)(i + 1);
}

/* What moving n bytes from src to dst inside a pattern buffer must give,
 * computed through a separate copy so overlap cannot matter. */
static void expected_move(unsigned char *out, size_t size, size_t dst,
                          size_t src, size_t n) {
  unsigned char tmp[N];
  fill_pattern(out, size);
  for (size_t i = 0; i < n; i++)
    tmp[i] = out[src + i];
  for (size_t i = 0; i < n; i++)
    out[dst + i] = tmp[i];
}

static void test_memcpy(void **state) {
  (void)state;
  unsigned char src[N], dst[N + 2];
  fill_pattern(src, N);
  memset(dst, 0xee, sizeof(dst));
  assert_ptr_equal(kmemcpy(dst + 1, src, N), dst + 1);
  assert_memory_equal(dst + 1, src, N);
  assert_int_equal(dst[0], 0xee); /* nothing outside [dst, dst + n) */
  assert_int_equal(dst[N + 1], 0xee);

  assert_ptr_equal(kmemcpy(dst, src, 0), dst); /* zero bytes */
  assert_int_equal(dst[0], 0xee);
}

static void test_memmove_forward_overlap(void **state) {
  (void)state;
  /* dst above src: a forward byte copy would smear the source. */
  unsigned char buf[N], want[N];
  fill_pattern(buf, N);
  assert_ptr_equal(kmemmove(buf + 3, buf, 10), buf + 3);
  expected_move(want, N, 3, 0, 10);
  assert_memory_equal(buf, want, N);
  assert_int_equal(buf[3], 1);
  assert_int_equal(buf[12], 10);
}

static void test_memmove_backward_overlap(void **state) {
  (void)state;
  /* dst below src. */
  unsigned char buf[N], want[N];
  fill_pattern(buf, N);
  assert_ptr_equal(kmemmove(buf, buf + 3, 10), buf);
  expected_move(want, N, 0, 3, 10);
  assert_memory_equal(buf, want, N);
  assert_int_equal(buf[0], 4);
  assert_int_equal(buf[9], 13);
  assert_int_equal(buf[10], 11); /* untouched */
}

static void test_memmove_every_offset_and_length(void **state) {
  (void)state;
  unsigned char buf[N], want[N];
  for (size_t src = 0; src < 24; src++) {
    for (size_t dst = 0; dst < 24; dst++) {
      for (size_t n = 0; n <= 24; n++) {
        fill_pattern(buf, N);
        kmemmove(buf + dst, buf + src, n);
        expected_move(want, N, dst, src, n);
        if (memcmp(buf, want, N) != 0)
          fail_msg("kmemmove(buf + %zu, buf + %zu, %zu) is wrong", dst, src, n);
      }
    }
  }
}

static void test_memmove_same_place_and_disjoint(void **state) {
  (void)state;
  unsigned char buf[N], want[N];
  fill_pattern(buf, N);
  kmemmove(buf + 5, buf + 5, 20); /* onto itself */
  fill_pattern(want, N);
  assert_memory_equal(buf, want, N);

  kmemmove(buf + 40, buf, 20); /* disjoint, up */
  expected_move(want, N, 40, 0, 20);
  assert_memory_equal(buf, want, N);
}

static void test_memset(void **state) {
  (void)state;
  unsigned char buf[16];
  memset(buf, 0, sizeof(buf));
  assert_ptr_equal(kmemset(buf + 2, 0xab, 5), buf + 2);
  for (size_t i = 0; i < sizeof(buf); i++)
    assert_int_equal(buf[i], i >= 2 && i < 7 ? 0xab : 0);
  kmemset(buf, 0x1ff, 1); /* converted to unsigned char */
  assert_int_equal(buf[0], 0xff);
  kmemset(buf, -1, 2);
  assert_int_equal(buf[1], 0xff);
  kmemset(buf, 7, 0);
  assert_int_equal(buf[0], 0xff);
}

static void test_memcmp_sign(void **state) {
  (void)state;
  assert_int_equal(kmemcmp("abc", "abc", 3), 0);
  assert_true(kmemcmp("abc", "abd", 3) < 0);
  assert_true(kmemcmp("abd", "abc", 3) > 0);
  assert_int_equal(kmemcmp("abX", "abY", 2), 0); /* only n bytes */
  assert_int_equal(kmemcmp("x", "y", 0), 0);

  /* Bytes compare as unsigned char: 0x80 is above 0x7f. */
  const unsigned char hi[] = {0x80}, lo[] = {0x7f};
  assert_true(kmemcmp(hi, lo, 1) > 0);
  assert_true(kmemcmp(lo, hi, 1) < 0);
  const unsigned char ff[] = {1, 0xff}, one[] = {1, 0x01};
  assert_true(kmemcmp(ff, one, 2) > 0);

  /* The first difference decides, not later ones. */
  const unsigned char a[] = {1, 2, 0xff}, b[] = {1, 3, 0x00};
  assert_true(kmemcmp(a, b, 3) < 0);

  /* NUL bytes are compared like any other. */
  assert_true(kmemcmp("a\0b", "a\0c", 3) < 0);
}

static void test_strlen(void **state) {
  (void)state;
  assert_int_equal(kstrlen(""), 0);
  assert_int_equal(kstrlen("a"), 1);
  assert_int_equal(kstrlen("hello, world"), 12);
  assert_int_equal(kstrlen("ab\0cd"), 2);
  char big[1000];
  memset(big, 'x', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  assert_int_equal(kstrlen(big), sizeof(big) - 1);
}

static void test_strcmp(void **state) {
  (void)state;
  assert_int_equal(kstrcmp("", ""), 0);
  assert_int_equal(kstrcmp("abc", "abc"), 0);
  assert_true(kstrcmp("abc", "abd") < 0);
  assert_true(kstrcmp("abd", "abc") > 0);
  /* A prefix sorts first. */
  assert_true(kstrcmp("ab", "abc") < 0);
  assert_true(kstrcmp("abc", "ab") > 0);
  assert_true(kstrcmp("", "a") < 0);
  /* Unsigned bytes: "\x80" sorts after "\x7f" (and after ASCII). */
  assert_true(kstrcmp("\x80", "\x7f") > 0);
  assert_true(kstrcmp("a\xff", "az") > 0);
  assert_true(kstrcmp("z", "\xe9") < 0);
  /* The sign agrees with the C library's. */
  const char *words[] = {"", "a", "ab", "b", "\x80", "\xff", "ba"};
  for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
    for (size_t j = 0; j < sizeof(words) / sizeof(words[0]); j++) {
      int mine = kstrcmp(words[i], words[j]);
      int libc = strcmp(words[i], words[j]);
      assert_int_equal(mine < 0, libc < 0);
      assert_int_equal(mine > 0, libc > 0);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_memcpy),
      cmocka_unit_test(test_memmove_forward_overlap),
      cmocka_unit_test(test_memmove_backward_overlap),
      cmocka_unit_test(test_memmove_every_offset_and_length),
      cmocka_unit_test(test_memmove_same_place_and_disjoint),
      cmocka_unit_test(test_memset),
      cmocka_unit_test(test_memcmp_sign),
      cmocka_unit_test(test_strlen),
      cmocka_unit_test(test_strcmp),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
