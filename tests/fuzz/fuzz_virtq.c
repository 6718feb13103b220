/* fuzz_virtq.c: libFuzzer harness for the split virtqueue
 * (drivers/virtio/virtqueue.c) against a hostile device. The harness is the
 * driver (it posts chains and reaps them) and the device, which writes the
 * used ring as the input says: ids out of range, of free descriptors, of
 * descriptors inside a chain, of chains already returned, lengths beyond the
 * buffers, used->idx jumping ahead or going back.
 *
 * Input: byte 0 gives the queue size (1 << (b % 9): 1 to 256), then ops,
 * each an op byte and its operands (an op cut short ends the input):
 *   POST   a chain of 0-3 readable and 0-3 writable buffers (16-bit lengths)
 *   LIVE   the device returns a chain in flight, with any 16-bit length
 *   RAW    the device returns any 32-bit id with any 32-bit length
 *   INNER  the device returns a descriptor inside a chain in flight
 *   IDX    the device sets used->idx to any value
 *   SLOT   the device writes an entry anywhere in the ring, unpublished
 *   POP    the driver reaps everything; POP1 reaps one
 *   FLAGS  the device sets used->flags; the driver asks whether to notify
 *
 * Checked after every op: virtq_add succeeds exactly when the chain fits,
 * and puts its head on the available ring; virtq_pop hands back only chains
 * in flight, each once, with a length within its writable bytes, and
 * returns NULL only when it has caught up with used->idx; chains in flight
 * keep their descriptors; the free list holds exactly the other ones. After
 * the input, a good device returns every chain still in flight and the
 * driver gets each back, then a chain of the whole queue is posted and
 * reaped. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The drivers are not part of the fuzz link: take the file itself. */
#include "../../drivers/virtio/virtqueue.c"

#define MAX_POSTS 4096
#define MAX_OPS 512
#define MAX_CHAIN 6

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond))                                                               \
      abort();                                                                 \
  } while (0)

/* One chain posted; its address is the token. */
typedef struct {
  bool live;
  uint16_t head, ndesc;
  uint16_t desc[VIRTQ_MAX_SIZE]; /* its descriptors, in chain order */
  uint32_t wlen;
} post_t;

static virtq_mem_t g_mem;
static virtqueue_t g_vq;
static post_t g_posts[MAX_POSTS];
static size_t g_nposts;
static uint8_t g_buf[VIRTQ_MAX_SIZE]; /* chain j's buffer j is at g_buf + j */

typedef struct {
  const uint8_t *p;
  size_t left;
} input_t;

static bool take(input_t *in, size_t n, uint32_t *v) {
  if (in->left < n)
    return false;
  *v = 0;
  for (size_t i = 0; i < n; i++)
    *v = *v << 8 | in->p[i];
  in->p += n, in->left -= n;
  return true;
}

/* ------------------------------------------------------------- the driver */

static uint16_t live_desc_count(void) {
  uint32_t n = 0;
  for (size_t k = 0; k < g_nposts; k++)
    n += g_posts[k].live ? g_posts[k].ndesc : 0;
  return (uint16_t)n;
}

