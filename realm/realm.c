/* realm.c: the manager's start. Realms load in the order given; each that
 * loads gets its init (if it exports one) as its first transaction, queued
 * in the same order, so a realm's init may call a realm loaded before it.
 * A realm that fails to load is reported and left out; the others start. */
#include "manager.h"

#include "kstring.h"

static uint8_t arena_mem[REALM_ARENA_BYTES] __attribute__((aligned(16)));
static uint8_t undo_log[REALM_UNDO_BYTES] __attribute__((aligned(16)));

kerr_t realm_start(kernel_t *k, const struct realm_image *images, unsigned n,
                   const realm_config_t *cfg) {
  realm_mgr_t *m = &realm_mgr;
  kmemset(m, 0, sizeof *m);
  m->k = k;
  m->cfg = *cfg;
  wasm_arena_init(&m->arena, arena_mem, sizeof arena_mem);
  wasm_journal_init(&m->journal, undo_log, sizeof undo_log);
  for (unsigned i = 0; i < n; i++)
    realm_load(m, &images[i]);
  for (unsigned i = 0; i < m->n; i++) {
    realm_t *r = &m->realms[i];
    if (r->init && !realm_event_new(m, r, EV_INIT))
      printk("realm %s: init not queued (REALM_EVENTS)\n", r->id.path);
  }
  printk("realm: %u loaded, %u failed, arena %u of %u KiB\n",
         (unsigned)m->stats.loaded, (unsigned)m->stats.load_failed,
         (unsigned)(m->arena.used >> 10), (unsigned)(sizeof arena_mem >> 10));
  if (cfg->gateway_port)
    return realm_gateway_start(m, cfg->gateway_port);
  return KERR_OK;
}

const realm_stats_t *realm_stats(void) { return &realm_mgr.stats; }
