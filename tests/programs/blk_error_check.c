/* blk_error_check.c: the block device when it says no. The system test
 * boots it on a read-only disk whose bytes are (offset % 251), behind
 * QEMU's blkdebug driver, which fails every read touching sector BAD with
 * EIO (virtio-blk then answers VIRTIO_BLK_S_IOERR).
 *
 *  1. The device says it is read-only; a write is refused by ksubmit with
 *     KERR_READ_ONLY and never reaches it.
 *  2. 32 reads in flight, one of them over BAD: that one completes KERR_IO,
 *     the others KERR_OK with the disk's bytes.
 *  3. After the error the device still serves: a read of sector 0 is OK,
 *     and nothing was completed twice. */
#include "check.h"

#define N 32
#define SECTORS_EACH 8
#define BYTES (SECTORS_EACH * KBLK_SECTOR)
#define BAD 100u /* the system test's blkdebug rule names this sector */
/* Requests are STRIDE sectors apart, not adjacent: QEMU's virtio-blk merges
 * adjacent requests into one, and a merged request fails as a whole. */
#define STRIDE (2 * SECTORS_EACH)
#define BAD_REQ (BAD / STRIDE)

static struct {
  kernel_t *k;
  kblk_req_t req[N];
  uint8_t buf[N][BYTES];
  unsigned calls[N];
  unsigned outstanding, ok, io;
  kblk_req_t again;
} g;

static void on_again(kwork_t *w) {
  CHECK(w->result == KERR_OK);
  CHECK(g.buf[0][0] == 0 && g.buf[0][250] == 250 && g.buf[0][251] == 0);
  const kstats_t *s = kstats(g.k);
  CHECK(s->bad_completions == 0);
  /* Not s->live == 0: the CSPRNG's first seed read may still be at the rng
   * device, this program is that short. */
  check_done(g.k);
}

static void on_read(kwork_t *w) {
  unsigned r = (unsigned)(KCONTAINER_OF(w, kblk_req_t, work) - g.req);
  CHECK(++g.calls[r] == 1);
  uint64_t first = (uint64_t)r * STRIDE;
  if (r == BAD_REQ) {
    CHECK(w->result == KERR_IO);
    g.io++;
  } else {
    if (w->result != KERR_OK)
      printk("blk-error-check: read at %u: %s\n", (unsigned)first,
             kerr_str(w->result));
    CHECK(w->result == KERR_OK);
    for (unsigned i = 0; i < BYTES; i++) {
      if (g.buf[r][i] != (first * KBLK_SECTOR + i) % 251) {
        CHECK(!"read differs from the disk");
        break;
      }
    }
    g.ok++;
  }
  if (--g.outstanding)
    return;
  printk("blk-error-check: %u reads ok, %u failed with an I/O error\n", g.ok,
         g.io);
  kwork_init(&g.again.work, KWORK_OP_BLOCK_READ, NULL, on_again, 0);
  g.again.buffer = g.buf[0];
  g.again.length = BYTES;
  CHECK(ksubmit(g.k, &g.again.work) == KERR_OK);
}

void kmain_usermain(kernel_t *k) {
  g.k = k;
  check_name = "blk-error-check";
  kblk_info_t info;
  CHECK(kblk_info(k, &info) == KERR_OK);
  CHECK(info.read_only);
  CHECK(info.sectors >= N * STRIDE);

  kblk_req_t w = {0};
  kwork_init(&w.work, KWORK_OP_BLOCK_WRITE, NULL, on_read, 0);
  w.buffer = g.buf[0];
  w.length = BYTES;
  CHECK(ksubmit(k, &w.work) == KERR_READ_ONLY);

  g.outstanding = N;
  for (unsigned r = 0; r < N; r++) {
    kwork_init(&g.req[r].work, KWORK_OP_BLOCK_READ, NULL, on_read, 0);
    g.req[r].sector = (uint64_t)r * STRIDE;
    g.req[r].buffer = g.buf[r];
    g.req[r].length = BYTES;
    CHECK(ksubmit(k, &g.req[r].work) == KERR_OK);
  }
}
