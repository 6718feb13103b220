/* services.c: the imports a realm may use (module "realm"; the list and
 * their meaning are in realm/sdk/realm.h). Each is a host function whose
 * env is the realm, so a realm can only ever name itself. Every pointer
 * and length is checked against the realm's own memory; writes go through
 * the engine, so the undo journal sees them. What reaches the kernel
 * (sockets, datagrams, timers, random bytes) is an effect: checked against
 * the manifest now, done on commit (effects.c). */
#include "manager.h"

#include "kfmt.h"
#include "kstring.h"

int32_t realm_write(realm_t *r, uint32_t addr, const void *src, uint32_t len) {
  return wasm_memory_write(r->mem, addr, src, len) ? REALM_OK : REALM_E_BOUNDS;
}

int32_t realm_read(realm_t *r, uint32_t addr, void *dst, uint32_t len) {
  return wasm_memory_read(r->mem, addr, dst, len) ? REALM_OK : REALM_E_BOUNDS;
}

#define ENTER()                                                                \
  realm_t *r = wasm_host_env(c);                                               \
  realm_mgr_t *m = r->m;                                                       \
  (void)r;                                                                     \
  (void)args;                                                                  \
  realm_charge(m, REALM_FUEL_IMPORT)
#define RETURN_I32(v)                                                          \
  do {                                                                         \
    res[0].i64 = (uint32_t)(int32_t)(v);                                       \
    return WASM_OK;                                                            \
  } while (0)

