/* test_options.c: platform/hosted/options.c, the hosted binary's command
 * line. hosted_parse_options returns 0 (ok), 1 (--help) or -1 (a bad command
 * line, with the reason in `err`). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "options.h"

static hosted_options_t g_opt;
static char g_err[128];

/* Parse a NULL-terminated argv (argv[0] is the program). */
static int parse(char **argv) {
  int argc = 0;
  while (argv[argc] != NULL)
    argc++;
  memset(&g_opt, 0xa5, sizeof(g_opt)); /* the parser must set every field */
  strcpy(g_err, "untouched");
  return hosted_parse_options(argc, argv, &g_opt, g_err, sizeof(g_err));
}

/* The error names the problem and the offending argument. */
static void assert_error_mentions(const char *what, const char *arg) {
  if (strstr(g_err, what) == NULL || strstr(g_err, arg) == NULL)
    fail_msg("error message \"%s\" should mention \"%s\" and \"%s\"", g_err,
             what, arg);
}

static void assert_defaults(void) {
  assert_null(g_opt.disk);
  assert_int_equal(g_opt.net, NET_SOCKET);
  assert_int_equal(g_opt.port, 8888);
  assert_int_equal(g_opt.guest_port, 8080);
  assert_int_equal(g_opt.log_level, -1);
  assert_false(g_opt.exit_when_idle);
  assert_string_equal(g_opt.tap, "");
  assert_string_equal(g_opt.dgram_local, "");
  assert_string_equal(g_opt.dgram_remote, "");
  assert_false(g_opt.has_ip);
  assert_null(g_opt.pcap);
  assert_int_equal(g_opt.nrealms, 0);
  assert_int_equal(g_opt.nfwd, 0);
  assert_false(g_opt.no_builtin_realms);
}

static void test_defaults(void **state) {
  (void)state;
  char *argv[] = {"kernel.elf", NULL};
  assert_int_equal(parse(argv), 0);
  assert_defaults();

  /* argc 0 (no program name at all) is fine too. */
  char *none[] = {NULL};
  assert_int_equal(parse(none), 0);
  assert_defaults();
}

static void test_all_options(void **state) {
  (void)state;
  char *argv[] = {"kernel.elf", "--disk",           "disk.img", "--net",
                  "tap:tap0",   "--port",           "9000",     "--log",
                  "4",          "--exit-when-idle", "--pcap",   "out.pcap",
                  NULL};
  assert_int_equal(parse(argv), 0);
  assert_string_equal(g_opt.disk, "disk.img");
  assert_int_equal(g_opt.net, NET_TAP);
  assert_string_equal(g_opt.tap, "tap0");
  assert_int_equal(g_opt.port, 9000);
  assert_int_equal(g_opt.log_level, 4);
  assert_true(g_opt.exit_when_idle);
  assert_string_equal(g_opt.pcap, "out.pcap");
}

static void test_pcap(void **state) {
  (void)state;
  char *dgram[] = {
      "k", "--pcap", "/tmp/a b.pcap", "--net", "dgram:127.0.0.1:1,127.0.0.1:2",
      NULL};
  assert_int_equal(parse(dgram), 0);
  assert_string_equal(g_opt.pcap, "/tmp/a b.pcap");

  /* The last one wins. */
  char *twice[] = {"k", "--net", "tap:t", "--pcap", "a", "--pcap", "b", NULL};
  assert_int_equal(parse(twice), 0);
  assert_string_equal(g_opt.pcap, "b");

  char *empty[] = {"k", "--net", "tap:t", "--pcap", "", NULL};
  assert_int_equal(parse(empty), -1);
  assert_error_mentions("empty file name", "--pcap");

  /* The socket backend has no frames to capture, whatever the order. */
  char *socket[] = {"k", "--pcap", "x.pcap", NULL};
  assert_int_equal(parse(socket), -1);
  assert_error_mentions("--pcap needs --net tap or dgram", "x.pcap");
  char *back[] = {"k",      "--net", "tap:t",  "--pcap",
                  "y.pcap", "--net", "socket", NULL};
  assert_int_equal(parse(back), -1);
  assert_error_mentions("--pcap needs --net tap or dgram", "y.pcap");
}

