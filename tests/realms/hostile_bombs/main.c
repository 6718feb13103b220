/* hostile_bombs: each export tries to take more than its share: memory
 * (grow until refused, then write every page), the undo log (write all of
 * memory in one transaction), the stack (recursion without end), the loop
 * (spin) and other realms (calls with bad pointers and to itself). */
#include "realm.h"

REALM_EXPORT(grow_bomb) int32_t grow_bomb(void) {
  int32_t pages = (int32_t)__builtin_wasm_memory_size(0);
  while ((int32_t)__builtin_wasm_memory_grow(0, 1) >= 0)
    pages++;
  for (uint32_t a = 65536; a < (uint32_t)pages * 65536u; a += 4096)
    *(volatile uint8_t *)(uintptr_t)a = 1;
  return pages;
}

/* Writes every byte of its first page: more first writes than the undo
 * log holds, so the transaction fails with REALM_E_UNDO. */
REALM_EXPORT(undo_bomb) int32_t undo_bomb(void) {
  int32_t pages = (int32_t)__builtin_wasm_memory_size(0);
  for (uint32_t a = 1024; a < (uint32_t)pages * 65536u; a += 16)
    *(volatile uint8_t *)(uintptr_t)a ^= 0xff;
  return pages;
}

static volatile int32_t forever = 1;
static int32_t down(int32_t n) {
  volatile char pad[128];
  pad[0] = (char)n;
  return forever ? down(n + 1) + pad[0] : 0;
}
REALM_EXPORT(stack_bomb) int32_t stack_bomb(void) { return down(0); }

REALM_EXPORT(spin) void spin(void) {
  for (;;)
    __asm__ volatile("");
}

/* Calls itself (refused: re-entry) and the bank with a path pointer far
 * outside its memory: both errors, and it goes on. */
REALM_EXPORT(bad_calls) int32_t bad_calls(void) {
  int32_t a = realm_call_fn("r/hostile/bombs", "spin", 0, 0, 0, 0, 0);
  struct realm_call c;
  memset(&c, 0, sizeof c);
  c.path = (const char *)(uintptr_t)0xfffffff0u;
  c.path_len = 11;
  c.fn = "supply";
  c.fn_len = 6;
  int32_t b = realm_call(&c);
  return a == REALM_E_REENTRY && b == REALM_E_BOUNDS;
}
