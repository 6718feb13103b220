/* kit: a realm for the manager's tests (tests/system/test_realm_rules.py
 * loads it several times, each under its own manifest and path). Each
 * export does one thing the tests look at: state to write and read back,
 * writes followed by a trap or an abort, memory growth, calls down a
 * chain of realms given as a space-separated list of paths, fuel burnt
 * and capped, the services' bounds and bad pointers. */
#include "realm.h"

static int64_t value;
static int64_t fired; /* on_timer calls */
static char text[REALM_REPLY_MAX];

REALM_EXPORT(get) int64_t get(void) { return value; }
REALM_EXPORT(set) void set(int64_t v) { value = v; }
REALM_EXPORT(fired) int64_t get_fired(void) { return fired; }

REALM_EXPORT(set_then_trap) void set_then_trap(int64_t v) {
  value = v;
  __builtin_trap();
}

REALM_EXPORT(set_then_abort) void set_then_abort(int64_t v) {
  value = v;
  realm_abort("kit: aborted on purpose");
}

REALM_EXPORT(pages) int32_t pages(void) {
  return (int32_t)__builtin_wasm_memory_size(0);
}

/* Grow by n pages, write the first new byte, then trap. */
REALM_EXPORT(grow_then_trap) int32_t grow_then_trap(int32_t n) {
  int32_t old = (int32_t)__builtin_wasm_memory_grow(0, (uint32_t)n);
  if (old < 0)
    return -1;
  *(volatile uint8_t *)(uintptr_t)((uint32_t)old * 65536u) = 1;
  __builtin_trap();
}

REALM_EXPORT(grow) int32_t grow(int32_t n) {
  return (int32_t)__builtin_wasm_memory_grow(0, (uint32_t)n);
}

/* The first path of list[0..len) into path (NUL-terminated); returns
 * where the rest starts, or -1 when the list is empty. */
static int32_t first(const char *list, int32_t len, char *path, int32_t cap) {
  int32_t i = 0;
  while (i < len && list[i] == ' ')
    i++;
  int32_t n = 0;
  while (i < len && list[i] != ' ' && n < cap - 1)
    path[n++] = list[i++];
  path[n] = 0;
  return n ? i : -1;
}

/* value = v; trap when depth is 0; else call the list's first realm's
 * nest(rest, v, depth - 1). Returns the callee's status when the call
 * failed, else its result (0 at the end of the list). */
REALM_EXPORT(nest)
int64_t nest(const char *list, int32_t len, int64_t v, int32_t depth) {
  value = v;
  if (depth == 0)
    __builtin_trap();
  char path[REALM_NAME_MAX + 1];
  int32_t rest = first(list, len, path, sizeof path);
  if (rest < 0)
    return 0;
  struct realm_arg args[3] = {
      realm_arg_bytes(list + rest, (uint32_t)(len - rest)), realm_arg_i64(v),
      realm_arg_i64(depth - 1)};
  int64_t result = 0;
  int32_t st = realm_call_fn(path, "nest", args, 3, 0, 0, &result);
  return st != REALM_OK ? st : result;
}

/* Replies "self<caller" and, after '|', what the next realm of the list
 * replied: the identities seen along the chain. */
REALM_EXPORT(whois) int32_t whois(const char *list, int32_t len) {
  char me[REALM_NAME_MAX + 1], path[REALM_NAME_MAX + 1];
  int32_t n = realm_self(text, REALM_NAME_MAX);
  text[n++] = '<';
  n += realm_caller(text + n, REALM_NAME_MAX);
  (void)me;
  int32_t rest = first(list, len, path, sizeof path);
  int32_t st = REALM_OK;
  if (rest >= 0) {
    char out[REALM_REPLY_MAX];
    struct realm_arg args[1] = {
        realm_arg_bytes(list + rest, (uint32_t)(len - rest))};
    struct realm_call c;
    memset(&c, 0, sizeof c);
    c.path = path;
    c.path_len = (uint32_t)strlen(path);
    c.fn = "whois";
    c.fn_len = 5;
    c.out = out;
    c.out_cap = sizeof out - 200;
    c.nargs = 1;
    c.args[0] = args[0];
    st = realm_call(&c);
    text[n++] = '|';
    if (st == REALM_OK) {
      memcpy(text + n, out, c.out_len);
      n += (int32_t)c.out_len;
    }
  }
  realm_reply(text, n);
  return st;
}

