/* limits.c: the embedder's limits against the engine's size arithmetic,
 * checked once per run before the spec files. They matter on the i386
 * build (make test-wasm runs it under qemu-i386), where size_t has 32
 * bits: a frame stack of 0x15555556 frames of 12 bytes once wrapped to an
 * 8-byte array, and recursion then wrote over the arena. Each limit here
 * asks for more than the address space, so wasm_exec_new must refuse it
 * (NULL) whatever the arena holds. */
#include <stdio.h>
#include <stdlib.h>

#include "runner.h"

/* 0x15555556 * 12 and 0x20000001 * 8 wrap to 8 in 32 bits; the others wrap
 * for the frame sizes of other 32-bit layouts (16 and 24 bytes). */
static const struct {
  uint32_t depth, slots;
} huge[] = {
    {0x15555556u, 16}, {0x10000001u, 16}, {0x0aaaaaabu, 16},
    {16, 0x20000001u}, {0xffffffffu, 16}, {16, 0xffffffffu},
};

counts limits_check(void) {
  counts c = {0, 0, 0};
  size_t bytes = 1u << 20;
  void *mem = malloc(bytes);
  for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++) {
    wasm_arena a;
    wasm_arena_init(&a, mem, bytes);
    wasm_limits lim = wasm_default_limits;
    lim.max_call_depth = huge[i].depth;
    lim.max_stack_slots = huge[i].slots;
    if (mem && wasm_exec_new(&a, &lim) == NULL) {
      c.passed++;
    } else {
      c.failed++;
      printf("limits: wasm_exec_new took depth %#x, slots %#x in a %zu-byte "
             "arena\n",
             (unsigned)huge[i].depth, (unsigned)huge[i].slots, bytes);
    }
  }
  free(mem);
  if (runner_verbose || c.failed)
    printf("limits: %lu passed, %lu failed, 0 skipped\n", c.passed, c.failed);
  return c;
}
