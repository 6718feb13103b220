/* hostile_init_trap: its init writes, then traps: the write is undone. */
#include "realm.h"

static int32_t state = 7;

REALM_EXPORT(init) void init(void) {
  state = 8;
  __builtin_trap();
}

REALM_EXPORT(state) int32_t get_state(void) { return state; }