/* n turns of a loop the compiler keeps. */
REALM_EXPORT(burn) int64_t burn(int64_t n) {
  volatile int64_t s = 0;
  for (int64_t i = 0; i < n; i++)
    s += i;
  return s;
}

/* Calls path's burn(n) with at most cap fuel: the status. */
REALM_EXPORT(burn_capped)
int32_t burn_capped(const char *path, int32_t len, int64_t n, int64_t cap) {
  char p[REALM_NAME_MAX + 1];
  if (len > REALM_NAME_MAX)
    return REALM_E_ARG;
  memcpy(p, path, (size_t)len);
  p[len] = 0;
  struct realm_call c;
  memset(&c, 0, sizeof c);
  c.path = p;
  c.path_len = (uint32_t)len;
  c.fn = "burn";
  c.fn_len = 4;
  c.nargs = 1;
  c.fuel = (uint64_t)cap;
  c.args[0] = realm_arg_i64(n);
  return realm_call(&c);
}

static volatile int32_t forever = 1;
static int32_t deep_at(int32_t n) {
  volatile char pad[64];
  pad[0] = (char)n;
  return forever ? deep_at(n + 1) + pad[0] : 0;
}
REALM_EXPORT(deep) int32_t deep(void) { return deep_at(0); }

REALM_EXPORT(spin) void spin(void) {
  for (;;)
    __asm__ volatile("");
}

/* Arms n timers of ms each: how many were accepted before an error. */
REALM_EXPORT(timers) int32_t timers(int32_t n, int32_t ms) {
  int32_t ok = 0;
  while (ok < n && realm_timer(ok, ms) == REALM_OK)
    ok++;
  return ok;
}

REALM_EXPORT(on_timer) void on_timer(int32_t id) {
  (void)id;
  fired++;
}

REALM_EXPORT(on_random) void on_random(int32_t id, const void *p, int32_t n) {
  (void)id, (void)p, (void)n;
}

REALM_EXPORT(bind) int32_t bind(int32_t port) { return realm_udp_bind(port); }

/* Replies n bytes. */
REALM_EXPORT(bigreply) int32_t bigreply(int32_t n) {
  static char buf[1024];
  memset(buf, 'x', sizeof buf);
  return realm_reply(buf, n);
}

/* Calls path's bigreply(n) into an out buffer of cap bytes: the status. */
REALM_EXPORT(callbig)
int32_t callbig(const char *path, int32_t len, int32_t n, int32_t cap) {
  char p[REALM_NAME_MAX + 1], out[64];
  if (len > REALM_NAME_MAX || cap > (int32_t)sizeof out)
    return REALM_E_ARG;
  memcpy(p, path, (size_t)len);
  p[len] = 0;
  struct realm_arg a[1] = {realm_arg_i64(n)};
  return realm_call_fn(p, "bigreply", a, 1, out, (uint32_t)cap, 0);
}

/* The bytes argument's length (the gateway's bytes into the inbox). */
REALM_EXPORT(inbox_len) int32_t inbox_len(const char *p, int32_t n) {
  (void)p;
  return n;
}

/* The services given bad pointers and lengths: one bit per refusal seen
 * as the ABI says (0x7f: all seven). */
REALM_EXPORT(badptr) int32_t badptr(void) {
  int32_t bits = 0;
  const void *far = (const void *)(uintptr_t)0xfffffff0u;
  bits |= (realm_reply(far, 100) == REALM_E_BOUNDS) << 0;
  bits |= (realm_self((char *)(uintptr_t)0xfffffff0u, 64) == REALM_E_BOUNDS)
          << 1;
  bits |= (realm_call((struct realm_call *)(uintptr_t)0xffffff00u) ==
           REALM_E_BOUNDS)
          << 2;
  struct realm_call c;
  memset(&c, 0, sizeof c);
  c.path = (const char *)far;
  c.path_len = 40;
  c.fn = "get";
  c.fn_len = 3;
  bits |= (realm_call(&c) == REALM_E_BOUNDS) << 3;
  c.path = "r/test/a";
  c.path_len = 8;
  c.nargs = 1;
  c.args[0] = realm_arg_bytes(text, 0x7fffffff);
  bits |= (realm_call(&c) == REALM_E_BOUNDS) << 4;
  bits |= (realm_random(1, 1000) == REALM_E_ARG) << 5;
  static char big[600];
  bits |= (realm_reply(big, sizeof big) == REALM_E_LIMIT) << 6;
  realm_reply(0, 0);
  return bits;
}
