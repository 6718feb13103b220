/* hostile_init_spin: its init never returns. Its first transaction runs
 * out of fuel and is undone; the realm stays loaded, and calls to it run
 * on the state its module started with. */
#include "realm.h"

static int32_t state = 7;

REALM_EXPORT(init) void init(void) {
  state = 8;
  for (;;)
    __asm__ volatile("");
}

REALM_EXPORT(state) int32_t get_state(void) { return state; }
