/* blk_bench.c: block throughput inside the guest, through the public API.
 * Each phase runs at queue depth 1, then 32 (requests in flight):
 *
 *   seq-write  64 KiB requests over the first 64 MiB
 *   seq-read   the same, reading
 *   rand-read  4096 reads of 4 KiB at random 4 KiB-aligned offsets
 *
 * Each prints "blk-bench: <phase>-qd<depth> <bytes> bytes <ops> ops <ns> ns";
 * bench/blk_bench.py turns that into MiB/s and operations per second. The
 * disk must hold at least 64 MiB. */
#include "kapi.h"

#define DEPTH 32
#define SPAN (64u << 20)
#define SEQ_SIZE (64u << 10)
#define RAND_SIZE 4096u
#define RAND_OPS 4096u

static struct {
  kernel_t *k;
  kblk_info_t info;
  kblk_req_t req[DEPTH];
  uint8_t buf[DEPTH][SEQ_SIZE];
  const char *phase;
  uint32_t depth;
  uint32_t op, size, total, issued, done;
  bool random;
  uint32_t rng;
  ktime_t start;
  unsigned step;
} g;

static void next_phase(void);

static uint64_t offset_of(uint32_t n) {
  if (!g.random)
    return (uint64_t)n * g.size;
  g.rng ^= g.rng << 13; /* xorshift32 */
  g.rng ^= g.rng >> 17;
  g.rng ^= g.rng << 5;
  return (uint64_t)(g.rng % (SPAN / RAND_SIZE)) * RAND_SIZE;
}

static void issue(kblk_req_t *r);

static void on_done(kwork_t *w) {
  if (w->result != KERR_OK) {
    printk("blk-bench: FAIL %s: %s\n", g.phase, kerr_str(w->result));
    kmain_stop(g.k);
    return;
  }
  g.done++;
  if (g.issued < g.total)
    issue(KCONTAINER_OF(w, kblk_req_t, work));
  else if (g.done == g.total) {
    ktime_t ns = ktime_now(g.k) - g.start;
    printk("blk-bench: %s-qd%u %llu bytes %u ops %llu ns\n", g.phase, g.depth,
           (unsigned long long)g.total * g.size, g.total,
           (unsigned long long)ns);
    next_phase();
  }
}

static void issue(kblk_req_t *r) {
  uint32_t i = (uint32_t)(r - g.req);
  kwork_init(&r->work, g.op, NULL, on_done, 0);
  r->sector = offset_of(g.issued++) / KBLK_SECTOR;
  r->buffer = g.buf[i];
  r->length = g.size;
  if (ksubmit(g.k, &r->work) != KERR_OK) {
    printk("blk-bench: FAIL submit\n");
    kmain_stop(g.k);
  }
}

static void run(const char *phase, uint32_t op, uint32_t size, uint32_t total,
                bool random) {
  g.phase = phase, g.op = op, g.size = size, g.total = total;
  g.random = random, g.issued = g.done = 0, g.rng = 2463534242u;
  g.start = ktime_now(g.k);
  for (uint32_t i = 0; i < g.depth && i < total; i++)
    issue(&g.req[i]);
}

static void next_phase(void) {
  unsigned step = g.step++;
  if (step == 6) {
    printk("blk-bench: done\n");
    kmain_stop(g.k);
    return;
  }
  g.depth = step < 3 ? 1 : DEPTH;
  switch (step % 3) {
  case 0:
    return run("seq-write", KWORK_OP_BLOCK_WRITE, SEQ_SIZE, SPAN / SEQ_SIZE,
               false);
  case 1:
    return run("seq-read", KWORK_OP_BLOCK_READ, SEQ_SIZE, SPAN / SEQ_SIZE,
               false);
  default:
    return run("rand-read", KWORK_OP_BLOCK_READ, RAND_SIZE, RAND_OPS, true);
  }
}

void kmain_usermain(kernel_t *k) {
  g.k = k;
  if (kblk_info(k, &g.info) != KERR_OK || g.info.sectors * KBLK_SECTOR < SPAN) {
    printk("blk-bench: FAIL need a disk of at least 64 MiB\n");
    kmain_stop(k);
    return;
  }
  next_phase();
}