static void test_ip(void **state) {
  (void)state;
  char *gw[] = {"k", "--ip", "10.0.2.2/24,10.0.2.15", NULL};
  assert_int_equal(parse(gw), 0);
  assert_true(g_opt.has_ip);
  assert_int_equal(g_opt.ip_addr, 0x0a000202);
  assert_int_equal(g_opt.ip_netmask, 0xffffff00);
  assert_int_equal(g_opt.ip_gateway, 0x0a00020f);

  char *nogw[] = {"k", "--ip", "192.168.1.7/32", NULL};
  assert_int_equal(parse(nogw), 0);
  assert_int_equal(g_opt.ip_addr, 0xc0a80107);
  assert_int_equal(g_opt.ip_netmask, 0xffffffff);
  assert_int_equal(g_opt.ip_gateway, 0);

  char *zero[] = {"k", "--ip", "10.1.2.3/0", NULL};
  assert_int_equal(parse(zero), 0);
  assert_int_equal(g_opt.ip_netmask, 0);

  const char *bad[] = {"10.0.2.2",          "10.0.2.2/",     "10.0.2.2/33",
                       "10.0.2/24",         "10.0.2.256/24", "10.0.2.2/24,",
                       "10.0.2.2/24,1.2.3", "a.b.c.d/8",     "10.0.2.2/24x",
                       "10.0.2.2x/24",      ",10.0.2.2/24",  "10.0.2.2/2 4"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char *argv[] = {"k", "--ip", (char *)bad[i], NULL};
    assert_int_equal(parse(argv), -1);
    assert_error_mentions("bad --ip value", bad[i]);
  }
}

static void test_disk(void **state) {
  (void)state;
  char *ok[] = {"k", "--disk", "/tmp/some disk.img", NULL};
  assert_int_equal(parse(ok), 0);
  assert_string_equal(g_opt.disk, "/tmp/some disk.img");

  char *empty[] = {"k", "--disk", "", NULL};
  assert_int_equal(parse(empty), -1);
  assert_error_mentions("empty file name", "--disk");

  /* The last one wins. */
  char *twice[] = {"k", "--disk", "a.img", "--disk", "b.img", NULL};
  assert_int_equal(parse(twice), 0);
  assert_string_equal(g_opt.disk, "b.img");
}

static void test_port_bounds(void **state) {
  (void)state;
  char *max[] = {"k", "--port", "65535", NULL};
  assert_int_equal(parse(max), 0);
  assert_int_equal(g_opt.port, 65535);

  char *one[] = {"k", "--port", "1", NULL};
  assert_int_equal(parse(one), 0);
  assert_int_equal(g_opt.port, 1);

  char *zero[] = {"k", "--port", "0", NULL};
  assert_int_equal(parse(zero), -1);
  assert_error_mentions("bad port", "'0'");

  char *over[] = {"k", "--port", "65536", NULL};
  assert_int_equal(parse(over), -1);
  assert_error_mentions("bad port", "65536");

  char *huge[] = {"k", "--port", "99999999999999999999999", NULL};
  assert_int_equal(parse(huge), -1);
  assert_error_mentions("bad port", "99999999999999999999999");
}

/* --port N:GUEST: the guest port the socket backend binds at N; 8080 (the
 * demo's) without it. */
static void test_port_guest(void **state) {
  (void)state;
  char *plain[] = {"k", "--port", "9000", NULL};
  assert_int_equal(parse(plain), 0);
  assert_int_equal(g_opt.port, 9000);
  assert_int_equal(g_opt.guest_port, 8080);

  char *both[] = {"k", "--port", "9000:7", NULL};
  assert_int_equal(parse(both), 0);
  assert_int_equal(g_opt.port, 9000);
  assert_int_equal(g_opt.guest_port, 7);

  const char *bad[] = {"9000:",      ":7",      "9000:0",   "0:7",
                       "9000:65536", "9000:7x", "9000:7:8", "123456789:7"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char value[16];
    strcpy(value, bad[i]);
    char *argv[] = {"k", "--port", value, NULL};
    if (parse(argv) != -1)
      fail_msg("--port '%s' was accepted", bad[i]);
    assert_error_mentions("bad port", bad[i]);
  }
}

static void test_port_not_a_number(void **state) {
  (void)state;
  const char *bad[] = {"abc", "",    "-1",   "+80", " 80",
                       "80 ", "80x", "0x50", "8.0"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char value[16];
    strcpy(value, bad[i]);
    char *argv[] = {"k", "--port", value, NULL};
    if (parse(argv) != -1)
      fail_msg("--port '%s' was accepted", bad[i]);
    assert_error_mentions("bad port", bad[i]);
  }
}

static void test_net_socket(void **state) {
  (void)state;
  char *argv[] = {"k", "--net", "tap:x", "--net", "socket", NULL};
  assert_int_equal(parse(argv), 0);
  assert_int_equal(g_opt.net, NET_SOCKET);
}