/* Post a chain; false when it may not be (full, or the posts ran out). */
static bool post(unsigned nread, unsigned nwrite, const uint32_t *lens) {
  virtq_buf_t bufs[VIRTQ_MAX_SIZE];
  unsigned n = nread + nwrite;
  if (g_nposts == MAX_POSTS)
    return false;
  post_t *p = &g_posts[g_nposts];
  uint32_t wlen = 0;
  for (unsigned j = 0; j < n; j++) {
    bufs[j] = (virtq_buf_t){g_buf + j, lens[j]};
    wlen += j >= nread ? lens[j] : 0;
  }
  unsigned nfree = virtq_free(&g_vq);
  uint16_t avail = g_vq.avail->idx;
  kerr_t err = virtq_add(&g_vq, bufs, nread, nwrite, p);
  if (n == 0 || n > g_vq.size) {
    CHECK(err == KERR_INVALID);
    return false;
  }
  if (n > nfree) {
    CHECK(err == KERR_NO_SPACE && g_vq.avail->idx == avail);
    return false;
  }
  CHECK(err == KERR_OK && g_vq.avail->idx == (uint16_t)(avail + 1));
  CHECK(virtq_free(&g_vq) == nfree - n);
  *p = (post_t){.live = true, .ndesc = (uint16_t)n, .wlen = wlen};
  p->head = g_vq.avail->ring[avail & (g_vq.size - 1)];
  uint16_t i = p->head;
  for (unsigned j = 0; j < n; j++) {
    CHECK(i < g_vq.size);
    const struct virtq_desc *d = &g_vq.desc[i];
    CHECK(d->addr == (uint64_t)(uintptr_t)bufs[j].addr && d->len == lens[j]);
    CHECK(!(d->flags & VIRTQ_DESC_F_WRITE) == (j < nread));
    CHECK(!(d->flags & VIRTQ_DESC_F_NEXT) == (j + 1 == n));
    p->desc[j] = i;
    i = d->next;
  }
  g_nposts++;
  return true;
}

/* One virtq_pop, checked; false when it returned NULL. */
static bool pop1(void) {
  uint32_t len = 0xdeadbeefu;
  uint16_t nfree = (uint16_t)virtq_free(&g_vq);
  post_t *p = virtq_pop(&g_vq, &len);
  if (p == NULL) {
    CHECK(g_vq.last_used == g_vq.used->idx);
    CHECK(virtq_free(&g_vq) == nfree);
    return false;
  }
  CHECK(p >= g_posts && p < g_posts + g_nposts); /* a chain posted */
  CHECK(p->live);                                /* in flight: not twice */
  CHECK(len <= p->wlen);
  CHECK(virtq_free(&g_vq) == nfree + p->ndesc);
  p->live = false;
  return true;
}

static void drain(void) {
  while (pop1())
    ;
}

/* Chains in flight keep their descriptors, and the free list holds exactly
 * the others, once each. */
static void check_queue(void) {
  static uint8_t owner[VIRTQ_MAX_SIZE]; /* 1: in a chain, 2: free */
  memset(owner, 0, g_vq.size);
  for (size_t k = 0; k < g_nposts; k++) {
    const post_t *p = &g_posts[k];
    if (!p->live)
      continue;
    CHECK(g_vq.token[p->head] == p);
    for (uint16_t j = 0; j < p->ndesc; j++) {
      uint16_t i = p->desc[j];
      CHECK(owner[i] == 0);
      owner[i] = 1;
      CHECK(j + 1 == p->ndesc || g_vq.desc[i].next == p->desc[j + 1]);
    }
  }
  CHECK(virtq_free(&g_vq) == g_vq.size - live_desc_count());
  uint16_t i = g_vq.free_head;
  for (unsigned j = 0; j < virtq_free(&g_vq); j++) {
    CHECK(i < g_vq.size && owner[i] == 0);
    owner[i] = 2;
    i = g_vq.desc[i].next;
  }
}

/* ------------------------------------------------------------- the device */

static void used_put(uint16_t slot, uint32_t id, uint32_t len) {
  volatile struct virtq_used_elem *e = &g_vq.used->ring[slot & (g_vq.size - 1)];
  e->id = id;
  e->len = len;
}

static void used_publish(uint32_t id, uint32_t len) {
  uint16_t i = g_vq.used->idx;
  used_put(i, id, len);
  g_vq.used->idx = (uint16_t)(i + 1);
}

/* The k-th chain in flight (k modulo their number), or NULL. */
static post_t *live_chain(uint32_t k) {
  size_t n = 0;
  for (size_t i = 0; i < g_nposts; i++)
    n += g_posts[i].live;
  if (n == 0)
    return NULL;
  k %= (uint32_t)n;
  for (size_t i = 0;; i++)
    if (g_posts[i].live && k-- == 0)
      return &g_posts[i];
}

