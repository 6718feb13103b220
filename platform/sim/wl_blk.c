/* wl_blk.c: block writes, flushes, reads and power cuts. Every sector the
 * workload writes carries a stamp (node, sector, generation) and a pattern
 * made from it, so a read tells exactly which write it returns. The
 * workload's books, per sector:
 *   stable   the generation known to be durable: written, completed, and
 *            covered by a flush submitted after that and completed OK
 *   hist     generations written since (in flight, done, or failed): each
 *            may be on the disk after a power cut
 *   now      the generation a read must return (exact), unless a write to
 *            the sector failed since (then any of stable + hist)
 * Invariants: a read returns `now` while exact, else one of stable + hist,
 * never anything else; after a power cut, every sector reads back as stable
 * or one of hist (so every flushed write survived). The first thing a node
 * does after booting is read the whole disk and check it. */
#include <stdio.h>
#include <string.h>

#include "wl.h"

#define NSEC SIM_DISK_SECTORS
#define HIST 16
#define OPS 4     /* requests in flight per node */
#define MAX_RUN 8 /* sectors per request */
#define MAGIC 0x524c4d53u

typedef struct {
  uint32_t stable;
  uint32_t hist[HIST];
  uint32_t nhist;
  uint32_t now;
  bool exact;
  bool busy; /* a request of ours covers it */
} sector_t;

typedef struct {
  kblk_req_t q;
  kiovec_t seg[2];
  sim_node_t *n;
  bool outstanding;
  uint32_t first, count;
  uint32_t gens[MAX_RUN];
  uint8_t data[MAX_RUN * KBLK_SECTOR];
  uint32_t snap[NSEC]; /* flush: `now` of each exact, idle sector at submit */
  bool snap_ok[NSEC];
} op_t;

struct wl_blk {
  sector_t sec[NSEC];
  op_t op[OPS];
  uint32_t next_gen;
  uint32_t verify_next; /* boot check: next sector to read; NSEC: done */
  bool checking;
  uint32_t writes_since_flush;
};

static struct wl_blk g_wl[SIM_MAX_NODES];
static bool g_quiet;
static struct {
  uint64_t writes, flushes, reads, errors, sectors_checked, boot_checks,
      lost_power;
} g_n;

static void fill(uint8_t *p, int node, uint32_t sector, uint32_t gen) {
  if (gen == 0) { /* generation 0: the fresh disk's zeros */
    memset(p, 0, KBLK_SECTOR);
    return;
  }
  uint32_t h[4] = {MAGIC, (uint32_t)node, sector, gen};
  memcpy(p, h, sizeof(h));
  uint32_t x = gen * 2654435761u ^ sector * 40503u ^ (uint32_t)node;
  for (size_t i = sizeof(h); i < KBLK_SECTOR; i++) {
    x = x * 1103515245u + 12345u;
    p[i] = (uint8_t)(x >> 16);
  }
}

/* Which generation `p` holds for (node, sector), or -1 if none. */
static int64_t decode(const uint8_t *p, int node, uint32_t sector) {
  uint8_t want[KBLK_SECTOR];
  uint32_t h[4];
  memcpy(h, p, sizeof(h));
  uint32_t gen = h[0] == MAGIC ? h[3] : 0;
  fill(want, node, sector, gen);
  return memcmp(want, p, KBLK_SECTOR) == 0 ? gen : -1;
}

static bool allowed(const sector_t *s, uint32_t gen) {
  if (gen == s->stable)
    return true;
  for (uint32_t i = 0; i < s->nhist; i++)
    if (s->hist[i] == gen)
      return true;
  return false;
}

static void issue(op_t *o);