static void test_net_tap(void **state) {
  (void)state;
  char *argv[] = {"k", "--net", "tap:realmos0", NULL};
  assert_int_equal(parse(argv), 0);
  assert_int_equal(g_opt.net, NET_TAP);
  assert_string_equal(g_opt.tap, "realmos0");

  /* Interface names are at most 15 characters (IFNAMSIZ - 1). */
  char *longest[] = {"k", "--net", "tap:abcdefghijklmno", NULL};
  assert_int_equal(parse(longest), 0);
  assert_string_equal(g_opt.tap, "abcdefghijklmno");

  char *too_long[] = {"k", "--net", "tap:abcdefghijklmnop", NULL};
  assert_int_equal(parse(too_long), -1);
  assert_error_mentions("bad --net value", "tap:abcdefghijklmnop");

  char *empty[] = {"k", "--net", "tap:", NULL};
  assert_int_equal(parse(empty), -1);
  assert_error_mentions("bad --net value", "tap:");
}

static void test_net_dgram(void **state) {
  (void)state;
  char *argv[] = {"k", "--net", "dgram:127.0.0.1:5555,127.0.0.1:5556", NULL};
  assert_int_equal(parse(argv), 0);
  assert_int_equal(g_opt.net, NET_DGRAM);
  assert_string_equal(g_opt.dgram_local, "127.0.0.1:5555");
  assert_string_equal(g_opt.dgram_remote, "127.0.0.1:5556");

  /* 63 characters each side fit, 64 do not. */
  char v[200], a63[64], a64[65];
  memset(a63, 'a', 63);
  a63[63] = '\0';
  memset(a64, 'b', 64);
  a64[64] = '\0';
  snprintf(v, sizeof(v), "dgram:%s,%s", a63, a63);
  char *fits[] = {"k", "--net", v, NULL};
  assert_int_equal(parse(fits), 0);
  assert_string_equal(g_opt.dgram_local, a63);
  assert_string_equal(g_opt.dgram_remote, a63);

  snprintf(v, sizeof(v), "dgram:%s,x:1", a64);
  char *local_too_long[] = {"k", "--net", v, NULL};
  assert_int_equal(parse(local_too_long), -1);
  snprintf(v, sizeof(v), "dgram:x:1,%s", a64);
  char *remote_too_long[] = {"k", "--net", v, NULL};
  assert_int_equal(parse(remote_too_long), -1);
}

static void test_net_malformed(void **state) {
  (void)state;
  const char *bad[] = {"",         "sockets", "SOCKET",      "tap",
                       "dgram",    "dgram:",  "dgram:a",     "dgram:a,",
                       "dgram:,b", "dgram:,", "tcp:1.2.3.4", "socket:"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char value[32];
    strcpy(value, bad[i]);
    char *argv[] = {"k", "--net", value, NULL};
    if (parse(argv) != -1)
      fail_msg("--net '%s' was accepted", bad[i]);
    assert_error_mentions("bad --net value", bad[i]);
  }
}

static void test_log_level(void **state) {
  (void)state;
  for (int level = 0; level <= 4; level++) {
    char value[4];
    snprintf(value, sizeof(value), "%d", level);
    char *argv[] = {"k", "--log", value, NULL};
    assert_int_equal(parse(argv), 0);
    assert_int_equal(g_opt.log_level, level);
  }
  const char *bad[] = {"5", "-1", "info", "", "2x"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char value[8];
    strcpy(value, bad[i]);
    char *argv[] = {"k", "--log", value, NULL};
    if (parse(argv) != -1)
      fail_msg("--log '%s' was accepted", bad[i]);
    assert_error_mentions("bad log level", bad[i]);
  }
}

static void test_help(void **state) {
  (void)state;
  char *long_form[] = {"k", "--help", NULL};
  assert_int_equal(parse(long_form), 1);
  char *short_form[] = {"k", "-h", NULL};
  assert_int_equal(parse(short_form), 1);
  /* After good options too. */
  char *after[] = {"k", "--port", "1234", "--help", NULL};
  assert_int_equal(parse(after), 1);
  /* The usage text lists every option. */
  const char *usage = hosted_usage();
  const char *options[] = {"--disk",
                           "--net",
                           "--ip",
                           "--pcap",
                           "--port",
                           "--log",
                           "--exit-when-idle",
                           "--help",
                           "--realm",
                           "--no-builtin-realms",
                           "--forward"};
  for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
    assert_non_null(strstr(usage, options[i]));
}

