/* load.c: a realm from its image. The manifest is read first (it is the
 * only thing trusted), then the module is decoded, validated and linked
 * against the imports the manifest allows, with the manifest's memory
 * bound. A realm that fails any step is reported with the engine's error
 * (section, offset, reason) and left out; the others load anyway. */
#include "manager.h"

#include "kstring.h"

static void report(const struct realm_image *img, const char *what,
                   const wasm_error *e) {
  printk("realm %s: not loaded: %s: %s%s%s at offset %u: %s\n", img->name, what,
         e->section[0] ? "section " : "", e->section, e->section[0] ? "," : "",
         (unsigned)e->offset, e->reason);
}

realm_t *realm_find(realm_mgr_t *m, const char *path, uint32_t len) {
  for (unsigned i = 0; i < m->n; i++) {
    realm_t *r = &m->realms[i];
    if (r->path_len == len && kmemcmp(r->id.path, path, len) == 0)
      return r;
  }
  return NULL;
}

static bool has_prefix(const char *s, uint32_t n, const char *p) {
  uint32_t pn = (uint32_t)kstrlen(p);
  return n >= pn && kmemcmp(s, p, pn) == 0;
}

static wasm_func *export_func(realm_t *r, const char *name, uint32_t len) {
  wasm_extern e;
  if (!wasm_instance_export(r->inst, name, len, &e) ||
      e.kind != WASM_EXTERN_FUNC)
    return NULL;
  return e.u.func;
}

/* The kernel's entry points are not callable by realms or the network. */
wasm_func *realm_export(realm_t *r, const char *name, uint32_t len) {
  for (unsigned i = 0; i < REALM_EXPORT_CACHE; i++) {
    realm_export_cache_t *c = &r->exports[i];
    if (c->fn && c->len == len && kmemcmp(c->name, name, len) == 0)
      return c->fn;
  }
  if ((len == 4 && kmemcmp(name, "init", 4) == 0) ||
      has_prefix(name, len, "on_") || has_prefix(name, len, "realm_"))
    return NULL;
  wasm_func *fn = export_func(r, name, len);
  if (fn && len <= sizeof r->exports[0].name) {
    realm_export_cache_t *c = &r->exports[r->export_next];
    r->export_next = (uint8_t)((r->export_next + 1) % REALM_EXPORT_CACHE);
    c->len = (uint8_t)len;
    kmemcpy(c->name, name, len);
    c->fn = fn;
  }
  return fn;
}

static wasm_func *entry(realm_t *r, const char *name) {
  return export_func(r, name, (uint32_t)kstrlen(name));
}

/* An i32 from an export of no arguments (the SDK's inbox address and
 * size), run with a small budget before the realm is in any transaction. */
static bool ask(realm_t *r, const char *name, uint32_t *out) {
  wasm_func *f = entry(r, name);
  if (!f)
    return false;
  const wasm_functype *t = wasm_func_type(f);
  if (t->nparams != 0 || t->nresults != 1 || t->results[0] != WASM_I32)
    return false;
  wasm_exec_set_fuel(r->x, 1000);
  if (wasm_call(r->x, f, NULL, 0) != WASM_OK) {
    wasm_exec_reset(r->x);
    return false;
  }
  uint32_t n;
  const wasm_value *v = wasm_exec_results(r->x, &n);
  *out = v[0].i32;
  return true;
}

static bool check_type(wasm_func *f, uint32_t np, uint8_t want) {
  if (!f)
    return true;
  const wasm_functype *t = wasm_func_type(f);
  if (t->nparams != np || t->nresults != 0)
    return false;
  for (uint32_t i = 0; i < np; i++)
    if (t->params[i] != want)
      return false;
  return true;
}

static kerr_t fail(realm_mgr_t *m, size_t mark, const struct realm_image *img,
                   const char *why) {
  if (why)
    printk("realm %s: not loaded: %s\n", img->name, why);
  m->arena.used = mark;
  m->stats.load_failed++;
  return KERR_INVALID;
}

