/* irq_ring.c: see irq_ring.h. The producer only writes `head`, the consumer
 * only writes `tail`; release/acquire order makes the entry visible before
 * the index that publishes it. */
#include "irq_ring.h"

#include <stdatomic.h>

static uint32_t g_entries[IRQ_RING_SIZE];
static _Atomic uint32_t g_head, g_tail;
static _Atomic uint32_t g_drops;
static _Atomic bool g_overflowed;

void irq_ring_push(uint32_t irq) {
  uint32_t head = atomic_load_explicit(&g_head, memory_order_relaxed);
  uint32_t tail = atomic_load_explicit(&g_tail, memory_order_acquire);
  if (head - tail >= IRQ_RING_SIZE) {
    atomic_fetch_add_explicit(&g_drops, 1, memory_order_relaxed);
    atomic_store_explicit(&g_overflowed, true, memory_order_release);
    return;
  }
  g_entries[head % IRQ_RING_SIZE] = irq;
  atomic_store_explicit(&g_head, head + 1, memory_order_release);
}

bool irq_ring_pop(uint32_t *irq) {
  uint32_t tail = atomic_load_explicit(&g_tail, memory_order_relaxed);
  uint32_t head = atomic_load_explicit(&g_head, memory_order_acquire);
  if (tail == head)
    return false;
  *irq = g_entries[tail % IRQ_RING_SIZE];
  atomic_store_explicit(&g_tail, tail + 1, memory_order_release);
  return true;
}

bool irq_ring_empty(void) {
  return atomic_load_explicit(&g_tail, memory_order_relaxed) ==
         atomic_load_explicit(&g_head, memory_order_acquire);
}

bool irq_ring_overflowed(void) {
  return atomic_exchange_explicit(&g_overflowed, false, memory_order_acq_rel);
}

uint32_t irq_ring_drops(void) {
  return atomic_load_explicit(&g_drops, memory_order_relaxed);
}