static void check_read(op_t *o) {
  struct wl_blk *b = o->n->blk;
  for (uint32_t i = 0; i < o->count; i++) {
    uint32_t sn = o->first + i;
    sector_t *s = &b->sec[sn];
    int64_t gen = decode(o->data + i * KBLK_SECTOR, o->n->id, sn);
    g_n.sectors_checked++;
    if (gen < 0)
      sim_fail("node %d: sector %u holds bytes no write put there", o->n->id,
               sn);
    if (s->exact && (uint32_t)gen != s->now)
      sim_fail("node %d: sector %u reads generation %lld, wrote %u last",
               o->n->id, sn, (long long)gen, s->now);
    if (!allowed(s, (uint32_t)gen))
      sim_fail("node %d: sector %u reads generation %lld: neither the "
               "flushed %u nor a later write",
               o->n->id, sn, (long long)gen, s->stable);
    if (b->checking) { /* after a power cut: the disk is what we read */
      s->stable = (uint32_t)gen;
      s->nhist = 0;
    }
    s->now = (uint32_t)gen;
    s->exact = true;
  }
}

static void done(kwork_t *w) {
  op_t *o = w->ctx;
  struct wl_blk *b = o->n->blk;
  if (!o->outstanding)
    sim_fail("node %d: a block request completed twice", o->n->id);
  o->outstanding = false;
  kerr_t r = w->result;
  if (r != KERR_OK && r != KERR_IO)
    sim_fail("node %d: block op %u: %s", o->n->id, w->op, kerr_str(r));
  if (r == KERR_IO)
    g_n.errors++;
  switch (w->op) {
  case KWORK_OP_BLOCK_WRITE:
    for (uint32_t i = 0; i < o->count; i++) {
      sector_t *s = &b->sec[o->first + i];
      s->busy = false;
      s->now = o->gens[i];
      s->exact = r == KERR_OK;
    }
    break;
  case KWORK_OP_BLOCK_READ:
    for (uint32_t i = 0; i < o->count; i++)
      b->sec[o->first + i].busy = false;
    if (r == KERR_OK)
      check_read(o);
    else if (b->checking)
      b->verify_next = o->first; /* read that part again */
    break;
  default: /* flush */
    if (r == KERR_OK)
      for (uint32_t sn = 0; sn < NSEC; sn++) {
        sector_t *s = &b->sec[sn];
        /* Flushes may finish out of order: an older one teaches nothing. */
        if (!o->snap_ok[sn] || o->snap[sn] <= s->stable)
          continue;
        /* Drop what came before the flushed generation. */
        uint32_t keep = 0, i = 0;
        while (i < s->nhist && s->hist[i] != o->snap[sn])
          i++;
        for (i = i < s->nhist ? i + 1 : 0; i < s->nhist; i++)
          s->hist[keep++] = s->hist[i];
        s->nhist = keep;
        s->stable = o->snap[sn];
      }
    break;
  }
  if (b->checking && b->verify_next >= NSEC) {
    bool idle = true;
    for (int i = 0; i < OPS; i++)
      idle = idle && !b->op[i].outstanding;
    if (idle)
      b->checking = false;
  }
  for (int i = 0; i < OPS && (!g_quiet || b->checking); i++)
    if (!b->op[i].outstanding)
      issue(&b->op[i]);
}

static void submit(op_t *o, uint32_t op, uint32_t first, uint32_t count) {
  kwork_init(&o->q.work, op, o, done, 0);
  o->first = first, o->count = count;
  o->q.sector = first;
  o->q.segs = NULL, o->q.buffer = NULL, o->q.length = 0;
  if (op != KWORK_OP_BLOCK_FLUSH) {
    size_t len = count * KBLK_SECTOR;
    if (count > 1 && sim_rand(SIM_RAND_WORK) % 2) { /* two segments */
      size_t cut = KBLK_SECTOR * sim_rand_range(SIM_RAND_WORK, 1, count - 1);
      o->seg[0] = (kiovec_t){o->data, cut};
      o->seg[1] = (kiovec_t){o->data + cut, len - cut};
      o->q.segs = o->seg, o->q.nsegs = 2;
    } else {
      o->q.buffer = o->data, o->q.length = len;
    }
  }
  kerr_t err = ksubmit(&o->n->k, &o->q.work);
  if (err != KERR_OK)
    sim_fail("node %d: block ksubmit: %s", o->n->id, kerr_str(err));
  o->outstanding = true;
}

