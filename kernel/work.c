/* work.c: the life of a work item.
 *
 *   IDLE --ksubmit--> QUEUED --dispatch--> LIVE --device/timer--> DONE
 *    ^                                                             |
 *    +------------------------- callback runs --------------------+
 *
 * Timers skip QUEUED: they go straight onto the heap. A standing item (a
 * receive) that completes with KERR_OK is an event: it is queued again before
 * its callback runs, and stays on its way until it finishes with any other
 * result (KERR_CANCELLED, KERR_TIMEOUT, an error). Every path into DONE goes
 * through finish() or kdev_complete(), and both check the state first, so an
 * item completes exactly once whatever order cancels, deadlines and device
 * completions arrive in.
 */
#include "kernel.h"
#include "kstring.h"

void kwork_init(kwork_t *work, uint32_t op, void *ctx, kwork_cb_t callback,
                uint32_t flags) {
  kmemset(work, 0, sizeof(*work));
  work->op = op < KWORK_OP_COUNT ? (uint8_t)op : KWORK_OP_NONE;
  work->flags = (uint16_t)flags;
  work->ctx = ctx;
  work->callback = callback;
  work->deadline = KTIME_NEVER;
  work->heap_index = KWORK_NO_HEAP;
}

void kwork_set_deadline(kwork_t *work, ktime_t deadline) {
  if (work->state == KWORK_STATE_IDLE)
    work->deadline = deadline;
}

void kwork_set_timeout(kernel_t *k, kwork_t *work, ktime_t ns) {
  ktime_t now = ktime_now(k);
  kwork_set_deadline(work, ns > KTIME_NEVER - now ? KTIME_NEVER : now + ns);
}

/* The final completion: off the heap, onto the completion queue. Every
 * final result other than KERR_OK comes this way, so it is counted here. */
static void finish(kernel_t *k, kwork_t *w, kerr_t result) {
  if (w->heap_index != KWORK_NO_HEAP)
    ktimer_heap_cancel(&k->timers, w);
  if (result == KERR_CANCELLED)
    k->stats.cancelled++;
  else if (result == KERR_TIMEOUT)
    k->stats.timed_out++;
  w->result = result;
  w->state = KWORK_STATE_DONE;
  kwork_queue_push(&k->done, w);
}

static kerr_t reject(kernel_t *k, kerr_t err) {
  k->stats.rejected++;
  return err;
}

/* Onto the submit queue; heap_index is already set (a deadline's slot, or
 * KWORK_NO_HEAP). cancel_reason is read only under KWORK_I_CANCEL, which is
 * set with it: no need to clear it. */
static inline void enqueue(kernel_t *k, kwork_t *w) {
  w->result = KERR_OK;
  w->internal = 0;
  w->state = KWORK_STATE_QUEUED;
  kwork_queue_push(&k->submitted, w);
  k->stats.submitted++;
}

/* What the common path of ksubmit leaves: a timer, an op with arguments to
 * check, or an item with a deadline. The op and the callback are checked. */
static __attribute__((noinline)) kerr_t submit_more(kernel_t *k, kwork_t *w) {
  kerr_t err;
  if (w->op == KWORK_OP_TIMER) {
    ktimer_req_t *t = KCONTAINER_OF(w, ktimer_req_t, work);
    ktime_t now = ktime_now(k);
    w->heap_index = KWORK_NO_HEAP;
    t->expires = t->delay > KTIME_NEVER - now ? KTIME_NEVER : now + t->delay;
    err = ktimer_heap_arm(&k->timers, w, KMIN(t->expires, w->deadline));
    if (err != KERR_OK)
      return reject(k, err);
    w->result = KERR_OK;
    w->internal = 0;
    w->state = KWORK_STATE_LIVE;
    k->stats.submitted++;
    return KERR_OK;
  }
  if (k->serves_op[w->op] == NULL)
    return reject(k, KERR_NO_DEVICE);
  if ((kwork_ops[w->op].flags & KOP_ARGS) &&
      (err = kwork_op_check[w->op](k, w)) != KERR_OK)
    return reject(k, err);
  w->heap_index = KWORK_NO_HEAP;
  if (w->deadline != KTIME_NEVER &&
      (err = ktimer_heap_arm(&k->timers, w, w->deadline)) != KERR_OK)
    return reject(k, err);
  enqueue(k, w);
  return KERR_OK;
}

kerr_t ksubmit(kernel_t *k, kwork_t *w) {
  if (w == NULL)
    return reject(k, KERR_INVALID);
  if (w->state != KWORK_STATE_IDLE)
    return reject(k, KERR_STATE);
  uint32_t op = w->op;
  /* op - 1 wraps for KWORK_OP_NONE */
  if (w->callback == NULL || op - 1u >= KWORK_OP_COUNT - 1u)
    return reject(k, KERR_INVALID);
  uint32_t flags = kwork_ops[op].flags;
  if ((flags & (KOP_ARGS | KOP_TIMER)) || w->deadline != KTIME_NEVER)
    return submit_more(k, w);
  if (k->serves_op[op] == NULL)
    return reject(k, KERR_NO_DEVICE);
  w->heap_index = KWORK_NO_HEAP;
  enqueue(k, w);
  return KERR_OK;
}

/* Ask the device to stop a LIVE item; it completes now or when the device
 * lets go of it. */
