/* blk_check.c: the block device through the public API, as a program.
 *
 *  1. 256 writes in flight at once (1 MiB, more than a device's queue), each
 *     4 KiB in two scatter-gather segments, then a flush, then 256 reads in
 *     flight; every byte read back matches.
 *  2. A write past the end, and a misaligned request, are refused by ksubmit.
 *  3. 256 reads cancelled while queued: all complete KERR_CANCELLED.
 *  4. 256 flushes cancelled once at the device: each completes exactly once,
 *     KERR_CANCELLED or KERR_OK (the device may finish first).
 *  5. A read whose deadline has passed completes KERR_TIMEOUT.
 * The system test then checks the bytes in the disk file. */
#include "check.h"

#define N 256
#define SECTORS_EACH 8
#define BYTES (SECTORS_EACH * KBLK_SECTOR)
#define SEG0 1536 /* first segment; the second holds the rest */

static struct {
  kernel_t *k;
  kblk_info_t info;
  kblk_req_t req[N];
  kiovec_t segs[N][2];
  uint8_t wbuf[N][BYTES];
  uint8_t rbuf[N][BYTES];
  unsigned calls[N]; /* callbacks per request in the current phase */
  unsigned outstanding;
  unsigned ok, cancelled;
  kblk_req_t late;
  ktimer_req_t timer;
} g;

static void phase_write(void);
static void phase_flush(void);
static void phase_read(void);
static void phase_cancel_queued(void);
static void phase_cancel_live(void);
static void phase_deadline(void);

/* The byte at offset i of request r: also computed by the system test. */
static uint8_t pattern(unsigned r, unsigned i) {
  return (uint8_t)(r * 13u + i * 5u + 3u);
}

static unsigned index_of(kwork_t *w) {
  return (unsigned)(KCONTAINER_OF(w, kblk_req_t, work) - g.req);
}

static void reset_counts(void) {
  for (unsigned i = 0; i < N; i++)
    g.calls[i] = 0;
  g.outstanding = N;
  g.ok = g.cancelled = 0;
}

static void submit_all(uint32_t op, kwork_cb_t cb, uint8_t (*bufs)[BYTES]) {
  reset_counts();
  for (unsigned i = 0; i < N; i++) {
    kblk_req_t *r = &g.req[i];
    kwork_init(&r->work, op, NULL, cb, 0);
    r->sector = (uint64_t)i * SECTORS_EACH;
    g.segs[i][0] = (kiovec_t){bufs[i], SEG0};
    g.segs[i][1] = (kiovec_t){bufs[i] + SEG0, BYTES - SEG0};
    r->segs = g.segs[i];
    r->nsegs = 2;
    CHECK(ksubmit(g.k, &r->work) == KERR_OK);
  }
}

static void count(kwork_t *w) {
  unsigned i = index_of(w);
  g.calls[i]++;
  CHECK(g.calls[i] == 1);
  g.ok += w->result == KERR_OK;
  g.cancelled += w->result == KERR_CANCELLED;
  g.outstanding--;
}

static void on_written(kwork_t *w) {
  count(w);
  CHECK(w->result == KERR_OK);
  CHECK(KCONTAINER_OF(w, kblk_req_t, work)->completed == BYTES);
  if (g.outstanding == 0)
    phase_flush();
}

static void phase_write(void) {
  for (unsigned r = 0; r < N; r++)
    for (unsigned i = 0; i < BYTES; i++)
      g.wbuf[r][i] = pattern(r, i);
  submit_all(KWORK_OP_BLOCK_WRITE, on_written, g.wbuf);
}

static void on_flushed(kwork_t *w) {
  CHECK(w->result == KERR_OK);
  phase_read();
}

static void phase_flush(void) {
  kwork_init(&g.late.work, KWORK_OP_BLOCK_FLUSH, NULL, on_flushed, 0);
  CHECK(ksubmit(g.k, &g.late.work) == KERR_OK);
}