/* A run of idle sectors starting near a random place, or 0. */
static uint32_t pick(struct wl_blk *b, uint32_t *first, bool for_write) {
  uint32_t start = (uint32_t)sim_rand_range(SIM_RAND_WORK, 0, NSEC - 1);
  uint32_t want = (uint32_t)sim_rand_range(SIM_RAND_WORK, 1, MAX_RUN);
  uint32_t n = 0;
  while (n < want && start + n < NSEC && !b->sec[start + n].busy &&
         (!for_write || b->sec[start + n].nhist < HIST))
    n++;
  *first = start;
  return n;
}

static void issue(op_t *o) {
  struct wl_blk *b = o->n->blk;
  if (b->checking) {
    if (b->verify_next >= NSEC)
      return;
    uint32_t first = b->verify_next, n = KMIN(MAX_RUN, NSEC - first);
    b->verify_next += n;
    for (uint32_t i = 0; i < n; i++)
      b->sec[first + i].busy = true;
    submit(o, KWORK_OP_BLOCK_READ, first, n);
    return;
  }
  uint64_t r = sim_rand(SIM_RAND_WORK) % 10;
  uint32_t first, n;
  if (r == 0 || b->writes_since_flush >= 16) {
    for (uint32_t sn = 0; sn < NSEC; sn++) {
      sector_t *s = &b->sec[sn];
      o->snap_ok[sn] = s->exact && !s->busy;
      o->snap[sn] = s->now;
    }
    b->writes_since_flush = 0;
    g_n.flushes++;
    submit(o, KWORK_OP_BLOCK_FLUSH, 0, 0);
  } else if (r < 6 && (n = pick(b, &first, true)) > 0) {
    for (uint32_t i = 0; i < n; i++) {
      sector_t *s = &b->sec[first + i];
      uint32_t gen = ++b->next_gen;
      o->gens[i] = gen;
      s->hist[s->nhist++] = gen;
      s->busy = true;
      fill(o->data + i * KBLK_SECTOR, o->n->id, first + i, gen);
    }
    b->writes_since_flush++;
    g_n.writes++;
    submit(o, KWORK_OP_BLOCK_WRITE, first, n);
  } else if ((n = pick(b, &first, false)) > 0) {
    for (uint32_t i = 0; i < n; i++)
      b->sec[first + i].busy = true;
    g_n.reads++;
    submit(o, KWORK_OP_BLOCK_READ, first, n);
  }
}

void wl_blk_start(sim_node_t *n) {
  struct wl_blk *b = &g_wl[n->id];
  bool first_boot = n->blk == NULL;
  n->blk = b;
  for (int i = 0; i < OPS; i++)
    b->op[i] = (op_t){.n = n};
  for (uint32_t sn = 0; sn < NSEC; sn++) {
    b->sec[sn].busy = false;
    if (first_boot)
      b->sec[sn].exact = true; /* all zeros: generation 0 */
  }
  b->checking = !first_boot;
  b->verify_next = first_boot ? NSEC : 0;
  if (b->checking)
    g_n.boot_checks++;
  for (int i = 0; i < OPS && (!g_quiet || b->checking); i++)
    issue(&b->op[i]);
}

void wl_blk_power_cut(sim_node_t *n) {
  struct wl_blk *b = n->blk;
  for (int i = 0; i < OPS; i++)
    if (b->op[i].outstanding) {
      b->op[i].outstanding = false;
      g_n.lost_power++;
    }
  for (uint32_t sn = 0; sn < NSEC; sn++)
    b->sec[sn].exact = false;
}

void wl_blk_quiesce(void) { g_quiet = true; }

void wl_blk_check(void) {
  for (int i = 0; i < g_sim.nnodes; i++)
    for (int j = 0; j < OPS; j++)
      if (g_wl[i].op[j].outstanding)
        sim_fail("node %d: a block request never completed", i);
}

void wl_blk_report(void) {
  printf("sim: block %llu writes, %llu flushes, %llu reads, %llu errors, "
         "%llu sectors checked, %llu checks after power cuts, %llu requests "
         "lost to them\n",
         (unsigned long long)g_n.writes, (unsigned long long)g_n.flushes,
         (unsigned long long)g_n.reads, (unsigned long long)g_n.errors,
         (unsigned long long)g_n.sectors_checked,
         (unsigned long long)g_n.boot_checks,
         (unsigned long long)g_n.lost_power);
}
