/* test_realm_wire.c: realm/wire.c, the gateway's wire format. A request
 * and a reply written out byte by byte decode to what they say and encode
 * back to the same bytes; every way a request can be malformed gets its
 * verdict (dropped or answered with a reason) and the id it could read;
 * replies are decoded as strictly; the encoders refuse what does not fit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "wire.h"

/* realmctl call r/demo/bank transfer bob 25, id 0x01020304. */
static const uint8_t transfer[] = {
    'R', 'M', 1,   1,   0x01, 0x02, 0x03, 0x04,                     /* header */
    11,  'r', '/', 'd', 'e',  'm',  'o',  '/',  'b', 'a', 'n', 'k', /* path */
    8,   't', 'r', 'a', 'n',  's',  'f',  'e',  'r',                /* fn */
    2,                                                              /* nargs */
    2,   0,   3,   'b', 'o',  'b',                  /* bytes "bob" */
    1,   0,   0,   0,   0,    0,    0,    0,    25, /* i64 25 */
};

static void test_request_decodes_and_encodes_back(void **state) {
  (void)state;
  struct realm_wire_request req;
  const char *why;
  assert_int_equal(
      realm_wire_decode_request(transfer, sizeof(transfer), &req, &why),
      REALM_WIRE_OK);
  assert_int_equal(req.id, 0x01020304);
  assert_int_equal(req.path_len, 11);
  assert_memory_equal(req.path, "r/demo/bank", 11);
  assert_ptr_equal(req.path, (const char *)transfer + 9); /* no copy */
  assert_int_equal(req.fn_len, 8);
  assert_memory_equal(req.fn, "transfer", 8);
  assert_int_equal(req.nargs, 2);
  assert_int_equal(req.args[0].tag, REALM_WIRE_TAG_BYTES);
  assert_int_equal(req.args[0].len, 3);
  assert_memory_equal(req.args[0].bytes, "bob", 3);
  assert_int_equal(req.args[1].tag, REALM_WIRE_TAG_I64);
  assert_int_equal(req.args[1].i64, 25);

  uint8_t out[REALM_WIRE_MAX];
  assert_int_equal(realm_wire_encode_request(&req, out, sizeof(out)),
                   sizeof(transfer));
  assert_memory_equal(out, transfer, sizeof(transfer));
}

static void test_request_extremes_round_trip(void **state) {
  (void)state;
  static uint8_t big[REALM_WIRE_MAX];
  memset(big, 0xab, sizeof(big));
  char fn[REALM_WIRE_FN_MAX];
  memset(fn, 'z', sizeof(fn));
  struct realm_wire_request req = {
      .id = 0xffffffff,
      .path = "r/a/b",
      .path_len = 5,
      .fn = fn,
      .fn_len = REALM_WIRE_FN_MAX,
      .nargs = REALM_WIRE_MAX_ARGS,
  };
  for (int i = 0; i < REALM_WIRE_MAX_ARGS; i++)
    req.args[i] = (struct realm_wire_arg){.tag = REALM_WIRE_TAG_I64,
                                          .i64 = INT64_MIN + i};
  req.args[7] = (struct realm_wire_arg){.tag = REALM_WIRE_TAG_BYTES};
  /* Header 8, path 6, fn 65, nargs 1, seven i64 63, bytes 3 + len. */
  size_t fixed = 8 + 6 + 65 + 1 + 63 + 3;
  req.args[7].len = (uint16_t)(REALM_WIRE_MAX - fixed);
  req.args[7].bytes = big;
  uint8_t out[REALM_WIRE_MAX + 16];
  size_t n = realm_wire_encode_request(&req, out, sizeof(out));
  assert_int_equal(n, REALM_WIRE_MAX);

  struct realm_wire_request back;
  const char *why;
  assert_int_equal(realm_wire_decode_request(out, n, &back, &why),
                   REALM_WIRE_OK);
  assert_int_equal(back.id, 0xffffffff);
  assert_int_equal(back.nargs, 8);
  assert_true(back.args[0].i64 == INT64_MIN);
  assert_true(back.args[6].i64 == INT64_MIN + 6);
  assert_int_equal(back.args[7].len, REALM_WIRE_MAX - fixed);

  /* One byte more does not fit: the encoder says so. */
  req.args[7].len++;
  assert_int_equal(realm_wire_encode_request(&req, out, sizeof(out)), 0);
  /* Nor does the exact request in a buffer one byte short. */
  req.args[7].len--;
  assert_int_equal(realm_wire_encode_request(&req, out, REALM_WIRE_MAX - 1), 0);
}

