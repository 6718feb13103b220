/* virtqueue.h: a split virtqueue (virtio 1.x spec 2.7) in memory the caller
 * gives: descriptor table, available ring, and the used ring at the next
 * 4096-byte boundary. That is the legacy layout (spec 2.7, "Legacy
 * Interfaces: A Note on Virtqueue Layout", QueueAlign 4096), so the same
 * memory serves virtio-mmio version 1 (one QueuePFN), version 2 and PCI
 * modern (three addresses).
 *
 * Descriptors are chained from a free list. A chain carries readable buffers
 * first, then writable ones (the device's order), and a token the caller
 * gets back when the device returns the chain. The device's used entries are
 * not trusted: an id out of range, or of a chain not in flight, is counted
 * and skipped; a length beyond the chain's writable bytes is counted and cut
 * to them. */
#ifndef REALMOS_VIRTQUEUE_H
#define REALMOS_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "kapi.h"

/* Largest queue the drivers use; a device offering more gets this many. A
 * power of two (split queues must be). */
#ifndef VIRTQ_MAX_SIZE
#define VIRTQ_MAX_SIZE 256u
#endif
#define VIRTQ_ALIGN 4096u /* legacy QueueAlign and GuestPageSize */

/* Descriptor flags (spec 2.7.5). */
#define VIRTQ_DESC_F_NEXT 1u  /* `next` continues the chain */
#define VIRTQ_DESC_F_WRITE 2u /* the device writes this buffer */
/* used->flags bit 0 (spec 2.7.10): the device asks not to be notified. */
#define VIRTQ_USED_F_NO_NOTIFY 1u

struct virtq_desc {
  uint64_t addr; /* guest-physical; memory is identity mapped */
  uint32_t len;
  uint16_t flags;
  uint16_t next;
};
struct virtq_avail {
  uint16_t flags;
  uint16_t idx; /* where the driver puts the next entry, mod 2^16 */
  uint16_t ring[];
};
struct virtq_used_elem {
  uint32_t id;  /* head of the returned chain */
  uint32_t len; /* bytes the device wrote into the chain */
};
struct virtq_used {
  uint16_t flags;
  uint16_t idx; /* where the device puts the next entry, mod 2^16 */
  struct virtq_used_elem ring[];
};

/* Bytes of memory a queue of `n` entries needs (the legacy layout). */
#define VIRTQ_AVAIL_OFFSET(n) (16u * (n))
#define VIRTQ_USED_OFFSET(n)                                                   \
  ((VIRTQ_AVAIL_OFFSET(n) + 6u + 2u * (n) + VIRTQ_ALIGN - 1u) &                \
   ~(VIRTQ_ALIGN - 1u))
#define VIRTQ_BYTES(n)                                                         \
  ((VIRTQ_USED_OFFSET(n) + 6u + 8u * (n) + VIRTQ_ALIGN - 1u) &                 \
   ~(VIRTQ_ALIGN - 1u))
/* Storage for one queue of up to VIRTQ_MAX_SIZE entries. */
typedef struct {
  _Alignas(VIRTQ_ALIGN) uint8_t bytes[VIRTQ_BYTES(VIRTQ_MAX_SIZE)];
} virtq_mem_t;

/* One buffer of a chain. */
typedef struct {
  const void *addr;
  uint32_t len;
} virtq_buf_t;

typedef struct {
  struct virtq_desc *desc;
  struct virtq_avail *avail;
  volatile struct virtq_used *used;
  uint16_t size;      /* entries, a power of two */
  uint16_t free_head; /* first free descriptor */
  uint16_t nfree;     /* descriptors on the free list */
  uint16_t avail_idx; /* our copy of avail->idx */
  uint16_t last_used; /* next used entry to look at */
  uint16_t added;     /* chains made available since the last notify check */
  void *token[VIRTQ_MAX_SIZE];    /* per chain head; NULL: not in flight */
  uint16_t ndesc[VIRTQ_MAX_SIZE]; /* per head: descriptors in the chain */
  uint32_t wlen[VIRTQ_MAX_SIZE];  /* per head: writable bytes */
  /* Counters of bad input from the device. */
  uint32_t bad_id;  /* used ids out of range or not in flight: skipped */
  uint32_t bad_len; /* used lengths beyond the writable bytes: cut */
  uint32_t bad_idx; /* used->idx found more than `size` ahead of us: the
                       entries up to it are skipped, none is taken */
} virtqueue_t;

/* Lay out a queue of `size` entries (a power of two, 1..VIRTQ_MAX_SIZE) in
 * `mem` and zero it. */
kerr_t virtq_init(virtqueue_t *vq, virtq_mem_t *mem, uint16_t size);

/* Addresses the transport gives the device. */
uint64_t virtq_desc_addr(const virtqueue_t *vq);
uint64_t virtq_avail_addr(const virtqueue_t *vq);
uint64_t virtq_used_addr(const virtqueue_t *vq);

/* Make a chain of `nread` readable then `nwrite` writable buffers available,
 * with `token` (not NULL). KERR_NO_SPACE: not enough free descriptors now;
 * KERR_INVALID: no buffers, a NULL token, or a chain longer than the queue
 * could ever hold. */
kerr_t virtq_add(virtqueue_t *vq, const virtq_buf_t *bufs, unsigned nread,
                 unsigned nwrite, void *token);

/* Descriptors free now. */
static inline unsigned virtq_free(const virtqueue_t *vq) { return vq->nfree; }

/* After adding: true if the device wants a notification (it did not set
 * VIRTQ_USED_F_NO_NOTIFY) and something was added since the last call. */
bool virtq_should_notify(virtqueue_t *vq);

/* Take the next chain the device has returned: its token, and in *len the
 * bytes the device wrote. Returns NULL when none is left up to the device's
 * current used->idx. Bad entries are counted and skipped here. */
void *virtq_pop(virtqueue_t *vq, uint32_t *len);

#endif