static void on_read(kwork_t *w) {
  count(w);
  CHECK(w->result == KERR_OK);
  unsigned r = index_of(w);
  for (unsigned i = 0; i < BYTES; i++) {
    if (g.rbuf[r][i] != pattern(r, i)) {
      CHECK(!"read back differs");
      break;
    }
  }
  if (g.outstanding == 0)
    phase_cancel_queued();
}

static void phase_read(void) {
  submit_all(KWORK_OP_BLOCK_READ, on_read, g.rbuf);
}

static void on_cancelled_queued(kwork_t *w) {
  count(w);
  CHECK(w->result == KERR_CANCELLED);
  if (g.outstanding == 0)
    phase_cancel_live();
}

static void phase_cancel_queued(void) {
  /* Refused before they reach the device. */
  kblk_req_t bad = {0};
  kwork_init(&bad.work, KWORK_OP_BLOCK_WRITE, NULL, on_read, 0);
  bad.sector = g.info.sectors - 1;
  bad.buffer = g.wbuf[0];
  bad.length = 2 * KBLK_SECTOR;
  CHECK(ksubmit(g.k, &bad.work) == KERR_RANGE);
  bad.sector = 0;
  bad.length = 100;
  CHECK(ksubmit(g.k, &bad.work) == KERR_INVALID);

  submit_all(KWORK_OP_BLOCK_READ, on_cancelled_queued, g.rbuf);
  for (unsigned i = 0; i < N; i++)
    CHECK(kcancel(g.k, &g.req[i].work) == KERR_OK);
  for (unsigned i = 0; i < N; i++) /* a second cancel of a DONE item */
    CHECK(kcancel(g.k, &g.req[i].work) == KERR_STATE);
}

static void on_cancelled_live(kwork_t *w) {
  count(w);
  CHECK(w->result == KERR_CANCELLED || w->result == KERR_OK);
  if (g.outstanding == 0) {
    printk("blk-check: cancel at device: %u cancelled, %u finished first\n",
           g.cancelled, g.ok);
    phase_deadline();
  }
}

/* One tick after submitting, the reads are at the device: cancel them. */
static void on_tick(kwork_t *w) {
  CHECK(w->result == KERR_OK);
  for (unsigned i = 0; i < N; i++) {
    if (g.req[i].work.state == KWORK_STATE_LIVE)
      CHECK(kcancel(g.k, &g.req[i].work) == KERR_OK);
  }
}

static void phase_cancel_live(void) {
  /* Flushes: reads and writes that hit the page cache finish inside
   * io_uring_submit, before anything could cancel them. */
  submit_all(KWORK_OP_BLOCK_FLUSH, on_cancelled_live, g.rbuf);
  kwork_init(&g.timer.work, KWORK_OP_TIMER, NULL, on_tick, 0);
  g.timer.delay = 0;
  CHECK(ksubmit(g.k, &g.timer.work) == KERR_OK);
}

static void on_late(kwork_t *w) {
  CHECK(w->result == KERR_TIMEOUT);
  const kstats_t *s = kstats(g.k);
  CHECK(s->bad_completions == 0);
  CHECK(s->live == 0);
  check_done(g.k);
}

static void phase_deadline(void) {
  kwork_init(&g.late.work, KWORK_OP_BLOCK_READ, NULL, on_late, 0);
  g.late.buffer = g.rbuf[0];
  g.late.length = BYTES;
  g.late.sector = 0;
  kwork_set_deadline(&g.late.work, ktime_now(g.k));
  CHECK(ksubmit(g.k, &g.late.work) == KERR_OK);
}

void kmain_usermain(kernel_t *k) {
  g.k = k;
  check_name = "blk-check";
  CHECK(kblk_info(k, &g.info) == KERR_OK);
  CHECK(g.info.sectors >= N * SECTORS_EACH);
  printk("blk-check: %llu sectors of 512 bytes\n",
         (unsigned long long)g.info.sectors);
  phase_write();
}
