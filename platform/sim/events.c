/* events.c: the simulator's event queue, a binary min-heap on (time,
 * sequence number). The sequence number makes events due at the same time
 * run in the order they were scheduled, which keeps runs reproducible. */
#include "sim.h"

#define SIM_MAX_EVENTS 65536

typedef struct {
  ktime_t at;
  uint64_t seq;
  sim_event_fn fn;
  void *arg;
  uint64_t a, b;
} event_t;

static event_t g_heap[SIM_MAX_EVENTS];
static uint32_t g_count;
static uint64_t g_seq;

static bool before(const event_t *x, const event_t *y) {
  return x->at < y->at || (x->at == y->at && x->seq < y->seq);
}

static void swap(uint32_t i, uint32_t j) {
  event_t t = g_heap[i];
  g_heap[i] = g_heap[j];
  g_heap[j] = t;
}

void sim_at(ktime_t at, sim_event_fn fn, void *arg, uint64_t a, uint64_t b) {
  if (g_count == SIM_MAX_EVENTS)
    sim_fail("event queue full (%u events)", SIM_MAX_EVENTS);
  uint32_t i = g_count++;
  g_heap[i] = (event_t){at, g_seq++, fn, arg, a, b};
  while (i > 0 && before(&g_heap[i], &g_heap[(i - 1) / 2])) {
    swap(i, (i - 1) / 2);
    i = (i - 1) / 2;
  }
}

static event_t pop(void) {
  event_t top = g_heap[0];
  g_heap[0] = g_heap[--g_count];
  uint32_t i = 0;
  for (;;) {
    uint32_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < g_count && before(&g_heap[l], &g_heap[m]))
      m = l;
    if (r < g_count && before(&g_heap[r], &g_heap[m]))
      m = r;
    if (m == i)
      break;
    swap(i, m);
    i = m;
  }
  return top;
}

bool sim_events_run_due(ktime_t now) {
  bool ran = false;
  while (g_count > 0 && g_heap[0].at <= now) {
    event_t e = pop();
    e.fn(e.arg, e.a, e.b);
    ran = true;
  }
  return ran;
}

ktime_t sim_events_next(void) { return g_count ? g_heap[0].at : KTIME_NEVER; }