/* ------------------------------------------------------------------- ops */

enum {
  OP_POST,
  OP_LIVE,
  OP_RAW,
  OP_INNER,
  OP_IDX,
  OP_SLOT,
  OP_POP,
  OP_POP1,
  OP_FLAGS,
  OP_COUNT
};

/* Run one op; false when the input ran out. */
static bool run_op(input_t *in) {
  uint32_t op, a, b, c;
  if (!take(in, 1, &op))
    return false;
  post_t *p;
  switch (op % OP_COUNT) {
  case OP_POST: {
    uint32_t lens[MAX_CHAIN];
    if (!take(in, 1, &a))
      return false;
    unsigned nread = a & 3, nwrite = (a >> 2) & 3;
    for (unsigned j = 0; j < nread + nwrite; j++)
      if (!take(in, 2, &lens[j]))
        return false;
    post(nread, nwrite, lens);
    break;
  }
  case OP_LIVE:
    if (!take(in, 1, &a) || !take(in, 2, &b))
      return false;
    p = live_chain(a);
    used_publish(p ? p->head : a, b);
    break;
  case OP_RAW:
    if (!take(in, 4, &a) || !take(in, 4, &b))
      return false;
    used_publish(a, b);
    break;
  case OP_INNER:
    if (!take(in, 1, &a) || !take(in, 1, &b))
      return false;
    p = live_chain(a);
    used_publish(p ? p->desc[b % p->ndesc] : b, 0);
    break;
  case OP_IDX:
    if (!take(in, 2, &a))
      return false;
    g_vq.used->idx = (uint16_t)a;
    break;
  case OP_SLOT:
    if (!take(in, 1, &a) || !take(in, 1, &b) || !take(in, 2, &c))
      return false;
    p = live_chain(b);
    used_put((uint16_t)a, p ? p->head : b, c);
    break;
  case OP_POP:
    drain();
    break;
  case OP_POP1:
    pop1();
    break;
  case OP_FLAGS: {
    if (!take(in, 1, &a))
      return false;
    g_vq.used->flags = (uint16_t)a;
    bool added = g_vq.added != 0;
    CHECK(virtq_should_notify(&g_vq) ==
          (added && !(a & VIRTQ_USED_F_NO_NOTIFY)));
    break;
  }
  }
  return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  uint16_t qsize = (uint16_t)(1u << (data[0] % 9));
  CHECK(virtq_init(&g_vq, &g_mem, qsize) == KERR_OK);
  memset(g_posts, 0, g_nposts * sizeof(g_posts[0]));
  g_nposts = 0;
  input_t in = {data + 1, size - 1};
  for (unsigned ops = 0; ops < MAX_OPS && run_op(&in); ops++)
    check_queue();

  /* A good device from here on: every chain in flight comes back once. */
  drain();
  for (size_t k = 0; k < g_nposts; k++)
    if (g_posts[k].live)
      used_publish(g_posts[k].head, g_posts[k].wlen);
  drain();
  CHECK(live_desc_count() == 0 && virtq_free(&g_vq) == qsize);
  check_queue();

  /* And the whole queue as one chain (fresh posts: room for it). */
  uint32_t lens[VIRTQ_MAX_SIZE];
  for (unsigned j = 0; j < qsize; j++)
    lens[j] = 100 + j;
  memset(g_posts, 0, g_nposts * sizeof(g_posts[0]));
  g_nposts = 0;
  CHECK(post(qsize / 2, qsize - qsize / 2, lens));
  check_queue();
  used_publish(g_posts[0].head, g_posts[0].wlen);
  uint32_t len;
  CHECK(virtq_pop(&g_vq, &len) == &g_posts[0] && len == g_posts[0].wlen);
  CHECK(virtq_pop(&g_vq, &len) == NULL && virtq_free(&g_vq) == qsize);
  return 0;
}
