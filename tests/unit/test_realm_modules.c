/* test_realm_modules.c: the demo realms as built (build/realms/NAME.wasm,
 * embedded by realm/images.sh) on the engine, with a stand-in for the
 * realm manager written here. Every embedded manifest parses, names the
 * realm's path and grants it at least the pages its module starts with;
 * every module loads and links against the ABI's imports, stated here
 * with their types independently of realm/sdk/realm.h, and exports its
 * memory and inbox. Then each realm's behaviour: the bank mints 2000 and
 * lets only an owner move its funds, with the messages the ABI gives; the
 * faucet calls it through struct realm_call as the ABI lays it out (the
 * stand-in reads the fields at the ABI's offsets, copies bytes arguments
 * into the callee's inbox and undoes a failed callee's memory); echo
 * sends each datagram back; the spinner arms its timer and then never
 * returns within any fuel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "images.h"
#include "manifest.h"
#include "wasm.h"

#define MAX_REALMS 8
#define ARENA_BYTES (8u << 20)
#define FUEL 10000000

struct realm {
  const struct realm_image *img;
  struct realm_manifest man;
  wasm_limits lim;
  wasm_module *m;
  wasm_instance *in;
  wasm_exec *x;
  wasm_memory *mem;
  uint32_t inbox, inbox_cap;
  uint8_t reply[512]; /* the current call's reply() */
  int32_t reply_len;
  char error[128]; /* the last failed call's message (error()) */
  int32_t error_len;
};

/* What the stand-in kernel saw and holds. */
static struct {
  uint8_t *arena_mem;
  wasm_arena arena;
  struct realm realms[MAX_REALMS];
  unsigned n;
  struct realm *current;
  char caller[80];
  int32_t caller_kind;
  char abort_msg[128]; /* set by abort() */
  int aborted;
  unsigned logs;
  int32_t bound_port;
  unsigned sends;
  uint32_t send_ip;
  int32_t send_port, send_sock;
  uint8_t send_data[2048];
  int32_t send_len;
  unsigned timers;
  int32_t timer_id, timer_ms;
} k;

/* ---- memory access -------------------------------------------------- */

static uint8_t *at(wasm_host_call *c, uint32_t addr, uint32_t len) {
  return wasm_memory_ptr(wasm_host_memory(c), addr, len);
}