kerr_t realm_load(realm_mgr_t *m, const struct realm_image *img) {
  size_t mark = m->arena.used;
  if (m->n == REALM_MAX)
    return fail(m, mark, img, "too many realms (REALM_MAX)");
  realm_t *r = &m->realms[m->n];
  kmemset(r, 0, sizeof *r);
  r->m = m;
  r->img = img;
  char why[96];
  if (realm_manifest_parse(img->manifest, img->manifest_len, &r->mf, why,
                           sizeof why) != KERR_OK) {
    printk("realm %s: not loaded: manifest: %s\n", img->name, why);
    return fail(m, mark, img, NULL);
  }
  uint32_t plen = (uint32_t)kstrlen(r->mf.path);
  if (realm_find(m, r->mf.path, plen))
    return fail(m, mark, img, "a realm with this path is loaded already");
  if (realm_identity_init(&r->id, r->mf.path, plen, img->module,
                          img->module_len) != KERR_OK)
    return fail(m, mark, img, "bad path");
  r->path_len = plen;

  wasm_limits lim = {
      .max_module_bytes = 1u << 20,
      .max_pages = r->mf.memory_pages,
      .max_table_size = REALM_TABLE_MAX,
      .max_call_depth = REALM_WASM_FRAMES,
      .max_stack_slots = REALM_STACK_SLOTS,
  };
  wasm_error e;
  r->mod = wasm_module_load(img->module, img->module_len, &m->arena, &lim, &e);
  if (!r->mod) {
    report(img, "module", &e);
    return fail(m, mark, img, NULL);
  }
  r->x = wasm_exec_new(&m->arena, &lim);
  if (!r->x)
    return fail(m, mark, img, "out of arena (REALM_ARENA_BYTES)");
  wasm_exec_set_fuel(r->x, r->mf.fuel);
  r->inst =
      wasm_instantiate(r->mod, &m->arena, &lim, realm_resolve, r, r->x, &e);
  if (!r->inst) {
    report(img, "instantiate", &e);
    return fail(m, mark, img, NULL);
  }
  wasm_extern mem;
  if (!wasm_instance_export(r->inst, "memory", 6, &mem) ||
      mem.kind != WASM_EXTERN_MEMORY)
    return fail(m, mark, img, "it exports no memory");
  r->mem = mem.u.memory;
  if (!ask(r, "realm_inbox", &r->inbox) ||
      !ask(r, "realm_inbox_cap", &r->inbox_cap) ||
      !wasm_memory_ptr(r->mem, r->inbox, r->inbox_cap))
    return fail(m, mark, img, "no inbox (realm_inbox, realm_inbox_cap)");
  r->init = entry(r, "init");
  r->on_timer = entry(r, "on_timer");
  r->on_udp = entry(r, "on_udp");
  r->on_random = entry(r, "on_random");
  if (!check_type(r->on_timer, 1, WASM_I32) ||
      !check_type(r->on_udp, 6, WASM_I32) ||
      !check_type(r->on_random, 3, WASM_I32) ||
      !check_type(r->init, 0, WASM_I32))
    return fail(m, mark, img, "an entry point (init, on_*) of the wrong type");
  if (!wasm_journal_attach(&m->journal, r->inst, &m->arena))
    return fail(m, mark, img, "out of arena for the undo marks");
  for (unsigned i = 0; i < REALM_SOCKS; i++)
    r->socks[i].r = r;
  for (unsigned i = 0; i < REALM_TIMERS; i++)
    r->timers[i].r = r;
  m->n++;
  m->stats.loaded++;
  char addr[REALM_ADDR_HEX];
  realm_address_hex(r->id.address, addr);
  printk("realm %s: loaded, address %s, %u bytes, %u pages at most\n",
         r->id.path, addr, (unsigned)img->module_len,
         (unsigned)r->mf.memory_pages);
  return KERR_OK;
}