static void test_request_with_no_args(void **state) {
  (void)state;
  static const uint8_t supply[] = {
      'R', 'M', 1,   1,   0,   0,   0, 9,   11,  'r', '/', 'd', 'e', 'm',
      'o', '/', 'b', 'a', 'n', 'k', 6, 's', 'u', 'p', 'p', 'l', 'y', 0};
  struct realm_wire_request req;
  const char *why;
  assert_int_equal(
      realm_wire_decode_request(supply, sizeof(supply), &req, &why),
      REALM_WIRE_OK);
  assert_int_equal(req.id, 9);
  assert_int_equal(req.nargs, 0);
}

/* A copy of `transfer` with byte `at` set to `v` (or cut to `len`). */
static realm_wire_verdict_t decode_with(size_t at, int v, size_t len,
                                        struct realm_wire_request *req,
                                        const char **why) {
  uint8_t d[sizeof(transfer)];
  memcpy(d, transfer, sizeof(d));
  if (v >= 0)
    d[at] = (uint8_t)v;
  return realm_wire_decode_request(d, len, req, why);
}

static void test_not_ours_is_dropped(void **state) {
  (void)state;
  struct realm_wire_request req;
  const char *why;
  for (size_t n = 0; n < REALM_WIRE_HEADER; n++)
    assert_int_equal(decode_with(0, -1, n, &req, &why), REALM_WIRE_DROP);
  assert_int_equal(decode_with(0, 'X', sizeof(transfer), &req, &why),
                   REALM_WIRE_DROP);
  assert_int_equal(decode_with(1, 'm', sizeof(transfer), &req, &why),
                   REALM_WIRE_DROP);
  /* A reply (kind 0x81, or any kind with its top bit) is never answered. */
  assert_int_equal(decode_with(3, 0x81, sizeof(transfer), &req, &why),
                   REALM_WIRE_DROP);
  assert_int_equal(decode_with(3, 0xff, sizeof(transfer), &req, &why),
                   REALM_WIRE_DROP);
}

struct malformed {
  size_t at;   /* byte to change */
  int v;       /* its new value, or -1 to leave it */
  size_t len;  /* the datagram's length */
  uint32_t id; /* the id the reply should carry */
  const char *why;
};

static void test_malformed_requests_get_a_reason(void **state) {
  (void)state;
  const size_t n = sizeof(transfer);
  const struct malformed cases[] = {
      {2, 2, n, 0, "unknown version"},
      {3, 2, n, 0x01020304, "unknown kind"},
      {3, 0, n, 0x01020304, "unknown kind"},
      {0, -1, 8, 0x01020304, "path past the end"},
      {8, 40, n, 0x01020304, "path past the end"},
      {8, 0, n, 0x01020304, "not a realm path"},
      {10, 'x', n, 0x01020304, "not a realm path"},
      {12, 'D', n, 0x01020304, "not a realm path"},
      {0, -1, 20, 0x01020304, "function name past the end"},
      {20, 0, n, 0x01020304, "function name not 1..64 bytes"},
      {20, 30, n, 0x01020304, "function name past the end"},
      {21, 'T', n, 0x01020304, "function name not [a-z0-9_]"},
      {28, '-', n, 0x01020304, "function name not [a-z0-9_]"},
      {0, -1, 29, 0x01020304, "argument count past the end"},
      {29, 9, n, 0x01020304, "more than 8 arguments"},
      {29, 3, n, 0x01020304, "argument tag past the end"},
      {30, 0, n, 0x01020304, "unknown argument tag"},
      {30, 3, n, 0x01020304, "unknown argument tag"},
      {0, -1, 31, 0x01020304, "bytes argument length past the end"},
      {32, 40, n, 0x01020304, "bytes argument past the end"},
      {31, 1, n, 0x01020304, "bytes argument past the end"},
      {0, -1, n - 1, 0x01020304, "i64 argument past the end"},
      {29, 1, n, 0x01020304, "bytes after the last argument"},
      {32, 2, n, 0x01020304, "unknown argument tag"}, /* "bo", then 'b' */
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct realm_wire_request req;
    const char *why = NULL;
    assert_int_equal(
        decode_with(cases[i].at, cases[i].v, cases[i].len, &req, &why),
        REALM_WIRE_BAD);
    assert_int_equal(req.id, cases[i].id);
    assert_string_equal(why, cases[i].why);
  }
}