static uint32_t le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p) {
  return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void put_le32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le64(uint8_t *p, uint64_t v) {
  put_le32(p, (uint32_t)v);
  put_le32(p + 4, (uint32_t)(v >> 32));
}

/* Copy s[0..n) to buf[0..cap) in the caller's memory; returns n. */
static wasm_status give(wasm_host_call *c, uint32_t buf, uint32_t cap,
                        const char *s, size_t n, wasm_value *res) {
  size_t w = n < cap ? n : cap;
  uint8_t *p = at(c, buf, (uint32_t)w);
  if (p == NULL)
    return WASM_TRAPPED;
  memcpy(p, s, w);
  res[0].i32 = (uint32_t)n;
  return WASM_OK;
}

/* ---- the services -------------------------------------------------- */

static wasm_status h_log(wasm_host_call *c, const wasm_value *a,
                         wasm_value *r) {
  (void)r;
  if (at(c, a[0].i32, a[1].i32) == NULL)
    return WASM_TRAPPED;
  k.logs++;
  return WASM_OK;
}

static wasm_status h_abort(wasm_host_call *c, const wasm_value *a,
                           wasm_value *r) {
  (void)r;
  uint32_t n =
      a[1].i32 < sizeof(k.abort_msg) - 1 ? a[1].i32 : sizeof(k.abort_msg) - 1;
  uint8_t *p = at(c, a[0].i32, n);
  if (p != NULL) {
    memcpy(k.abort_msg, p, n);
    k.abort_msg[n] = '\0';
  }
  k.aborted = 1;
  return WASM_TRAPPED;
}

static wasm_status h_self(wasm_host_call *c, const wasm_value *a,
                          wasm_value *r) {
  const char *p = k.current->man.path;
  return give(c, a[0].i32, a[1].i32, p, strlen(p), r);
}

static wasm_status h_caller(wasm_host_call *c, const wasm_value *a,
                            wasm_value *r) {
  return give(c, a[0].i32, a[1].i32, k.caller, strlen(k.caller), r);
}

static wasm_status h_caller_kind(wasm_host_call *c, const wasm_value *a,
                                 wasm_value *r) {
  (void)c, (void)a;
  r[0].i32 = (uint32_t)k.caller_kind;
  return WASM_OK;
}

static wasm_status h_now(wasm_host_call *c, const wasm_value *a,
                         wasm_value *r) {
  (void)c, (void)a;
  r[0].i64 = 12345;
  return WASM_OK;
}

static wasm_status h_random(wasm_host_call *c, const wasm_value *a,
                            wasm_value *r) {
  (void)c, (void)a;
  r[0].i32 = 0;
  return WASM_OK;
}

static wasm_status h_timer(wasm_host_call *c, const wasm_value *a,
                           wasm_value *r) {
  (void)c;
  k.timers++;
  k.timer_id = (int32_t)a[0].i32;
  k.timer_ms = (int32_t)a[1].i32;
  r[0].i32 = 0;
  return WASM_OK;
}

static wasm_status h_udp_bind(wasm_host_call *c, const wasm_value *a,
                              wasm_value *r) {
  (void)c;
  if (a[0].i32 > 65535 ||
      !realm_manifest_grants_udp(&k.current->man, (uint16_t)a[0].i32)) {
    r[0].i32 = (uint32_t)-10; /* REALM_E_DENIED */
    return WASM_OK;
  }
  k.bound_port = (int32_t)a[0].i32;
  r[0].i32 = 5; /* the handle */
  return WASM_OK;
}

static wasm_status h_udp_send(wasm_host_call *c, const wasm_value *a,
                              wasm_value *r) {
  uint8_t *p = at(c, a[3].i32, a[4].i32);
  if (p == NULL || a[4].i32 > sizeof(k.send_data))
    return WASM_TRAPPED;
  k.sends++;
  k.send_sock = (int32_t)a[0].i32;
  k.send_ip = a[1].i32;
  k.send_port = (int32_t)a[2].i32;
  memcpy(k.send_data, p, a[4].i32);
  k.send_len = (int32_t)a[4].i32;
  r[0].i32 = 0;
  return WASM_OK;
}

static wasm_status h_reply(wasm_host_call *c, const wasm_value *a,
                           wasm_value *r) {
  uint8_t *p = at(c, a[0].i32, a[1].i32);
  if (p == NULL || a[1].i32 > sizeof(k.current->reply))
    return WASM_TRAPPED;
  memcpy(k.current->reply, p, a[1].i32);
  k.current->reply_len = (int32_t)a[1].i32;
  r[0].i32 = 0;
  return WASM_OK;
}

static wasm_status h_error(wasm_host_call *c, const wasm_value *a,
                           wasm_value *r) {
  return give(c, a[0].i32, a[1].i32, k.current->error,
              (size_t)k.current->error_len, r);
}

static struct realm *find_realm(const char *path, size_t len) {
  for (unsigned i = 0; i < k.n; i++)
    if (strlen(k.realms[i].man.path) == len &&
        memcmp(k.realms[i].man.path, path, len) == 0)
      return &k.realms[i];
  return NULL;
}

static wasm_func *export_fn(struct realm *r, const char *name, size_t len) {
  wasm_extern e;
  if (!wasm_instance_export(r->in, name, (uint32_t)len, &e) ||
      e.kind != WASM_EXTERN_FUNC)
    return NULL;
  return e.u.func;
}

/* call(req): the ABI's struct realm_call, read at its offsets. The
 * stand-in does what the demo needs: scalars and bytes, the reply and
 * the result back, a failed callee's memory restored (not its globals). */
static wasm_status h_call(wasm_host_call *c, const wasm_value *a,
                          wasm_value *r) {
  uint8_t *q = at(c, a[0].i32, 176);
  if (q == NULL)
    return WASM_TRAPPED;
  uint32_t path = le32(q), path_len = le32(q + 4);
  uint32_t fn = le32(q + 8), fn_len = le32(q + 12);
  uint32_t out = le32(q + 16), out_cap = le32(q + 20);
  uint32_t nargs = le32(q + 28);
  const char *pp = (const char *)at(c, path, path_len);
  const char *fp = (const char *)at(c, fn, fn_len);
  if (pp == NULL || fp == NULL || nargs > 8)
    return WASM_TRAPPED;
  struct realm *callee = find_realm(pp, path_len);
  if (callee == NULL) {
    r[0].i32 = (uint32_t)-1;
    return WASM_OK;
  }
  wasm_func *f = export_fn(callee, fp, fn_len);
  if (f == NULL) {
    r[0].i32 = (uint32_t)-2;
    return WASM_OK;
  }
  const wasm_functype *t = wasm_func_type(f);
  wasm_value args[16];
  uint32_t np = 0, inbox_used = 0;
  for (uint32_t i = 0; i < nargs; i++) {
    const uint8_t *arg = q + 48 + 16 * i;
    uint32_t kind = le32(arg), len = le32(arg + 4);
    uint64_t v = le64(arg + 8);
    if (kind == 0) {
      args[np++].i64 = v;
    } else {
      uint8_t *src = at(c, (uint32_t)v, len);
      uint8_t *dst =
          wasm_memory_ptr(callee->mem, callee->inbox + inbox_used, len);
      if (src == NULL || dst == NULL)
        return WASM_TRAPPED;
      memcpy(dst, src, len);
      args[np++].i64 = callee->inbox + inbox_used;
      args[np++].i64 = len;
      inbox_used += len;
    }
  }
  if (np != t->nparams) {
    r[0].i32 = (uint32_t)-3;
    return WASM_OK;
  }
  /* The callee's memory as it was, to undo a failure with. */
  size_t bytes = (size_t)wasm_memory_pages(callee->mem) * 65536;
  uint8_t *saved = malloc(bytes);
  assert_non_null(saved);
  memcpy(saved, wasm_memory_ptr(callee->mem, 0, bytes), bytes);
  char prev_caller[80];
  struct realm *prev = k.current;
  int32_t prev_kind = k.caller_kind;
  memcpy(prev_caller, k.caller, sizeof(prev_caller));
  strcpy(k.caller, prev->man.path);
  k.caller_kind = 1;
  k.current = callee;
  k.aborted = 0;
  callee->reply_len = 0;
  wasm_exec_set_fuel(callee->x, FUEL);
  wasm_status s = wasm_call(callee->x, f, args, np);
  int32_t status = 0;
  if (s == WASM_OK) {
    uint32_t nr;
    const wasm_value *res = wasm_exec_results(callee->x, &nr);
    if (nr == 1)
      put_le64(q + 40, t->results[0] == WASM_I32
                           ? (uint64_t)(int64_t)(int32_t)res[0].i32
                           : res[0].i64);
    uint8_t *o =
        wasm_memory_ptr(wasm_host_memory(c), out, (uint32_t)callee->reply_len);
    if ((uint32_t)callee->reply_len > out_cap || o == NULL)
      status = -9;
    else
      memcpy(o, callee->reply, (size_t)callee->reply_len);
    put_le32(q + 24, (uint32_t)callee->reply_len);
  } else {
    memcpy(wasm_memory_ptr(callee->mem, 0, bytes), saved, bytes);
    const char *why =
        k.aborted ? k.abort_msg : wasm_trap_string(wasm_exec_trap(callee->x));
    status = k.aborted ? -7 : s == WASM_OUT_OF_FUEL ? -8 : -6;
    prev->error_len = (int32_t)strlen(why);
    memcpy(prev->error, why, (size_t)prev->error_len);
    if (s == WASM_OUT_OF_FUEL)
      wasm_exec_reset(callee->x);
  }
  free(saved);
  k.current = prev;
  k.caller_kind = prev_kind;
  memcpy(k.caller, prev_caller, sizeof(prev_caller));
  r[0].i32 = (uint32_t)status;
  return WASM_OK;
}

/* ---- the ABI's imports, with their types ------------------------------ */

struct import {
  const char *name, *params, *results; /* 'i' i32, 'I' i64 */
  wasm_host_fn fn;
  wasm_func *func;
};
static struct import imports[] = {
    {"log", "ii", "", h_log, NULL},
    {"abort", "ii", "", h_abort, NULL},
    {"self", "ii", "i", h_self, NULL},
    {"caller", "ii", "i", h_caller, NULL},
    {"caller_kind", "", "i", h_caller_kind, NULL},
    {"now", "", "I", h_now, NULL},
    {"random", "ii", "i", h_random, NULL},
    {"timer", "ii", "i", h_timer, NULL},
    {"udp_bind", "i", "i", h_udp_bind, NULL},
    {"udp_send", "iiiii", "i", h_udp_send, NULL},
    {"call", "i", "i", h_call, NULL},
    {"reply", "ii", "i", h_reply, NULL},
    {"error", "ii", "i", h_error, NULL},
};
#define NIMPORTS (sizeof(imports) / sizeof(imports[0]))

static void types_of(const char *s, uint8_t *out) {
  for (; *s; s++)
    *out++ = *s == 'i' ? WASM_I32 : WASM_I64;
}

static bool resolve(void *env, const char *mod, uint32_t ml, const char *name,
                    uint32_t nl, wasm_extern *out) {
  (void)env;
  if (ml != 5 || memcmp(mod, "realm", 5) != 0)
    return false;
  for (size_t i = 0; i < NIMPORTS; i++)
    if (strlen(imports[i].name) == nl &&
        memcmp(imports[i].name, name, nl) == 0) {
      out->kind = WASM_EXTERN_FUNC;
      out->u.func = imports[i].func;
      return true;
    }
  return false;
}

/* ---- loading ---------------------------------------------------------- */

static int setup(void **state) {
  (void)state;
  memset(&k, 0, sizeof(k));
  k.arena_mem = malloc(ARENA_BYTES);
  assert_non_null(k.arena_mem);
  wasm_arena_init(&k.arena, k.arena_mem, ARENA_BYTES);
  for (size_t i = 0; i < NIMPORTS; i++) {
    uint8_t p[8], r[2];
    types_of(imports[i].params, p);
    types_of(imports[i].results, r);
    wasm_functype t = {(uint32_t)strlen(imports[i].params),
                       (uint32_t)strlen(imports[i].results), p, r};
    imports[i].func = wasm_host_func_new(&k.arena, &t, imports[i].fn, NULL);
    assert_non_null(imports[i].func);
  }
  return 0;
}

static int teardown(void **state) {
  (void)state;
  free(k.arena_mem);
  return 0;
}

static uint32_t call_i32(struct realm *r, const char *fn) {
  wasm_func *f = export_fn(r, fn, strlen(fn));
  assert_non_null(f);
  wasm_exec_set_fuel(r->x, FUEL);
  assert_int_equal(wasm_call(r->x, f, NULL, 0), WASM_OK);
  uint32_t n;
  const wasm_value *v = wasm_exec_results(r->x, &n);
  assert_int_equal(n, 1);
  return v[0].i32;
}

static void test_every_image_loads_on_the_abi(void **state) {
  (void)state;
  assert_true(realm_nimages > 0);
  assert_true(realm_nimages <= MAX_REALMS);
  for (unsigned i = 0; i < realm_nimages; i++) {
    const struct realm_image *img = &realm_images[i];
    struct realm *r = &k.realms[k.n++];
    r->img = img;
    char err[REALM_MANIFEST_ERR_MAX];
    if (realm_manifest_parse(img->manifest, img->manifest_len, &r->man, err,
                             sizeof(err)) != KERR_OK)
      fail_msg("%s: manifest: %s", img->name, err);
    char path[REALM_PATH_MAX + 1];
    snprintf(path, sizeof(path), "r/demo/%s", img->name);
    assert_string_equal(r->man.path, path);

    r->lim = wasm_default_limits;
    r->lim.max_pages = r->man.memory_pages;
    wasm_error e;
    r->m =
        wasm_module_load(img->module, img->module_len, &k.arena, &r->lim, &e);
    if (r->m == NULL)
      fail_msg("%s: load: %s at %u: %s", img->name, e.section, e.offset,
               e.reason);
    r->x = wasm_exec_new(&k.arena, &r->lim);
    assert_non_null(r->x);
    r->in = wasm_instantiate(r->m, &k.arena, &r->lim, resolve, NULL, r->x, &e);
    if (r->in == NULL)
      fail_msg("%s: instantiate: %s", img->name, e.reason);
    wasm_extern mem;
    assert_true(wasm_instance_export(r->in, "memory", 6, &mem));
    assert_int_equal(mem.kind, WASM_EXTERN_MEMORY);
    r->mem = mem.u.memory;
    assert_true(wasm_memory_pages(r->mem) <= r->man.memory_pages);
    r->inbox = call_i32(r, "realm_inbox");
    r->inbox_cap = call_i32(r, "realm_inbox_cap");
    assert_int_equal(r->inbox_cap, 2048);
    assert_non_null(wasm_memory_ptr(r->mem, r->inbox, r->inbox_cap));
  }
}

/* ---- running ---------------------------------------------------------- */

static struct realm *realm_named(const char *name) {
  for (unsigned i = 0; i < k.n; i++)
    if (strcmp(k.realms[i].img->name, name) == 0)
      return &k.realms[i];
  fail_msg("realm %s is not loaded (REALMS?)", name);
  return NULL;
}

/* s into r's inbox at offset off: its address. */
static uint64_t inbox_put(struct realm *r, uint32_t off, const char *s) {
  uint8_t *p = wasm_memory_ptr(r->mem, r->inbox + off, strlen(s));
  assert_non_null(p);
  memcpy(p, s, strlen(s));
  return r->inbox + off;
}

/* One transaction with nothing to undo: fn(args) on r from `caller`. */
static wasm_status run(struct realm *r, const char *caller, uint64_t fuel,
                       const char *fn, const wasm_value *args, uint32_t n) {
  wasm_func *f = export_fn(r, fn, strlen(fn));
  assert_non_null(f);
  strcpy(k.caller, caller);
  k.caller_kind = strncmp(caller, "r/", 2) == 0     ? 1
                  : strncmp(caller, "net:", 4) == 0 ? 2
                                                    : 3;
  k.current = r;
  k.aborted = 0;
  k.abort_msg[0] = '\0';
  r->reply_len = 0;
  wasm_exec_set_fuel(r->x, fuel);
  wasm_status s = wasm_call(r->x, f, args, n);
  if (s == WASM_OUT_OF_FUEL)
    assert_int_equal(wasm_exec_reset(r->x), WASM_OK);
  return s;
}

static int64_t result(struct realm *r) {
  uint32_t n;
  const wasm_value *v = wasm_exec_results(r->x, &n);
  assert_int_equal(n, 1);
  return (int64_t)v[0].i64;
}

static int64_t balance(const char *name) {
  struct realm *bank = realm_named("bank");
  wasm_value a[2] = {{.i64 = inbox_put(bank, 0, name)}, {.i64 = strlen(name)}};
  assert_int_equal(run(bank, "net:10.0.2.2:1", FUEL, "balance", a, 2), WASM_OK);
  return result(bank);
}

static int64_t supply(void) {
  struct realm *bank = realm_named("bank");
  assert_int_equal(run(bank, "net:10.0.2.2:1", FUEL, "supply", NULL, 0),
                   WASM_OK);
  return result(bank);
}

/* bank.transfer(to, amount) from `caller`. */
static wasm_status transfer(const char *caller, const char *to,
                            int64_t amount) {
  struct realm *bank = realm_named("bank");
  wasm_value a[3] = {{.i64 = inbox_put(bank, 0, to)},
                     {.i64 = strlen(to)},
                     {.i64 = (uint64_t)amount}};
  return run(bank, caller, FUEL, "transfer", a, 3);
}

static void test_bank_init_mints_2000(void **state) {
  (void)state;
  struct realm *bank = realm_named("bank");
  unsigned logs = k.logs;
  assert_int_equal(run(bank, "boot", FUEL, "init", NULL, 0), WASM_OK);
  assert_int_equal(k.logs, logs + 1);
  assert_int_equal(balance("alice"), 500);
  assert_int_equal(balance("bob"), 500);
  assert_int_equal(balance("r/demo/faucet"), 1000);
  assert_int_equal(balance("nobody"), 0);
  assert_int_equal(supply(), 2000);
}

static void test_bank_transfer_from_the_callers_own(void **state) {
  (void)state;
  assert_int_equal(transfer("alice", "carol", 30), WASM_OK);
  assert_int_equal(result(realm_named("bank")), 470);
  assert_int_equal(balance("alice"), 470);
  assert_int_equal(balance("carol"), 30);
  assert_int_equal(supply(), 2000);

  assert_int_equal(transfer("carol", "alice", 31), WASM_TRAPPED);
  assert_string_equal(k.abort_msg, "bank: carol has not enough funds");
  assert_int_equal(transfer("alice", "bob", 0), WASM_TRAPPED);
  assert_string_equal(k.abort_msg, "bank: an amount is above 0");
  assert_int_equal(transfer("alice", "bob", -5), WASM_TRAPPED);
  assert_int_equal(transfer("mallory", "mallory", 1), WASM_TRAPPED);
  assert_string_equal(k.abort_msg, "bank: mallory has not enough funds");
}

static void test_bank_move_only_by_the_owner(void **state) {
  (void)state;
  struct realm *bank = realm_named("bank");
  wasm_value a[5] = {{.i64 = inbox_put(bank, 0, "alice")},
                     {.i64 = 5},
                     {.i64 = inbox_put(bank, 5, "bob")},
                     {.i64 = 3},
                     {.i64 = 10}};
  assert_int_equal(run(bank, "r/demo/faucet", FUEL, "move", a, 5),
                   WASM_TRAPPED);
  assert_string_equal(k.abort_msg, "bank: only alice may move its funds");
  assert_int_equal(run(bank, "alice", FUEL, "move", a, 5), WASM_OK);
  assert_int_equal(result(bank), 460);
  assert_int_equal(balance("bob"), 510);
  assert_int_equal(supply(), 2000);
}

static void test_bank_broken_transfer_traps(void **state) {
  (void)state;
  struct realm *bank = realm_named("bank");
  wasm_value a[3] = {
      {.i64 = inbox_put(bank, 0, "bob")}, {.i64 = 3}, {.i64 = 10}};
  assert_int_equal(run(bank, "alice", FUEL, "broken_transfer", a, 3),
                   WASM_TRAPPED);
  assert_false(k.aborted);
  assert_int_equal(wasm_exec_trap(bank->x), WASM_TRAP_UNREACHABLE);
  /* Nothing undoes the debit here: that is the manager's part. */
}

static void test_faucet_calls_under_its_own_identity(void **state) {
  (void)state;
  struct realm *faucet = realm_named("faucet");
  struct realm *bank = realm_named("bank");
  /* The bank afresh: init again mints over whatever the tests before did
   * to these three; carol and the rest keep theirs. */
  assert_int_equal(run(bank, "boot", FUEL, "init", NULL, 0), WASM_OK);
  int64_t total = supply();

  wasm_value a[2] = {{.i64 = inbox_put(faucet, 0, "dave")}, {.i64 = 4}};
  assert_int_equal(run(faucet, "net:10.0.2.2:40312", FUEL, "drip", a, 2),
                   WASM_OK);
  assert_int_equal(result(faucet), 990);
  assert_int_equal(balance("dave"), 10);
  assert_int_equal(balance("r/demo/faucet"), 990);
  assert_int_equal(supply(), total);

  a[0].i64 = inbox_put(faucet, 0, "alice");
  a[1].i64 = 5;
  assert_int_equal(run(faucet, "net:10.0.2.2:40312", FUEL, "steal", a, 2),
                   WASM_OK);
  assert_int_equal((int32_t)result(faucet), -7); /* REALM_E_ABORT */
  assert_int_equal(faucet->reply_len, 35);
  assert_memory_equal(faucet->reply, "bank: only alice may move its funds", 35);
  assert_int_equal(balance("alice"), 500);

  a[0].i64 = inbox_put(faucet, 0, "bob");
  a[1].i64 = 3;
  assert_int_equal(run(faucet, "net:10.0.2.2:40312", FUEL, "try_broken", a, 2),
                   WASM_OK);
  assert_int_equal((int32_t)result(faucet), -6); /* REALM_E_TRAP */
  assert_memory_equal(faucet->reply, "unreachable", 11);
  assert_int_equal(balance("r/demo/faucet"), 990);
  assert_int_equal(balance("bob"), 500);
  assert_int_equal(supply(), total);
}

static void test_echo_sends_each_datagram_back(void **state) {
  (void)state;
  struct realm *echo = realm_named("echo");
  assert_int_equal(run(echo, "boot", FUEL, "init", NULL, 0), WASM_OK);
  assert_int_equal(k.bound_port, 8889);
  unsigned sends = k.sends;
  wasm_value a[6] = {{.i32 = 5},
                     {.i32 = 0},
                     {.i32 = 0x0a000202},
                     {.i32 = 40000},
                     {.i64 = inbox_put(echo, 0, "ping 1")},
                     {.i32 = 6}};
  assert_int_equal(run(echo, "udp", FUEL, "on_udp", a, 6), WASM_OK);
  assert_int_equal(k.sends, sends + 1);
  assert_int_equal(k.send_sock, 5);
  assert_int_equal(k.send_ip, 0x0a000202);
  assert_int_equal(k.send_port, 40000);
  assert_int_equal(k.send_len, 6);
  assert_memory_equal(k.send_data, "ping 1", 6);
  /* A failed bind: logged, nothing sent. */
  a[1].i32 = (uint32_t)-1;
  unsigned logs = k.logs;
  assert_int_equal(run(echo, "udp", FUEL, "on_udp", a, 6), WASM_OK);
  assert_int_equal(k.sends, sends + 1);
  assert_int_equal(k.logs, logs + 1);
  assert_int_equal(run(echo, "net:10.0.2.2:1", FUEL, "echoed", NULL, 0),
                   WASM_OK);
  assert_int_equal(result(echo), 1);
}

static void test_spinner_never_returns(void **state) {
  (void)state;
  struct realm *spinner = realm_named("spinner");
  unsigned timers = k.timers;
  assert_int_equal(run(spinner, "boot", spinner->man.fuel, "init", NULL, 0),
                   WASM_OK);
  assert_int_equal(k.timers, timers + 1);
  assert_int_equal(k.timer_id, 1);
  assert_int_equal(k.timer_ms, 100);
  wasm_value id = {.i32 = 1};
  assert_int_equal(run(spinner, "timer", spinner->man.fuel, "on_timer", &id, 1),
                   WASM_OUT_OF_FUEL);
  assert_int_equal(
      run(spinner, "net:10.0.2.2:1", spinner->man.fuel, "spin", NULL, 0),
      WASM_OUT_OF_FUEL);
  assert_true(spinner->man.fuel <= 2000000);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_image_loads_on_the_abi),
      cmocka_unit_test(test_bank_init_mints_2000),
      cmocka_unit_test(test_bank_transfer_from_the_callers_own),
      cmocka_unit_test(test_bank_move_only_by_the_owner),
      cmocka_unit_test(test_bank_broken_transfer_traps),
      cmocka_unit_test(test_faucet_calls_under_its_own_identity),
      cmocka_unit_test(test_echo_sends_each_datagram_back),
      cmocka_unit_test(test_spinner_never_returns),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
