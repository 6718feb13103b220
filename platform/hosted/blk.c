/* blk.c (hosted): a file as the block device, through io_uring.
 *
 * Up to KCONFIG_HOSTED_BLK_DEPTH requests are in the ring at once; more wait
 * in a list here and go in as slots free up, so one slow request never holds
 * back the others or the loop. Completions wake the loop through an eventfd
 * registered with the ring. Flush is fdatasync. */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hosted.h"

#define DEPTH KCONFIG_HOSTED_BLK_DEPTH

typedef struct {
  kwork_t *work; /* NULL: free */
  struct iovec iov[KCONFIG_BLK_MAX_SEGS];
  size_t expect; /* bytes a full transfer moves */
} slot_t;

static struct {
  kdevice_t dev;
  int fd, efd;
  struct io_uring ring;
  slot_t slots[DEPTH];
  uint16_t free_stack[DEPTH];
  uint32_t nfree;
  kwork_list_t waiting; /* accepted, no slot yet */
  bool unsubmitted;     /* SQEs prepared since the last io_uring_submit */
} g_blk;

/* The SQ ring has 2 * DEPTH entries: DEPTH requests at most, and each
 * cancel is submitted at once, so an entry is always free. */
static struct io_uring_sqe *get_sqe(void) {
  struct io_uring_sqe *sqe = io_uring_get_sqe(&g_blk.ring);
  KASSERT(sqe != NULL);
  return sqe;
}

/* Hand prepared entries to the kernel. If it refuses for now (EAGAIN, EBUSY:
 * its completion queue is full), they stay prepared and the device raises
 * itself to try again on the next tick, after reaping. */
static void submit_prepared(void) {
  int r = io_uring_submit(&g_blk.ring);
  if (r >= 0) {
    g_blk.unsubmitted = false;
    return;
  }
  if (r != -EAGAIN && r != -EBUSY && r != -EINTR)
    klog(KLOG_ERROR, "blk: io_uring_submit: %s\n", strerror(-r));
  g_blk.unsubmitted = true;
  kdev_raise(&g_blk.dev);
}

/* Put a request into a free slot and prepare its SQE. */
static void start(kwork_t *w) {
  kblk_req_t *r = KCONTAINER_OF(w, kblk_req_t, work);
  uint16_t i = g_blk.free_stack[--g_blk.nfree];
  slot_t *s = &g_blk.slots[i];
  s->work = w;
  unsigned n = 1;
  if (r->segs) {
    n = r->nsegs;
    s->expect = 0;
    for (unsigned j = 0; j < n; j++) {
      s->iov[j] = (struct iovec){r->segs[j].base, r->segs[j].len};
      s->expect += r->segs[j].len;
    }
  } else {
    s->iov[0] = (struct iovec){r->buffer, r->length};
    s->expect = r->length;
  }
  struct io_uring_sqe *sqe = get_sqe();
  off_t off = (off_t)(r->sector * KBLK_SECTOR);
  if (w->op == KWORK_OP_BLOCK_READ)
    io_uring_prep_readv(sqe, g_blk.fd, s->iov, n, off);
  else if (w->op == KWORK_OP_BLOCK_WRITE)
    io_uring_prep_writev(sqe, g_blk.fd, s->iov, n, off);
  else {
    io_uring_prep_fsync(sqe, g_blk.fd, IORING_FSYNC_DATASYNC);
    s->expect = 0;
  }
  io_uring_sqe_set_data64(sqe, (uint64_t)i + 1);
  g_blk.unsubmitted = true;
}

static kerr_t blk_submit(kdevice_t *dev, kwork_t *w) {
  (void)dev;
  if (g_blk.nfree > 0)
    start(w);
  else
    kwork_list_push(&g_blk.waiting, w);
  return KERR_OK;
}

static void blk_kick(kdevice_t *dev) {
  (void)dev;
  if (g_blk.unsubmitted)
    submit_prepared();
}

