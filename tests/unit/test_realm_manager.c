/* test_realm_manager.c: the realm manager (the rest of realm/) on the unit tests'
 * fake kernel, with the tests' kit realm (build/realms-test/kit.wasm, made
 * by `make test-realms`) loaded under manifests written here. Requests go
 * in as gateway events and their replies are read back from the UDP sends
 * a fake device takes, so the test sees what a network peer would; the
 * fake clock makes the back-off's expiry and the queue's bounds exact.
 * tests/system/test_realm_rules.py covers the same rules through the
 * hosted kernel and realmctl. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_device.h"
#include "fake_platform.h"
#include "kernel.h"
#include "manager.h"
#include "wire.h"

#define KIT "build/realms-test/kit.wasm"

static kernel_t g_k;
static fake_device_t g_ip;
static uint8_t *g_kit;
static uint32_t g_kit_len;
static realm_mgr_t *g_m;
static char g_manifests[4][160];
static struct realm_image g_img[4];

typedef struct {
  int32_t status;
  bool has_result;
  int64_t result;
  char text[REALM_REPLY_MAX + 1];
} reply_t;

static void load_kit(void) {
  FILE *f = fopen(KIT, "rb");
  if (!f)
    fail_msg("%s is missing: make test-realms", KIT);
  static uint8_t buf[1 << 16];
  g_kit_len = (uint32_t)fread(buf, 1, sizeof buf, f);
  fclose(f);
  g_kit = buf;
}

/* A kernel with an IP-class device that completes every item at once,
 * and n kit realms r/test/a.. (extra: more manifest lines for each). */
static void boot(unsigned n, const char *extra) {
  if (!g_kit)
    load_kit();
  fake_platform_reset();
  fake_device_init(&g_ip, KDEV_IP, "ip", false);
  g_ip.complete_in_submit = true;
  fake_platform_add_device(&g_ip.dev);
  kmain_init(&g_k, NULL);
  for (unsigned i = 0; i < n; i++) {
    snprintf(g_manifests[i], sizeof g_manifests[i],
             "path r/test/%c\nmemory_pages 2\nfuel 200000\ntimers 2\n%s",
             'a' + i, extra);
    g_img[i] = (struct realm_image){"kit", g_kit, g_kit_len, g_manifests[i],
                                    (uint32_t)strlen(g_manifests[i])};
  }
  realm_config_t cfg = {.gateway_port = 0};
  assert_int_equal(realm_start(&g_k, g_img, n, &cfg), KERR_OK);
  g_m = realm_manager_of(&g_k);
  assert_non_null(g_m);
}

static void settle(void) {
  for (int i = 0; i < 10000 && (g_m->tx.active || g_m->ev_count); i++) {
    kmain_tick(&g_k, fake_clock(&g_k));
    fake_clock_advance(&g_k, KTIME_US(1));
  }
  assert_false(g_m->tx.active);
  assert_int_equal(g_m->ev_count, 0);
}

/* Queue a gateway request; NULL when the queue refused it. */
static realm_event_t *request(const char *path, const char *fn,
                              const struct realm_wire_arg *args, uint8_t n) {
  static uint32_t id;
  struct realm_wire_request req = {.id = ++id,
                                   .path = path,
                                   .path_len = (uint8_t)strlen(path),
                                   .fn = fn,
                                   .fn_len = (uint8_t)strlen(fn),
                                   .nargs = n};
  if (n)
    memcpy(req.args, args, n * sizeof *args);
  realm_event_t *ev = realm_event_new(g_m, NULL, EV_GATEWAY);
  if (!ev)
    return NULL;
  ev->peer = KIP4(10, 0, 2, 2);
  ev->peer_port = 5555;
  ev->len =
      (uint16_t)realm_wire_encode_request(&req, ev->data, sizeof ev->data);
  return ev;
}

/* The reply of the last datagram sent. */
static reply_t last_reply(void) {
  assert_true(g_ip.nsubmits > 0);
  kwork_t *w = g_ip.submits[g_ip.nsubmits - 1];
  assert_int_equal(w->op, KWORK_OP_UDP_SEND);
  kudp_send_req_t *s = KCONTAINER_OF(w, kudp_send_req_t, work);
  struct realm_wire_reply rep;
  const char *why;
  assert_int_equal(realm_wire_decode_reply(s->data, s->length, &rep, &why), 0);
  reply_t r = {
      .status = rep.status, .has_result = rep.has_result, .result = rep.result};
  memcpy(r.text, rep.data, rep.len);
  r.text[rep.len] = 0;
  return r;
}

static reply_t callv(const char *path, const char *fn,
                     const struct realm_wire_arg *args, uint8_t n) {
  assert_non_null(request(path, fn, args, n));
  settle();
  return last_reply();
}

