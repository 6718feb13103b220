/* rng.c: the kernel's CSPRNG device, which serves KDEV_RNG in front of the
 * platform's random source (the "hardware" device: virtio-rng, getrandom).
 *
 *  - kdev_register_rng_source registers this device and then the source;
 *    this one, registered first, serves the class. It submits a seed read
 *    (an internal krng_req_t with KRNG_FLAG_RAW, through ksubmit) at once.
 *  - RNG_READ before the first seed: the request waits in `waiting`. When
 *    the seed read ends, the waiting requests are served, or completed with
 *    KERR_IO if it failed (the next request then starts a new seed read).
 *    A source that answers with fewer bytes than asked is asked for the
 *    rest (found by the simulator's rng profile: a short answer used to
 *    fail every waiting request).
 *  - RNG_READ once seeded: filled from the CSPRNG and completed inside
 *    submit; the source never sees it.
 *  - Reseed: the first request after KCONFIG_RNG_RESEED_NS or
 *    KCONFIG_RNG_RESEED_BYTES since the last seed read starts another seed
 *    read; requests keep being served from the current key meanwhile. A
 *    failed reseed keeps the key and waits another interval.
 *  - KRNG_FLAG_RAW: passed through. The item stays LIVE and is handed to the
 *    source's submit; the source completes it with kdev_complete, and a
 *    cancel is forwarded to the source's cancel. The kernel's state checks
 *    keep exactly-once as for any device.
 *
 * The seed read is an ordinary work item: kstats counts it, and it is live
 * only while it is on its way, so an idle kernel stays idle.
 */
#include "kernel.h"
#include "kstring.h"

static krng_dev_t *of(kdevice_t *dev) {
  return KCONTAINER_OF(dev, krng_dev_t, dev);
}

static void seed_done(kwork_t *w);

/* Fill one request from the CSPRNG and complete it. */
static void serve(krng_dev_t *r, kwork_t *w) {
  krng_req_t *q = KCONTAINER_OF(w, krng_req_t, work);
  csprng_read(&r->rng, q->buffer, q->length);
  q->completed = q->length;
  r->since_seed += q->length;
  kdev_complete(&r->dev, w, KERR_OK);
}

/* Complete every waiting request: from the CSPRNG, or with KERR_IO. */
static void drain_waiting(krng_dev_t *r) {
  kwork_t *w;
  while ((w = kwork_list_pop(&r->waiting)) != NULL) {
    if (r->seeded)
      serve(r, w);
    else
      kdev_complete(&r->dev, w, KERR_IO);
  }
}

/* Ask the source for the part of the seed still missing. false: refused. */
static bool read_seed_rest(krng_dev_t *r) {
  kwork_init(&r->seed.work, KWORK_OP_RNG_READ, r, seed_done, KRNG_FLAG_RAW);
  r->seed.buffer = r->seed_buf + r->seed_have;
  r->seed.length = sizeof(r->seed_buf) - r->seed_have;
  r->seed.completed = 0;
  return ksubmit(r->dev.k, &r->seed.work) == KERR_OK;
}

/* The seed read is over: seeded (or reseeded) if every byte came. */
static void seed_end(krng_dev_t *r) {
  if (r->seed_have == sizeof(r->seed_buf)) {
    if (r->seeded)
      csprng_reseed(&r->rng, r->seed_buf, sizeof(r->seed_buf));
    else
      csprng_init(&r->rng, r->seed_buf, sizeof(r->seed_buf));
    r->seeded = true;
    r->seeds++;
  }
  chacha20_wipe(r->seed_buf, sizeof(r->seed_buf));
  r->seeded_at = ktime(r->dev.k);
  r->since_seed = 0;
  drain_waiting(r);
}

/* Submit the seed read, unless one is on its way. */
static void start_seed(krng_dev_t *r) {
  if (r->seed.work.state != KWORK_STATE_IDLE)
    return;
  r->seed_have = 0;
  r->seed_empty = 0;
  /* Refused cannot happen (no deadline, a valid buffer, the class is
   * served); should it, nobody must wait for a seed that never comes. */
  if (!read_seed_rest(r))
    seed_end(r);
}

/* A short answer is not a failure: the rest is asked for, until the source
 * fails, or answers KRNG_SEED_EMPTY_MAX times in a row with nothing. */
static void seed_done(kwork_t *w) {
  krng_dev_t *r = w->ctx;
  size_t got = r->seed.completed;
  if (w->result == KERR_OK && got <= r->seed.length) {
    r->seed_have += (uint32_t)got;
    r->seed_empty = got ? 0 : r->seed_empty + 1;
    if (r->seed_have < sizeof(r->seed_buf) &&
        r->seed_empty < KRNG_SEED_EMPTY_MAX && read_seed_rest(r))
      return;
  }
  seed_end(r);
}

static bool reseed_due(const krng_dev_t *r) {
  ktime_t now = ktime(r->dev.k);
  return r->since_seed >= KCONFIG_RNG_RESEED_BYTES ||
         (now >= r->seeded_at && now - r->seeded_at >= KCONFIG_RNG_RESEED_NS);
}

static kerr_t rng_submit(kdevice_t *dev, kwork_t *w) {
  krng_dev_t *r = of(dev);
  if (w->flags & KRNG_FLAG_RAW) {
    kdev_want_kick(r->hw); /* the kernel kicks it at the end of the tick */
    return r->hw->ops->submit(r->hw, w);
  }
  if (!r->seeded) {
    kwork_list_push(&r->waiting, w);
    start_seed(r); /* after a failed seed read: try again */
    return KERR_OK;
  }
  serve(r, w);
  if (reseed_due(r))
    start_seed(r);
  return KERR_OK;
}

/* A LIVE request here is either RAW (at the source) or waiting. */
static kerr_t rng_cancel(kdevice_t *dev, kwork_t *w) {
  krng_dev_t *r = of(dev);
  if (w->flags & KRNG_FLAG_RAW)
    return r->hw->ops->cancel(r->hw, w);
  kwork_list_remove(&r->waiting, w);
  return KERR_OK;
}

/* Never raised: everything happens in submit and in seed_done. */
static void rng_poll(kdevice_t *dev) { (void)dev; }

static const kdevice_ops_t csprng_ops = {
    .submit = rng_submit, .cancel = rng_cancel, .poll = rng_poll};

kerr_t kdev_register_rng_source(kernel_t *k, kdevice_t *hw) {
  if (hw == NULL || hw->ops == NULL || hw->cls != KDEV_RNG)
    return KERR_INVALID;
  /* A second source, or one after a plain rng device: an extra device of
   * the class, polled but given no work (as kdev_register does). */
  if (k->serves[KDEV_RNG] != NULL)
    return kdev_register(k, hw);
  if (k->ndevices + 2 > KCONFIG_MAX_DEVICES)
    return KERR_NO_SPACE;
  krng_dev_t *r = &k->rng;
  /* kmemset, not `*r = (krng_dev_t){0}`: clang lowers that to
   * __aeabi_memclr8 on arm32, which the tree does not provide. */
  kmemset(r, 0, sizeof(*r));
  r->dev.ops = &csprng_ops;
  r->dev.name = "csprng";
  r->dev.cls = KDEV_RNG;
  r->hw = hw;
  kerr_t err = kdev_register(k, &r->dev); /* first: it serves KDEV_RNG */
  if (err == KERR_OK)
    err = kdev_register(k, hw);
  if (err != KERR_OK)
    return err; /* not reached: both were checked above */
  start_seed(r);
  return KERR_OK;
}
