/* validate.c: argument checks at ksubmit, so that a bad request is refused
 * with an error before it reaches a device. ksubmit itself checks what every
 * item needs (a callback, a valid op, a device that serves it) and calls the
 * check its op's row names (ops.c) for the ops marked KOP_ARGS. */
#include "kernel.h"

kerr_t kcheck_blk(kernel_t *k, const kwork_t *w) {
  const kblk_info_t *info = &k->serves[KDEV_BLOCK]->info.blk;
  const kblk_req_t *r = KCONTAINER_OF(w, const kblk_req_t, work);
  if (w->op == KWORK_OP_BLOCK_WRITE && info->read_only)
    return KERR_READ_ONLY;
  uint64_t bytes = 0;
  if (r->segs != NULL) {
    if (r->nsegs == 0 || r->nsegs > KCONFIG_BLK_MAX_SEGS)
      return KERR_INVALID;
    for (uint32_t i = 0; i < r->nsegs; i++) {
      if (r->segs[i].base == NULL || r->segs[i].len == 0)
        return KERR_INVALID;
      if (r->segs[i].len > UINT64_MAX - bytes) /* the sum must not wrap */
        return KERR_RANGE;
      bytes += r->segs[i].len;
    }
  } else {
    if (r->buffer == NULL || r->length == 0)
      return KERR_INVALID;
    bytes = r->length;
  }
  uint32_t bs = info->block_size ? info->block_size : KBLK_SECTOR;
  if (bytes % bs != 0 || (r->sector * KBLK_SECTOR) % bs != 0)
    return KERR_INVALID;
  uint64_t sectors = bytes / KBLK_SECTOR;
  if (r->sector > info->sectors || sectors > info->sectors - r->sector)
    return KERR_RANGE;
  return KERR_OK;
}

kerr_t kcheck_rng(kernel_t *k, const kwork_t *w) {
  (void)k;
  const krng_req_t *r = KCONTAINER_OF(w, const krng_req_t, work);
  return r->buffer != NULL && r->length > 0 ? KERR_OK : KERR_INVALID;
}

kerr_t kcheck_frame(kernel_t *k, const kwork_t *w) {
  (void)k;
  const knet_send_req_t *r = KCONTAINER_OF(w, const knet_send_req_t, work);
  if (r->frame == NULL || r->length < 14)
    return KERR_INVALID;
  return r->length <= KCONFIG_NET_FRAME_MAX ? KERR_OK : KERR_RANGE;
}

kerr_t kcheck_udp_send(kernel_t *k, const kwork_t *w) {
  (void)k;
  const kudp_send_req_t *r = KCONTAINER_OF(w, const kudp_send_req_t, work);
  if ((r->data == NULL && r->length > 0) || r->dst_port == 0)
    return KERR_INVALID;
  return r->length <= KUDP_MAX_PAYLOAD ? KERR_OK : KERR_RANGE;
}

kerr_t kcheck_ping(kernel_t *k, const kwork_t *w) {
  (void)k;
  const kping_req_t *r = KCONTAINER_OF(w, const kping_req_t, work);
  if (r->target == 0)
    return KERR_INVALID;
  return r->size <= KPING_MAX_PAYLOAD ? KERR_OK : KERR_RANGE;
}

kerr_t kcheck_arp(kernel_t *k, const kwork_t *w) {
  (void)k;
  return KCONTAINER_OF(w, const karp_req_t, work)->addr != 0 ? KERR_OK
                                                             : KERR_INVALID;
}