static struct realm_wire_arg I(int64_t v) {
  return (struct realm_wire_arg){.tag = REALM_WIRE_TAG_I64, .i64 = v};
} static struct realm_wire_arg S(const char *s) {
  return (struct realm_wire_arg){.tag = REALM_WIRE_TAG_BYTES,
                                 .len = (uint16_t)strlen(s),
                                 .bytes = (const uint8_t *)s};
}

#define CALL(path, fn, ...)                                                    \
  callv(path, fn, (struct realm_wire_arg[]){__VA_ARGS__},                      \
        (uint8_t)(sizeof((struct realm_wire_arg[]){__VA_ARGS__}) /             \
                  sizeof(struct realm_wire_arg)))
#define CALL0(path, fn) callv(path, fn, NULL, 0)

static int64_t
get(char name) {
  char path[] = "r/test/x";
  path[7] = name;
  reply_t r = CALL0(path, "get");
  assert_int_equal(r.status, REALM_OK);
  return r.result;
}

static void test_identities_along_a_chain(void **state) {
  (void)state;
  boot(3, "");
  reply_t r = CALL("r/test/a", "whois", S("r/test/b r/test/c"));
  assert_int_equal(r.status, REALM_OK);
  assert_string_equal(r.text,
                      "r/test/a<net:10.0.2.2:5555|r/test/b<r/test/a|r/test/c<"
                      "r/test/b");
}

static void test_nested_failure_undoes_only_the_callee(void **state) {
  (void)state;
  boot(3, "");
  CALL("r/test/b", "set", I(2));
  CALL("r/test/c", "set", I(3));
  /* a and b set 7; c traps: its write undone, b gets -6 and returns it */
  reply_t r = CALL("r/test/a", "nest", S("r/test/b r/test/c"), I(7), I(2));
  assert_int_equal(r.status, REALM_OK);
  assert_int_equal(r.result, REALM_E_TRAP);
  assert_int_equal(get('a'), 7);
  assert_int_equal(get('b'), 7);
  assert_int_equal(get('c'), 3);
  assert_int_equal(wasm_journal_used(&g_m->journal), 0);
  assert_int_equal(wasm_journal_depth(&g_m->journal), 0);
}

static void test_failed_transaction_undoes_every_realm(void **state) {
  (void)state;
  boot(2, "");
  CALL("r/test/a", "set", I(1));
  CALL("r/test/b", "set", I(2));
  reply_t r = CALL("r/test/a", "nest", S("r/test/b"), I(9), I(0));
  assert_int_equal(r.status, REALM_E_TRAP);
  assert_string_equal(r.text, "unreachable");
  r = CALL("r/test/a", "set_then_abort", I(5));
  assert_int_equal(r.status, REALM_E_ABORT);
  assert_string_equal(r.text, "kit: aborted on purpose");
  assert_int_equal(get('a'), 1);
  assert_int_equal(get('b'), 2);
  assert_int_equal(g_m->stats.tx_trap, 1);
  assert_int_equal(g_m->stats.tx_abort, 1);
}

static void test_reentry_and_depth(void **state) {
  (void)state;
  boot(2, "");
  reply_t r = CALL("r/test/a", "nest", S("r/test/b r/test/a"), I(4), I(9));
  assert_int_equal(r.result, REALM_E_REENTRY);
  assert_int_equal(get('b'), 4); /* the chain went on */
}

static void test_timers_are_effects(void **state) {
  (void)state;
  boot(2, "");
  uint64_t before = kstats(&g_k)->timers_pending;
  /* a failed transaction arms nothing */
  reply_t r = CALL("r/test/b", "nest", S(""), I(1), I(0));
  assert_int_equal(r.status, REALM_E_TRAP);
  r = CALL("r/test/a", "timers", I(5), I(10));
  assert_int_equal(r.result, 2); /* the manifest's timers */
  assert_int_equal(kstats(&g_k)->timers_pending, before + 2);
  for (int i = 0; i < 12; i++) { /* the loop, 1 ms at a time */
    fake_clock_advance(&g_k, KTIME_MS(1));
    kmain_tick(&g_k, fake_clock(&g_k));
  }
  settle();
  assert_int_equal(CALL0("r/test/a", "fired").result, 2);
  assert_int_equal(CALL0("r/test/b", "fired").result, 0);
}