static void test_trailing_byte_and_oversize_refused(void **state) {
  (void)state;
  uint8_t d[REALM_WIRE_MAX + 1];
  memset(d, 0, sizeof(d));
  memcpy(d, transfer, sizeof(transfer));
  struct realm_wire_request req;
  const char *why;
  assert_int_equal(
      realm_wire_decode_request(d, sizeof(transfer) + 1, &req, &why),
      REALM_WIRE_BAD);
  assert_string_equal(why, "bytes after the last argument");
  assert_int_equal(realm_wire_decode_request(d, sizeof(d), &req, &why),
                   REALM_WIRE_BAD);
  assert_string_equal(why, "request longer than 1472 bytes");
  assert_int_equal(req.id, 0x01020304);
}

/* status 0, result 2000, reply "ok"; id 7. */
static const uint8_t ok_reply[] = {'R', 'M',  1,    0x81, 0, 0,   0,  7, 0,
                                   0,   0,    0,    1,    0, 0,   0,  0, 0,
                                   0,   0x07, 0xd0, 0,    2, 'o', 'k'};
/* status -7 (REALM_E_ABORT), message "no"; id 8. */
static const uint8_t abort_reply[] = {'R',  'M',  1,    0x81, 0, 0, 0,   8,
                                      0xff, 0xff, 0xff, 0xf9, 0, 2, 'n', 'o'};

static void test_replies_decode_and_encode_back(void **state) {
  (void)state;
  struct realm_wire_reply rep;
  const char *why;
  uint8_t out[REALM_WIRE_MAX];
  assert_int_equal(
      realm_wire_decode_reply(ok_reply, sizeof(ok_reply), &rep, &why), 0);
  assert_int_equal(rep.id, 7);
  assert_int_equal(rep.status, 0);
  assert_int_equal(rep.has_result, 1);
  assert_int_equal(rep.result, 2000);
  assert_int_equal(rep.len, 2);
  assert_memory_equal(rep.data, "ok", 2);
  assert_int_equal(realm_wire_encode_reply(&rep, out, sizeof(out)),
                   sizeof(ok_reply));
  assert_memory_equal(out, ok_reply, sizeof(ok_reply));

  assert_int_equal(
      realm_wire_decode_reply(abort_reply, sizeof(abort_reply), &rep, &why), 0);
  assert_int_equal(rep.id, 8);
  assert_int_equal(rep.status, -7);
  assert_int_equal(rep.has_result, 0);
  assert_memory_equal(rep.data, "no", 2);
  assert_string_equal(realm_wire_status_name(rep.status), "REALM_E_ABORT");
  assert_int_equal(realm_wire_encode_reply(&rep, out, sizeof(out)),
                   sizeof(abort_reply));
  assert_memory_equal(out, abort_reply, sizeof(abort_reply));

  /* No result, no bytes: the shortest ok reply. */
  struct realm_wire_reply empty = {.id = 1};
  assert_int_equal(realm_wire_encode_reply(&empty, out, sizeof(out)), 15);
  assert_int_equal(realm_wire_decode_reply(out, 15, &rep, &why), 0);
  assert_int_equal(rep.has_result, 0);
  assert_int_equal(rep.len, 0);
}