static kerr_t blk_cancel(kdevice_t *dev, kwork_t *w) {
  (void)dev;
  if (kwork_list_take(&g_blk.waiting, w))
    return KERR_OK;
  for (uint32_t i = 0; i < DEPTH; i++) {
    if (g_blk.slots[i].work == w) {
      /* In the ring: ask io_uring; the request completes with -ECANCELED or,
       * if it won the race, with its real result. The cancel's own
       * completion carries user_data 0 and is ignored. */
      struct io_uring_sqe *sqe = get_sqe();
      io_uring_prep_cancel64(sqe, (uint64_t)i + 1, 0);
      io_uring_sqe_set_data64(sqe, 0);
      submit_prepared();
      break;
    }
  }
  return KERR_BUSY;
}

static kerr_t result_of(const slot_t *s, int res) {
  if (res == -ECANCELED)
    return KERR_CANCELLED;
  if (res < 0 || (size_t)res != s->expect)
    return KERR_IO;
  return KERR_OK;
}

static void blk_poll(kdevice_t *dev) {
  uint64_t count;
  while (read(g_blk.efd, &count, sizeof(count)) > 0)
    ; /* reset the eventfd; the CQ ring says what finished */
  struct io_uring_cqe *cqe;
  while (io_uring_peek_cqe(&g_blk.ring, &cqe) == 0) {
    uint64_t tag = io_uring_cqe_get_data64(cqe);
    int res = cqe->res;
    io_uring_cqe_seen(&g_blk.ring, cqe);
    if (tag == 0 || tag > DEPTH || g_blk.slots[tag - 1].work == NULL)
      continue; /* a cancel's own completion */
    slot_t *s = &g_blk.slots[tag - 1];
    kwork_t *w = s->work;
    kerr_t result = result_of(s, res);
    s->work = NULL;
    g_blk.free_stack[g_blk.nfree++] = (uint16_t)(tag - 1);
    KCONTAINER_OF(w, kblk_req_t, work)->completed = res > 0 ? (size_t)res : 0;
    kdev_complete(dev, w, result);
  }
  while (g_blk.nfree > 0 && !kwork_list_empty(&g_blk.waiting))
    start(kwork_list_pop(&g_blk.waiting));
  blk_kick(dev);
}

static const kdevice_ops_t blk_ops = {.submit = blk_submit,
                                      .cancel = blk_cancel,
                                      .poll = blk_poll,
                                      .kick = blk_kick};

const char *hosted_blk_init(platform_t *p, const char *path) {
  memset(&g_blk, 0, sizeof(g_blk));
  bool ro = false;
  g_blk.fd = open(path, O_RDWR | O_CLOEXEC);
  if (g_blk.fd < 0 && (errno == EACCES || errno == EROFS)) {
    g_blk.fd = open(path, O_RDONLY | O_CLOEXEC);
    ro = true;
  }
  if (g_blk.fd < 0)
    return strerror(errno);
  off_t size = lseek(g_blk.fd, 0, SEEK_END); /* files and block devices */
  if (size < 0)
    return strerror(errno);
  int err = io_uring_queue_init(2 * DEPTH, &g_blk.ring, 0);
  if (err < 0)
    return strerror(-err);
  g_blk.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (g_blk.efd < 0 || io_uring_register_eventfd(&g_blk.ring, g_blk.efd) < 0)
    return "cannot register an eventfd with io_uring";
  for (uint32_t i = 0; i < DEPTH; i++)
    g_blk.free_stack[g_blk.nfree++] = (uint16_t)i;
  g_blk.dev = (kdevice_t){.ops = &blk_ops, .name = "file", .cls = KDEV_BLOCK};
  g_blk.dev.info.blk = (kblk_info_t){.sectors = (uint64_t)size / KBLK_SECTOR,
                                     .block_size = KBLK_SECTOR,
                                     .read_only = ro};
  if (kdev_register(p->k, &g_blk.dev) != KERR_OK)
    return "too many devices";
  if (platform_irq_route(p, (uint32_t)g_blk.efd, &g_blk.dev) != KERR_OK)
    return "cannot watch the eventfd";
  return NULL;
}

void hosted_blk_close(void) {
  /* Whatever the program wrote reaches the disk even if it never flushed. */
  fdatasync(g_blk.fd);
  io_uring_queue_exit(&g_blk.ring);
  close(g_blk.efd);
  close(g_blk.fd);
}
