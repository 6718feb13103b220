/* ops.h: what the kernel knows of each op. One list in ops.c says it, a
 * row per op; everything that asks "which device serves this", "is it
 * standing", "does it wait for an address", "what is there to check" or
 * "which socket does it name" reads the tables built from that list here.
 *
 * Adding an op: its number and request struct in kapi.h, its row in ops.c,
 * and its handler (the device that serves its class; a check in validate.c
 * if it has arguments to check). */
#ifndef REALMOS_OPS_H
#define REALMOS_OPS_H

#include "device.h"

/* kwork_ops[op]: the class of device that serves the op
 * (KDEV_CLASS_COUNT for the timer and KWORK_OP_NONE), its flags, and the
 * rest of its row. Four bytes per op; the flags are read on every submit
 * and completion. */
#define KOP_CLASS 0x0f
#define KOP_STANDING 0x10 /* a receive: completes once per event */
#define KOP_ARGS 0x20     /* its row's check runs at ksubmit */
#define KOP_TIMER 0x40    /* the timer: the kernel serves it itself */
#define KOP_ADDRESS 0x80  /* waits until the interface has an address */
typedef struct {
  uint8_t flags;     /* class | KOP_* */
  uint8_t handle_at; /* where the request holds the uint32_t id of what it
                        acts on (a socket), from its kwork_t; 0: none */
  uint16_t size;     /* bytes of its request struct */
} kwork_op_t;
extern const kwork_op_t kwork_ops[KWORK_OP_COUNT];

/* kwork_op_check[op]: validate.c's check of its arguments (KOP_ARGS), or
 * NULL. Apart from the row's bytes so that those stay four. */
typedef kerr_t (*kwork_check_t)(kernel_t *k, const kwork_t *work);
extern const kwork_check_t kwork_op_check[KWORK_OP_COUNT];

/* The accessors take a valid op: ksubmit checked it. */
static inline kdev_class_t kwork_class(uint32_t op) {
  return (kdev_class_t)(kwork_ops[op].flags & KOP_CLASS);
}

static inline bool kwork_is_standing(const kwork_t *w) {
  return (kwork_ops[w->op].flags & KOP_STANDING) != 0;
}

static inline bool kwork_needs_address(const kwork_t *w) {
  return (kwork_ops[w->op].flags & KOP_ADDRESS) != 0;
}

/* The id the request names (a socket id); 0, which no id is, when its op
 * names none. */
static inline uint32_t kwork_handle(const kwork_t *w) {
  uint32_t at = kwork_ops[w->op].handle_at;
  return at ? *(const uint32_t *)(const void *)((const char *)w + at) : 0;
}

/* validate.c: the checks the rows name. Each returns KERR_OK or the error
 * ksubmit refuses the item with; ksubmit has checked the op, the callback
 * and that a device serves it. */
kerr_t kcheck_rng(kernel_t *k, const kwork_t *work);
kerr_t kcheck_blk(kernel_t *k, const kwork_t *work);
kerr_t kcheck_frame(kernel_t *k, const kwork_t *work);
kerr_t kcheck_udp_send(kernel_t *k, const kwork_t *work);
kerr_t kcheck_ping(kernel_t *k, const kwork_t *work);
kerr_t kcheck_arp(kernel_t *k, const kwork_t *work);

#endif