static void test_malformed_replies_refused(void **state) {
  (void)state;
  struct realm_wire_reply rep;
  const char *why;
  uint8_t d[sizeof(ok_reply) + 1];
  for (size_t n = 0; n < sizeof(ok_reply); n++)
    assert_int_equal(realm_wire_decode_reply(ok_reply, n, &rep, &why), -1);
  memcpy(d, ok_reply, sizeof(ok_reply));
  d[sizeof(ok_reply)] = 0;
  assert_int_equal(realm_wire_decode_reply(d, sizeof(d), &rep, &why), -1);
  assert_string_equal(why, "bytes after the reply");
  memcpy(d, ok_reply, sizeof(ok_reply));
  d[3] = 1; /* a request */
  assert_int_equal(realm_wire_decode_reply(d, sizeof(ok_reply), &rep, &why),
                   -1);
  d[3] = 0x81;
  d[11] = 1; /* status 1 */
  assert_int_equal(realm_wire_decode_reply(d, sizeof(ok_reply), &rep, &why),
                   -1);
  assert_string_equal(why, "status above 0");
  d[11] = 0;
  d[12] = 2; /* has_result 2 */
  assert_int_equal(realm_wire_decode_reply(d, sizeof(ok_reply), &rep, &why),
                   -1);
}

static void test_encoders_refuse_what_breaks_the_format(void **state) {
  (void)state;
  uint8_t out[64];
  struct realm_wire_request req = {
      .path = "r/a/b", .path_len = 5, .fn = "f", .fn_len = 1, .nargs = 9};
  assert_int_equal(realm_wire_encode_request(&req, out, sizeof(out)), 0);
  req.nargs = 1;
  req.args[0].tag = 3;
  assert_int_equal(realm_wire_encode_request(&req, out, sizeof(out)), 0);
  struct realm_wire_reply rep = {.status = 1};
  assert_int_equal(realm_wire_encode_reply(&rep, out, sizeof(out)), 0);
  rep = (struct realm_wire_reply){.status = -7, .has_result = 1};
  assert_int_equal(realm_wire_encode_reply(&rep, out, sizeof(out)), 0);
  rep = (struct realm_wire_reply){
      .status = -7, .len = 60, .data = (const uint8_t *)out};
  assert_int_equal(realm_wire_encode_reply(&rep, out, sizeof(out)), 0);
}

static void test_status_names(void **state) {
  (void)state;
  assert_string_equal(realm_wire_status_name(0), "REALM_OK");
  assert_string_equal(realm_wire_status_name(-1), "REALM_E_NOREALM");
  assert_string_equal(realm_wire_status_name(-13), "REALM_E_ARG");
  assert_string_equal(realm_wire_status_name(-14), "REALM_E_UNDO");
  assert_string_equal(realm_wire_status_name(-15), "REALM_E_UNKNOWN");
  assert_string_equal(realm_wire_status_name(1), "REALM_E_UNKNOWN");
  assert_string_equal(realm_wire_status_name(INT32_MIN), "REALM_E_UNKNOWN");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_request_decodes_and_encodes_back),
      cmocka_unit_test(test_request_extremes_round_trip),
      cmocka_unit_test(test_request_with_no_args),
      cmocka_unit_test(test_not_ours_is_dropped),
      cmocka_unit_test(test_malformed_requests_get_a_reason),
      cmocka_unit_test(test_trailing_byte_and_oversize_refused),
      cmocka_unit_test(test_replies_decode_and_encode_back),
      cmocka_unit_test(test_malformed_replies_refused),
      cmocka_unit_test(test_encoders_refuse_what_breaks_the_format),
      cmocka_unit_test(test_status_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
