/* test_realm_manifest.c: realm/manifest.c. A full manifest sets every
 * field; a minimal one gets the defaults; comments, blank lines, tabs and
 * CRLF line ends are read as the format says; every refusal names its
 * line and reason, and a refused manifest is refused whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "manifest.h"

static kerr_t parse(const char *text, struct realm_manifest *m, char *err) {
  return realm_manifest_parse(text, strlen(text), m, err,
                              REALM_MANIFEST_ERR_MAX);
}

static void test_full_manifest(void **state) {
  (void)state;
  struct realm_manifest m;
  char err[REALM_MANIFEST_ERR_MAX];
  const char *text = "# the echo realm\n"
                     "path r/demo/echo\n"
                     "\n"
                     "memory_pages 2\n"
                     "fuel 2000000   # per transaction\n"
                     "udp 8889\n"
                     "udp\t9000\r\n"
                     "timers 8\n"
                     "sends 16\n"
                     "call_bytes 1024";
  assert_int_equal(parse(text, &m, err), KERR_OK);
  assert_string_equal(err, "");
  assert_string_equal(m.path, "r/demo/echo");
  assert_int_equal(m.memory_pages, 2);
  assert_int_equal(m.fuel, 2000000);
  assert_int_equal(m.nudp, 2);
  assert_int_equal(m.udp[0], 8889);
  assert_int_equal(m.udp[1], 9000);
  assert_true(realm_manifest_grants_udp(&m, 9000));
  assert_false(realm_manifest_grants_udp(&m, 8888));
  assert_int_equal(m.timers, 8);
  assert_int_equal(m.sends, 16);
  assert_int_equal(m.call_bytes, 1024);
}

static void test_defaults(void **state) {
  (void)state;
  struct realm_manifest m;
  char err[REALM_MANIFEST_ERR_MAX];
  assert_int_equal(parse("  path   r/demo/bank  ", &m, err), KERR_OK);
  assert_string_equal(m.path, "r/demo/bank");
  assert_int_equal(m.memory_pages, 1);
  assert_int_equal(m.fuel, 1000000);
  assert_int_equal(m.nudp, 0);
  assert_int_equal(m.timers, 4);
  assert_int_equal(m.sends, 4);
  assert_int_equal(m.call_bytes, 512);
}

static void test_extremes_accepted(void **state) {
  (void)state;
  struct realm_manifest m;
  char err[REALM_MANIFEST_ERR_MAX];
  assert_int_equal(parse("path r/a/b\nmemory_pages 65536\n"
                         "fuel 1000000000000\nudp 1\nudp 65535\n"
                         "udp 2\nudp 3\ntimers 0\nsends 1024\n"
                         "call_bytes 65536\n",
                         &m, err),
                   KERR_OK);
  assert_int_equal(m.memory_pages, 65536);
  assert_true(m.fuel == 1000000000000ull);
  assert_int_equal(m.nudp, 4);
  assert_int_equal(m.udp[1], 65535);
  assert_int_equal(m.timers, 0);
}

struct refusal {
  const char *text;
  const char *err;
};

static void test_refusals_name_the_line(void **state) {
  (void)state;
  static const struct refusal cases[] = {
      {"", "no path line"},
      {"# nothing\n\n", "no path line"},
      {"fuel 5\n", "no path line"},
      {"path r/a/b\nfule 5\n", "line 2: unknown key 'fule'"},
      {"path r/a/b\nPATH r/a/c\n", "line 2: unknown key 'PATH'"},
      {"path r/a/b\n\n\nfuel\n", "line 4: no value for 'fuel'"},
      {"path r/a/b c\n", "line 1: more than one value for 'path'"},
      {"path r/a/b c d e\n", "line 1: more than one value for 'path'"},
      {"path r/demo\n", "line 1: not a realm path: 'r/demo'"},
      {"path R/a/b\n", "line 1: not a realm path: 'R/a/b'"},
      {"path r/a/b\npath r/a/b\n", "line 2: given twice: 'path'"},
      {"path r/a/b\nfuel 1\nfuel 2\n", "line 3: given twice: 'fuel'"},
      {"path r/a/b\nfuel 0\n", "line 2: not a number in range: '0'"},
      {"path r/a/b\nfuel -5\n", "line 2: not a number in range: '-5'"},
      {"path r/a/b\nfuel 0x10\n", "line 2: not a number in range: '0x10'"},
      {"path r/a/b\nfuel 1000000000001\n",
       "line 2: not a number in range: '1000000000001'"},
      {"path r/a/b\nfuel 99999999999999999999999\n",
       "line 2: not a number in range: '99999999999999999999999'"},
      {"path r/a/b\nmemory_pages 0\n", "line 2: not a number in range: '0'"},
      {"path r/a/b\nmemory_pages 65537\n",
       "line 2: not a number in range: '65537'"},
      {"path r/a/b\ntimers 1025\n", "line 2: not a number in range: '1025'"},
      {"path r/a/b\nsends 2k\n", "line 2: not a number in range: '2k'"},
      {"path r/a/b\ncall_bytes 65537\n",
       "line 2: not a number in range: '65537'"},
      {"path r/a/b\nudp 0\n", "line 2: not a port (1..65535): '0'"},
      {"path r/a/b\nudp 65536\n", "line 2: not a port (1..65535): '65536'"},
      {"path r/a/b\nudp 7\nudp 7\n", "line 3: udp port given twice: '7'"},
      {"path r/a/b\nudp 1\nudp 2\nudp 3\nudp 4\nudp 5\n",
       "line 6: more than 4 udp ports"},
      {"path r/a/b\nfuel 12345678901234567890123456789012345\n",
       "line 2: not a number in range: '123456789012345678901234...'"},
      {"path r/a/b\nk\x01y 1\n", "line 2: unknown key 'k?y'"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct realm_manifest m;
    char err[REALM_MANIFEST_ERR_MAX];
    assert_int_equal(parse(cases[i].text, &m, err), KERR_INVALID);
    assert_string_equal(err, cases[i].err);
  }
}

static void test_nul_byte_refused(void **state) {
  (void)state;
  static const char text[] = "path r/a/b\nfuel 1\0\n";
  struct realm_manifest m;
  char err[REALM_MANIFEST_ERR_MAX];
  assert_int_equal(
      realm_manifest_parse(text, sizeof(text) - 1, &m, err, sizeof(err)),
      KERR_INVALID);
  assert_string_equal(err, "line 2: a NUL byte");
}

static void test_length_bounds_the_text(void **state) {
  (void)state;
  /* Only the first line is read: the second (unknown) is past len. */
  static const char text[] = "path r/a/b\nbogus 1\n";
  struct realm_manifest m;
  char err[REALM_MANIFEST_ERR_MAX];
  assert_int_equal(realm_manifest_parse(text, 11, &m, err, sizeof(err)),
                   KERR_OK);
  /* A short error buffer is cut, and NUL-terminated. */
  assert_int_equal(realm_manifest_parse(text, sizeof(text) - 1, &m, err, 8),
                   KERR_INVALID);
  assert_string_equal(err, "line 2:");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_full_manifest),
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_extremes_accepted),
      cmocka_unit_test(test_refusals_name_the_line),
      cmocka_unit_test(test_nul_byte_refused),
      cmocka_unit_test(test_length_bounds_the_text),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