static wasm_status h_log(wasm_host_call *c, const wasm_value *args,
                         wasm_value *res) {
  ENTER();
  (void)res;
  uint32_t len = KMIN(args[1].i32, REALM_LOG_MAX);
  const uint8_t *p = wasm_memory_ptr(r->mem, args[0].i32, len);
  if (!p)
    return WASM_TRAPPED; /* a bad pointer is the realm's own bug */
  if (m->tx.logs++ >= REALM_LOGS_PER_TX) {
    m->stats.logs_dropped++;
    return WASM_OK;
  }
  char line[REALM_LOG_MAX + 1];
  for (uint32_t i = 0; i < len; i++)
    line[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
  line[len] = 0;
  printk("[%s] %s\n", r->id.path, line);
  return WASM_OK;
}

/* A deliberate failure: the message goes to whoever called. */
static wasm_status h_abort(wasm_host_call *c, const wasm_value *args,
                           wasm_value *res) {
  ENTER();
  (void)res;
  realm_tx_t *tx = &m->tx;
  uint32_t len = KMIN(args[1].i32, REALM_ABORT_MAX);
  const char *p = wasm_memory_ptr(r->mem, args[0].i32, len);
  if (p)
    realm_set_msg(tx, p, len);
  else
    realm_set_msg(tx, "abort (message out of bounds)", 29);
  realm_top(m)->aborted = true;
  return WASM_TRAPPED;
}

static int32_t put_text(realm_t *r, uint32_t buf, uint32_t cap, const char *s,
                        uint32_t n) {
  if (realm_write(r, buf, s, KMIN(n, cap)) != REALM_OK)
    return REALM_E_BOUNDS;
  return (int32_t)n;
}

static wasm_status h_self(wasm_host_call *c, const wasm_value *args,
                          wasm_value *res) {
  ENTER();
  RETURN_I32(put_text(r, args[0].i32, args[1].i32, r->id.path, r->path_len));
}

static wasm_status h_caller(wasm_host_call *c, const wasm_value *args,
                            wasm_value *res) {
  ENTER();
  const realm_caller_t *who = &realm_top(m)->caller;
  char text[40];
  const char *s = text;
  if (who->realm) {
    s = who->realm->id.path;
  } else if (who->kind == REALM_CALLER_NET) {
    char ip[KFMT_IP4_LEN];
    ksnprintf(text, sizeof text, "net:%s:%u", kfmt_ip4(ip, who->peer),
              (unsigned)who->peer_port);
  } else {
    s = who->what;
  }
  RETURN_I32(put_text(r, args[0].i32, args[1].i32, s, (uint32_t)kstrlen(s)));
}

static wasm_status h_caller_kind(wasm_host_call *c, const wasm_value *args,
                                 wasm_value *res) {
  ENTER();
  RETURN_I32(realm_top(m)->caller.kind);
}

static wasm_status h_now(wasm_host_call *c, const wasm_value *args,
                         wasm_value *res) {
  ENTER();
  res[0].i64 = ktime_now(m->k);
  return WASM_OK;
}

static wasm_status h_reply(wasm_host_call *c, const wasm_value *args,
                           wasm_value *res) {
  ENTER();
  realm_frame_t *f = realm_top(m);
  uint32_t len = args[1].i32;
  if (len > REALM_REPLY_MAX)
    RETURN_I32(REALM_E_LIMIT);
  if (realm_read(r, args[0].i32, f->reply, len) != REALM_OK)
    RETURN_I32(REALM_E_BOUNDS);
  realm_charge(m, len / 8 * REALM_FUEL_PER_8_BYTES);
  f->has_reply = true;
  f->reply_len = (uint16_t)len;
  RETURN_I32(REALM_OK);
}

static wasm_status h_error(wasm_host_call *c, const wasm_value *args,
                           wasm_value *res) {
  ENTER();
  RETURN_I32(
      put_text(r, args[0].i32, args[1].i32, r->last_error, r->last_error_len));
}

static wasm_status h_random(wasm_host_call *c, const wasm_value *args,
                            wasm_value *res) {
  ENTER();
  uint32_t n = args[1].i32;
  if (!r->on_random)
    RETURN_I32(REALM_E_NOFUNC);
  if (n == 0 || n > sizeof r->rng_buf)
    RETURN_I32(REALM_E_ARG);
  if (r->rng_live || realm_effects_count(m, FX_RANDOM, r))
    RETURN_I32(REALM_E_LIMIT);
  realm_effect_t *e = realm_effect_add(m, FX_RANDOM, r);
  if (!e)
    RETURN_I32(REALM_E_LIMIT);
  e->a = (int32_t)args[0].i32;
  e->b = n;
  RETURN_I32(REALM_OK);
}

static wasm_status h_timer(wasm_host_call *c, const wasm_value *args,
                           wasm_value *res) {
  ENTER();
  if (!r->on_timer)
    RETURN_I32(REALM_E_NOFUNC);
  uint32_t most = KMIN(r->mf.timers, REALM_TIMERS);
  realm_timer_t *slot = NULL;
  uint32_t taken = 0;
  for (uint32_t i = 0; i < REALM_TIMERS; i++) {
    if (r->timers[i].state != TIMER_FREE)
      taken++;
    else if (!slot)
      slot = &r->timers[i];
  }
  if (taken >= most || !slot)
    RETURN_I32(REALM_E_LIMIT);
  realm_effect_t *e = realm_effect_add(m, FX_TIMER, r);
  if (!e)
    RETURN_I32(REALM_E_LIMIT);
  slot->state = TIMER_RESERVED;
  slot->id = (int32_t)args[0].i32;
  e->a = (int32_t)(slot - r->timers);
  e->b = args[1].i32;
  RETURN_I32(REALM_OK);
}

static wasm_status h_udp_bind(wasm_host_call *c, const wasm_value *args,
                              wasm_value *res) {
  ENTER();
  uint32_t port = args[0].i32;
  bool granted = false;
  for (uint32_t i = 0; i < r->mf.nudp; i++)
    granted |= r->mf.udp[i] == port;
  if (!granted || port == 0 || port > 65535)
    RETURN_I32(REALM_E_DENIED);
  int32_t free = -1;
  for (int32_t i = 0; i < REALM_SOCKS; i++) {
    if (r->socks[i].state != SOCK_FREE && r->socks[i].port == port)
      RETURN_I32(REALM_E_ARG); /* bound, or being bound, already */
    if (r->socks[i].state == SOCK_FREE && free < 0)
      free = i;
  }
  if (free < 0)
    RETURN_I32(REALM_E_LIMIT);
  realm_effect_t *e = realm_effect_add(m, FX_BIND, r);
  if (!e)
    RETURN_I32(REALM_E_LIMIT);
  r->socks[free].state = SOCK_RESERVED;
  r->socks[free].port = (uint16_t)port;
  e->a = free;
  RETURN_I32(free);
}

static wasm_status h_udp_send(wasm_host_call *c, const wasm_value *args,
                              wasm_value *res) {
  ENTER();
  uint32_t sock = args[0].i32, port = args[2].i32, len = args[4].i32;
  realm_tx_t *tx = &m->tx;
  if (sock >= REALM_SOCKS || r->socks[sock].state != SOCK_BOUND || port == 0 ||
      port > 65535 || len > KUDP_MAX_PAYLOAD)
    RETURN_I32(REALM_E_ARG);
  const uint8_t *p = wasm_memory_ptr(r->mem, args[3].i32, len);
  if (!p)
    RETURN_I32(REALM_E_BOUNDS);
  if (realm_effects_count(m, FX_SEND, r) >= r->mf.sends ||
      len > sizeof tx->fx_bytes - tx->fx_used)
    RETURN_I32(REALM_E_LIMIT);
  realm_effect_t *e = realm_effect_add(m, FX_SEND, r);
  if (!e)
    RETURN_I32(REALM_E_LIMIT);
  realm_charge(m, len / 8 * REALM_FUEL_PER_8_BYTES);
  e->a = (int32_t)sock;
  e->b = args[1].i32;
  e->port = (uint16_t)port;
  e->len = (uint16_t)len;
  e->off = tx->fx_used;
  kmemcpy(tx->fx_bytes + tx->fx_used, p, len);
  tx->fx_used += len;
  RETURN_I32(REALM_OK);
}

/* ---- the table the resolver links from ----------------------------------- */

#define I32 WASM_I32
#define I64 WASM_I64
static const uint8_t P_NONE[1] = {0};
static const uint8_t P_I32[1] = {I32};
static const uint8_t P_I32x2[2] = {I32, I32};
static const uint8_t P_I32x5[5] = {I32, I32, I32, I32, I32};
static const uint8_t R_I32[1] = {I32};
static const uint8_t R_I64[1] = {I64};

static const struct {
  const char *name;
  wasm_host_fn fn;
  uint8_t np;
  const uint8_t *params;
  const uint8_t *result; /* NULL: none */
} services[] = {
    {"log", h_log, 2, P_I32x2, NULL},
    {"abort", h_abort, 2, P_I32x2, NULL},
    {"self", h_self, 2, P_I32x2, R_I32},
    {"caller", h_caller, 2, P_I32x2, R_I32},
    {"caller_kind", h_caller_kind, 0, P_NONE, R_I32},
    {"now", h_now, 0, P_NONE, R_I64},
    {"random", h_random, 2, P_I32x2, R_I32},
    {"timer", h_timer, 2, P_I32x2, R_I32},
    {"udp_bind", h_udp_bind, 1, P_I32, R_I32},
    {"udp_send", h_udp_send, 5, P_I32x5, R_I32},
    {"call", realm_call_import, 1, P_I32, R_I32},
    {"reply", h_reply, 2, P_I32x2, R_I32},
    {"error", h_error, 2, P_I32x2, R_I32},
};

/* The engine checks the import's type against the one made here. */
bool realm_resolve(void *env, const char *module, uint32_t mlen,
                   const char *name, uint32_t nlen, wasm_extern *out) {
  realm_t *r = env;
  if (mlen != 5 || kmemcmp(module, "realm", 5) != 0)
    return false;
  for (unsigned i = 0; i < KARRAY_SIZE(services); i++) {
    if (kstrlen(services[i].name) != nlen ||
        kmemcmp(services[i].name, name, nlen) != 0)
      continue;
    wasm_functype t = {
        .nparams = services[i].np,
        .nresults = services[i].result ? 1 : 0,
        .params = services[i].params,
        .results = services[i].result,
    };
    out->kind = WASM_EXTERN_FUNC;
    out->u.func = wasm_host_func_new(&r->m->arena, &t, services[i].fn, r);
    return out->u.func != NULL;
  }
  return false;
}
