/* rng.h: the kernel's CSPRNG device (rng.c), for kernel.h. */
#ifndef REALMOS_RNG_H
#define REALMOS_RNG_H

#include "csprng.h"
#include "device.h"
#include "work_list.h"

/* rng.c: the kernel's CSPRNG device. A platform that registers its random
 * source with kdev_register_rng_source gets this device in front of it: it
 * serves KDEV_RNG, answers RNG_READ from a ChaCha20 CSPRNG seeded (and
 * reseeded) from the source, and passes KRNG_FLAG_RAW requests through. */
#define KRNG_SEED_BYTES 32
/* A source may answer with fewer bytes than asked (virtio-rng may): the
 * seed read then asks for the rest, and gives up after this many answers
 * in a row with no byte at all. */
#define KRNG_SEED_EMPTY_MAX 8
typedef struct {
  kdevice_t dev; /* class KDEV_RNG, serves the class */
  kdevice_t *hw; /* the source: seeds and RAW requests */
  csprng_t rng;
  bool seeded;     /* a seed read has succeeded */
  krng_req_t seed; /* the internal RAW read of the source */
  uint8_t seed_buf[KRNG_SEED_BYTES];
  uint32_t seed_have;   /* bytes of seed_buf filled by this seed read */
  uint32_t seed_empty;  /* reads in a row that returned no byte */
  kwork_list_t waiting; /* LIVE requests that wait for the first seed */
  ktime_t seeded_at;    /* when the last seed read ended */
  uint64_t since_seed;  /* bytes handed out since then */
  uint64_t seeds;       /* seed reads that succeeded */
} krng_dev_t;

#endif
