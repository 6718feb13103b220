/* rng_check.c: random bytes through the public API.
 *  - 4 KiB in one request: complete, and not all the same byte;
 *  - 64 raw device bytes (KRNG_FLAG_RAW): complete, not all the same;
 *  - two requests in a row do not return the same bytes. */
#include "check.h"

static struct {
  kernel_t *k;
  krng_req_t big, raw, again;
  uint8_t buf[4096], rawbuf[64], againbuf[64];
  unsigned done;
} g;

static bool all_equal(const uint8_t *b, size_t n) {
  for (size_t i = 1; i < n; i++)
    if (b[i] != b[0])
      return false;
  return true;
}

static void on_done(kwork_t *w) {
  krng_req_t *r = KCONTAINER_OF(w, krng_req_t, work);
  CHECK(w->result == KERR_OK);
  CHECK(r->completed == r->length);
  CHECK(!all_equal(r->buffer, r->length));
  if (++g.done < 3)
    return;
  bool same = true;
  for (size_t i = 0; i < sizeof(g.againbuf); i++)
    same = same && g.againbuf[i] == g.buf[i];
  CHECK(!same);
  check_done(g.k);
}

static void submit(krng_req_t *r, uint8_t *buf, size_t n, uint32_t flags) {
  kwork_init(&r->work, KWORK_OP_RNG_READ, NULL, on_done, flags);
  r->buffer = buf;
  r->length = n;
  CHECK(ksubmit(g.k, &r->work) == KERR_OK);
}

void kmain_usermain(kernel_t *k) {
  g.k = k;
  check_name = "rng-check";
  submit(&g.big, g.buf, sizeof(g.buf), 0);
  submit(&g.raw, g.rawbuf, sizeof(g.rawbuf), KRNG_FLAG_RAW);
  submit(&g.again, g.againbuf, sizeof(g.againbuf), 0);
}
