/* test_kfmt.c: lib/kfmt.c, the printf-style formatter behind printk.
 *
 * kfmt.h promises %d %i %u %x %X %p %s %c %%, the length modifiers hh h l ll
 * z, the flags '-' and '0', a field width (digits or *), NUL termination when
 * size > 0, and the untruncated length as the return value. printk is
 * declared with the printf format attribute, so where kfmt supports a
 * feature it should mean what printf means; several tests compare with the C
 * library's snprintf for that reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "kfmt.h"

/* ------------------------------------------------------------- helpers */

static char g_out[512];
static size_t g_ret;

/* Format into a large buffer; the result is the string, g_ret the return. */
static const char *f(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static const char *f(const char *fmt, ...) {
  va_list ap;
  memset(g_out, 0x7f, sizeof(g_out));
  va_start(ap, fmt);
  g_ret = kvsnprintf(g_out, sizeof(g_out), fmt, ap);
  va_end(ap);
  return g_out;
}

/* The same without the compiler's format checks, for format strings that
 * printf does not define (unknown conversions, a trailing '%', ...). */
static const char *f_unchecked(const char *fmt, ...) {
  va_list ap;
  memset(g_out, 0x7f, sizeof(g_out));
  va_start(ap, fmt);
  g_ret = kvsnprintf(g_out, sizeof(g_out), fmt, ap);
  va_end(ap);
  return g_out;
}

/* What the C library prints for the same format. */
static char g_libc[512];
static const char *libc(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static const char *libc(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(g_libc, sizeof(g_libc), fmt, ap);
  va_end(ap);
  return g_libc;
}

/* ----------------------------------------------------------------- text */

static void test_plain_text_and_percent(void **state) {
  (void)state;
  assert_string_equal(f("%s", ""), "");
  assert_int_equal(g_ret, 0);
  assert_string_equal(f("hello, world"), "hello, world");
  assert_int_equal(g_ret, 12);
  assert_string_equal(f("100%%"), "100%");
  assert_int_equal(g_ret, 4);
  assert_string_equal(f("%%d%%"), "%d%");
}

/* --------------------------------------------------------------- integers */

static void test_signed_decimal(void **state) {
  (void)state;
  assert_string_equal(f("%d", 0), "0");
  assert_string_equal(f("%d", 42), "42");
  assert_string_equal(f("%d", -42), "-42");
  assert_string_equal(f("%i", -7), "-7");
  assert_string_equal(f("%d", INT_MAX), "2147483647");
  assert_string_equal(f("%d", INT_MIN), "-2147483648");
  assert_int_equal(g_ret, 11);
  assert_string_equal(f("%ld", LONG_MAX), libc("%ld", LONG_MAX));
  assert_string_equal(f("%ld", LONG_MIN), libc("%ld", LONG_MIN));
  assert_string_equal(f("%lld", (long long)INT64_MIN), "-9223372036854775808");
  assert_int_equal(g_ret, 20);
  assert_string_equal(f("%lld", (long long)INT64_MAX), "9223372036854775807");
  assert_string_equal(f("%lli", -1LL), "-1");
  assert_string_equal(f("%zd", (ssize_t)-5), "-5");
  assert_string_equal(f("%zd", (ssize_t)123456789), "123456789");
}

static void test_unsigned_and_hex(void **state) {
  (void)state;
  assert_string_equal(f("%u", 0u), "0");
  assert_string_equal(f("%u", UINT_MAX), "4294967295");
  assert_string_equal(f("%x", 0u), "0");
  assert_string_equal(f("%x", 0xdeadbeefu), "deadbeef");
  assert_string_equal(f("%X", 0xdeadbeefu), "DEADBEEF");
  assert_string_equal(f("%x", 255u), "ff");
  assert_string_equal(f("%lu", ULONG_MAX), libc("%lu", ULONG_MAX));
  assert_string_equal(f("%lx", 0x123456789abcdefUL), "123456789abcdef");
  assert_string_equal(f("%llu", (unsigned long long)UINT64_MAX),
                      "18446744073709551615");
  assert_string_equal(f("%llx", (unsigned long long)UINT64_MAX),
                      "ffffffffffffffff");
  assert_string_equal(f("%llX", 0xabcdef0123456789ULL), "ABCDEF0123456789");
  assert_string_equal(f("%zu", (size_t)0), "0");
  assert_string_equal(f("%zu", SIZE_MAX), libc("%zu", SIZE_MAX));
  assert_string_equal(f("%zx", (size_t)4096), "1000");
  /* A negative int through %u and %x: its unsigned int value. */
  assert_string_equal(f("%u", (unsigned)-1), "4294967295");
  assert_string_equal(f("%x", (unsigned)-2), "fffffffe");
}

static void test_h_and_hh_in_range(void **state) {
  (void)state;
  assert_string_equal(f("%hd", (short)-5), "-5");
  assert_string_equal(f("%hd", (short)SHRT_MIN), "-32768");
  assert_string_equal(f("%hu", (unsigned short)65535), "65535");
  assert_string_equal(f("%hx", (unsigned short)0xbeef), "beef");
  assert_string_equal(f("%hhd", (signed char)-100), "-100");
  assert_string_equal(f("%hhu", (unsigned char)200), "200");
  assert_string_equal(f("%hhx", (unsigned char)0xab), "ab");
  assert_string_equal(f("%02hhx", (unsigned char)7), "07");
}

/* printf converts the (promoted) argument back to the short or char type
 * before printing it, so a negative signed char printed with %hhx shows
 * two hex digits, as when dumping a signed byte. */
static void test_h_and_hh_narrow_the_value(void **state) {
  (void)state;
  signed char c = -1;
  short s = -1;
  assert_string_equal(f("%hhx", (unsigned char)c), "ff"); /* the usual cast */
  assert_string_equal(f("%hhx", c), libc("%hhx", c));     /* "ff" */
  assert_string_equal(f("%hhu", c), libc("%hhu", c));     /* "255" */
  assert_string_equal(f("%hx", s), libc("%hx", s));       /* "ffff" */
  assert_string_equal(f("%hu", s), libc("%hu", s));       /* "65535" */
}

/* --------------------------------------------------- characters, strings */

static void test_char(void **state) {
  (void)state;
  assert_string_equal(f("%c", 'A'), "A");
  assert_string_equal(f("[%3c]", 'x'), "[  x]");
  assert_string_equal(f("[%-3c]", 'x'), "[x  ]");
  assert_string_equal(f("%c%c%c", 'a', 'b', 'c'), "abc");

  /* A NUL character is output like any other. */
  char buf[8];
  memset(buf, 'z', sizeof(buf));
  assert_int_equal(ksnprintf(buf, sizeof(buf), "a%cb", 0), 3);
  assert_memory_equal(buf, "a\0b\0", 4);
}

static void test_string(void **state) {
  (void)state;
  assert_string_equal(f("%s", "hello"), "hello");
  assert_string_equal(f("<%s>", ""), "<>");
  assert_string_equal(f("[%8s]", "hello"), "[   hello]");
  assert_string_equal(f("[%-8s]", "hello"), "[hello   ]");
  assert_string_equal(f("[%2s]", "hello"), "[hello]"); /* width never cuts */
  assert_string_equal(f("[%*s]", 6, "ab"), "[    ab]");
  assert_string_equal(f("[%-*s]", 6, "ab"), "[ab    ]");
  assert_int_equal(g_ret, 8);
}

static void test_null_string(void **state) {
  (void)state;
  const char *nothing = NULL;
  assert_string_equal(f_unchecked("%s", nothing), "(null)");
  assert_string_equal(f_unchecked("[%8s]", nothing), "[  (null)]");
  assert_int_equal(g_ret, 10);
}

static void test_pointer(void **state) {
  (void)state;
  assert_string_equal(f("%p", (void *)0x1234), "0x1234");
  assert_string_equal(f("%p", (void *)NULL), "0x0");
  assert_string_equal(f("%p", (void *)UINTPTR_MAX), "0xffffffffffffffff");
  int x;
  char expect[32];
  snprintf(expect, sizeof(expect), "0x%lx", (unsigned long)(uintptr_t)&x);
  assert_string_equal(f("%p", (void *)&x), expect);
}

/* A width covers the whole conversion, "0x" included, and the padding goes
 * before it, as printf does. */
static void test_pointer_width(void **state) {
  (void)state;
  assert_string_equal(f("[%-10p]", (void *)0x1234), "[0x1234    ]");
  assert_string_equal(f("[%10p]", (void *)0x1234), "[    0x1234]");
}

/* -------------------------------------------------------- flags, width */

static void test_width_and_flags(void **state) {
  (void)state;
  assert_string_equal(f("[%5d]", 42), "[   42]");
  assert_string_equal(f("[%5d]", -42), "[  -42]");
  assert_string_equal(f("[%-5d]", 42), "[42   ]");
  assert_string_equal(f("[%-5d]", -42), "[-42  ]");
  assert_string_equal(f("[%05d]", 42), "[00042]");
  assert_string_equal(f("[%05d]", -42), "[-0042]");
  assert_string_equal(f("[%08x]", 0xbeefu), "[0000beef]");
  assert_string_equal(f("[%8X]", 0xbeefu), "[    BEEF]");
  assert_string_equal(f("[%2d]", 12345), "[12345]");
  assert_string_equal(f("[%1d]", 0), "[0]");
  assert_string_equal(f("[%023llu]", (unsigned long long)UINT64_MAX),
                      "[00018446744073709551615]");
  assert_string_equal(f("[%-6u|%6u]", 7u, 7u), "[7     |     7]");
  assert_string_equal(f("[%*d]", 5, 42), "[   42]");
  assert_string_equal(f("[%0*d]", 6, -42), "[-00042]");
  assert_string_equal(f("[%-*d]", 4, 1), "[1   ]");
  assert_string_equal(f("[%*d]", 0, 42), "[42]");
  /* '-' wins over '0'. */
  assert_string_equal(f_unchecked("[%-05d]", 42), "[42   ]");
  assert_string_equal(f_unchecked("[%0-5d]", 42), "[42   ]");
  /* The return value counts the padding. */
  assert_string_equal(f("%10d", 1), "         1");
  assert_int_equal(g_ret, 10);
}

/* In C a negative '*' width means the '-' flag and its absolute value. */
static void test_negative_star_width(void **state) {
  (void)state;
  assert_string_equal(f("[%*d]", -5, 42), libc("[%*d]", -5, 42)); /* [42   ] */
  assert_string_equal(f("[%*s]", -4, "ab"), "[ab  ]");
}

/* A width too large for an int (or absurd for a console) is cut to 4096
 * instead of overflowing. */
static void test_huge_width_is_bounded(void **state) {
  (void)state;
  char buf[8];
  assert_int_equal(ksnprintf(buf, sizeof(buf), "%99999999999d", 7), 4096);
  assert_string_equal(buf, "       ");
  assert_int_equal(ksnprintf(buf, sizeof(buf), "%*d", -2147483647 - 1, 7),
                   4096);
  assert_string_equal(buf, "7      ");
}

static void test_mixed(void **state) {
  (void)state;
  assert_string_equal(
      f("%s=%d (0x%04x) %c%u%% %p", "len", -3, 0x2au, 'q', 99u, (void *)16),
      "len=-3 (0x002a) q99% 0x10");
  assert_string_equal(f("%d %s %d", 1, "two", 3), "1 two 3");
  assert_string_equal(f("%5s|%-5s|%05u", "a", "b", 12u), "    a|b    |00012");
}

/* ------------------------------------------------ undefined by printf */

static void test_unknown_and_incomplete(void **state) {
  (void)state;
  /* An unknown conversion is printed as written. */
  assert_string_equal(f_unchecked("a%qb"), "a%qb");
  assert_int_equal(g_ret, 4);
  /* A '%' at the end of the format prints nothing and stops cleanly, after
   * flags, a width or a length modifier too. */
  assert_string_equal(f_unchecked("abc%"), "abc");
  assert_int_equal(g_ret, 3);
  assert_string_equal(f_unchecked("x%-"), "x");
  assert_string_equal(f_unchecked("x%05"), "x");
  assert_string_equal(f_unchecked("x%l"), "x");
  assert_string_equal(f_unchecked("x%ll"), "x");
  assert_string_equal(f_unchecked("x%hh"), "x");
  assert_string_equal(f_unchecked("x%z"), "x");
}

/* ------------------------------------------------------------ truncation */

static void test_truncation(void **state) {
  (void)state;
  char buf[16];

  memset(buf, 'z', sizeof(buf));
  assert_int_equal(ksnprintf(buf, 5, "hello world"), 11);
  assert_string_equal(buf, "hell");
  assert_int_equal(buf[5], 'z'); /* nothing written past size */

  memset(buf, 'z', sizeof(buf));
  assert_int_equal(ksnprintf(buf, 12, "hello world"), 11); /* exact fit */
  assert_string_equal(buf, "hello world");
  assert_int_equal(buf[12], 'z');

  memset(buf, 'z', sizeof(buf));
  assert_int_equal(ksnprintf(buf, 11, "hello world"), 11); /* one short */
  assert_string_equal(buf, "hello worl");

  memset(buf, 'z', sizeof(buf));
  assert_int_equal(ksnprintf(buf, 1, "hello"), 5);
  assert_int_equal(buf[0], '\0');
  assert_int_equal(buf[1], 'z');

  memset(buf, 'z', sizeof(buf));
  assert_int_equal(ksnprintf(buf, 4, "%d", 123456), 6); /* inside a number */
  assert_string_equal(buf, "123");

  memset(buf, 'z', sizeof(buf));
  assert_int_equal(ksnprintf(buf, 4, "%8s", "ab"), 8); /* inside padding */
  assert_string_equal(buf, "   ");
  assert_int_equal(buf[4], 'z');

  memset(buf, 'z', sizeof(buf));
  assert_int_equal(ksnprintf(buf, 6, "%s%s", "abc", "defgh"), 8);
  assert_string_equal(buf, "abcde");

  /* size 0: nothing is written, not even the NUL; the buffer may be NULL. */
  memset(buf, 'z', sizeof(buf));
  assert_int_equal(ksnprintf(buf, 0, "hello"), 5);
  assert_int_equal(buf[0], 'z');
  assert_int_equal(ksnprintf(NULL, 0, "%d-%s", 12345, "abc"), 9);
}

static void test_return_matches_libc(void **state) {
  (void)state;
  char a[8], b[8];
  size_t n = ksnprintf(a, sizeof(a), "%5d|%-3s|%x|%c", -17, "xy", 0x1fu, 'k');
  int m = snprintf(b, sizeof(b), "%5d|%-3s|%x|%c", -17, "xy", 0x1fu, 'k');
  assert_int_equal(n, (size_t)m);
  assert_string_equal(a, b);
}

/* kfmt_ip4: the most significant byte first, each byte in decimal; the
 * longest address fills KFMT_IP4_LEN with its NUL. */
static void test_ip4(void **state) {
  (void)state;
  char buf[KFMT_IP4_LEN + 1];
  memset(buf, 'x', sizeof(buf));
  assert_ptr_equal(kfmt_ip4(buf, 0x0a00020fu), buf);
  assert_string_equal(buf, "10.0.2.15");
  assert_string_equal(kfmt_ip4(buf, 0), "0.0.0.0");
  assert_string_equal(kfmt_ip4(buf, 0x7f000001u), "127.0.0.1");
  memset(buf, 'x', sizeof(buf));
  assert_string_equal(kfmt_ip4(buf, 0xffffffffu), "255.255.255.255");
  assert_int_equal(strlen(buf), KFMT_IP4_LEN - 1);
  assert_int_equal(buf[KFMT_IP4_LEN], 'x'); /* nothing written past it */
  assert_string_equal(kfmt_ip4(buf, 0xc0a80180u), "192.168.1.128");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain_text_and_percent),
      cmocka_unit_test(test_signed_decimal),
      cmocka_unit_test(test_unsigned_and_hex),
      cmocka_unit_test(test_h_and_hh_in_range),
      cmocka_unit_test(test_h_and_hh_narrow_the_value),
      cmocka_unit_test(test_char),
      cmocka_unit_test(test_string),
      cmocka_unit_test(test_null_string),
      cmocka_unit_test(test_pointer),
      cmocka_unit_test(test_pointer_width),
      cmocka_unit_test(test_width_and_flags),
      cmocka_unit_test(test_negative_star_width),
      cmocka_unit_test(test_huge_width_is_bounded),
      cmocka_unit_test(test_mixed),
      cmocka_unit_test(test_unknown_and_incomplete),
      cmocka_unit_test(test_truncation),
      cmocka_unit_test(test_return_matches_libc),
      cmocka_unit_test(test_ip4),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