static void test_fuel_cap_and_budget(void **state) {
  (void)state;
  boot(2, "");
  reply_t r = CALL("r/test/a", "burn_capped", S("r/test/b"), I(10), I(5000));
  assert_int_equal(r.result, REALM_OK);
  r = CALL("r/test/a", "burn_capped", S("r/test/b"), I(1000000), I(5000));
  assert_int_equal(r.result, REALM_E_FUEL);
  r = CALL("r/test/a", "burn_capped", S("r/test/b"), I(100000000), I(0));
  assert_int_equal(r.status, REALM_E_FUEL); /* the whole budget */
  assert_true(g_m->stats.slices_suspended > 0);
}

static void test_back_off_grows_and_expires(void **state) {
  (void)state;
  boot(2, "");
  for (int i = 0; i < 3; i++)
    assert_int_equal(CALL("r/test/a", "set_then_trap", I(1)).status,
                     REALM_E_TRAP);
  assert_int_equal(CALL0("r/test/a", "get").status, REALM_E_BACKOFF);
  assert_int_equal(CALL0("r/test/b", "get").status, REALM_OK);
  /* a call to it from b is refused too */
  reply_t r = CALL("r/test/b", "nest", S("r/test/a"), I(1), I(5));
  assert_int_equal(r.result, REALM_E_BACKOFF);
  /* after 100 ms it runs again; a fourth failure in a row: 200 ms */
  fake_clock_advance(&g_k, KTIME_MS(101));
  assert_int_equal(CALL("r/test/a", "set_then_trap", I(1)).status,
                   REALM_E_TRAP);
  fake_clock_advance(&g_k, KTIME_MS(150));
  assert_int_equal(CALL0("r/test/a", "get").status, REALM_E_BACKOFF);
  fake_clock_advance(&g_k, KTIME_MS(60));
  assert_int_equal(CALL0("r/test/a", "get").status, REALM_OK);
  /* a success clears the count: the next failure puts nothing aside */
  assert_int_equal(CALL("r/test/a", "set_then_trap", I(1)).status,
                   REALM_E_TRAP);
  assert_int_equal(CALL0("r/test/a", "get").status, REALM_OK);
}

static void test_queue_bounds(void **state) {
  (void)state;
  boot(1, "");
  unsigned queued = 0;
  for (int i = 0; i < REALM_EVENTS + 4; i++)
    queued += request("r/test/a", "get", NULL, 0) != NULL;
  assert_int_equal(queued, REALM_EVENTS);
  assert_int_equal(g_m->stats.events_dropped, 4);
  settle();
  /* a realm's own share: timers and datagrams beyond REALM_EVENTS_PER */
  realm_t *r = &g_m->realms[0];
  unsigned mine = 0;
  for (int i = 0; i < REALM_EVENTS_PER + 2; i++)
    mine += realm_event_new(g_m, r, EV_TIMER) != NULL;
  assert_int_equal(mine, REALM_EVENTS_PER);
  settle();
}

static void test_manifest_refusals(void **state) {
  (void)state;
  boot(1, "fule 5\n");
  assert_int_equal(g_m->n, 0);
  assert_int_equal(g_m->stats.load_failed, 1);
  boot(1, "udp 9999\n");
  assert_int_equal(g_m->n, 1);
  assert_int_equal(CALL("r/test/a", "bind", I(9999)).result, 0);
  assert_int_equal(CALL("r/test/a", "bind", I(9998)).result, REALM_E_DENIED);
}

static void test_bad_pointers_and_sizes(void **state) {
  (void)state;
  boot(2, "");
  assert_int_equal(CALL0("r/test/a", "badptr").result, 0x7f);
  assert_int_equal(CALL("r/test/a", "bigreply", I(600)).result, REALM_E_LIMIT);
  assert_int_equal(
      CALL("r/test/a", "callbig", S("r/test/b"), I(100), I(64)).result,
      REALM_E_BOUNDS);
  char big[600];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = 0;
  assert_int_equal(CALL("r/test/a", "inbox_len", S(big)).status, REALM_E_LIMIT);
  assert_int_equal(CALL("r/test/a", "get", I(1)).status, REALM_E_SIGNATURE);
  assert_int_equal(CALL0("r/test/a", "init").status, REALM_E_NOFUNC);
  assert_int_equal(CALL0("r/test/zz", "get").status, REALM_E_NOREALM);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_identities_along_a_chain),
      cmocka_unit_test(test_nested_failure_undoes_only_the_callee),
      cmocka_unit_test(test_failed_transaction_undoes_every_realm),
      cmocka_unit_test(test_reentry_and_depth),
      cmocka_unit_test(test_timers_are_effects),
      cmocka_unit_test(test_fuel_cap_and_budget),
      cmocka_unit_test(test_back_off_grows_and_expires),
      cmocka_unit_test(test_queue_bounds),
      cmocka_unit_test(test_manifest_refusals),
      cmocka_unit_test(test_bad_pointers_and_sizes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
