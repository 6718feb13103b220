/* fuzz_realm.c: libFuzzer harness for a realm's module as the manager
 * loads and runs it: the input is the module; the manifest is fixed (one
 * page, 200,000 fuel, a timer, UDP 9999). It is loaded with the realm
 * services as its imports, its init runs, then every exported function
 * whose parameters are i32 or i64 is called once as a gateway request
 * with arguments drawn from the module's own bytes, each a transaction.
 * Whatever the module does, the manager must end idle: no transaction
 * left, no event queued, the undo journal empty, and the sanitizers
 * quiet. The kernel is the unit tests' fake (no devices: effects that
 * reach the kernel are refused and counted). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_platform.h"
#include "internal.h"
#include "kernel.h"
#include "manager.h"
#include "wire.h"

static const char manifest[] = "path r/fuzz/realm\n"
                               "memory_pages 1\n"
                               "fuel 200000\n"
                               "timers 1\n"
                               "udp 9999\n";

static kernel_t g_k;

static realm_mgr_t *boot(const uint8_t *data, size_t size) {
  /* a fresh kernel each time: nothing of the last run stays on its
   * timer heap */
  fake_platform_reset();
  kmain_init(&g_k, NULL);
  struct realm_image img = {"fuzz", data, (uint32_t)size, manifest,
                            sizeof manifest - 1};
  realm_config_t cfg = {.gateway_port = 0};
  realm_start(&g_k, &img, 1, &cfg);
  return realm_manager_of(&g_k);
}

/* Run the loop until the manager has nothing left (bounded: a slice per
 * tick, and the budget ends every transaction). */
static void settle(realm_mgr_t *m) {
  for (int i = 0; i < 200 && (m->tx.active || m->ev_count); i++) {
    kmain_tick(&g_k, fake_clock(&g_k));
    fake_clock_advance(&g_k, KTIME_US(10));
  }
}

/* A gateway request for export e, arguments from seed. */
static void call(realm_mgr_t *m, realm_t *r, const wasm_export *e,
                 const uint8_t *seed, size_t n) {
  const wasm_module *mod = r->mod;
  const wasm_functype *t = &mod->types[mod->func_type[e->idx]];
  struct realm_wire_request req = {.id = 1,
                                   .path = r->id.path,
                                   .path_len = (uint8_t)strlen(r->id.path),
                                   .fn = e->name,
                                   .fn_len = (uint8_t)e->len};
  if (e->len > REALM_WIRE_FN_MAX || t->nparams > REALM_WIRE_MAX_ARGS)
    return;
  for (uint32_t i = 0; i < t->nparams; i++) {
    if (t->params[i] != WASM_I32 && t->params[i] != WASM_I64)
      return;
    int64_t v = 0;
    if (n)
      memcpy(&v, seed + (i * 8) % n, n - (i * 8) % n < 8 ? n - (i * 8) % n : 8);
    req.args[i].tag = REALM_WIRE_TAG_I64;
    req.args[i].i64 = t->params[i] == WASM_I32 ? (int32_t)v : v;
  }
  req.nargs = (uint8_t)t->nparams;
  realm_event_t *ev = realm_event_new(m, NULL, EV_GATEWAY);
  if (!ev)
    return;
  ev->len =
      (uint16_t)realm_wire_encode_request(&req, ev->data, sizeof ev->data);
  settle(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  realm_mgr_t *m = boot(data, size);
  if (!m)
    abort();
  settle(m);
  if (m->n == 1) {
    realm_t *r = &m->realms[0];
    for (uint32_t i = 0; i < r->mod->nexports && i < 32; i++)
      if (r->mod->exports[i].kind == WASM_EXTERN_FUNC)
        call(m, r, &r->mod->exports[i], data, size);
  }
  if (m->tx.active || m->ev_count || wasm_journal_used(&m->journal) ||
      wasm_journal_depth(&m->journal))
    abort(); /* a transaction left open, or undo records kept */
  return 0;
}