static void stop_at_device(kernel_t *k, kwork_t *w, kerr_t reason) {
  if (w->internal & KWORK_I_CANCEL)
    return;
  w->internal |= KWORK_I_CANCEL;
  w->cancel_reason = reason;
  kdevice_t *dev = k->serves_op[w->op];
  if (dev->ops->cancel(dev, w) == KERR_OK)
    finish(k, w, reason);
}

/* Stop an item for `reason` (KERR_CANCELLED or KERR_TIMEOUT). */
static kerr_t stop(kernel_t *k, kwork_t *w, kerr_t reason) {
  switch (w->state) {
  case KWORK_STATE_QUEUED:
    kwork_queue_remove(w);
    finish(k, w, reason);
    return KERR_OK;
  case KWORK_STATE_LIVE:
    if (w->op == KWORK_OP_TIMER)
      finish(k, w, reason);
    else
      stop_at_device(k, w, reason);
    return KERR_OK;
  case KWORK_STATE_DONE:
    /* A standing item whose event waits for its callback: finish after it. */
    if (kwork_is_standing(w) && w->result == KERR_OK) {
      if (!(w->internal & KWORK_I_CANCEL)) {
        w->internal |= KWORK_I_CANCEL;
        w->cancel_reason = reason;
      }
      return KERR_OK;
    }
    return KERR_STATE; /* its result is already decided */
  default:
    return KERR_STATE;
  }
}

kerr_t kcancel(kernel_t *k, kwork_t *w) {
  if (w == NULL)
    return reject(k, KERR_INVALID);
  kerr_t err = stop(k, w, KERR_CANCELLED);
  return err == KERR_OK ? KERR_OK : reject(k, err);
}

/* A heap entry came due: a timer fired or a deadline passed. */
void kwork_expire(kernel_t *k, kwork_t *w) {
  if (w->op == KWORK_OP_TIMER && w->state == KWORK_STATE_LIVE) {
    ktimer_req_t *t = KCONTAINER_OF(w, ktimer_req_t, work);
    finish(k, w, w->deadline <= t->expires ? KERR_TIMEOUT : KERR_OK);
    return;
  }
  stop(k, w, KERR_TIMEOUT);
}

static __attribute__((noinline)) void bad_completion(kernel_t *k) {
  k->stats.bad_completions++;
}

static __attribute__((noinline)) void complete_slow(kernel_t *k, kwork_t *w,
                                                    kerr_t result) {
  if (result == KERR_CANCELLED && (w->internal & KWORK_I_CANCEL))
    result = w->cancel_reason;
  if (kwork_is_standing(w) && result == KERR_OK) {
    w->result = KERR_OK; /* an event: keeps its deadline on the heap */
    w->state = KWORK_STATE_DONE;
    kwork_queue_push(&k->done, w);
    return;
  }
  finish(k, w, result);
}

void kdev_complete(kdevice_t *dev, kwork_t *w, kerr_t result) {
  if (w == NULL || w->state != KWORK_STATE_LIVE)
    return bad_completion(dev->k);
  if (result != KERR_OK || w->heap_index != KWORK_NO_HEAP)
    return complete_slow(dev->k, w, result);
  /* KERR_OK and nothing on the heap: an event and a final result take the
   * same steps. w->result is KERR_OK already: ksubmit set it, and only a
   * completion changes it. */
  w->state = KWORK_STATE_DONE;
  kwork_queue_push(&dev->k->done, w);
}

/* Every QUEUED item to its device, including those the devices' submits
 * queue (the IPv4 stack's frames). It ends: an item is queued only from
 * IDLE, and nothing here makes an item IDLE. */
static inline __attribute__((always_inline)) void dispatch_all(kernel_t *k) {
  while (!kwork_queue_empty(&k->submitted)) {
    kwork_t *w = kwork_queue_pop(&k->submitted);
    if (w->deadline != KTIME_NEVER && w->deadline <= ktime_now(k)) {
      /* Never start work that is already late. */
      finish(k, w, KERR_TIMEOUT);
      continue;
    }
    kdevice_t *dev = k->serves_op[w->op];
    w->state = KWORK_STATE_LIVE;
    k->kicks |= dev->bit;
    kerr_t err = dev->ops->submit(dev, w);
    if (err != KERR_OK && w->state == KWORK_STATE_LIVE)
      finish(k, w, err);
  }
}

/* One batch: the items done when it starts, in the order they completed.
 * Items that complete while it runs go to the next batch. */
static inline __attribute__((always_inline)) void run_callbacks(kernel_t *k) {
  kwork_t *w = kwork_queue_take_all(&k->done);
  while (w != NULL) {
    kwork_t *next = w->next; /* the callback may queue w again */
    bool stopping = false;
    if (!kwork_is_standing(w) || w->result != KERR_OK) {
      w->state = KWORK_STATE_IDLE;
      k->finals++;
    } else if (w->internal & KWORK_I_CANCEL) {
      stopping = true; /* the event's callback, then the final result */
      k->events++;
    } else {
      k->events++;
      /* an event: re-armed before the callback */
      w->state = KWORK_STATE_QUEUED;
      kwork_queue_push(&k->submitted, w);
    }
    w->callback(w);
    if (stopping)
      finish(k, w, w->cancel_reason);
    w = next;
  }
}

void kwork_run_callbacks(kernel_t *k) { run_callbacks(k); }

uint32_t kwork_run_passes(kernel_t *k, uint32_t max_passes) {
  uint32_t pass = 0;
  while (pass < max_passes) {
    pass++;
    run_callbacks(k);
    dispatch_all(k);
    if (kwork_queue_empty(&k->done))
      break;
  }
  return pass;
}
