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

static bool is_standing(const kwork_t *w) {
  return w->op == KWORK_OP_NET_RECV || w->op == KWORK_OP_UDP_RECV;
}

kdev_class_t kwork_class(uint32_t op) {
  switch (op) {
  case KWORK_OP_RNG_READ:
    return KDEV_RNG;
  case KWORK_OP_BLOCK_READ:
  case KWORK_OP_BLOCK_WRITE:
  case KWORK_OP_BLOCK_FLUSH:
    return KDEV_BLOCK;
  case KWORK_OP_NET_RECV:
  case KWORK_OP_NET_SEND:
    return KDEV_NET;
  case KWORK_OP_UDP_BIND:
  case KWORK_OP_UDP_UNBIND:
  case KWORK_OP_UDP_RECV:
  case KWORK_OP_UDP_SEND:
  case KWORK_OP_IP_CONFIG:
  case KWORK_OP_PING:
  case KWORK_OP_ARP_RESOLVE:
    return KDEV_IP;
  default:
    return KDEV_CLASS_COUNT; /* timers and invalid ops: no device */
  }
}

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

/* The final completion: off the heap, onto the completion queue. */
static void finish(kernel_t *k, kwork_t *w, kerr_t result) {
  if (w->heap_index != KWORK_NO_HEAP)
    ktimer_heap_cancel(&k->timers, w);
  w->result = result;
  w->state = KWORK_STATE_DONE;
  kwork_list_push(&k->done, w);
}

static kerr_t reject(kernel_t *k, kerr_t err) {
  k->stats.rejected++;
  return err;
}

kerr_t ksubmit(kernel_t *k, kwork_t *w) {
  if (w == NULL)
    return reject(k, KERR_INVALID);
  if (w->state != KWORK_STATE_IDLE)
    return reject(k, KERR_STATE);
  kerr_t err = kwork_validate(k, w);
  if (err != KERR_OK)
    return reject(k, err);

  w->result = KERR_OK;
  w->internal = 0;
  w->cancel_reason = KERR_OK;
  w->heap_index = KWORK_NO_HEAP;
  if (w->op == KWORK_OP_TIMER) {
    ktimer_req_t *t = KCONTAINER_OF(w, ktimer_req_t, work);
    ktime_t now = ktime_now(k);
    t->expires = t->delay > KTIME_NEVER - now ? KTIME_NEVER : now + t->delay;
    err = ktimer_heap_arm(&k->timers, w, KMIN(t->expires, w->deadline));
    if (err != KERR_OK)
      return reject(k, err);
    w->state = KWORK_STATE_LIVE;
  } else {
    if (w->deadline != KTIME_NEVER) {
      err = ktimer_heap_arm(&k->timers, w, w->deadline);
      if (err != KERR_OK)
        return reject(k, err);
    }
    w->state = KWORK_STATE_QUEUED;
    kwork_list_push(&k->submitted, w);
  }
  k->stats.submitted++;
  k->stats.live++;
  return KERR_OK;
}

/* Ask the device to stop a LIVE item; it completes now or when the device
 * lets go of it. */
static void stop_at_device(kernel_t *k, kwork_t *w, kerr_t reason) {
  if (w->internal & KWORK_I_CANCEL)
    return;
  w->internal |= KWORK_I_CANCEL;
  w->cancel_reason = reason;
  kdevice_t *dev = k->serves[kwork_class(w->op)];
  if (dev->ops->cancel(dev, w) == KERR_OK)
    finish(k, w, reason);
}

/* Stop an item for `reason` (KERR_CANCELLED or KERR_TIMEOUT). */
static kerr_t stop(kernel_t *k, kwork_t *w, kerr_t reason) {
  switch (w->state) {
  case KWORK_STATE_QUEUED:
    kwork_list_remove(&k->submitted, w);
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
    if (is_standing(w) && w->result == KERR_OK) {
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

void kdev_complete(kdevice_t *dev, kwork_t *w, kerr_t result) {
  kernel_t *k = dev->k;
  if (w == NULL || w->state != KWORK_STATE_LIVE) {
    k->stats.bad_completions++;
    return;
  }
  if (result == KERR_CANCELLED && (w->internal & KWORK_I_CANCEL))
    result = w->cancel_reason;
  if (is_standing(w) && result == KERR_OK) {
    w->result = KERR_OK; /* an event: keeps its deadline on the heap */
    w->state = KWORK_STATE_DONE;
    kwork_list_push(&k->done, w);
    return;
  }
  finish(k, w, result);
}

void kwork_dispatch_all(kernel_t *k) {
  kwork_t *w;
  while ((w = kwork_list_pop(&k->submitted)) != NULL) {
    if (w->deadline != KTIME_NEVER && w->deadline <= ktime_now(k)) {
      /* Never start work that is already late. */
      finish(k, w, KERR_TIMEOUT);
      continue;
    }
    kdevice_t *dev = k->serves[kwork_class(w->op)];
    w->state = KWORK_STATE_LIVE;
    dev->kick = true;
    kerr_t err = dev->ops->submit(dev, w);
    if (err != KERR_OK && w->state == KWORK_STATE_LIVE)
      finish(k, w, err);
  }
  for (uint32_t i = 0; i < k->ndevices; i++) {
    kdevice_t *dev = k->devices[i];
    if (dev->kick) {
      dev->kick = false;
      if (dev->ops->kick)
        dev->ops->kick(dev);
    }
  }
}

void kwork_run_callbacks(kernel_t *k) {
  /* Only what is done now: items completed by these callbacks wait for the
   * next tick, so a callback that resubmits cannot starve the loop. */
  kwork_list_t batch = k->done;
  k->done.head = k->done.tail = NULL;
  kwork_t *w;
  while ((w = kwork_list_pop(&batch)) != NULL) {
    bool event = is_standing(w) && w->result == KERR_OK;
    bool stopping = event && (w->internal & KWORK_I_CANCEL);
    if (event && !stopping) {
      w->state = KWORK_STATE_QUEUED; /* re-armed before the callback */
      kwork_list_push(&k->submitted, w);
    } else if (!event) {
      w->state = KWORK_STATE_IDLE;
      k->stats.live--;
      if (w->result == KERR_CANCELLED)
        k->stats.cancelled++;
      else if (w->result == KERR_TIMEOUT)
        k->stats.timed_out++;
    }
    k->stats.completed++;
    w->callback(w);
    if (stopping)
      finish(k, w, w->cancel_reason);
  }
}
