/* disk.c (sim): a node's block device, 512-byte sectors, with a volatile
 * write cache. A write lands in the cache; a flush makes everything cached
 * durable; a power cut keeps each unflushed sector's new contents or loses
 * them, one coin per sector (sim_disk_power_cut). Reads see the cache.
 *
 * Each request completes at an event after a random latency, so requests
 * finish out of order as on a real device. With the fault profile's
 * disk_error rate a request fails with KERR_IO: a failed write may have
 * written any of its sectors, a failed flush may have made any cached
 * sector durable, a failed read leaves the buffer unspecified. A cancel finds
 * the request at the device (KERR_BUSY): it completes with its real result. */
#include <string.h>

#include "sim.h"

static sim_disk_t *of(kdevice_t *dev) {
  return KCONTAINER_OF(dev, sim_disk_t, dev);
}

/* Copy sector `i` of request q (512 bytes at byte offset i * 512 of its
 * buffer or segment list) to or from `sec`. */
static void transfer(kblk_req_t *q, size_t i, uint8_t *sec, bool to_buffer) {
  size_t off = i * KBLK_SECTOR, done = 0;
  kiovec_t one = {q->buffer, q->length};
  const kiovec_t *segs = q->segs ? q->segs : &one;
  uint32_t nsegs = q->segs ? q->nsegs : 1;
  for (uint32_t s = 0; s < nsegs && done < KBLK_SECTOR; s++) {
    if (off >= segs[s].len) {
      off -= segs[s].len;
      continue;
    }
    size_t n = KMIN(segs[s].len - off, KBLK_SECTOR - done);
    uint8_t *p = (uint8_t *)segs[s].base + off;
    if (to_buffer)
      memcpy(p, sec + done, n);
    else
      memcpy(sec + done, p, n);
    done += n;
    off = 0;
  }
}

static size_t request_len(const kblk_req_t *q) {
  if (q->segs == NULL)
    return q->length;
  size_t len = 0;
  for (uint32_t s = 0; s < q->nsegs; s++)
    len += q->segs[s].len;
  return len;
}

static kerr_t perform(sim_disk_t *d, kwork_t *w, bool fail) {
  kblk_req_t *q = KCONTAINER_OF(w, kblk_req_t, work);
  size_t nsec =
      w->op == KWORK_OP_BLOCK_FLUSH ? 0 : request_len(q) / KBLK_SECTOR;
  switch (w->op) {
  case KWORK_OP_BLOCK_READ:
    if (!fail)
      for (size_t i = 0; i < nsec; i++) {
        uint64_t s = q->sector + i;
        transfer(q, i,
                 d->dirty[s] && !sim_lie("stale") ? d->cache[s] : d->durable[s],
                 true);
      }
    break;
  case KWORK_OP_BLOCK_WRITE:
    for (size_t i = 0; i < nsec; i++) {
      uint64_t s = q->sector + i;
      if (fail && sim_chance(SIM_RAND_DISK, 500000))
        continue;
      transfer(q, i, d->cache[s], false);
      d->dirty[s] = true;
    }
    break;
  case KWORK_OP_BLOCK_FLUSH:
    if (sim_lie("flush"))
      break; /* nothing becomes durable */
    for (uint32_t s = 0; s < SIM_DISK_SECTORS; s++)
      if (d->dirty[s] && (!fail || sim_chance(SIM_RAND_DISK, 500000))) {
        memcpy(d->durable[s], d->cache[s], KBLK_SECTOR);
        d->dirty[s] = false;
      }
    break;
  default:
    return KERR_UNSUPPORTED;
  }
  q->completed = fail ? 0 : nsec * KBLK_SECTOR;
  return fail ? KERR_IO : KERR_OK;
}

/* Event: request `item` of node `arg`, boot `boot`, is done at the device. */
static void finished(void *arg, uint64_t boot, uint64_t item) {
  sim_node_t *n = arg;
  if (!n->up || n->boot != boot)
    return;
  sim_disk_t *d = &n->disk;
  kwork_t *w = (kwork_t *)(uintptr_t)item;
  bool fail =
      g_sim.faults_on && sim_chance(SIM_RAND_DISK, g_sim.faults->disk_error);
  kerr_t err = perform(d, w, fail);
  w->result = err; /* carried to poll in the item; poll completes with it */
  kwork_list_remove(&d->inflight, w);
  kwork_list_push(&d->done, w);
  uint32_t rec[2] = {w->op, (uint32_t)err};
  sim_trace("disk", n->id, rec, sizeof(rec));
  kdev_raise(&d->dev);
}

static kerr_t disk_submit(kdevice_t *dev, kwork_t *w) {
  sim_disk_t *d = of(dev);
  sim_node_t *n = KCONTAINER_OF(d, sim_node_t, disk);
  kwork_list_push(&d->inflight, w);
  ktime_t lat = sim_rand_range(SIM_RAND_DISK, g_sim.faults->disk_lat_min,
                               g_sim.faults->disk_lat_max);
  sim_at(g_sim.now + lat, finished, n, n->boot, (uint64_t)(uintptr_t)w);
  return KERR_OK;
}

static kerr_t disk_cancel(kdevice_t *dev, kwork_t *w) {
  (void)dev, (void)w;
  return KERR_BUSY;
}

static void disk_poll(kdevice_t *dev) {
  sim_disk_t *d = of(dev);
  kwork_t *w;
  while ((w = kwork_list_pop(&d->done)) != NULL)
    kdev_complete(dev, w, w->result);
}

static const kdevice_ops_t disk_ops = {
    .submit = disk_submit, .cancel = disk_cancel, .poll = disk_poll};

void sim_disk_init(sim_node_t *n, bool fresh) {
  sim_disk_t *d = &n->disk;
  if (fresh)
    memset(d, 0, sizeof(*d));
  d->inflight = (kwork_list_t){NULL, NULL};
  d->done = (kwork_list_t){NULL, NULL};
  d->dev = (kdevice_t){.ops = &disk_ops, .name = "sim-disk", .cls = KDEV_BLOCK};
  d->dev.info.blk =
      (kblk_info_t){.sectors = SIM_DISK_SECTORS, .block_size = KBLK_SECTOR};
}

void sim_disk_power_cut(sim_node_t *n) {
  sim_disk_t *d = &n->disk;
  for (uint32_t s = 0; s < SIM_DISK_SECTORS; s++) {
    if (d->dirty[s] && sim_chance(SIM_RAND_DISK, 500000))
      memcpy(d->durable[s], d->cache[s], KBLK_SECTOR);
    d->dirty[s] = false;
  }
}
