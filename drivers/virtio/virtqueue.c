/* virtqueue.c: split virtqueues (virtqueue.h). */
#include "virtqueue.h"

#include "driver_platform.h"

/* A full fence: orders our ring writes against the device's reads and its
 * writes against our reads (spec 2.7.13: the descriptors before avail->idx,
 * avail->idx before reading used->flags; used->idx before the used ring). */
static inline void virtq_fence(void) {
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

kerr_t virtq_init(virtqueue_t *vq, virtq_mem_t *mem, uint16_t size) {
  if (size == 0 || size > VIRTQ_MAX_SIZE || (size & (size - 1)) != 0)
    return KERR_INVALID;
  uint8_t *base = mem->bytes;
  for (uint32_t i = 0; i < VIRTQ_BYTES(size); i++)
    base[i] = 0;
  vq->desc = (struct virtq_desc *)(void *)base;
  vq->avail = (struct virtq_avail *)(void *)(base + VIRTQ_AVAIL_OFFSET(size));
  vq->used =
      (volatile struct virtq_used *)(void *)(base + VIRTQ_USED_OFFSET(size));
  vq->size = size;
  for (uint16_t i = 0; i < size; i++) {
    vq->desc[i].next = (uint16_t)(i + 1);
    vq->token[i] = NULL;
  }
  vq->free_head = 0;
  vq->nfree = size;
  vq->avail_idx = vq->last_used = vq->added = 0;
  vq->bad_id = vq->bad_len = vq->bad_idx = 0;
  return KERR_OK;
}

uint64_t virtq_desc_addr(const virtqueue_t *vq) {
  return drv_dma_addr(vq->desc);
}
uint64_t virtq_avail_addr(const virtqueue_t *vq) {
  return drv_dma_addr(vq->avail);
}
uint64_t virtq_used_addr(const virtqueue_t *vq) {
  return drv_dma_addr(vq->used);
}

kerr_t virtq_add(virtqueue_t *vq, const virtq_buf_t *bufs, unsigned nread,
                 unsigned nwrite, void *token) {
  unsigned n = nread + nwrite;
  if (n == 0 || token == NULL || n > vq->size || nread > vq->size)
    return KERR_INVALID;
  if (n > vq->nfree)
    return KERR_NO_SPACE;
  uint16_t head = vq->free_head, i = head, last = head;
  uint32_t wlen = 0;
  for (unsigned j = 0; j < n; j++) {
    struct virtq_desc *d = &vq->desc[i];
    d->addr = drv_dma_addr(bufs[j].addr);
    d->len = bufs[j].len;
    d->flags = (uint16_t)((j + 1 < n ? VIRTQ_DESC_F_NEXT : 0) |
                          (j >= nread ? VIRTQ_DESC_F_WRITE : 0));
    if (j >= nread)
      wlen += bufs[j].len;
    last = i;
    i = d->next; /* the free list is linked through `next` too */
  }
  vq->free_head = i;
  vq->nfree = (uint16_t)(vq->nfree - n);
  vq->desc[last].flags &= (uint16_t)~VIRTQ_DESC_F_NEXT;
  vq->token[head] = token;
  vq->ndesc[head] = (uint16_t)n;
  vq->wlen[head] = wlen;
  vq->avail->ring[vq->avail_idx & (vq->size - 1)] = head;
  virtq_fence(); /* the chain and ring entry before the index */
  vq->avail_idx++;
  __atomic_store_n(&vq->avail->idx, vq->avail_idx, __ATOMIC_RELEASE);
  vq->added++;
  return KERR_OK;
}

bool virtq_should_notify(virtqueue_t *vq) {
  if (vq->added == 0)
    return false;
  vq->added = 0;
  virtq_fence(); /* avail->idx is visible before we read used->flags */
  return (vq->used->flags & VIRTQ_USED_F_NO_NOTIFY) == 0;
}

/* Put the chain at `head` (ndesc descriptors) back on the free list. */
static void free_chain(virtqueue_t *vq, uint16_t head) {
  uint16_t i = head;
  for (uint16_t j = 1; j < vq->ndesc[head]; j++)
    i = vq->desc[i].next;
  vq->desc[i].next = vq->free_head;
  vq->free_head = head;
  vq->nfree = (uint16_t)(vq->nfree + vq->ndesc[head]);
  vq->token[head] = NULL;
}

void *virtq_pop(virtqueue_t *vq, uint32_t *len) {
  for (;;) {
    uint16_t dev_idx = __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE);
    if (dev_idx == vq->last_used)
      return NULL;
    /* More than a queue's worth ahead is impossible for a correct device
     * (its index went back, or jumped): the slots in between were never
     * written for this round and may name chains still in flight, which
     * would come back as if finished. Take none of them; go on from where
     * the device is. (Found by fuzz_virtq: a used->idx one step back
     * returned the chain at head 0 with length 0.) */
    if ((uint16_t)(dev_idx - vq->last_used) > vq->size) {
      vq->bad_idx++;
      vq->last_used = dev_idx;
      return NULL;
    }
    virtq_fence(); /* used->idx before the entries it covers */
    volatile struct virtq_used_elem *e =
        &vq->used->ring[vq->last_used & (vq->size - 1)];
    uint32_t id = e->id, n = e->len;
    vq->last_used++;
    if (id >= vq->size || vq->token[id] == NULL) {
      vq->bad_id++;
      continue;
    }
    if (n > vq->wlen[id]) {
      vq->bad_len++;
      n = vq->wlen[id];
    }
    void *token = vq->token[id];
    free_chain(vq, (uint16_t)id);
    if (len)
      *len = n;
    return token;
  }
}
