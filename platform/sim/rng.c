/* rng.c (sim): a node's random source, behind the kernel's CSPRNG
 * (kdev_register_rng_source). Bytes come from the seed's SIM_RAND_RNG
 * stream. Each read takes up to rng_lat_max, and with the profile's
 * rng_short rate returns fewer bytes than asked (possibly none), as a
 * virtio-rng device may. A cancel finds the read at the device (KERR_BUSY). */
#include "sim.h"

static sim_rngdev_t *of(kdevice_t *dev) {
  return KCONTAINER_OF(dev, sim_rngdev_t, dev);
}

static void finished(void *arg, uint64_t boot, uint64_t item) {
  sim_node_t *n = arg;
  if (!n->up || n->boot != boot)
    return;
  kwork_t *w = (kwork_t *)(uintptr_t)item;
  krng_req_t *q = KCONTAINER_OF(w, krng_req_t, work);
  size_t len = q->length;
  if (g_sim.faults_on && sim_chance(SIM_RAND_RNG, g_sim.faults->rng_short))
    len = sim_rand_range(SIM_RAND_RNG, 0, q->length - 1);
  for (size_t i = 0; i < len; i++)
    q->buffer[i] = (uint8_t)sim_rand(SIM_RAND_RNG);
  q->completed = len;
  kwork_list_remove(&n->rng.inflight, w);
  kwork_list_push(&n->rng.done, w);
  sim_trace("rng", n->id, &len, sizeof(len));
  kdev_raise(&n->rng.dev);
}

static kerr_t rng_submit(kdevice_t *dev, kwork_t *w) {
  sim_rngdev_t *r = of(dev);
  sim_node_t *n = KCONTAINER_OF(r, sim_node_t, rng);
  kwork_list_push(&r->inflight, w);
  ktime_t lat = sim_rand_range(SIM_RAND_RNG, 0, g_sim.faults->rng_lat_max);
  sim_at(g_sim.now + lat, finished, n, n->boot, (uint64_t)(uintptr_t)w);
  return KERR_OK;
}

static kerr_t rng_cancel(kdevice_t *dev, kwork_t *w) {
  (void)dev, (void)w;
  return KERR_BUSY;
}

static void rng_poll(kdevice_t *dev) {
  sim_rngdev_t *r = of(dev);
  kwork_t *w;
  while ((w = kwork_list_pop(&r->done)) != NULL)
    kdev_complete(dev, w, KERR_OK);
}

static const kdevice_ops_t rng_ops = {
    .submit = rng_submit, .cancel = rng_cancel, .poll = rng_poll};

void sim_rng_init(sim_node_t *n) {
  sim_rngdev_t *r = &n->rng;
  *r = (sim_rngdev_t){0};
  r->dev = (kdevice_t){.ops = &rng_ops, .name = "sim-rng", .cls = KDEV_RNG};
}
