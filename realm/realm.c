/* realm.c: the manager's start. Realms load in the order given; each that
 * loads gets its init (if it exports one) as its first transaction, queued
 * in the same order, so a realm's init may call a realm loaded before it.
 * A realm that fails to load is reported and left out; the others start.
 *
 * One manager per kernel, from a static pool of REALM_MANAGERS (1; the
 * simulator runs a kernel per node in one process and asks for more). A
 * kernel that boots again (the simulator's power cuts) gets its own
 * manager back, emptied. */
#include "manager.h"

#include "kstring.h"

#ifndef REALM_MANAGERS
#define REALM_MANAGERS 1
#endif

static realm_mgr_t managers[REALM_MANAGERS];

static realm_mgr_t *manager_of(kernel_t *k) {
  for (unsigned i = 0; i < REALM_MANAGERS; i++)
    if (managers[i].k == k)
      return &managers[i];
  for (unsigned i = 0; i < REALM_MANAGERS; i++)
    if (managers[i].k == NULL)
      return &managers[i];
  return NULL;
}

kerr_t realm_start(kernel_t *k, const struct realm_image *images, unsigned n,
                   const realm_config_t *cfg) {
  realm_mgr_t *m = manager_of(k);
  if (!m) {
    printk("realm: no manager left (REALM_MANAGERS)\n");
    return KERR_NO_SPACE;
  }
  kmemset(m, 0, offsetof(realm_mgr_t, arena_mem));
  m->k = k;
  m->cfg = *cfg;
  wasm_arena_init(&m->arena, m->arena_mem, sizeof m->arena_mem);
  wasm_journal_init(&m->journal, m->undo_log, sizeof m->undo_log);
  for (unsigned i = 0; i < n; i++)
    realm_load(m, &images[i]);
  for (unsigned i = 0; i < m->n; i++) {
    realm_t *r = &m->realms[i];
    if (r->init && !realm_event_new(m, r, EV_INIT))
      printk("realm %s: init not queued (REALM_EVENTS)\n", r->id.path);
  }
  printk("realm: %u loaded, %u failed, arena %u of %u KiB\n",
         (unsigned)m->stats.loaded, (unsigned)m->stats.load_failed,
         (unsigned)(m->arena.used >> 10),
         (unsigned)(sizeof m->arena_mem >> 10));
  if (cfg->gateway_port)
    return realm_gateway_start(m, cfg->gateway_port);
  return KERR_OK;
}

realm_mgr_t *realm_manager_of(kernel_t *k) {
  for (unsigned i = 0; i < REALM_MANAGERS; i++)
    if (managers[i].k == k)
      return &managers[i];
  return NULL;
}

const realm_stats_t *realm_stats(kernel_t *k) {
  realm_mgr_t *m = realm_manager_of(k);
  return m ? &m->stats : NULL;
}