static void test_forwards(void **state) {
  (void)state;
  char *argv[] = {"k",    "--forward", "17000:7000", "--port",
                  "1234", "--forward", "18889:8889", NULL};
  assert_int_equal(parse(argv), 0);
  assert_int_equal(g_opt.nfwd, 2);
  assert_int_equal(g_opt.fwd_host[0], 17000);
  assert_int_equal(g_opt.fwd_guest[0], 7000);
  assert_int_equal(g_opt.fwd_host[1], 18889);
  assert_int_equal(g_opt.fwd_guest[1], 8889);
  assert_int_equal(g_opt.port, 1234); /* --port is its own */
  assert_int_equal(g_opt.guest_port, 8080);
  const char *bad[] = {"7000", "0:7000", "1:0", "1:70000", ":7", "a:b"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char v[16];
    strcpy(v, bad[i]);
    char *b[] = {"k", "--forward", v, NULL};
    if (parse(b) != -1)
      fail_msg("--forward '%s' was accepted", bad[i]);
    assert_error_mentions("bad --forward", v);
  }
  char *many[] = {"k",   "--forward", "1:1", "--forward", "2:2", "--forward",
                  "3:3", "--forward", "4:4", "--forward", "5:5", NULL};
  assert_int_equal(parse(many), -1); /* HOSTED_FORWARDS is 4 */
}

static void test_realm_files(void **state) {
  (void)state;
  char *argv[] = {
      "k",   "--realm", "a.wasm,a.manifest", "--no-builtin-realms", "--realm",
      "b,c", NULL};
  assert_int_equal(parse(argv), 0);
  assert_true(g_opt.no_builtin_realms);
  assert_int_equal(g_opt.nrealms, 2);
  assert_string_equal(g_opt.realm_module[0], "a.wasm");
  assert_string_equal(g_opt.realm_manifest[0], "a.manifest");
  assert_string_equal(g_opt.realm_module[1], "b");
  assert_string_equal(g_opt.realm_manifest[1], "c");
  /* both halves are needed */
  const char *bad[] = {"a.wasm", ",m", "a.wasm,", ""};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char v[16];
    strcpy(v, bad[i]);
    char *b[] = {"k", "--realm", v, NULL};
    if (parse(b) != -1)
      fail_msg("--realm '%s' was accepted", bad[i]);
    assert_error_mentions("bad --realm", v);
  }
  /* at most HOSTED_REALM_FILES */
  char *many[2 * HOSTED_REALM_FILES + 4];
  int n = 0;
  many[n++] = "k";
  for (int i = 0; i <= HOSTED_REALM_FILES; i++) {
    many[n++] = "--realm";
    many[n++] = "m,f";
  }
  many[n] = NULL;
  assert_int_equal(parse(many), -1);
  assert_error_mentions("bad --realm", "m,f");
}

static void test_unknown_option(void **state) {
  (void)state;
  char *argv[] = {"k", "--bogus", NULL};
  assert_int_equal(parse(argv), -1);
  assert_error_mentions("unknown option", "--bogus");

  char *positional[] = {"k", "disk.img", NULL};
  assert_int_equal(parse(positional), -1);
  assert_error_mentions("unknown option", "disk.img");

  /* An unknown option before --help is still an error. */
  char *before_help[] = {"k", "-x", "--help", NULL};
  assert_int_equal(parse(before_help), -1);
  assert_error_mentions("unknown option", "-x");

  /* Options are matched whole. */
  char *prefix[] = {"k", "--port=80", NULL};
  assert_int_equal(parse(prefix), -1);
  assert_error_mentions("unknown option", "--port=80");
}

static void test_missing_value(void **state) {
  (void)state;
  const char *options[] = {"--disk", "--net", "--port",
                           "--log",  "--ip",  "--pcap"};
  for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
    char name[16];
    strcpy(name, options[i]);
    char *argv[] = {"k", "--exit-when-idle", name, NULL};
    if (parse(argv) != -1)
      fail_msg("%s without a value was accepted", options[i]);
    assert_error_mentions("missing value", options[i]);
  }
}

static void test_error_message_is_bounded(void **state) {
  (void)state;
  char argv1[300];
  memset(argv1, 'z', sizeof(argv1) - 1);
  argv1[sizeof(argv1) - 1] = '\0';
  char *argv[] = {"k", argv1, NULL};
  char small[16];
  memset(small, '#', sizeof(small));
  assert_int_equal(
      hosted_parse_options(2, argv, &g_opt, small, (unsigned)sizeof(small)),
      -1);
  assert_int_equal(strlen(small), sizeof(small) - 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_all_options),
      cmocka_unit_test(test_disk),
      cmocka_unit_test(test_ip),
      cmocka_unit_test(test_pcap),
      cmocka_unit_test(test_port_bounds),
      cmocka_unit_test(test_port_guest),
      cmocka_unit_test(test_port_not_a_number),
      cmocka_unit_test(test_net_socket),
      cmocka_unit_test(test_net_tap),
      cmocka_unit_test(test_net_dgram),
      cmocka_unit_test(test_net_malformed),
      cmocka_unit_test(test_log_level),
      cmocka_unit_test(test_help),
      cmocka_unit_test(test_forwards),
      cmocka_unit_test(test_realm_files),
      cmocka_unit_test(test_unknown_option),
      cmocka_unit_test(test_missing_value),
      cmocka_unit_test(test_error_message_is_bounded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
