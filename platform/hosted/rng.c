/* rng.c (hosted): KWORK_OP_RNG_READ from getrandom(2). The kernel's urandom
 * pool never blocks once initialised, so requests complete inside submit. */
#include <errno.h>
#include <sys/random.h>

#include "hosted.h"

static kerr_t rng_submit(kdevice_t *dev, kwork_t *work) {
  krng_req_t *r = KCONTAINER_OF(work, krng_req_t, work);
  size_t done = 0;
  while (done < r->length) {
    ssize_t n = getrandom(r->buffer + done, r->length - done, 0);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    done += (size_t)n;
  }
  r->completed = done;
  kdev_complete(dev, work, done == r->length ? KERR_OK : KERR_IO);
  return KERR_OK;
}

/* Requests never stay at the device, so there is nothing to cancel. */
static kerr_t rng_cancel(kdevice_t *dev, kwork_t *work) {
  (void)dev, (void)work;
  return KERR_BUSY;
}

static void rng_poll(kdevice_t *dev) { (void)dev; }

static const kdevice_ops_t rng_ops = {
    .submit = rng_submit, .cancel = rng_cancel, .poll = rng_poll};

static kdevice_t g_rng = {
    .ops = &rng_ops, .name = "getrandom", .cls = KDEV_RNG};

const char *hosted_rng_init(platform_t *p) {
  return kdev_register_rng_source(p->k, &g_rng) == KERR_OK ? NULL
                                                           : "too many devices";
}
