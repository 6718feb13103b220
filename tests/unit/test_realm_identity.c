/* test_realm_identity.c: realm/identity.c. Paths that are a realm's and
 * paths that are not; the address is the first 20 bytes of
 * SHA-256("realm:" || path) (the expected values from Python's hashlib),
 * depends on the path alone and not on the code; the code hash is the
 * module's SHA-256. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "identity.h"

static kerr_t check(const char *path) {
  return realm_path_check(path, strlen(path));
}

static void test_paths_that_are_a_realms(void **state) {
  (void)state;
  assert_int_equal(check("r/demo/bank"), KERR_OK);
  assert_int_equal(check("r/a/b"), KERR_OK);
  assert_int_equal(check("r/demo_2/bank_v2"), KERR_OK);
  assert_int_equal(check("r/demo/bank/v2"), KERR_OK); /* deeper is fine */
  char longest[REALM_PATH_MAX + 1];
  memset(longest, 'x', REALM_PATH_MAX);
  memcpy(longest, "r/ns/", 5);
  longest[REALM_PATH_MAX] = '\0';
  assert_int_equal(check(longest), KERR_OK);
}

static void test_paths_that_are_not(void **state) {
  (void)state;
  static const char *const bad[] = {
      "",
      "r",
      "r/",
      "r/demo",
      "r/demo/",
      "r//bank",
      "r/demo//bank",
      "/r/demo/bank",
      "p/demo/bank",
      "R/demo/bank",
      "r/Demo/bank",
      "r/demo/ba-nk",
      "r/demo/ba nk",
      "r/demo/bank.",
      "r/dé/bank",
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    assert_int_equal(check(bad[i]), KERR_INVALID);
  char too_long[REALM_PATH_MAX + 2];
  memset(too_long, 'x', REALM_PATH_MAX + 1);
  memcpy(too_long, "r/ns/", 5);
  too_long[REALM_PATH_MAX + 1] = '\0';
  assert_int_equal(check(too_long), KERR_INVALID);
  /* A NUL inside the length is not a path character. */
  assert_int_equal(realm_path_check("r/demo/b\0nk", 11), KERR_INVALID);
  assert_int_equal(realm_path_check(NULL, 0), KERR_INVALID);
}

static void test_address_of_a_path(void **state) {
  (void)state;
  uint8_t a[REALM_ADDR_BYTES];
  char hex[REALM_ADDR_HEX];
  realm_address("r/demo/bank", 11, a);
  realm_address_hex(a, hex);
  assert_string_equal(hex, "25e876cb57071dbf5a9b226bdd31ab809e0f43c5");
  realm_address("r/demo/shop", 11, a);
  realm_address_hex(a, hex);
  assert_string_equal(hex, "fc7a9a3cf6d1a424fd0fffafda2dbc34f7992e90");
}

/* Two versions of a realm's code: the same address, two code hashes. */
static void test_address_stays_when_the_code_changes(void **state) {
  (void)state;
  static const uint8_t v1[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  static const uint8_t v2[] = {0x00, 0x61, 0x73, 0x6d, 0x01,
                               0x00, 0x00, 0x00, 0x00, 0x00};
  realm_identity_t a, b;
  assert_int_equal(realm_identity_init(&a, "r/demo/bank", 11, v1, sizeof(v1)),
                   KERR_OK);
  assert_int_equal(realm_identity_init(&b, "r/demo/bank", 11, v2, sizeof(v2)),
                   KERR_OK);
  assert_string_equal(a.path, "r/demo/bank");
  assert_memory_equal(a.address, b.address, REALM_ADDR_BYTES);
  assert_memory_not_equal(a.code_hash, b.code_hash, SHA256_BYTES);
  uint8_t want[SHA256_BYTES];
  sha256(v1, sizeof(v1), want);
  assert_memory_equal(a.code_hash, want, SHA256_BYTES);
  /* The SHA-256 of the 8-byte header, from Python's hashlib. */
  static const uint8_t header_hash[SHA256_BYTES] = {
      0x93, 0xa4, 0x4b, 0xbb, 0x96, 0xc7, 0x51, 0x21, 0x8e, 0x4c, 0x00,
      0xd4, 0x79, 0xe4, 0xc1, 0x43, 0x58, 0x12, 0x2a, 0x38, 0x9a, 0xcc,
      0xa1, 0x62, 0x05, 0xb1, 0xe4, 0xd0, 0xdc, 0x5f, 0x94, 0x76};
  assert_memory_equal(a.code_hash, header_hash, SHA256_BYTES);
}

static void test_init_refuses_a_bad_path(void **state) {
  (void)state;
  realm_identity_t id;
  memset(&id, 0x5a, sizeof(id));
  assert_int_equal(realm_identity_init(&id, "r/demo", 6, NULL, 0),
                   KERR_INVALID);
  assert_int_equal((uint8_t)id.path[0], 0x5a); /* untouched */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_paths_that_are_a_realms),
      cmocka_unit_test(test_paths_that_are_not),
      cmocka_unit_test(test_address_of_a_path),
      cmocka_unit_test(test_address_stays_when_the_code_changes),
      cmocka_unit_test(test_init_refuses_a_bad_path),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
