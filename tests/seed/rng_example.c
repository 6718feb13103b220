/* The RNG example of ../shared/seeds/picokernel-for-async-io.md ("User API"),
 * kept byte for byte between the markers. The seed defines the callback after
 * kmain_usermain takes its address, so a prototype comes first. */
#include "kapi.h"

static void on_random_ready(kwork_t *work);

/* Verbatim, as the seed has it: */
/* clang-format off */
/* ---- begin seed example ---- */
typedef struct {
  krng_req_t rng_req;
  uint8_t random_buf[32];
} kuser_t;

static kuser_t g_user;
void kmain_usermain(kernel_t* k) {
  kuser_t* ctx = &g_user;

  // Submission
  // 1. Configure the work item with a callback
  kwork_init(&ctx->rng_req.work, KWORK_OP_RNG_READ, ctx, on_random_ready, 0);
  // 2. Configure the request
  ctx->rng_req.buffer = ctx->random_buf;
  ctx->rng_req.length = 32;
  // 3. Submit to queue (non-blocking!)
  KASSERT(ksubmit(k, &ctx->rng_req.work) == KERR_OK);
}

// 4. Callback fires when ready
static void on_random_ready(kwork_t *work) {
  kuser_t *ctx = work->ctx;
  krng_req_t *req = KCONTAINER_OF(work, krng_req_t, work);
  KASSERT(work->result == KERR_OK);
  KASSERT(req->completed == 32);

  printk("Random bytes: ");
  for (size_t i = 0; i < 32; i++) {
    printk_hex8(ctx->random_buf[i]);
  }
  printk("\n");
}
/* ---- end seed example ---- */
/* clang-format on */
