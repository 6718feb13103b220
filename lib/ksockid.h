/* ksockid.h: the ids of sockets kept in a fixed table (net/udp.c, and the
 * hosted socket backend platform/hosted/udp.c). An id names a slot of the
 * table and a generation of that slot:
 *
 *   bits 0-15   the slot's index + 1 (so 0 is never an id)
 *   bits 16-31  the slot's generation when the socket was made
 *
 * A table bumps a slot's generation when it frees the slot, so an id kept
 * past its unbind names no socket (KERR_NOT_BOUND), not whichever socket
 * took the slot next. After 65,536 binds of one slot an old id would name
 * it again. Tables hold fewer than 65,535 slots. */
#ifndef REALMOS_KSOCKID_H
#define REALMOS_KSOCKID_H

#include <stdbool.h>
#include <stdint.h>

static inline uint32_t ksockid_make(uint32_t slot, uint16_t gen) {
  return ((uint32_t)gen << 16) | (slot + 1);
}

/* The slot an id names; 0xffffffff, past every table, for an id whose low
 * half is 0. The caller checks it against its table's size. */
static inline uint32_t ksockid_slot(uint32_t id) { return (id & 0xffffu) - 1; }

/* Whether id names `slot` in its current generation `gen`. */
static inline bool ksockid_is(uint32_t id, uint32_t slot, uint16_t gen) {
  return id == ksockid_make(slot, gen);
}

#endif
