/* spinner (r/demo/spinner): loops for ever. init arms a 100 ms timer and
 * returns; on_timer and spin() never return: each runs out of its fuel
 * (the manifest gives 2,000,000 a transaction), fails, and is undone,
 * while the other realms keep answering. */
#include "realm.h"

/* Written on each turn, so that the loop is not empty. */
static volatile uint32_t turns;

static void forever(void) {
  for (;;)
    turns++;
}

REALM_EXPORT(init) void init(void) {
  if (realm_timer(1, 100) != REALM_OK)
    realm_log("spinner: no timer");
}

REALM_EXPORT(on_timer) void on_timer(int32_t id) {
  (void)id;
  forever();
}

REALM_EXPORT(spin) void spin(void) { forever(); }
